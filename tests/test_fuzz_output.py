"""Random input in every field a brief shows: brief.md renders (markdown-it-py, CommonMark with raw HTML on) to
exactly the text that came in, in the brief's own structure, with links only to http and https; brief.html holds
no element or attribute that could run script. Seeded, so a failure is the same on every run; DETENTE_FUZZ=N runs
N times as many cases, from other seeds too (DETENTE_FUZZ_SEED)."""
import os
import random
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from detente.brief import build_brief, render_html, render_markdown
from detente.brief.content import safe_url
from detente.brief.markdown import md_link, md_text
from detente.resolve import merge_incidents
from detente.types import Actor, Document, Event, Quote, Removed

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py comes with rich")

# Pieces that mean something to Markdown, HTML or a URL parser, and line breaks of every kind.
PIECES = ["<", ">", "&", "&lt;", "&#60;", "&#x3C;", "&amp;", "&nbsp;", "\\", "`", "```", "*", "**", "_", "~~", "[",
          "]", "(", ")", "](", "![", "#", "# ", "## ", "|", "|---|", "-", "- ", "+ ", "1. ", "2) ", "=", "===", "---",
          ">", "> ", "!", ":", "javascript:", "JaVaScRiPt:", "data:", "http://", "https://x.org/", "www.x.org", "\n",
          "\r\n", "\r", "\n\n", "\t", "    ", " ", "  ", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
          "\u00a0", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<!--", "-->", "<![CDATA[", "<?", "'", '"',
          "$", "{", "}", "%", "%20", "é", "Лавров", "→", "word", "Lavrov", "2021", "0", "A"]

SCALE = int(os.environ.get("DETENTE_FUZZ", "1"))
SEED = int(os.environ.get("DETENTE_FUZZ_SEED", "0"))

PLAIN = ["p", "h3", "blockquote", "ul", "li", "strong", "em", "a", "code", "br"]


def fuzz(rng: random.Random, most: int = 12) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def one_line(text: str) -> str:
    """What a reader should see: the text on one line, control characters gone, whitespace runs as one space."""
    return " ".join("".join(ch for ch in text if ch.isspace() or not (ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f)).split())


class Page(HTMLParser):
    """The tags, link targets and text of a rendered page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.hrefs, self.attrs, self.chunks, self.headings = [], [], [], [], []
        self._heading = None
        self.feed(html)
        self.close()
        self.text = "".join(self.chunks)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]
        self.hrefs += [value for name, value in attrs if name in ("href", "src", "xlink:href", "action", "formaction")]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [tag, ""]

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append(tuple(self._heading))
            self._heading = None

    def handle_data(self, data):
        self.chunks.append(data)
        if self._heading:
            self._heading[1] += data


def renderers():
    """markdown-it-py as it comes (CommonMark, raw HTML on), and one like GitHub's (tables, strikethrough) that
    trusts the Markdown's links."""
    permissive = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    permissive.validateLink = lambda url: True
    return markdown_it.MarkdownIt(), permissive


# The places where the brief puts an input value: the Markdown around it, the tags it must render to, and the text.
CONTEXTS = [("{}", ["p"], "{}"), ("### {}", ["h3"], "{}"), ("> {}", ["blockquote", "p"], "{}"),
            ("- outlet: {}; source: x", ["ul", "li"], "outlet: {}; source: x"),
            ("- **{}** text", ["ul", "li", "strong"], "{} text"),
            ("- “{}” — **{}** (said)", ["ul", "li", "strong"], "“{}” — {} (said)"),
            ("- **2021** what  \n  > {}  \n  — cite", ["ul", "li", "strong", "blockquote", "p", "br"], "2021 what {} — cite")]


def test_md_text_renders_as_exactly_the_text_in_every_place_the_brief_puts_it():
    rng = random.Random(SEED + 1)
    failures = []
    for renderer in renderers():
        for _ in range(400 * SCALE):
            value = fuzz(rng)
            expected = one_line(value)
            if not expected:
                continue
            for template, tags, text in CONTEXTS:
                page = Page(renderer.render(template.replace("{}", md_text(value))))
                if page.tags != tags or " ".join(page.text.split()) != text.replace("{}", expected):
                    failures.append((template, value, page.tags, page.text))
    assert failures[:5] == []


def test_two_values_on_adjacent_lines_stay_one_quoted_paragraph():
    """Should a layout put two values on adjacent lines, they still cannot make a table or a heading together."""
    rng = random.Random(SEED + 6)
    for renderer in renderers():
        for _ in range(400 * SCALE):
            first, second = one_line(fuzz(rng)), one_line(rng.choice(["|---|", ":-|-", "---", "===", ""]) + fuzz(rng, 4))
            if first and second:
                page = Page(renderer.render(f"> {md_text(first)}\n> {md_text(second)}"))
                assert page.tags == ["blockquote", "p"] and " ".join(page.text.split()) == f"{first} {second}", \
                    (first, second, page.tags)


def test_md_text_is_one_line_and_opens_no_block():
    rng = random.Random(SEED + 2)
    for _ in range(2000 * SCALE):
        text = md_text(fuzz(rng, 20))
        assert "\n" not in text and "\r" not in text and text == text.strip()
        assert "<" not in text and ">" not in text


def test_links_go_only_to_http_and_https_with_the_url_intact():
    rng = random.Random(SEED + 3)
    schemes = ["http://", "https://", "HTTPS://", "javascript:", "JaVaScRiPt:", " javascript:", "java\tscript:",
               "\x01javascript:", "data:text/html,", "vbscript:", "file:///", "", "//", "http:", "https:\\\\", "mailto:"]
    hosts = ["example.org", "x.org:8080", "user@x.org", "[::1]", "x.org:99999", "", "ex ample.org", "Лавров.рф"]
    tails = ["", "/", "/a b", "/a(b)", "/[x]", "/<img src=x onerror=alert(1)>", "?q=1&lt;2&amp;x=\"'", "#f`o`o",
             "/%41%zz", "/\\", "/é", ")]", "\n# heading", "/**x**"]
    links = 0
    for renderer in renderers():
        for _ in range(1000 * SCALE):
            url = rng.choice(schemes) + rng.choice(hosts) + rng.choice(tails) + rng.choice(tails)
            page = Page(renderer.render("- url: " + md_link(url, url)))
            assert page.tags in (["ul", "li"], ["ul", "li", "a"]), (url, page.tags)
            assert " ".join(page.text.split()) == f"url: {one_line(url)}".strip(), url
            target = safe_url(url)
            if target is None:
                assert page.hrefs == [], url
                continue
            links += 1
            (href,) = page.hrefs
            assert urlsplit(href).scheme.lower() in ("http", "https"), (url, href)
            assert unquote(href) == unquote(target.replace(" ", "%20")), (url, href)
    assert links > 200 * SCALE  # the safe ones did become links


def random_brief(rng: random.Random):
    """A brief whose every input field is random."""
    docs, events, quotes = [], [], []
    for i in range(rng.randint(1, 6)):
        doc = Document(f"d{i}", fuzz(rng) or "src", url=fuzz(rng), status=rng.choice(["article", "duplicate", fuzz(rng)]),
                       title=fuzz(rng), outlet=fuzz(rng), author=fuzz(rng), published=fuzz(rng, 3),
                       published_basis=fuzz(rng, 3), text=fuzz(rng, 30), error=fuzz(rng) or None,
                       duplicate_of=rng.choice([None, fuzz(rng, 3)]), removed=[Removed(fuzz(rng), fuzz(rng, 2))])
        source = Actor(f"s{i}", fuzz(rng) or "S", rng.choice(["person", "state"]), country=rng.choice(["RUS", None]),
                       org=fuzz(rng, 3) or None, role=fuzz(rng) or None)
        target = Actor(f"t{i}", fuzz(rng) or "T", "org", org=fuzz(rng, 3) or None)
        docs.append(doc)
        events.append(Event(f"d{i}-e", doc.doc_id, fuzz(rng, 20), (0, 1), source, target, "036", "CONSULT", None, 1,
                            1.0, date=f"{2000 + i}-0{rng.randint(1, 9)}", confidence=0.8))
        quotes.append(Quote(f"d{i}-q", doc.doc_id, "one two three four " + fuzz(rng, 20), (0, 1), source, fuzz(rng, 3)))
    return build_brief(docs, events, quotes, merge_incidents(events, {d.doc_id: d.outlet for d in docs}))


def test_a_random_brief_keeps_its_own_structure_and_shows_every_field():
    rng = random.Random(SEED + 4)
    own = {"h1": {"Detente brief"}, "h2": {"Timeline", "Cooperation–conflict trend", "Key quotes", "Documents"},
           "h4": {"Clean text", "Removed lines"}}
    for renderer in renderers():
        for _ in range(40 * SCALE):
            brief = random_brief(rng)
            page = Page(renderer.render(render_markdown(brief)))
            assert set(page.tags) <= set(PLAIN) | {"h1", "h2", "h4"}, set(page.tags) - set(PLAIN)
            assert [tag for tag, _ in page.headings].count("h3") == len(brief.documents)
            assert all(text in own[tag] for tag, text in page.headings if tag in own), page.headings
            assert all(urlsplit(h).scheme in ("http", "https") for h in page.hrefs), page.hrefs
            text = " ".join(page.text.split())
            for d in brief.documents:
                for value in (d.title, d.outlet, d.author, d.url, d.error):
                    assert one_line(value or "") in text, value


def test_a_random_html_brief_has_no_live_markup():
    rng = random.Random(SEED + 5)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "table", "tr", "td",
               "th", "blockquote", "b", "ul", "li", "details", "summary", "br", "a", "svg", "line", "text", "polyline",
               "circle"}
    for _ in range(100 * SCALE):
        page = Page(render_html(random_brief(rng)))
        assert set(page.tags) <= allowed, set(page.tags) - allowed
        assert not [a for a in page.attrs if a[1].startswith("on")]
        assert all(urlsplit(h).scheme in ("http", "https") for h in page.hrefs), page.hrefs
