"""Direct quotes and their speakers.

Two steps. `find_quote_spans` pairs quotation marks paragraph by paragraph, from the text alone; it never
crosses a line break and closes an unclosed quote where the next one opens. Quotes of one to three words
are kept only when their own sentence attributes them to a speaker (`Lavrov told reporters the talks were
"constructive"`, `X called the decision "deeply unfortunate"`, `what he called a "…" step`); unattributed
ones are scare quotes or titles and are dropped. `QuoteFinder.attribute` then finds each quote's cue and speaker among the actor mentions
(coref included): after the quote (`"…," Lavrov said`, `"…," said X`, `"…", according to X`), before it
(`X said: "…"`, `X noted that "…"`), elsewhere in its sentence, or from the neighbouring quote it
continues (`"…," he said. "…"`), and finally from the last speaker nearby.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from detente.annotate.cues import Cue, source_of
from detente.annotate.mentions import SentenceIndex, _Spans
from detente.types import Document, Mention, Quote, Sentence

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
MIN_WORDS = 4            # one to three words in quotation marks are scare quotes or titles
MAX_CHARS = 3000         # a closed quote longer than this is a pairing error
MAX_UNCLOSED_CHARS = 1500  # an unclosed quote is cut at a sentence end before this
_WORD = re.compile(r"\w[\w'’-]*")
_MARK = re.compile("[" + re.escape(OPENERS + CLOSERS + STRAIGHT) + "]")
_BEFORE_GAP = re.compile(r"^[\s,:;—–-]*(?:that\s*)?[\s,:;—–-]*$", re.I)
_AFTER_GAP = re.compile(r"^[\s,.;:—–-]*$")
LAST_SPEAKER_WINDOW = 2  # sentences back for a quote with no cue of its own


class _Sources:
    """(cue, source) pairs in cue order, found by the cue's position instead of a scan of all of them."""

    def __init__(self, pairs: list):
        self.pairs = pairs
        self.starts = [c.start for c, _ in pairs]
        self.sorted = all(a <= b for a, b in zip(self.starts, self.starts[1:]))
        self.longest = max((c.end - c.start for c, _ in pairs), default=0)

    def __iter__(self):
        return iter(self.pairs)

    def __reversed__(self):
        return reversed(self.pairs)

    def starting(self, lo: float, hi: float) -> list:
        """The pairs whose cue starts in [lo, hi), in order (all of them when cues are out of order)."""
        if not self.sorted:
            return self.pairs
        return self.pairs[bisect.bisect_left(self.starts, lo):bisect.bisect_left(self.starts, hi)]


@dataclass
class QuoteSpan:
    start: int                # the quoted text, inside the marks
    end: int
    open_mark: int            # offset of the opening mark
    close_mark: Optional[int]  # offset of the closing mark; None if the quote was never closed
    paragraph: int
    continues: bool = False   # opened a paragraph right after an unclosed quote (continuation convention)
    short: bool = False       # fewer than MIN_WORDS words: a quote only when its sentence attributes it


def _role(text: str, i: int, para_end: int, rest_has_words: Optional[bool] = None) -> str:
    """"open", "close" or "" for the quotation mark at text[i]; `rest_has_words`: whether a word follows it in
    its paragraph, when the caller knows."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < para_end else " "
    if rest_has_words is None:
        rest_has_words = bool(_WORD.search(text, i + 1, para_end))
    if ch in OPENERS:
        if not rest_has_words or (not before.isspace() and after.isspace()):
            return "close"   # a closing quote typed with the wrong glyph: `unacceptable. “`
        return "open"
    if ch in CLOSERS:
        if before.isspace() and after.isalnum():
            return "open"
        return "close"
    if not rest_has_words:
        return "close"
    if (before.isspace() or before in "([{—–-") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or not after.isalnum()):
        return "close"
    return ""


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _cut_unclosed(text: str, start: int, end: int) -> int:
    if end - start <= MAX_UNCLOSED_CHARS:
        return end
    cut = max(text.rfind(p, start, start + MAX_UNCLOSED_CHARS) for p in (". ", "? ", "! "))
    return cut + 1 if cut > start else start + MAX_UNCLOSED_CHARS


def find_quote_spans(text: str, min_words: int = MIN_WORDS) -> list[QuoteSpan]:
    """Quoted passages, paragraph by paragraph. With min_words below MIN_WORDS, shorter ones are kept too,
    marked `short`: `QuoteFinder` keeps those only when a reporting cue of the same sentence attributes them
    ("called the decision "deeply unfortunate""); unattributed ones are scare quotes or titles."""
    spans: list[QuoteSpan] = []
    pos, para = 0, 0
    prev_unclosed = False
    for line in text.split("\n"):
        para_start, para_end = pos, pos + len(line)
        open_at: Optional[int] = None
        continues = False
        first_mark = True
        found: list[QuoteSpan] = []
        word = None  # the next word after the last mark, found once for all the marks before it
        for mark in _MARK.finditer(text, para_start, para_end):
            i = mark.start()
            if word is None or (word is not False and word.start() <= i):
                word = _WORD.search(text, i + 1, para_end) or False
            role = _role(text, i, para_end, word is not False)
            if role == "open":
                if open_at is not None:  # the previous quote was never closed: it ends where this one opens
                    found.append(QuoteSpan(open_at + 1, _cut_unclosed(text, open_at + 1, i), open_at, None, para,
                                           continues))
                continues = prev_unclosed and first_mark and not text[para_start:i].strip()
                open_at = i
            elif role == "close" and open_at is not None:
                found.append(QuoteSpan(open_at + 1, i, open_at, i, para, continues))
                open_at = None
            first_mark = False
        prev_unclosed = open_at is not None
        if open_at is not None:
            found.append(QuoteSpan(open_at + 1, _cut_unclosed(text, open_at + 1, para_end), open_at, None, para,
                                   continues))
        for q in found:
            q.start, q.end = _trim(text, q.start, q.end)
            words = len(_WORD.findall(text[q.start:q.end]))
            if q.end - q.start <= MAX_CHARS and words >= max(1, min_words):
                q.short = words < MIN_WORDS
                if q.short and q.close_mark is None:
                    continue  # an unclosed short "quote" is a stray mark
                spans.append(q)
        pos = para_end + 1
        para += 1
    return spans


class QuoteFinder:
    def attribute(self, doc: Document, sdoc, sentences: list[Sentence], spans: list[QuoteSpan],
                  mentions: list[Mention], cues: list[Cue]) -> list[Quote]:
        text = doc.text
        index = SentenceIndex(sentences)
        ordered = _Ordered(mentions, cues)
        spans = [self._cut_tail_attribution(text, sdoc, q, ordered) for q in spans]
        regions = [(q.open_mark, (q.close_mark + 1) if q.close_mark is not None else q.end) for q in spans]
        quoted = _Spans(regions)
        outside = [c for c in cues if not quoted.covers(c.start)]
        by_end = {m.span[1]: m for m in mentions}
        by_start = {m.span[0]: m for m in mentions}
        sources = _Sources([(c, source_of(sdoc, doc.text, c, by_end, by_start)) for c in outside])

        found: list[tuple[Optional[Mention], Optional[Cue]]] = []
        for n, q in enumerate(spans):
            nxt = spans[n + 1].open_mark if n + 1 < len(spans) else len(text)
            prv = regions[n - 1][1] if n else 0
            if q.short:
                found.append(self._attributed_short(text, index, q, sources, nxt))
            else:
                found.append(self._explicit(text, sdoc, index, q, sources, prv, nxt))

        # quotes with no cue of their own: continue a neighbour, else the last speaker nearby
        for n, q in enumerate(spans):
            if found[n][0] is not None or found[n][1] is not None or q.short:
                continue
            if n and self._adjacent(text, spans[n - 1], q, regions[n - 1][1]) and found[n - 1][1] is not None:
                found[n] = found[n - 1]
            elif n + 1 < len(spans) and self._adjacent(text, q, spans[n + 1], regions[n][1]) \
                    and found[n + 1][1] is not None:
                found[n] = found[n + 1]
            else:
                found[n] = self._last_speaker(index, q, sources)

        quotes = []
        for q, (speaker, cue) in zip(spans, found):
            if q.short and speaker is None:
                continue  # a scare quote or a title
            quotes.append(Quote(f"{doc.doc_id}-q{len(quotes) + 1}", doc.doc_id, text[q.start:q.end], (q.start, q.end),
                                speaker.actor if speaker is not None else None, cue.text if cue else None))
        return quotes

    @staticmethod
    def _attributed_short(text, index, q, sources, nxt):
        """A short quote counts when its own sentence attributes it: a cue with a known source before it
        ("Lavrov said the talks were "constructive"", "X called the decision "…"", "what he called a "…"")
        or right after it (`"…," Lavrov said`)."""
        here = index.of(q.open_mark)
        after_from = q.close_mark + 1
        if index.regular:
            sentence_start = index.sentences[here].start if here >= 0 else q.open_mark
        else:
            sentence_start = next((x.start for x in index.sentences if x.index == here), q.open_mark)
        opens_sentence = not text[sentence_start:q.open_mark].strip()
        best = None
        for cue, src in sources.starting(*index.range(here, here)):
            if src is None or cue.kind == "cognition" or index.of(cue.start) != here:
                continue
            if cue.end <= q.open_mark and "\n" not in text[cue.end:q.open_mark]:
                if best is None or cue.start > best[1].start:
                    best = (src, cue)
            elif after_from <= cue.start < nxt and _AFTER_GAP.match(text[after_from:min(src.span[0], cue.start)]) \
                    and cue.start - after_from < 40 and opens_sentence:
                return src, cue  # `"Constructive," Lavrov said`: only when the quote opens its sentence
        return best if best is not None else (None, None)

    # an unclosed quote whose attribution sits inside it: `“… priorities says Moscow.`
    @staticmethod
    def _cut_tail_attribution(text, sdoc, q: QuoteSpan, ordered: "_Ordered") -> QuoteSpan:
        if q.close_mark is not None:
            return q
        inside = [m for m in ordered.mentions_from(q.start, q.end) if q.start <= m.span[0] and m.span[1] <= q.end]
        by_end = {m.span[1]: m for m in inside}
        by_start = {m.span[0]: m for m in inside}
        for cue in reversed([c for c in ordered.cues_from(q.start, q.end) if q.start < c.start < q.end]):
            src = source_of(sdoc, text, cue, by_end, by_start)
            if src is None:
                continue
            tail_end = max(cue.end, src.span[1])
            if not _AFTER_GAP.match(text[tail_end:q.end]):
                continue
            cut = min(cue.start, src.span[0])
            start, end = _trim(text, q.start, cut)
            if len(_WORD.findall(text[start:end])) >= MIN_WORDS:
                return QuoteSpan(start, end, q.open_mark, None, q.paragraph, q.continues)
        return q

    @staticmethod
    def _explicit(text, sdoc, index, q, sources, prv, nxt):
        after_from = (q.close_mark + 1) if q.close_mark is not None else q.end
        # after: `"…," Lavrov said` / `"…," said the minister` / `"…", according to X`
        # a quote that ends its sentence ("….” He explained) takes no cue from the next sentence
        ends_sentence = text[q.start:q.end].rstrip().endswith(".") and \
            text[after_from:after_from + 3].lstrip(" \u00a0")[:1].isupper()
        for cue, src in (() if ends_sentence else sources.starting(after_from, nxt)):
            if ends_sentence or cue.kind == "cognition":
                continue
            if after_from <= cue.start < nxt and "\n" not in text[after_from:cue.start]:
                src_start = src.span[0] if src is not None else cue.start
                gap = text[after_from:min(src_start, cue.start)]
                if _AFTER_GAP.match(gap) and len(gap) < 40:
                    return src, cue
                break
        # before: `X said: "…"` / `X noted that "…"`
        for cue, src in reversed(sources.starting(prv - sources.longest, q.open_mark + 1)):
            if cue.kind == "cognition":
                continue
            if prv <= cue.end <= q.open_mark and "\n" not in text[cue.end:q.open_mark]:
                if _BEFORE_GAP.match(text[cue.end:q.open_mark]):
                    if src is None and cue.text == "according to":
                        continue
                    return src, cue
                break
        # elsewhere in the quote's sentence: prefer speech over belief, then the nearest
        sents = {index.of(q.open_mark), index.of(max(q.start, q.end - 1))}
        in_sentence = [(c, s) for c, s in sources.starting(*index.range(min(sents), max(sents)))
                       if s is not None and index.of(c.start) in sents
                       and "\n" not in text[min(c.start, q.open_mark):max(c.start, q.end)]]
        if in_sentence:
            def rank(cs):
                c, _ = cs
                distance = q.open_mark - c.end if c.end <= q.open_mark else c.start - q.end
                return (c.kind != "speech", distance)
            c, s = min(in_sentence, key=rank)
            return s, c
        return None, None

    @staticmethod
    def _adjacent(text, first: QuoteSpan, second: QuoteSpan, first_end: int) -> bool:
        """True when `second` continues `first`: the same paragraph with at most the first's attribution
        between them, or the paragraph-continuation convention."""
        if second.continues and second.paragraph == first.paragraph + 1:
            return True
        if first.paragraph != second.paragraph:
            return False
        gap = text[first_end:second.open_mark]
        return len(gap) <= 80 and len(re.findall(r"[.!?](?:\s|$)", gap)) <= 1

    @staticmethod
    def _last_speaker(index, q, sources):
        here = index.of(q.open_mark)
        best = (None, None)
        for cue, src in sources.starting(index.range(here - LAST_SPEAKER_WINDOW, here)[0], q.open_mark):
            if src is None or cue.start >= q.open_mark:
                continue
            if 0 <= here - index.of(cue.start) <= LAST_SPEAKER_WINDOW:
                best = (src, cue)
        return best


class _Ordered:
    """A document's mentions and cues, found by position when they come in text order."""

    def __init__(self, mentions: list[Mention], cues: list[Cue]):
        self.mentions, self.cues = mentions, cues
        self.m_starts = [m.span[0] for m in mentions]
        self.c_starts = [c.start for c in cues]
        self.m_sorted = all(a <= b for a, b in zip(self.m_starts, self.m_starts[1:]))
        self.c_sorted = all(a <= b for a, b in zip(self.c_starts, self.c_starts[1:]))

    def mentions_from(self, lo: int, hi: int) -> list[Mention]:
        """The mentions starting in [lo, hi], in order (all of them when out of order)."""
        if not self.m_sorted:
            return self.mentions
        return self.mentions[bisect.bisect_left(self.m_starts, lo):bisect.bisect_right(self.m_starts, hi)]

    def cues_from(self, lo: int, hi: int) -> list[Cue]:
        """The cues starting in [lo, hi], in order (all of them when out of order)."""
        if not self.c_sorted:
            return self.cues
        return self.cues[bisect.bisect_left(self.c_starts, lo):bisect.bisect_right(self.c_starts, hi)]
