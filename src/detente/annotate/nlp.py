"""spaCy pipelines, loaded once per process.

One model serves both passes:
- `light()`: tok2vec, tagger, senter, attribute_ruler, lemmatizer and ner, with the parser disabled. It runs
  over every document and gives sentences, lemmas, part-of-speech tags and named entities.
- `parse(spans)`: the dependency parser alone, run by the code stage on the sentences that may hold an event.
  Each sentence becomes its own Doc that keeps the light pass's token vectors (`Doc.tensor`), and the
  parser's tok2vec listener reads those at prediction time, so no token is encoded twice.
`full()` is the stock pipeline, kept as the benchmark's baseline.

Long texts: the light pass runs a text longer than `settings.NLP_CHUNK_CHARS` in pieces, cut at a line break or else
a sentence end (or a comma, or a space), one piece at a time, and joins the pieces into one Doc over the same text:
memory stays flat however long a document is, and spaCy's `max_length` check, lifted above any text a record
can carry, never loses a document.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.tokens import Doc, Span

from detente import settings
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


def _max_length() -> int:
    """Above any text a record can carry, so that spaCy's length check (E088) never loses a document."""
    return getattr(settings, "MAX_RECORD_BYTES", 0) + 1


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")
_CLAUSE_END = re.compile(r"[,;:]\s")


def cut_points(text: str, size: int) -> list[int]:
    """Offsets where a text longer than `size` is cut into pieces of at most `size` characters: in the second half of
    each piece, after the last line break, else the last sentence end, comma or space (a hard cut only when a
    piece has none of them)."""
    cuts, start = [], 0
    while len(text) - start > size:
        lo, hi = start + max(1, size // 2), start + size
        cut = text.rfind("\n", lo, hi)
        if cut >= 0:
            cut += 1
        else:
            for pattern in (_SENTENCE_END, _CLAUSE_END):
                last = None
                for last in pattern.finditer(text, lo, hi):
                    pass
                if last is not None:
                    cut = last.end()
                    break
            else:
                space = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi))
                cut = space + 1 if space >= 0 else hi
        cuts.append(cut)
        start = cut
    return cuts


def _piecewise(nlp, pipe):
    """`Language.pipe` that runs each text longer than NLP_CHUNK_CHARS alone, in pieces (see the module's notes);
    shorter texts go through in the usual batches."""

    def run(texts, *, as_tuples: bool = False, batch_size=None, **kwargs):
        size = settings.NLP_CHUNK_CHARS
        batch_size = batch_size or nlp.batch_size
        stream = texts if as_tuples else ((t, None) for t in texts)
        buffer: list = []
        chars = 0
        for text, context in stream:
            length = len(text) if isinstance(text, str) else 0
            if length > size:
                yield from _flush(buffer, as_tuples, batch_size, kwargs)
                buffer, chars = [], 0
                doc = _in_pieces(pipe, text, size)
                yield (doc, context) if as_tuples else doc
                continue
            if buffer and chars + length > size:  # a batch holds no more text than a piece: memory stays flat
                yield from _flush(buffer, as_tuples, batch_size, kwargs)
                buffer, chars = [], 0
            buffer.append((text, context))
            chars += length
            if len(buffer) >= batch_size:
                yield from _flush(buffer, as_tuples, batch_size, kwargs)
                buffer, chars = [], 0
        yield from _flush(buffer, as_tuples, batch_size, kwargs)

    def _flush(buffer, as_tuples, batch_size, kwargs):
        if not buffer:
            return
        # spaCy's own as_tuples mode calls nlp.pipe again (this function): contexts are paired here instead
        docs = pipe([text for text, _ in buffer], batch_size=batch_size, **kwargs)
        for (_, context), doc in zip(buffer, docs):
            yield (doc, context) if as_tuples else doc

    return run


def _in_pieces(pipe, text: str, size: int) -> Doc:
    bounds = [0] + cut_points(text, size) + [len(text)]
    docs = [next(iter(pipe([text[a:b]], batch_size=1))) for a, b in zip(bounds, bounds[1:]) if b > a]
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # the pieces must give back the text character for character: offsets depend on it
        return next(iter(pipe([text], batch_size=1)))
    return doc


@lru_cache(maxsize=1)
def light() -> "spacy.language.Language":
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("detente_lemma_fixes", after="lemmatizer")
    nlp.disable_pipe("parser")
    nlp.enable_pipe("senter")
    nlp.max_length = max(nlp.max_length, _max_length())
    nlp.pipe = _piecewise(nlp, nlp.pipe)
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
    nlp.max_length = max(nlp.max_length, _max_length())
    return nlp
