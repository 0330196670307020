"""The line cleaner: scored rules over line features, then neighbour context.

Pass 1 scores each line on its own: cue phrases from cues.json (weighted by where in the line they occur
and how long the line is), bare numbers, empty "Label :" lines, link-like lines.
Pass 2 reads lines in context: date headers and bylines (metadata), a name line followed by a
biography (author_bio), the title above the first article paragraph with junk above it (tagline,
navigation), short lines after the last article paragraph (navigation), trailing "Read more" fragments.
Pass 3 removes the title's repeats (repeated_headline) and repeated paragraphs (duplicate_paragraph).
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

from detente.clean.metadata import byline_author, header_dates
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
_ABOUT_AUTHOR = re.compile(r"^about the author\b", re.I)
_NORM = re.compile(r"[\W_]+")


def norm(text: str) -> str:
    return _NORM.sub(" ", text.casefold()).strip()


@dataclass
class Cues:
    anywhere: Optional[re.Pattern]
    start: Optional[re.Pattern]
    short: Optional[re.Pattern]
    exact: Optional[re.Pattern]


def _alternation(parts: list[str], anchor: str) -> Optional[re.Pattern]:
    if not parts:
        return None
    body = "|".join(f"(?:{p})" for p in parts)
    if anchor == "start":
        return re.compile(rf"^(?:{body})(?!\w)", re.I)
    if anchor == "exact":
        return re.compile(rf"^(?:{body})$", re.I)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)


@lru_cache(maxsize=1)
def anywhere_cues() -> Optional[re.Pattern]:
    """All 'anywhere' cues in one pattern, one named group per reason: one scan per line."""
    data = json.loads(files("detente.clean").joinpath("cues.json").read_text(encoding="utf-8"))
    parts = [f"(?P<{reason}>{'|'.join(f'(?:{p})' for p in kinds['anywhere'])})"
             for reason, kinds in data.items() if not reason.startswith("_") and kinds.get("anywhere")]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.I) if parts else None


@lru_cache(maxsize=1)
def cue_table() -> dict[str, Cues]:
    data = json.loads(files("detente.clean").joinpath("cues.json").read_text(encoding="utf-8"))
    table = {}
    for reason, kinds in data.items():
        if reason.startswith("_"):
            continue
        if reason not in REMOVAL_REASONS:
            raise ValueError(f"cues.json: {reason!r} is not a removal reason")
        table[reason] = Cues(*(_alternation(kinds.get(k, []), k) for k in ("anywhere", "start", "short", "exact")))
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

    bare = text.strip(" .:!;,*").strip()
    anywhere = anywhere_cues()
    if anywhere is not None:
        for m in anywhere.finditer(text):
            add(m.lastgroup, 1.0)
    short = n <= SHORT_WORDS_SOFT
    for reason, cues in cue_table().items():
        if cues.start is not None and n <= START_CUE_MAX_WORDS and cues.start.search(text):
            # where a line starts is strong evidence ("Also on site.com ...", "Read also: ..."), unless it reads as prose
            add(reason, 2.0 if (n <= 8 or not line.ends_sentence) else 0.5)
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
        need = THRESHOLD * (2 if line.n_words >= LONG_LINE_WORDS else 1)
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


def _pass_two(lines: list[Line], known_title: Optional[str]) -> tuple[Optional[str], Optional[str], Optional[date]]:
    author: Optional[str] = None
    kept = [ln for ln in lines if ln.kept]
    # date headers and bylines: consumed by the metadata step
    dates = header_dates([ln.text for ln in kept])
    published = None
    for i, when in dates.items():
        kept[i].reason = "metadata"
        published = published or when
    for ln in kept:
        if ln.kept and ln.n_words <= 12 and (name := byline_author(ln.text)):
            ln.reason, author = "metadata", author or name
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
        if ln.kept and _ABOUT_AUTHOR.match(ln.text):
            ln.reason = "author_bio"
            if i + 1 < len(kept) and _BIO_ROLE.search(kept[i + 1].text):
                kept[i + 1].reason = "author_bio"
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
    found_title, author, published = _pass_two(lines, title)
    _pass_three(lines, found_title)
    removed: list[Removed] = []
    paragraphs: list[str] = []
    for ln in lines:
        if ln.kept:
            paragraphs.append(ln.text)
            removed.extend(ln.fragments)
        else:
            removed.append(Removed(ln.text, ln.reason))
    has_article = any(ln.kept and ln.body_like for ln in lines)
    return LineCleaning(paragraphs, removed, found_title, author, published, has_article)


def classify_dropped(blocks: list[str], kept_text: str) -> list[Removed]:
    """Reasons for the page blocks an HTML extractor left out of the main text.

    Blocks found in the main text are skipped. The rest get the pass-one reason, a byline or date header
    is metadata, a short block after a related-links heading is one of those links, anything else is
    page furniture (navigation).
    """
    kept_key = norm(kept_text)
    removed: list[Removed] = []
    previous = None
    for text in blocks:
        key = norm(text)
        if not key or key in kept_key:
            continue
        line = make_line(len(removed), text)
        scores = score_line(line)
        reason = max(scores.items(), key=lambda kv: kv[1])[0] if scores and max(scores.values()) >= THRESHOLD else None
        if reason is None and (byline_author(text) or header_dates([text])):
            reason = "metadata"
        if reason is None and previous in ("related_link",) and line.n_words <= 15 and not line.ends_sentence:
            reason = previous
        reason = reason or "navigation"
        removed.append(Removed(text, reason))
        previous = reason
    return removed
