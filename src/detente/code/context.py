"""PLOVER context, the "why" of an event: what the crosswalk gives its CAMEO code, and what its sentence is about.

The crosswalk's contexts (data/cameo.csv, `plover_context`, several joined by ";") come first, in its order; then the
contexts of the cue words the sentence holds (lexicon `context_cues`), sorted. The cues are matched over the sentence's
tokens with punctuation and possessive 's left out, a token matching a cue word by its lemma or its lower-case form;
at each token the longest cue wins, so "nuclear power plant" (technology) overrides "nuclear" (cbrn).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from detente import lexicon
from detente.types import PLOVER_CONTEXTS

__all__ = ["event_contexts"]

# a crosswalk context that is not in the manual's Table 2.1 (see build_ontology.CROSSWALK_ONLY)
_KNOWN = frozenset(PLOVER_CONTEXTS) | {"humanitarian"}
_NONE = "-"


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """first cue word -> [(cue words, contexts)], longest cue first."""
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for row in lexicon.table("context_cues"):
        words = tuple(row["cue"].split())
        contexts = () if row["context"] == _NONE else tuple(row["context"].split("|"))
        unknown = [c for c in contexts if c not in PLOVER_CONTEXTS]
        if unknown:
            raise ValueError(f"lexicon 'context_cues': {row['cue']!r} has {unknown}, not PLOVER contexts")
        by_first.setdefault(words[0], []).append((words, contexts))
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e[0]))
    return by_first


def _forms(tokens) -> list[frozenset[str]]:
    """The forms each token may match by, punctuation and possessive 's left out. A spaCy Doc or Span gives
    {lemma, lower-case text}; a plain string (a lemma, as tests give them) stands for itself."""
    out = []
    for t in tokens:
        if isinstance(t, str):
            form = t.lower()
            if form in ("'s", "’s") or not any(ch.isalnum() for ch in form):
                continue
            out.append(frozenset((form,)))
        else:
            if t.is_punct or t.is_space or t.tag_ == "POS":
                continue
            out.append(frozenset((t.lemma_.lower(), t.lower_)))
    return out


def event_contexts(code_context: Optional[str], sentence_tokens: Optional[Iterable] = None) -> tuple[str, ...]:
    """The PLOVER contexts of one event: `code_context` is the crosswalk's for its CAMEO code (`CameoCode.plover_context`,
    e.g. "military;legal", or None); `sentence_tokens` the event's sentence, a spaCy Doc or Span (lemmas are read) or
    a list of lower-case lemmas. Crosswalk contexts first, then the sentence's, sorted, each once."""
    first = tuple(dict.fromkeys(c for c in (code_context or "").replace(" ", "").split(";") if c in _KNOWN))
    if sentence_tokens is None:
        return first
    if isinstance(sentence_tokens, (list, tuple)):
        found = _cue_contexts(sentence_tokens)
    else:
        found = _sentence_contexts(sentence_tokens)
    return first + tuple(sorted(c for c in found if c not in first))


@lru_cache(maxsize=16)
def _sentence_contexts(doc) -> frozenset[str]:
    # a sentence's several events share its cues: read them once
    return _cue_contexts(doc)


def _cue_contexts(sentence_tokens) -> frozenset[str]:
    by_first = _cues()
    forms = _forms(sentence_tokens)
    found: set[str] = set()
    i = 0
    while i < len(forms):
        match = None
        for word in forms[i]:
            for words, contexts in by_first.get(word, ()):
                n = len(words)
                if (match is None or n > len(match[0])) and i + n <= len(forms) and \
                        all(w in forms[i + k] for k, w in enumerate(words)):
                    match = (words, contexts)
                    break  # entries are longest first: the first that fits is the longest for this form
        if match is None:
            i += 1
            continue
        found.update(match[1])
        i += len(match[0])
    return frozenset(found)
