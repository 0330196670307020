"""Which sentences are worth a dependency parse: an actor is present and a trigger word is present (and the coder
parses none longer than settings.MAX_PARSE_TOKENS: see `sentence_length`).

`EventCues` is the finer test on the light pass's tokens: some token has a pattern whose other words are all in the
sentence. A sentence without one gives the coder no candidate whatever its parse, so it is not parsed, and the
annotate stage runs NER on it only when its names need it."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Optional

from spacy.attrs import LEMMA, LOWER, POS, TAG

from detente import lexicon
from detente.types import Annotation, Quote, Sentence

from .dictionary import Dictionary
from .match import holds, pattern_options, pattern_words, sentence_words

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


class EventCues:
    """Whether a run of light-pass tokens holds an event cue: a token with a pattern that could fit (match.pattern_words)
    on the words of the run. What each distinct token needs is worked out once and kept."""

    def __init__(self, dictionary: Dictionary):
        self.d = dictionary
        self._needs: dict[tuple, object] = {}
        self._doc, self._rows = None, None

    def needs(self, key: tuple, strings) -> object:
        """For a token's (lemma, lower, pos, tag) hashes: True when one of its patterns needs nothing more, else the
        words each of its patterns needs (match.pattern_words); () when it has none."""
        found = self._needs.get(key)
        if found is None:
            lemma, lower, pos, tag = (strings[h] if h else "" for h in key)
            words = pattern_words(pattern_options(self.d, lemma.lower(), lower, pos, tag))
            found = self._needs[key] = True if words == ((),) else words
        return found

    def __call__(self, span) -> bool:
        """`span`: a sentence of a light-pass Doc (a spaCy Span)."""
        doc = span.doc
        if doc is not self._doc:  # the array of a document is made once for all its sentences
            self._doc, self._rows = doc, doc.to_array([LEMMA, LOWER, POS, TAG])
        rows = self._rows[span.start:span.end]
        strings = doc.vocab.strings
        wanted = []
        for key in set(map(tuple, rows.tolist())):
            needs = self.needs(key, strings)
            if needs is True:
                return True
            if needs:
                wanted.append(needs)
        if not wanted:
            return False
        present, starts = sentence_words({strings[v] for v in set(rows[:, 1].tolist())},
                                         {strings[v].lower() for v in set(rows[:, 0].tolist()) if v})
        return any(holds(words, present, starts) for needs in wanted for words in needs)

    def in_sentence(self, annotation: Annotation, sentence: Sentence) -> bool:
        """True also when the annotation carries no spaCy tokens to judge by."""
        doc = annotation.tokens
        if doc is None:
            return True
        try:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        except Exception:  # a Doc over other text
            return True
        return True if span is None else self(span)


@lru_cache(maxsize=4)
def event_cues(dictionary: Dictionary) -> EventCues:
    """One EventCues per dictionary, shared by the annotate and code stages (what each kind of token needs is
    worked out once)."""
    return EventCues(dictionary)


def may_hold_event(annotation: Annotation, sentence: Sentence, dictionary: Dictionary, mentioned: bool) -> bool:
    lemmas = sentence_lemmas(annotation, sentence)
    if not lemmas & dictionary.triggers:
        return False
    if mentioned:
        return True
    if lemmas & dictionary.demonym_words:
        return True
    if lemmas & PAIR_WORDS and any(m.span[1] <= sentence.start for m in annotation.mentions):
        return True  # "They agreed ...", "both sides agreed ..." after a sentence that named them
    return quote_of(annotation, sentence) is not None and bool(lemmas & FIRST_PERSON)
