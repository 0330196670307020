"""A generated news corpus for the benchmark, built from real article text.

The paragraphs come from the project's sample corpus (examples/corpus) and the real scraped pages in
../shared/seeds, read where they lie at bench time and never copied into the repository. Each generated article
recombines them (whole paragraphs, and paragraphs spliced from the sentences of two), swaps actor names, countries,
places and dates consistently within the article, adds plain sentences that name no actor and report no event, and
wraps the result in the clutter real pages carry (navigation, cookie banners, bylines, share prompts, "Read also"
lines). Documents come as .html pages, .txt extracts, JSONL records and WARC response records; a planted share
of them are syndicated copies, near-duplicates and URL variants of earlier ones, listed in the manifest.

The same seed and the same source text give byte-identical files on every machine.

    .venv/bin/python bench/corpus.py DEST --docs 1000 [--seed 7]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import io
import json
import os
import random
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))

GENERATOR_VERSION = 3  # bump when the output changes, so cached corpora are rebuilt
SHARD = 1000           # documents per sub-folder (100k files in one folder is slow to list)
DUPLICATE_RATE = 0.075
KINDS = ("syndicated", "near", "url")  # exact copy elsewhere; edited copy; same page under another URL
FORMATS = (("html", 0.42), ("txt", 0.25), ("jsonl", 0.21), ("warc", 0.10), ("error", 0.02))


def source_dirs() -> list[Path]:
    return [p for p in (REPO / "examples" / "corpus", SHARED / "seeds") if p.is_dir()]


# --- reading the real paragraphs ----------------------------------------------------------------------------
class _Paragraphs(HTMLParser):
    """Text of <p> and <h1> elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.titles: list[str] = []
        self._buf: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "h1"):
            self._buf, self._tag = [], tag

    def handle_endtag(self, tag):
        if tag == self._tag and self._buf is not None:
            text = " ".join("".join(self._buf).split())
            (self.titles if tag == "h1" else self.paragraphs).append(text)
            self._buf = None

    def handle_data(self, data):
        if self._buf is not None:
            self._buf.append(data)


_CLUTTER_START = re.compile(r"^(read also|read more|related|share|by |advertisement|subscribe|sign up|we use cookies|"
                            r"this site uses|©|copyright|follow us|photo|image|click)", re.I)


# Page furniture that reads like prose: rights notices, disclaimers, author notes, error messages.
_CLUTTER_ANYWHERE = re.compile(r"©|\(c\) |all rights reserved|disclaimer|about the author|cookie|not responsible|"
                               r"could not be found|looking for doesn|error 404|error!|sign in to|to comment|"
                               r"translated and edited|provides the information|reproduc|republished|online editor", re.I)
_AUTHOR_NOTE = re.compile(r"^[A-Z]\w+ [A-Z]\w+ (is (the|a|an) |is \w+'s |covers )")


def _prose(text: str) -> bool:
    """A paragraph of running prose, not a menu, caption, prompt or notice."""
    return (len(text.split()) >= 12 and text.rstrip()[-1:] in ".!?\"”’'" and not _CLUTTER_START.match(text)
            and not _CLUTTER_ANYWHERE.search(text) and not _AUTHOR_NOTE.match(text))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # one sample page is in Windows-1252
        return data.decode("cp1252", "replace")


def _html_texts(page: str) -> tuple[list[str], list[str]]:
    parser = _Paragraphs()
    parser.feed(page)
    return parser.paragraphs, parser.titles


def _warc_pages(data: bytes) -> list[str]:
    """HTTP bodies of the response records of a (possibly gzipped) WARC."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    pages = []
    for block in data.split(b"WARC/1.0\r\n")[1:]:
        parts = block.split(b"\r\n\r\n", 2)  # WARC headers, HTTP headers, body
        if len(parts) == 3 and b"WARC-Type: response" in parts[0]:
            pages.append(_decode(parts[2]))
    return pages


def read_sources(dirs: list[Path] | None = None) -> tuple[list[str], list[str]]:
    """(paragraphs, titles) of real prose in the source folders, in a fixed order, each once."""
    paragraphs: list[str] = []
    titles: list[str] = []
    for folder in dirs if dirs is not None else source_dirs():
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            texts: list[str] = []
            if path.name.endswith((".warc", ".warc.gz")):
                for page in _warc_pages(data):
                    p, t = _html_texts(page)
                    texts += p
                    titles += t
            elif path.suffix in (".html", ".htm"):
                p, t = _html_texts(_decode(data))
                texts += p
                titles += t
            elif path.suffix == ".jsonl":
                for line in _decode(data).splitlines():
                    row = json.loads(line)
                    texts += (row.get("text") or "").splitlines()
                    titles += [row["title"]] if row.get("title") else []
            else:
                texts += _decode(data).splitlines()
            paragraphs += [" ".join(t.split()) for t in texts]
    return _unique(p for p in paragraphs if _prose(p)), _unique(t for t in titles if 4 <= len(t.split()) <= 20)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


# --- variation ------------------------------------------------------------------------------------------------
# People who appear in the source text (full name, the short form used on second mention).
KNOWN_PEOPLE = [("Vladimir Putin", "Putin"), ("Joe Biden", "Biden"), ("Sergei Lavrov", "Lavrov"),
                ("Sergey Lavrov", "Lavrov"), ("Antony Blinken", "Blinken"), ("Dmitry Peskov", "Peskov"),
                ("Sergei Ryabkov", "Ryabkov"), ("Sergey Ryabkov", "Ryabkov"), ("Wendy Sherman", "Sherman"),
                ("Anatoly Antonov", "Antonov"), ("Barack Obama", "Obama"), ("Donald Trump", "Trump"),
                ("Mike Pompeo", "Pompeo"), ("Jake Sullivan", "Sullivan"), ("John Sullivan", "Sullivan"),
                ("Maria Zakharova", "Zakharova"), ("Recep Tayyip Erdogan", "Erdogan"), ("Brittney Griner", "Griner"),
                ("Viktor Bout", "Bout"), ("Paul Whelan", "Whelan"), ("Trevor Reed", "Reed"), ("Guy Parmelin", "Parmelin"),
                ("Sauli Niinisto", "Niinisto"), ("Rex Tillerson", "Tillerson"), ("John Kerry", "Kerry"),
                ("Marco Rubio", "Rubio"), ("Steve Witkoff", "Witkoff"), ("Mike Waltz", "Waltz"), ("Yuri Ushakov", "Ushakov"),
                ("Alexei Navalny", "Navalny"), ("Jens Stoltenberg", "Stoltenberg"), ("Mark Esper", "Esper"),
                ("Volodymyr Zelensky", "Zelensky")]
# Office-holders to put in their place.
OTHER_PEOPLE = [("Emmanuel Macron", "Macron"), ("Olaf Scholz", "Scholz"), ("Xi Jinping", "Xi"), ("Wang Yi", "Wang"),
                ("Narendra Modi", "Modi"), ("Subrahmanyam Jaishankar", "Jaishankar"), ("Fumio Kishida", "Kishida"),
                ("Volodymyr Zelensky", "Zelensky"), ("Dmytro Kuleba", "Kuleba"), ("Annalena Baerbock", "Baerbock"),
                ("Jens Stoltenberg", "Stoltenberg"), ("Antonio Guterres", "Guterres"), ("Josep Borrell", "Borrell"),
                ("Ursula von der Leyen", "von der Leyen"), ("Cyril Ramaphosa", "Ramaphosa"),
                ("Benjamin Netanyahu", "Netanyahu"), ("Abdel Fattah el-Sisi", "Sisi"), ("Andrzej Duda", "Duda"),
                ("Yoon Suk Yeol", "Yoon"), ("Mevlut Cavusoglu", "Cavusoglu"), ("Hakan Fidan", "Fidan"),
                ("Ebrahim Raisi", "Raisi"), ("Rishi Sunak", "Sunak"), ("James Cleverly", "Cleverly"),
                ("Giorgia Meloni", "Meloni"), ("Pedro Sanchez", "Sanchez"), ("Justin Trudeau", "Trudeau"),
                ("Anthony Albanese", "Albanese"), ("Shehbaz Sharif", "Sharif"), ("Bola Tinubu", "Tinubu")]
OTHER_PEOPLE += [p for p in KNOWN_PEOPLE if p[1] not in ("Navalny", "Griner", "Bout", "Whelan", "Reed")]
# (name, adjective, capital)
COUNTRIES = [("France", "French", "Paris"), ("Germany", "German", "Berlin"), ("China", "Chinese", "Beijing"),
             ("Turkey", "Turkish", "Ankara"), ("Iran", "Iranian", "Tehran"), ("India", "Indian", "New Delhi"),
             ("Japan", "Japanese", "Tokyo"), ("Brazil", "Brazilian", "Brasilia"), ("Ukraine", "Ukrainian", "Kyiv"),
             ("Poland", "Polish", "Warsaw"), ("Saudi Arabia", "Saudi", "Riyadh"), ("Israel", "Israeli", "Jerusalem"),
             ("Egypt", "Egyptian", "Cairo"), ("South Africa", "South African", "Pretoria"),
             ("Britain", "British", "London"), ("Pakistan", "Pakistani", "Islamabad"), ("Nigeria", "Nigerian", "Abuja"),
             ("Mexico", "Mexican", "Mexico City"), ("South Korea", "South Korean", "Seoul"),
             ("Indonesia", "Indonesian", "Jakarta")]
CITIES = ["Geneva", "Vienna", "Istanbul", "Reykjavik", "Riyadh", "Helsinki", "Brussels", "Anchorage", "Ankara",
          "Paris", "Berlin", "Doha", "Oslo", "Singapore", "Jeddah", "Minsk", "Astana", "Baku", "Abu Dhabi", "Rome",
          "Stockholm", "Warsaw", "Cairo", "New Delhi", "Tokyo", "Nairobi", "Addis Ababa", "Bangkok", "Madrid"]
SWAPPED_CITIES = CITIES[:9]  # the venues the source text uses
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _variation(rng: random.Random) -> dict[str, str]:
    """One article's consistent swaps: people, maybe one country, venues, weekdays, months and years."""
    swap: dict[str, str] = {}
    for full, short in KNOWN_PEOPLE:
        if rng.random() < 0.5:
            new_full, new_short = rng.choice(OTHER_PEOPLE)
            swap[full] = new_full
            swap.setdefault(short, new_short)
    if rng.random() < 0.35:
        name, adj, capital = rng.choice(COUNTRIES)
        plural = adj if adj.endswith(("sh", "ch", "ese")) else adj + "s"
        if rng.random() < 0.5:
            swap.update({"Russia": name, "Russian": adj, "Russians": plural, "Moscow": capital})
        else:
            swap.update({"the United States": name, "United States": name, "American": adj, "Americans": plural,
                         "Washington": capital})
    for city in SWAPPED_CITIES:
        if rng.random() < 0.5:
            new = rng.choice(CITIES)
            swap.setdefault(city, new)
            swap.setdefault(city.upper(), new.upper())
    shift = rng.randrange(7)
    swap.update({d: WEEKDAYS[(i + shift) % 7] for i, d in enumerate(WEEKDAYS)} if shift else {})
    shift = rng.randrange(12)
    swap.update({m: MONTHS[(i + shift) % 12] for i, m in enumerate(MONTHS)} if shift else {})
    years = rng.randint(-4, 3)
    if years:
        swap.update({str(y): str(y + years) for y in range(2008, 2024)})
    return swap


def _apply(text: str, swap: dict[str, str]) -> str:
    if not swap:
        return text
    keys = sorted(swap, key=len, reverse=True)  # longest first: "Vladimir Putin" before "Putin"
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b")
    return pattern.sub(lambda m: swap[m.group(0)], text)


# Plain sentences: no actor, no event, as real copy has between its news lines.
PLAIN = [
    "The meeting lasted a little over {n} hours.", "Temperatures in the city reached {t} degrees on the day.",
    "The full text of the statement was published later in the evening.", "Traffic was heavy on the roads into the centre.",
    "The talks were held behind closed doors.", "Reporters waited outside for most of the afternoon.",
    "It was not immediately clear how long the process would take.", "The figures have not been independently verified.",
    "The venue had been closed to the public since the morning.", "Details of the schedule were not released in advance.",
    "The session began about {n}0 minutes later than planned.", "Markets in the region closed slightly {updown} on the day.",
    "The building was renovated in {y} and can seat several hundred guests.",
    "It is the {ord} such meeting this year.", "The report runs to {n}{n} pages and includes several annexes.",
    "Analysts said the outcome was broadly in line with expectations.", "The weather was {weather} for most of the visit.",
    "Further rounds are expected later in the year, though no dates have been set.",
    "The sessions were broadcast live on several channels.", "Tickets for the public events sold out within hours.",
    "Turnout at the evening reception was lower than last year.", "The documents run to more than {n}00 pages in all.",
    "Local media carried the story on their front pages the next morning.", "The hotel was fully booked for the week.",
    "Flights into the city were delayed by up to {n} hours because of fog.", "Prices rose by {n}.{n} percent over the year.",
    "The town has a population of about {n}0,000.", "The road to the venue was closed for most of the day.",
]
PLAIN_SLOTS = {"updown": ["higher", "lower"], "weather": ["mild", "wet", "cold", "hot and humid", "windy"],
               "ord": ["second", "third", "fourth", "fifth"]}


def _plain(rng: random.Random) -> str:
    sentences = rng.sample(PLAIN, rng.randint(2, 4))
    return " ".join(s.format(n=rng.randint(2, 9), t=rng.randint(-5, 35), y=rng.randint(1960, 2015),
                             **{k: rng.choice(v) for k, v in PLAIN_SLOTS.items()}) for s in sentences)


_BREAK = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“])")
_ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "Jan", "Feb", "Aug", "Sept",
                  "Sep", "Oct", "Nov", "Dec", "No", "Jr", "Sr", "Corp", "Inc", "Co", "vs"}


def _sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph, not cut after "Mr." or an initial ("U.S.")."""
    out, start = [], 0
    for m in _BREAK.finditer(paragraph):
        words = paragraph[start:m.start()].split()
        last = words[-1] if words else ""
        if last in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", last):
            continue
        out.append(paragraph[start:m.end()].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [x for x in out if x]


# --- one article ------------------------------------------------------------------------------------------------
OUTLETS = ["Harbor Ledger", "The Meridian Post", "Continental Wire", "Northgate Times", "Eastern Standard",
           "Global Affairs Daily", "The Capital Observer", "Riverside Herald", "World Desk Today", "Atlas News",
           "The Coastal Courier", "Summit Report", "Lakeside Tribune", "Frontier Dispatch", "Union Gazette"]
FIRST = ["Anna", "Mark", "Lena", "Tomas", "Sofia", "David", "Ines", "Pavel", "Grace", "Omar", "Julia", "Kenji", "Maria",
         "Lukas", "Nadia", "Peter", "Clara", "Ravi", "Elena", "Samuel"]
LAST = ["Keller", "Novak", "Brenner", "Hale", "Marsh", "Okafor", "Lindqvist", "Moreau", "Castillo", "Varga", "Tanaka",
        "Reyes", "Holm", "Duarte", "Abbott", "Ferrand", "Ivers", "Lowe", "Sato", "Whitfield"]
SECTIONS = ["Home", "World", "Politics", "Business", "Opinion", "Sport", "Culture", "Science", "Video", "Podcasts",
            "Europe", "Asia", "Middle East", "Americas", "Africa", "Newsletters", "Subscribe", "Sign in", "Search", "Menu"]
COOKIES = ["We use cookies to personalise content and ads and to analyse our traffic. Accept all",
           "This site uses cookies. By continuing to browse you agree to our use of cookies. OK",
           "We value your privacy. We and our partners store and access information on your device. Manage preferences",
           "Cookies help us deliver our services. Learn more Got it"]
SHARES = ["Share this article", "Share on Facebook Share on Twitter Email", "Share: Facebook | X | WhatsApp | Copy link",
          "Follow us on Telegram", "Sign up for our daily newsletter", "Print this page"]
FOOTERS = ["© {y} {o}. All rights reserved.", "Terms of use | Privacy policy | Contact us", "Comments are closed.",
           "Leave a Reply", "Most read", "Advertisement"]


@dataclass
class Article:
    title: str
    paragraphs: list[str]
    outlet: str
    author: str
    published: datetime
    slug: str
    url: str = ""
    words: int = 0
    extra: dict = field(default_factory=dict)


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8]) or "story"


def _domain(outlet: str) -> str:
    return re.sub(r"[^a-z]", "", outlet.lower().replace("the ", "")) + ".example"


def make_article(rng: random.Random, paragraphs: list[str], titles: list[str]) -> Article:
    swap = _variation(rng)
    target = rng.randint(420, 600)
    body: list[str] = []
    words = 0
    plain_left = rng.randint(1, 3)
    while words < target:
        roll = rng.random()
        if plain_left and body and roll < 0.18:  # the lead is always news copy
            text = _plain(rng)
            plain_left -= 1
        elif body and roll < 0.45:  # a paragraph spliced from the first half of one and the second half of another
            a, b = _sentences(rng.choice(paragraphs)), _sentences(rng.choice(paragraphs))
            if len(a) < 2 or len(b) < 2:
                continue
            text = " ".join(a[:len(a) // 2] + b[len(b) // 2:])
        else:
            text = rng.choice(paragraphs)
        text = _apply(text, swap)
        if text in body:
            continue
        body.append(text)
        words += len(text.split())
    if rng.random() < 0.5:
        title = _apply(rng.choice(titles), swap)
    else:  # a headline from the lead: its first clause, without a dateline
        first = re.sub(r"^[A-Z][A-Z .,]+(\([^)]*\))?[^A-Za-z\"“]*(?=[A-Z\"“])", "", _sentences(body[0])[0])
        clause = re.split(r",|;| — | – | - ", first)[0].split()
        title = " ".join(clause[:14]).rstrip(".:\"”")
        if len(clause) < 5 or title[:1] in "\"“":  # a quote makes no headline
            title = _apply(rng.choice(titles), swap)
    outlet = rng.choice(OUTLETS)
    published = datetime(2016, 1, 1, 5) + timedelta(days=rng.randrange(8 * 365), minutes=rng.randrange(17 * 60))
    art = Article(title=title, paragraphs=body, outlet=outlet, author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                  published=published, slug=_slug(title), words=words)
    art.url = f"https://www.{_domain(outlet)}/{published:%Y/%m/%d}/{art.slug}-{rng.randrange(10 ** 6):06d}"
    return art


def syndicated(rng: random.Random, art: Article) -> Article:
    """The same story carried by another outlet: same body, its own page and byline, a few days later (a later date,
    not just a later hour, so that the copy is the duplicate even where only the date is known)."""
    outlet = rng.choice([o for o in OUTLETS if o != art.outlet])
    published = art.published + timedelta(days=rng.randint(1, 3), minutes=rng.randint(-300, 300))
    copy = Article(title=art.title, paragraphs=list(art.paragraphs), outlet=outlet, author=art.author,
                   published=published, slug=art.slug, words=art.words)
    copy.url = f"https://{_domain(outlet)}/news/{published:%Y%m%d}/{art.slug}"
    return copy


def near_copy(rng: random.Random, art: Article) -> Article:
    """A lightly edited re-run: one paragraph dropped near the end, one sentence reworded, a new title prefix."""
    copy = syndicated(rng, art)
    body = list(art.paragraphs)
    if len(body) > 4:
        del body[rng.randrange(len(body) - 3, len(body))]
    i = rng.randrange(len(body))
    sentences = _sentences(body[i])
    sentences[-1] = sentences[-1].rstrip(".") + ", officials said."
    body[i] = " ".join(sentences)
    copy.paragraphs = body
    copy.title = rng.choice(["UPDATE: ", "Analysis: ", "Wire: ", ""]) + art.title
    return copy


def url_variant(rng: random.Random, art: Article) -> str:
    return rng.choice([art.url + "?utm_source=rss&utm_medium=feed", art.url + "/", art.url + "#comments",
                       art.url.replace("https://www.", "http://"), art.url + "?ref=homepage&amp=1"])


def refeed(rng: random.Random, art: Article) -> Article:
    """The same page as a feed carries it: same text, stamped with the feed's update time the next day."""
    copy = Article(**{**art.__dict__, "extra": {}})
    copy.published = art.published + timedelta(days=1, minutes=rng.randint(5, 90))
    copy.url = url_variant(rng, art)
    return copy


# --- formats ------------------------------------------------------------------------------------------------------
def _read_also(rng: random.Random, titles: list[str]) -> str:
    return f"{rng.choice(['Read also', 'Read more', 'Related', 'See also'])}: {rng.choice(titles)}"


def as_text(rng: random.Random, art: Article, titles: list[str]) -> str:
    """A scraper's text extract: menus, the title, a byline, the story with prompts in it, the page's tail."""
    lines = [art.outlet, " | ".join(rng.sample(SECTIONS, 7)), rng.choice(["Subscribe", "Search", "Menu", "Log in"]), "",
             art.title, "", f"By {art.author}", f"Published {art.published:%d %B %Y, %H:%M}", rng.choice(SHARES), ""]
    body = list(art.paragraphs)
    body.insert(rng.randint(2, max(2, len(body) - 1)), _read_also(rng, titles))
    if rng.random() < 0.3:
        body.insert(rng.randint(1, len(body)), "Advertisement")
    if rng.random() < 0.15:  # a scraper that took the lead twice
        body.insert(1, body[0])
    lines += body + ["", rng.choice(SHARES), rng.choice(COOKIES), "Related stories"]
    lines += [rng.choice(titles) for _ in range(3)] + [rng.choice(FOOTERS).format(y=art.published.year, o=art.outlet)]
    return "\n".join(lines) + "\n"


def as_html(rng: random.Random, art: Article, titles: list[str]) -> str:
    e = html.escape
    nav = "".join(f'<li><a href="/{s.lower().replace(" ", "-")}">{e(s)}</a></li>' for s in rng.sample(SECTIONS, 9))
    body = [f"<p>{e(p)}</p>" for p in art.paragraphs]
    body.insert(rng.randint(2, max(2, len(body) - 1)), f'<p class="related"><a href="/r">{e(_read_also(rng, titles))}</a></p>')
    related = "".join(f'<li><a href="/s/{i}">{e(rng.choice(titles))}</a></li>' for i in range(4))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{e(art.title)} | {e(art.outlet)}</title>\n'
            f'<meta name="author" content="{e(art.author)}">\n<meta property="og:site_name" content="{e(art.outlet)}">\n'
            f'<meta property="og:title" content="{e(art.title)}">\n<meta property="og:url" content="{e(art.url)}">\n'
            f'<meta property="article:published_time" content="{art.published:%Y-%m-%dT%H:%M:00Z}">\n'
            f'<link rel="canonical" href="{e(art.url)}">\n'
            f'<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"section":"world"}});</script>\n</head>\n<body>\n'
            f'<div class="cookie-banner">{e(rng.choice(COOKIES))} <button>Accept</button></div>\n'
            f'<header><a class="logo" href="/">{e(art.outlet)}</a><nav><ul>{nav}</ul></nav></header>\n<main>\n'
            f'<article>\n<h1>{e(art.title)}</h1>\n<p class="byline">By <a href="/authors/x">{e(art.author)}</a></p>\n'
            f'<div class="share"><a href="#">{e(rng.choice(SHARES))}</a></div>\n' + "\n".join(body) +
            f'\n</article>\n<aside><h3>Most read</h3><ul>{related}</ul></aside>\n</main>\n'
            f'<footer><p>{e(rng.choice(FOOTERS).format(y=art.published.year, o=art.outlet))}</p>'
            f'<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>\n</body>\n</html>\n')


def error_page(rng: random.Random) -> str:
    outlet = rng.choice(OUTLETS)
    return (f"<!DOCTYPE html><html><head><title>Page not found | {html.escape(outlet)}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><h1>404</h1><p>Sorry, the page you were "
            f"looking for does not exist or has been moved.</p><p><a href='/'>Back to the home page</a></p></body></html>")


def as_jsonl(rng: random.Random, art: Article, titles: list[str]) -> dict:
    row = {"url": art.url, "published": f"{art.published:%Y-%m-%dT%H:%M:00Z}",
           "title": art.title, "outlet": art.outlet}
    if rng.random() < 0.3:
        row["html"] = as_html(rng, art, titles)
    else:  # a feed's text field: the title, a dateline-ish line, the story with a prompt or two
        lines = [art.title, f"World | {art.outlet}"] + list(art.paragraphs)
        lines.insert(rng.randint(3, len(lines)), _read_also(rng, titles))
        row["text"] = "\n".join(lines)
    return row


def warc_record(rng: random.Random, url: str, page: str, crawled: date) -> bytes:
    body = page.encode("utf-8")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()) + body
    record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
            f"WARC-Date: {crawled.isoformat()}T12:00:00Z\r\nWARC-Target-URI: {url}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:  # one gzip member per record, as crawlers write
        gz.write(head + http + b"\r\n\r\n")
    return raw.getvalue()


# --- the corpus ---------------------------------------------------------------------------------------------------
def pool_hash(paragraphs: list[str], titles: list[str]) -> str:
    h = hashlib.sha1(f"v{GENERATOR_VERSION}".encode())
    for text in paragraphs + ["\x00"] + titles:
        h.update(text.encode("utf-8") + b"\n")
    return h.hexdigest()[:10]


def generate(dest: Path, n: int, seed: int = 7, dirs: list[Path] | None = None) -> dict:
    """Write n documents under dest/docs and describe them in dest/manifest.json (written last: its presence means
    the corpus is complete). Returns the manifest."""
    paragraphs, titles = read_sources(dirs)
    if len(paragraphs) < 20 or not titles:
        raise SystemExit(f"too little source text in {[str(d) for d in (dirs or source_dirs())]}")
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    docs_dir = dest / "docs"
    dup_count = round(n * DUPLICATE_RATE)
    dup_at = set(rng.sample(range(2, n), min(dup_count, max(0, n - 2)))) if n > 2 else set()
    formats, weights = zip(*FORMATS)

    originals: list[tuple[str, Article, str]] = []  # (key, article, format), the most recent few hundred
    duplicates: list[dict] = []
    counts: dict[str, int] = {}
    words = 0
    shard_files: dict[str, list] = {}  # shard -> [jsonl rows], [warc records]

    def place(i: int, fmt: str, art: Article | None) -> str:
        shard = f"s{i // SHARD:03d}"
        folder = docs_dir / shard
        folder.mkdir(parents=True, exist_ok=True)
        rows, records = shard_files.setdefault(shard, ([], []))
        counts[fmt] = counts.get(fmt, 0) + 1
        if fmt == "error":
            name = f"{shard}/page{i:06d}.html"
            (docs_dir / name).write_text(error_page(rng), encoding="utf-8")
        elif fmt == "html":
            name = f"{shard}/{art.slug[:40]}-{i:06d}.html"
            (docs_dir / name).write_text(as_html(rng, art, titles), encoding="utf-8")
        elif fmt == "txt":
            name = f"{shard}/{art.slug[:40]}-{i:06d}.txt"
            (docs_dir / name).write_text(as_text(rng, art, titles), encoding="utf-8")
        elif fmt == "jsonl":
            rows.append(as_jsonl(rng, art, titles))
            name = f"{shard}/feed.jsonl#{len(rows)}"
        else:
            records.append(warc_record(rng, art.url, as_html(rng, art, titles),
                                       (art.published + timedelta(days=rng.randint(1, 30))).date()))
            name = f"{shard}/crawl.warc.gz#{len(records)}"
        return name

    for i in range(n):
        fmt = rng.choices(formats, weights)[0]
        if i in dup_at and originals:
            kind = KINDS[len(duplicates) % len(KINDS)]
            pick = [o for o in originals if kind != "url" or o[2] != "txt"] or originals
            of_key, original, _ = rng.choice(pick)
            if kind == "url":
                key = place(i, "jsonl", refeed(rng, original))
            else:
                copy = syndicated(rng, original) if kind == "syndicated" else near_copy(rng, original)
                key = place(i, fmt if fmt != "error" else "html", copy)
            duplicates.append({"doc": key, "of": of_key, "kind": kind})
            continue
        if fmt == "error":
            place(i, fmt, None)
            continue
        art = make_article(rng, paragraphs, titles)
        words += art.words
        key = place(i, fmt, art)
        originals = (originals + [(key, art, fmt)])[-300:]

    for shard, (rows, records) in shard_files.items():
        if rows:
            with open(docs_dir / shard / "feed.jsonl", "w", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if records:
            (docs_dir / shard / "crawl.warc.gz").write_bytes(b"".join(records))
    manifest = {"docs": n, "seed": seed, "generator_version": GENERATOR_VERSION,
                "pool": {"paragraphs": len(paragraphs), "titles": len(titles), "hash": pool_hash(paragraphs, titles),
                         "sources": [str(d) for d in (dirs if dirs is not None else source_dirs())]},
                "formats": counts, "original_words": words, "duplicates": duplicates,
                "duplicate_kinds": {k: sum(d["kind"] == k for d in duplicates) for k in KINDS}}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def cached(root: Path, n: int, seed: int = 7) -> tuple[Path, dict]:
    """The corpus for (n, seed, source text), generated under root once and reused after."""
    paragraphs, titles = read_sources()
    dest = root / f"corpus-n{n}-s{seed}-{pool_hash(paragraphs, titles)}"
    manifest_path = dest / "manifest.json"
    if manifest_path.exists():
        return dest / "docs", json.loads(manifest_path.read_text(encoding="utf-8"))
    for stale in root.glob(f"corpus-n{n}-s{seed}-*"):  # made by an older generator or from other source text
        shutil.rmtree(stale, ignore_errors=True)
    return dest / "docs", generate(dest, n, seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    manifest = generate(args.dest, args.docs, args.seed)
    print(json.dumps({k: v for k, v in manifest.items() if k != "duplicates"}, indent=1))


if __name__ == "__main__":
    main()
