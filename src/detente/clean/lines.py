"""The line cleaner: scored rules over line features, then neighbour context.

Pass 1 scores each line on its own: cue phrases from cues.json (weighted by where in the line they occur
and how long the line is; a cue used as a "Label:" is strong), rows of share buttons, bare numbers, empty
"Label :" lines, link-like lines. A long line needs two hits, which may be for different reasons.
Then a site-name line at the top is found when its name recurs in the furniture further down (masthead).
Pass 2 reads lines in context: date headers and bylines (metadata), a name line followed by a
biography, or a staff bio closing the page (author_bio), the title above the first article paragraph with junk above it (tagline,
navigation), short lines after the last article paragraph (navigation), trailing "Read more" fragments.
Pass 3 removes the title's repeats (repeated_headline) and repeated paragraphs (duplicate_paragraph);
section labels inside a menu run are navigation.
Nothing here knows any site: only the shape and wording of web-page furniture.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Optional

from detente.clean.metadata import byline_author, dated_byline, header_dates, site_name_line
from detente.types import REMOVAL_REASONS, Removed

THRESHOLD = 1.0
LONG_LINE_WORDS = 15      # a line this long needs two cue hits to go: it is more likely prose
START_CUE_MAX_WORDS = 30
SHORT_WORDS, SHORT_WORDS_SOFT = 3, 6  # menu items are 1-3 words; headlines are usually longer
BODY_MIN_WORDS, BODY_LONG_WORDS = 6, 25
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 4, 40

_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*$")
_INNER_SENTENCE = re.compile(r"[a-z\d)\]][.!?][\"”’]?\s+[\"“‘]?[A-Z]")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_LABEL_ONLY = re.compile(r"^[^\W\d_][\w .'’-]{0,25}?\s*:\s*$")
_LINKISH = re.compile(r"https?://|www\.|^[\w-]+(\.[\w-]+)*\.[a-z]{2,}/?$|(?:\s[|•·»›/]\s.*){2,}", re.I)
_ERROR_CODES = frozenset({"400", "401", "403", "404", "410", "429", "500", "502", "503"})
_TRAILING_MORE = re.compile(r"\s*\b(read more|continue reading|read the full (story|article)|full story)\b\s*[.…»›>]*\s*$", re.I)
_NAME_LINE = re.compile(r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}$")
_BIO_VERB = re.compile(r"\b(is|was) (an?|the)\b|\bspeciali[sz]es\b|\bwrites (about|for|on)\b|\bhas (been|worked|covered)\b", re.I)
_BIO_ROLE = re.compile(r"\b(editor|journalist|reporter|correspondent|writer|author|columnist|contributor|blogger|"
                       r"freelancer|analyst|specialist|experience|graduate[ds]?|covers)\b", re.I)
_ABOUT_AUTHOR = re.compile(r"^(?i:about the author)\b\s*:?\s*(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}(?= (?:is|was|covers|writes)\b))?")
# a one-paragraph biography: "Jane Doe is the Gazette's Moscow correspondent.", "Jane Doe covers defence for ..."
_BIO_LEAD = re.compile(r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}) (?:is|was|covers|writes (?:about|on|for)|reports (?:on|for)|"
                       r"has (?:been|worked|covered|reported))\b")
_BIO_JOB = re.compile(r"\b(editor|journalist|reporter|correspondent|writer|columnist|contributor|bureau chief|covers)\b", re.I)
# "is the Gazette's Moscow correspondent": a job at a named house, the form of a staff bio
_HOUSE_JOB = re.compile(r"\b(?:is|was) (?:the )?[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}['’]s (?:[\w-]+ ){0,4}"
                        r"(?:editor|journalist|reporter|correspondent|writer|columnist|bureau chief)\b")
SITE_TOP_LINES = 5
MENU_RUN = 3
_NORM = re.compile(r"[\W_]+")
_ROW_SPLIT = re.compile(r"(?:\s*[|·•,/]\s*|\s+)")


def norm(text: str) -> str:
    return _NORM.sub(" ", text.casefold()).strip()


@dataclass
class Cues:
    anywhere: Optional[re.Pattern]
    start: Optional[re.Pattern]
    short: Optional[re.Pattern]
    exact: Optional[re.Pattern]
    row: frozenset[str] = frozenset()  # button words: a line made only of these is a row of buttons


def _alternation(parts: list[str], anchor: str) -> Optional[re.Pattern]:
    if not parts:
        return None
    body = "|".join(f"(?:{p})" for p in parts)
    if anchor == "start":
        return re.compile(rf"^(?:{body})(?!\w)")
    if anchor == "exact":
        return re.compile(rf"^(?:{body})$")
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@lru_cache(maxsize=1)
def anywhere_cues() -> Optional[re.Pattern]:
    """All 'anywhere' cues in one pattern, one named group per reason: one scan per line."""
    data = json.loads(files("detente.clean").joinpath("cues.json").read_text(encoding="utf-8"))
    parts = [f"(?P<{reason}>{'|'.join(f'(?:{p})' for p in kinds['anywhere'])})"
             for reason, kinds in data.items() if not reason.startswith("_") and kinds.get("anywhere")]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)") if parts else None


@lru_cache(maxsize=1)
def cue_table() -> dict[str, Cues]:
    data = json.loads(files("detente.clean").joinpath("cues.json").read_text(encoding="utf-8"))
    table = {}
    for reason, kinds in data.items():
        if reason.startswith("_"):
            continue
        if reason not in REMOVAL_REASONS:
            raise ValueError(f"cues.json: {reason!r} is not a removal reason")
        table[reason] = Cues(*(_alternation(kinds.get(k, []), k) for k in ("anywhere", "start", "short", "exact")),
                             row=frozenset(w.casefold() for w in kinds.get("row", [])))
    return table


@dataclass
class Line:
    index: int
    text: str
    n_words: int
    ends_sentence: bool
    inner_sentence: bool
    reason: Optional[str] = None
    fragments: list[Removed] = field(default_factory=list)  # parts cut off a kept line

    @property
    def body_like(self) -> bool:
        """A real article paragraph: prose, not furniture."""
        return (self.n_words >= BODY_MIN_WORDS and (self.ends_sentence or self.inner_sentence)) \
            or self.n_words >= BODY_LONG_WORDS

    @property
    def kept(self) -> bool:
        return self.reason is None


def make_line(index: int, text: str) -> Line:
    return Line(index, text, len(text.split()), bool(_SENTENCE_END.search(text)), bool(_INNER_SENTENCE.search(text)))


def score_line(line: Line) -> dict[str, float]:
    """Pass 1: each rule adds weight to one reason."""
    text, n = line.text, line.n_words
    scores: dict[str, float] = {}

    def add(reason: str, weight: float) -> None:
        scores[reason] = scores.get(reason, 0.0) + weight

    # cue patterns are lower case and matched against the lower-cased line: much faster than re.I
    text = text.lower()
    bare = text.strip(" .:!;,*").strip()
    anywhere = anywhere_cues()
    if anywhere is not None:
        for m in anywhere.finditer(text):
            add(m.lastgroup, 1.0)
    short = n <= SHORT_WORDS_SOFT
    words = None
    # the start, row, short and exact cues below only apply to lines of START_CUE_MAX_WORDS words or fewer
    for reason, cues in (cue_table().items() if n <= START_CUE_MAX_WORDS else ()):
        if cues.start is not None and n <= START_CUE_MAX_WORDS and (m := cues.start.search(text)):
            # where a line starts is strong evidence ("Also on site.com ...", "Read also: ..."), unless it reads
            # as prose; a cue used as a label ("Disclaimer: ...") is strong whatever follows it
            label = m.group().rstrip().endswith(":") or text[m.end():m.end() + 2].lstrip().startswith(":")
            add(reason, 2.0 if (n <= 8 or not line.ends_sentence or label) else 0.5)
        if cues.row and n <= 12:
            words = words if words is not None else _ROW_SPLIT.split(text.strip(" |·•,/"))
            if len(words) >= 2 and all(w in cues.row for w in words):
                add(reason, 2.0)
        if short and cues.short is not None and cues.short.search(text):
            add(reason, 1.0 if n <= SHORT_WORDS else 0.5)
        if short and cues.exact is not None and cues.exact.match(bare):
            add(reason, 2.0)
    if not _HAS_LETTER.search(text):
        add("error_stub" if bare in _ERROR_CODES else "metadata", 2.0)
    if _LABEL_ONLY.match(text):
        add("metadata", 2.0)
    if n <= START_CUE_MAX_WORDS and not line.ends_sentence and _LINKISH.search(text):
        add("navigation", 1.0)
    return scores


def _pass_one(lines: list[Line]) -> None:
    for line in lines:
        scores = score_line(line)
        if not scores:
            continue
        reason, score = max(scores.items(), key=lambda kv: kv[1])
        if line.n_words >= LONG_LINE_WORDS:
            # a long line needs two hits, which may point at different reasons (a disclaimer and a copyright)
            score, need = sum(scores.values()), 2 * THRESHOLD
        else:
            need = THRESHOLD
        if score >= need:
            line.reason = reason


@dataclass
class LineCleaning:
    paragraphs: list[str]
    removed: list[Removed]
    title: Optional[str]
    author: Optional[str]
    header_date: Optional[date]
    has_article: bool
    site: Optional[str] = None  # the page's own name, from a site-name line confirmed further down


def bio_line(text: str, n_words: int) -> Optional[str]:
    """The name in a one-paragraph author biography, or None."""
    if n_words > 60:
        return None
    m = _BIO_LEAD.match(text)
    if not m:
        return None
    first_sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return m["name"] if _BIO_JOB.search(first_sentence) else None


@lru_cache(maxsize=4096)
def _generic_word(word: str) -> bool:
    """A word that is page furniture on its own ("News", "Home", "World")."""
    word = word.lower()
    for cues in cue_table().values():
        if (cues.short is not None and cues.short.search(word)) or (cues.exact is not None and cues.exact.match(word)):
            return True
    return False


def _site_line(lines: list[Line]) -> Optional[str]:
    """Remove a site-name line at the top of the page when its name recurs in the furniture further down."""
    top = lines[:SITE_TOP_LINES]
    found = site_name_line([ln.text for ln in top], [ln.text for ln in lines[SITE_TOP_LINES:] if not ln.kept]
                           + [ln.text for ln in top if not ln.kept], _generic_word)
    if found is None:
        return None
    i, name = found
    if top[i].reason in (None, "tagline"):
        top[i].reason = "navigation"  # the masthead or logo
    return name


def _pass_two(lines: list[Line], known_title: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[date]]:
    author: Optional[str] = None
    # date headers (also a bare "10.04.2025 20:12" that pass one took as metadata) and bylines
    dated = [ln for ln in lines if ln.kept or ln.reason == "metadata"]
    dates = header_dates([ln.text for ln in dated])
    published = None
    for i, when in dates.items():
        dated[i].reason = "metadata"
        published = published or when
    kept = [ln for ln in lines if ln.kept]
    for ln in lines:  # "By Jane Doe · July 16, 2018 · 6 min read" may have looked like a row of links
        if (ln.kept or ln.reason == "navigation") and ln.n_words <= 14 and (name := byline_author(ln.text)):
            ln.reason, author = "metadata", author or name
    kept = [ln for ln in lines if ln.kept]
    # a byline with a date above the first article paragraph: "Jane Doe, Geneva · 16.06.2021, 21:10"
    for ln in kept:
        if ln.body_like:
            break
        when = dated_byline(ln.text)
        if when:
            ln.reason = "metadata"
            published = published or when
            author = author or byline_author(ln.text)
    kept = [ln for ln in lines if ln.kept]
    # a name line followed by that person's biography
    for a, b in zip(kept, kept[1:]):
        if _NAME_LINE.match(a.text) and a.n_words <= 4:
            first = a.text.split()[0]
            head = " ".join(b.text.split()[:12])
            if first in head and _BIO_VERB.search(head) and _BIO_ROLE.search(b.text):
                a.reason = b.reason = "author_bio"
                author = author or a.text
    for i, ln in enumerate(kept):
        if ln.kept and (m := _ABOUT_AUTHOR.match(ln.text)):
            ln.reason = "author_bio"
            author = author or m["name"]
            if i + 1 < len(kept) and _BIO_ROLE.search(kept[i + 1].text):
                kept[i + 1].reason = "author_bio"
    kept = [ln for ln in lines if ln.kept]
    # a one-paragraph biography closing the page, set off from the article by furniture (share buttons)
    body = [ln for ln in kept if ln.body_like]
    if len(body) >= 2:
        last, before = body[-1], body[-2]
        set_off = any(not ln.kept for ln in lines[before.index + 1:last.index]) or _HOUSE_JOB.search(last.text)
        if set_off and (name := bio_line(last.text, last.n_words)):
            last.reason = "author_bio"
            author = author or name
    kept = [ln for ln in lines if ln.kept]
    title = _top_and_bottom(kept, known_title)
    for ln in kept:
        if ln.kept and ln.body_like:
            m = _TRAILING_MORE.search(ln.text)
            if m and m.start() > 0:
                ln.fragments.append(Removed(ln.text[m.start():].strip(), "related_link"))
                ln.text = ln.text[:m.start()].rstrip()
    return title, author, published


def _top_and_bottom(kept: list[Line], known_title: Optional[str]) -> Optional[str]:
    """The title sits just above the first article paragraph; junk above it and short lines after the
    last article paragraph are navigation (a run) or a tagline (a lone line)."""
    body = [i for i, ln in enumerate(kept) if ln.body_like]
    if not body:
        return known_title
    first, last = body[0], body[-1]
    top = kept[:first]
    title_at = None
    known = norm(known_title) if known_title else None
    if known:
        for i, ln in enumerate(top):
            if _same_headline(norm(ln.text), known):
                title_at = i
                break
    if title_at is None and top:
        candidates = [i for i, ln in enumerate(top)
                      if TITLE_MIN_WORDS <= ln.n_words <= TITLE_MAX_WORDS and not ln.text.endswith(":")]
        if candidates and not known:
            title_at = candidates[0]
        elif not known:
            short = [i for i, ln in enumerate(top) if ln.n_words >= 2]
            title_at = short[-1] if short else None
    title = known_title
    if title_at is not None:
        title = top[title_at].text
        above = top[:title_at]
        for ln in above:
            ln.reason = "tagline" if len(above) == 1 else "navigation"
        for ln in top[title_at + 1:]:
            if ln.n_words < 5:
                ln.reason = "navigation"
    elif known:
        for ln in top:
            if ln.n_words < 5:
                ln.reason = "tagline" if len(top) == 1 else "navigation"
    for ln in kept[last + 1:]:
        if ln.n_words < BODY_MIN_WORDS or not (ln.ends_sentence or ln.inner_sentence):
            ln.reason = "navigation"
    return title


def _same_headline(line_key: str, title_key: str) -> bool:
    if not line_key or not title_key:
        return False
    if line_key == title_key:
        return True
    # "Headline | Site" in <title> against "Headline" in the text
    shorter, longer = sorted((line_key, title_key), key=len)
    return len(shorter) >= 0.6 * len(longer) and len(shorter.split()) >= 3 and longer.startswith(shorter)


def _pass_three(lines: list[Line], title: Optional[str]) -> None:
    title_key = norm(title) if title else None
    seen: set[str] = set()
    for ln in lines:
        if not ln.kept:
            continue
        key = norm(ln.text)
        if title_key and _same_headline(key, title_key):
            ln.reason = "repeated_headline"
        elif key and key in seen:
            ln.reason = "duplicate_paragraph"
        else:
            seen.add(key)


def split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    return [" ".join(raw.split()) for raw in text.split("\n") if raw.strip()]


def clean_lines(text: str, title: Optional[str] = None) -> LineCleaning:
    """Clean noisy extracted text. `title` is a title already known (from HTML meta or the record)."""
    lines = [make_line(i, t) for i, t in enumerate(split_lines(text))]
    _pass_one(lines)
    site = _site_line(lines)
    found_title, author, published = _pass_two(lines, title)
    _pass_three(lines, found_title)
    _menu_runs(lines)
    removed: list[Removed] = []
    paragraphs: list[str] = []
    for ln in lines:
        if ln.kept:
            paragraphs.append(ln.text)
            removed.extend(ln.fragments)
        else:
            removed.append(Removed(ln.text, ln.reason))
    has_article = any(ln.kept and ln.body_like for ln in lines)
    return LineCleaning(paragraphs, removed, found_title, author, published, has_article, site)


def _menu_runs(lines: list) -> None:
    """A run of three or more removed one-to-three-word lines is a menu: its section labels ("World",
    "Opinion", "Video") are navigation there, not a tagline. Bylines, numbers and "Label :" lines stay metadata."""
    run: list = []
    for ln in lines + [None]:
        if ln is not None and not ln.kept and ln.n_words <= SHORT_WORDS:
            run.append(ln)
            continue
        if len(run) >= MENU_RUN:
            for r in run:
                if r.reason == "tagline" or (r.reason == "metadata" and all(_generic_word(w) for w in r.text.split())):
                    r.reason = "navigation"
        run = []


_COMMENT_HEAD = re.compile(r"\b(comments?|conversation|discussion|replies)\b", re.I)


def classify_dropped(blocks: list[str], kept_text: str, title: Optional[str] = None) -> list[Removed]:
    """Reasons for the page blocks an HTML extractor left out of the main text.

    Blocks found in the main text are skipped. The rest get the pass-one reason; the headline is the
    title repeated; a byline or date header is metadata; a name followed by a journalist's job is a bio;
    a short block after a related-links heading is one of those links, and blocks after a comments
    heading are comments (prompt); anything else is page furniture (navigation).
    """
    kept_key = norm(kept_text)
    title_key = norm(title) if title else None
    lines: list[Line] = []
    previous = None
    in_comments = False
    for text in blocks:
        key = norm(text)
        if not key or key in kept_key:
            continue
        line = make_line(len(lines), text)
        scores = score_line(line)
        reason = max(scores.items(), key=lambda kv: kv[1])[0] if scores and max(scores.values()) >= THRESHOLD else None
        if reason is None and title_key and _same_headline(key, title_key):
            reason = "repeated_headline"
        if reason in (None, "navigation") and (byline_author(text) or header_dates([text]) or dated_byline(text)):
            reason = "metadata"
        if reason is None and bio_line(text, line.n_words):
            reason = "author_bio"
        if reason is None and previous in ("related_link",) and line.n_words <= 15 and not line.ends_sentence:
            reason = previous
        if reason == "prompt" and _COMMENT_HEAD.search(text):
            in_comments = True
        elif reason is None and in_comments:
            reason = "prompt"  # a reader's comment under the comments heading
        elif reason is not None and reason != "prompt":
            in_comments = False
        line.reason = reason or "navigation"
        lines.append(line)
        previous = line.reason
    _menu_runs(lines)
    return [Removed(ln.text, ln.reason) for ln in lines]


@lru_cache(maxsize=1024)
def is_error_stub(text: Optional[str]) -> bool:
    """A title or line that is an error stub ("404", "Page not found", "Access denied")."""
    if not text:
        return False
    scores = score_line(make_line(0, " ".join(text.split())))
    return bool(scores) and max(scores.items(), key=lambda kv: kv[1])[0] == "error_stub" and max(scores.values()) >= THRESHOLD


def page_site(removed: list[Removed], removed_texts: list[str]) -> Optional[str]:
    """The site name of an HTML page: a masthead among the first blocks the extractor left out, whose name
    recurs in the furniture further down. A short slogan right under the masthead is its tagline."""
    top = removed[:SITE_TOP_LINES]
    found = site_name_line([r.text for r in top], removed_texts[SITE_TOP_LINES:], _generic_word)
    if found is None:
        return None
    i, name = found
    if i + 1 < len(removed) and removed[i + 1].reason == "navigation":
        slogan = make_line(0, removed[i + 1].text)
        if slogan.n_words <= 7 and not slogan.ends_sentence and not score_line(slogan):
            removed[i + 1].reason = "tagline"
    return name
