"""spaCy pipelines, loaded once per process.

Two pipelines share one model:
- `light()`: tok2vec, tagger, attribute_ruler, lemmatizer, ner and senter. No dependency parse. It runs
  over every document and gives sentences, lemmas, part-of-speech tags and named entities.
- `full()`: the whole pipeline with the parser, run by the code stage only on the sentences that may
  hold an event.
"""
from __future__ import annotations

from functools import lru_cache

import spacy

from detente.settings import SPACY_MODEL


@lru_cache(maxsize=1)
def full() -> "spacy.language.Language":
    return spacy.load(SPACY_MODEL)


@lru_cache(maxsize=1)
def light() -> "spacy.language.Language":
    nlp = spacy.load(SPACY_MODEL, exclude=["parser"])
    nlp.enable_pipe("senter")
    return nlp
