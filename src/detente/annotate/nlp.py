"""spaCy pipelines, loaded once per process.

One model serves both passes:
- `light()`: tok2vec, tagger, senter, attribute_ruler, lemmatizer and ner, with the parser disabled. It runs
  over every document and gives sentences, lemmas, part-of-speech tags and named entities.
- `parse(spans)`: the dependency parser alone, run by the code stage on the sentences that may hold an event.
  Each sentence becomes its own Doc that keeps the light pass's token vectors (`Doc.tensor`), and the
  parser's tok2vec listener reads those at prediction time, so no token is encoded twice.
`full()` is the stock pipeline, kept as the benchmark's baseline.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.tokens import Doc, Span

from detente.settings import NLP_BATCH_SIZE, SPACY_MODEL

from .lexicons import lemma_fixes


@spacy.Language.component("detente_lemma_fixes")
def _fix_lemmas(doc: Doc) -> Doc:
    """Put right the verb lemmas the model's lemmatizer gets wrong ("staged" -> "stag"), which no pattern would match."""
    fixes = lemma_fixes()
    for t in doc:
        if t.pos_ == "VERB" and (lemma := fixes.get(t.lower_)) is not None:
            t.lemma_ = lemma
    return doc


@lru_cache(maxsize=1)
def light() -> "spacy.language.Language":
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("detente_lemma_fixes", after="lemmatizer")
    nlp.disable_pipe("parser")
    nlp.enable_pipe("senter")
    return nlp


def parse(sentences: Iterable[Span], batch_size: int = NLP_BATCH_SIZE) -> Iterator[Doc]:
    """Dependency-parse sentences of documents the light pipeline made; token i of the result is token
    `sentence.start + i` of the document, and character offsets are relative to `sentence.start_char`."""
    parser = light().get_pipe("parser")
    yield from parser.pipe((s.as_doc() for s in sentences), batch_size=batch_size)


@lru_cache(maxsize=1)
def full() -> "spacy.language.Language":
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("detente_lemma_fixes", after="lemmatizer")
    return nlp
