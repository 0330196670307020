"""Which sentences are worth a dependency parse: an actor is present and a trigger word is present (and the coder
parses none longer than settings.MAX_PARSE_TOKENS: see `sentence_length`)."""
from __future__ import annotations

import bisect
import re
from typing import Optional

from detente import lexicon
from detente.types import Annotation, Quote, Sentence

from .dictionary import Dictionary

_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")
PAIR_WORDS = lexicon.words("pair_words")
FIRST_PERSON = lexicon.words("first_person")


IRREGULAR = {"met": "meet", "struck": "strike", "withdrew": "withdraw", "withdrawn": "withdraw", "shot": "shoot",
             "froze": "freeze", "frozen": "freeze", "broke": "break", "broken": "break", "spoke": "speak",
             "spoken": "speak", "sought": "seek", "sent": "send", "left": "leave", "began": "begin", "underwent": "undergo",
             "blew": "blow", "blown": "blow", "took": "take", "taken": "take", "paid": "pay", "gave": "give",
             "given": "give", "fought": "fight", "made": "make", "swore": "swear", "drove": "drive", "won": "win",
             "stood": "stand", "hid": "hide", "laid": "lay", "led": "lead", "bore": "bear", "flew": "fly"}


def _crude_lemmas(word: str) -> set[str]:
    # Used only when the annotation carries no spaCy tokens: enough to not miss "held talks", "expelled".
    w = word.lower()
    out = {w}
    for suf, rep in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                     ("ing", "e"), ("ation", "e")):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            out.add(w[: len(w) - len(suf)] + rep)
    for suf in ("ed", "ing"):  # "expelled", "shelling": a doubled consonant
        stem = w[: -len(suf)]
        if w.endswith(suf) and len(stem) >= 4 and stem[-1] == stem[-2]:
            out.add(stem[:-1])
    out |= {"hold"} if w in ("held", "holds", "holding") else set()
    out |= {IRREGULAR[w]} if w in IRREGULAR else set()
    return out


def sentence_lemmas(annotation: Annotation, sentence: Sentence) -> set[str]:
    doc = annotation.tokens
    if doc is not None:
        try:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            if span is not None:
                return {t.lemma_.lower() for t in span} | {t.lower_ for t in span}
        except Exception:  # a Doc over other text: fall back to words
            pass
    lemmas: set[str] = set()
    for m in _WORD.finditer(sentence.text):
        lemmas |= _crude_lemmas(m.group())
    return lemmas


_TOKEN = re.compile(r"\w+|[^\w\s]")


def sentence_length(annotation: Annotation, sentence: Sentence) -> int:
    """The sentence's tokens in the light spaCy pass (what the parser would be given); words and punctuation marks
    when the annotation carries no spaCy tokens."""
    doc = annotation.tokens
    if doc is not None:
        try:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            if span is not None:
                return len(span)
        except Exception:  # a Doc over other text: count words
            pass
    return len(_TOKEN.findall(sentence.text))


class SpanIndex:
    """Character spans, for asking whether any of them overlaps a range without scanning them all."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.spans = spans
        self.longest = max((b - a for a, b in spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        """True when some span (a, b) has a < end and b > start."""
        lo, hi = bisect.bisect_left(self.starts, start - self.longest), bisect.bisect_left(self.starts, end)
        return any(b > start for _, b in self.spans[lo:hi])


def quote_of(annotation: Annotation, sentence: Sentence) -> Optional[Quote]:
    """The direct quote with a known speaker that overlaps this sentence, if any."""
    for q in annotation.quotes:
        if q.speaker is not None and q.span[0] < sentence.end and q.span[1] > sentence.start:
            return q
    return None


def may_hold_event(annotation: Annotation, sentence: Sentence, dictionary: Dictionary, mentioned: bool) -> bool:
    lemmas = sentence_lemmas(annotation, sentence)
    if not lemmas & dictionary.triggers:
        return False
    if mentioned:
        return True
    if lemmas & set(dictionary.demonyms):
        return True
    if lemmas & PAIR_WORDS and any(m.span[1] <= sentence.start for m in annotation.mentions):
        return True  # "They agreed ...", "both sides agreed ..." after a sentence that named them
    return quote_of(annotation, sentence) is not None and bool(lemmas & FIRST_PERSON)
