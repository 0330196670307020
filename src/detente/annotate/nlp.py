"""spaCy pipelines, loaded once per process.

One model serves three steps:
- `light()`: tok2vec, tagger, senter, the attribute rules (`FastAttributes`, the model's attribute_ruler applied by
  table lookup) and the lemmatizer (`FastLemmas`, its rules worked out once per distinct token); no parser, no NER. It runs over every document and gives sentences, lemmas and
  part-of-speech tags.
- `entities(docs, ranges)`: the model's NER over chosen token ranges of light Docs (the annotate stage picks the
  sentences that need it), each range with a few tokens of its neighbours as context, written back into the Doc.
  A Doc whose ranges cover it all is run whole, as spaCy would.
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

import bisect
import re
from functools import lru_cache
from typing import Iterable, Iterator, Optional, Sequence

import numpy
import spacy
from spacy.attrs import DEP, ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, SPACY, TAG
from spacy.tokens import Doc, Span

from detente import settings
from detente.settings import NLP_BATCH_SIZE, SPACY_MODEL

from .lexicons import lemma_fixes


@lru_cache(maxsize=1)
def _lemma_fixes_by_hash() -> dict[int, str]:
    from spacy.strings import hash_string
    return {hash_string(form): lemma for form, lemma in lemma_fixes().items()}


_VERB = spacy.parts_of_speech.IDS["VERB"]


@spacy.Language.component("detente_lemma_fixes")
def _fix_lemmas(doc: Doc) -> Doc:
    """Put right the verb lemmas the model's lemmatizer gets wrong ("staged" -> "stag"), which no pattern would match."""
    fixes = _lemma_fixes_by_hash()
    if not len(doc):
        return doc
    rows = doc.to_array([POS, LOWER])
    # only the few verbs with a fix become Token objects
    for i in numpy.flatnonzero(rows[:, 0] == _VERB):
        lemma = fixes.get(int(rows[i, 1]))
        if lemma is not None:
            doc[int(i)].lemma_ = lemma
    return doc


class FastAttributes:
    """The model's attribute_ruler, with the same result for less work: whether a rule's token pattern fits a token
    depends only on its tag, lower-case form and is-space (the light Doc has no dependency labels), so it is worked
    out once per distinct such token and kept. The stock ruler runs its 179 patterns through a Matcher on every
    token, which cost as much as the tagger and lemmatizer together.

    As in spaCy's AttributeRuler, every rule that matches applies, in the order of the rules (a later one wins). A
    Doc with dependency labels, or a ruler with patterns of other kinds, goes through the stock ruler."""

    KEYS = {"TAG", "LOWER", "IS_SPACE", "DEP"}
    SETTABLE = (TAG, POS, MORPH, LEMMA, DEP)  # token attributes Doc.from_array writes as the ruler would

    def __init__(self, ruler):
        self.ruler = ruler
        self.vocab = ruler.vocab
        self.rules: list[tuple[int, list]] = []  # (rule number, token specs) for every pattern
        simple = True
        for k, rule in enumerate(ruler.patterns):
            for pattern in rule["patterns"]:
                simple = simple and all(set(spec) <= self.KEYS and not _has_op(spec) for spec in pattern)
                self.rules.append((k, pattern))
        used = {a for attrs in ruler.attrs for a in attrs}
        self.set_attrs = [a for a in self.SETTABLE if a in used]  # the columns read and written back
        self.columns = {a: n for n, a in enumerate(self.set_attrs)}
        self.plain = simple and used <= set(self.SETTABLE) and bool(self.set_attrs)
        self.cache: dict[tuple, tuple] = {}
        self.fit_cache: dict[tuple, bool] = {}
        # the rules worth trying on a token, by its tag (most rules name one): a new token is tried on a few
        self.by_tag: dict[str, list] = {}
        self.any_tag: list = []
        for k, pattern in self.rules:
            want = pattern[0].get("TAG")
            if isinstance(want, str):
                self.by_tag.setdefault(want, []).append((k, pattern))
            elif isinstance(want, dict) and set(want) == {"IN"}:
                for tag in want["IN"]:
                    self.by_tag.setdefault(tag, []).append((k, pattern))
            else:
                self.any_tag.append((k, pattern))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if not self.plain or doc.has_annotation("DEP"):
            return self.ruler(doc)
        keys = doc.to_array([TAG, LOWER, IS_SPACE])
        before = doc.to_array(self.set_attrs)
        distinct: dict[tuple, int] = {}
        where = numpy.array([distinct.setdefault(key, len(distinct)) for key in map(tuple, keys.tolist())])
        known = [self._outcome(key) for key in distinct]
        values = numpy.where(numpy.array([r[2] for r in known], dtype=bool)[where],
                             numpy.array([r[1] for r in known], dtype=before.dtype)[where], before)
        # patterns of several tokens, from the tokens their first token fits
        extra: dict[int, set] = {}
        for i in numpy.flatnonzero(numpy.array([bool(r[3]) for r in known], dtype=bool)[where]):
            i = int(i)
            for k, pattern in known[where[i]][3]:
                end = i + len(pattern)
                if end <= len(doc) and all(self._fits(tuple(keys[j].tolist()), k, pattern, j - i)
                                           for j in range(i + 1, end)):
                    extra.setdefault(i + range(len(pattern))[self.ruler.indices[k]], set()).add(k)
        for i, more in extra.items():
            rules = sorted(set(known[where[i]][0]) | more)
            values[i] = self._apply(rules, before[i].copy())[0]
        doc.from_array(self.set_attrs, values)
        return doc

    def _token(self, key: tuple) -> dict:
        strings = self.vocab.strings
        return {"TAG": strings[key[0]] if key[0] else "", "LOWER": strings[key[1]], "IS_SPACE": bool(key[2]),
                "DEP": ""}

    def _fits(self, key: tuple, k: int, pattern: list, position: int) -> bool:
        known = self.fit_cache.get((key, k, position))
        if known is None:
            token = self._token(key)
            known = self.fit_cache[(key, k, position)] = all(_fits(token[name], want)
                                                              for name, want in pattern[position].items())
        return known

    def _outcome(self, key: tuple) -> tuple:
        """For a token with this (tag, lower, is-space): the one-token rules that match it, the values they set and
        which of them they set, and the longer patterns whose first token it fits."""
        known = self.cache.get(key)
        if known is None:
            token = self._token(key)
            rules, starts = [], []
            tried = sorted(self.by_tag.get(token["TAG"], []) + self.any_tag, key=lambda rule: rule[0])
            for k, pattern in tried:
                if all(_fits(token[name], want) for name, want in pattern[0].items()):
                    (rules if len(pattern) == 1 else starts).append((k, pattern))
            rules = tuple(dict.fromkeys(k for k, _ in rules))
            values, mask = self._apply(rules, [0] * len(self.set_attrs))
            known = self.cache[key] = (rules, tuple(values), tuple(mask), tuple(starts))
        return known

    def _apply(self, rules, values) -> tuple:
        mask = [False] * len(self.set_attrs)
        for k in rules:
            for attr, value in self.ruler.attrs[k].items():
                values[self.columns[attr]] = value
                mask[self.columns[attr]] = True
        return values, mask


class FastLemmas:
    """The model's rule lemmatizer, with the same result for less work: its rules give a token's lemma from the
    token's form, part of speech and morphology alone, so the lemma is worked out once per distinct (form, POS,
    morphology) and kept, and written back as one array. The stock component makes a Token object and asks its
    POS and morphology on every token, and caches only some of its answers. As in the stock component, a token
    that already has a lemma (from the attribute rules) keeps it unless the lemmatizer overwrites. A token with
    no POS, and a lemmatizer in another mode, go through the stock code."""

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not len(doc) or lemmatizer.mode != "rule":
            return lemmatizer(doc)
        if not lemmatizer._validated:
            lemmatizer._validate_tables()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        strings, overwrite, cache = doc.vocab.strings, lemmatizer.overwrite, self.cache
        for i, key in enumerate(map(tuple, rows[:, :3].tolist())):
            if not overwrite and lemmas[i] != 0:
                continue
            lemma = cache.get(key)
            if lemma is None:
                lemma = strings.add(lemmatizer.lemmatize(doc[i])[0])
                if key[1]:  # no POS: the stock code warns on every such token
                    cache[key] = lemma
            lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas)
        return doc


@spacy.Language.factory("detente_lemmatizer")
def _make_fast_lemmas(nlp, name):
    return FastLemmas(nlp.get_pipe("lemmatizer"))


def _has_op(spec: dict) -> bool:
    return "OP" in spec or any(isinstance(v, dict) and set(v) - {"IN", "NOT_IN", "REGEX"} for v in spec.values())


def _fits(value, want) -> bool:
    if isinstance(want, dict):
        if "IN" in want and value not in want["IN"]:
            return False
        if "NOT_IN" in want and value in want["NOT_IN"]:
            return False
        if "REGEX" in want and not (isinstance(value, str) and re.search(want["REGEX"], value)):
            return False
        return True
    return value == want


@spacy.Language.factory("detente_attributes")
def _make_fast_attributes(nlp, name):
    return FastAttributes(nlp.get_pipe("attribute_ruler"))


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
    nlp.add_pipe("detente_attributes", after="attribute_ruler")
    nlp.add_pipe("detente_lemmatizer", after="lemmatizer")
    # the stock ruler and lemmatizer stay loaded: FastAttributes falls back on the ruler, FastLemmas calls the lemmatizer
    for name in ("attribute_ruler", "lemmatizer", "parser", "ner"):
        nlp.disable_pipe(name)
    nlp.enable_pipe("senter")
    nlp.max_length = max(nlp.max_length, _max_length())
    nlp.pipe = _piecewise(nlp, nlp.pipe)
    _numpy_gemm(nlp)
    return nlp


def _numpy_gemm(nlp) -> None:
    """The light pipeline's networks (the shared tok2vec, the parser, NER) multiply their matrices with numpy's BLAS
    instead of thinc's BLIS, whose wheel falls back to its slow reference kernel on this hardware: the token encoders
    run about twice as fast, the parser a sixth faster, and the tags, parses and entities come out the same on the
    project's real texts. One BLAS thread: the pool already runs a worker per core."""
    from thinc.api import NumpyOps
    ops = NumpyOps(use_blis=False)
    for name in ("tok2vec", "parser", "ner"):
        for node in nlp.get_pipe(name).model.walk():
            node.ops = ops
    _one_blas_thread()


def _one_blas_thread() -> None:
    import ctypes
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            libraries = {path for path in (line.split()[-1] for line in f) if "openblas" in path.lower() and ".so" in path}
    except OSError:
        return
    for path in libraries:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
                     "openblas_set_num_threads"):
            setter = getattr(lib, name, None)
            if setter is not None:
                setter(1)
                break


def entities(docs: Sequence[Doc], ranges: Sequence[Optional[list[tuple[int, int]]]],
             batch_size: int = NLP_BATCH_SIZE) -> None:
    """Run the model's NER over token ranges of light Docs and set each Doc's entities: those found inside the ranges
    (every other token is "O"). `ranges[n]` is a list of (start, end) token ranges of `docs[n]`, or None for all of it.

    Each run of ranges goes with settings.NER_CONTEXT_TOKENS tokens on either side: the model reads four tokens
    around each one, so the run's tokens see what they would in the whole Doc. A Doc whose runs, with their context,
    cover it is run whole. A text the light pass read in pieces (longer than settings.NLP_CHUNK_CHARS) is read in
    the same pieces here, and a batch holds no more text than a piece: memory stays flat."""
    ner = light().get_pipe("ner")
    margin, size = settings.NER_CONTEXT_TOKENS, settings.NLP_CHUNK_CHARS
    jobs: list[tuple[int, int, Doc]] = []   # (doc number, offset of the Doc run in it, the Doc run)
    for n, (doc, rs) in enumerate(zip(docs, ranges)):
        wanted = [(0, len(doc))] if rs is None else rs
        stretches = []
        for lo, hi in _pieces(doc, size):
            runs = _runs([(max(a, lo), min(b, hi)) for a, b in wanted if a < hi and b > lo], margin)
            stretches += [(max(lo, a - margin), min(hi, b + margin)) for a, b in runs]
        if len(stretches) == 1 and stretches[0] == (0, len(doc)):
            jobs.append((n, 0, doc))
        else:
            jobs += [(n, lo, copy) for (lo, _), copy in zip(stretches, _copies(doc[lo:hi] for lo, hi in stretches))]
    found: dict[int, list[tuple[int, int, int]]] = {n: [] for n in range(len(docs))}
    for group in _groups(jobs, batch_size, size):
        for (n, lo, _), done in zip(group, ner.pipe((job[2] for job in group), batch_size=batch_size)):
            found[n].extend((lo + e.start, lo + e.end, e.label) for e in done.ents)
    for n, spans in found.items():
        doc = docs[n]
        inside = numpy.zeros(len(doc) + 1, dtype=bool)
        for a, b in [(0, len(doc))] if ranges[n] is None else ranges[n]:
            inside[a:b] = True
        doc.set_ents([Span(doc, a, b, label=label) for a, b, label in spans if inside[a:b].all()], default="outside")


def _pieces(doc: Doc, size: int) -> list[tuple[int, int]]:
    """Token ranges of the pieces the light pass read a long text in (see `cut_points`); the whole Doc otherwise."""
    if len(doc.text) <= size:
        return [(0, len(doc))]
    starts = doc.to_array([IDX]).reshape(-1).tolist()
    bounds = [0] + [bisect.bisect_left(starts, cut) for cut in cut_points(doc.text, size)] + [len(doc)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _groups(jobs: list, batch_size: int, size: int) -> Iterator[list]:
    """Jobs in batches of at most `batch_size` Docs and, unless one Doc is longer, `size` characters."""
    group, chars = [], 0
    for job in jobs:
        length = len(job[2].text)
        if group and (len(group) >= batch_size or chars + length > size):
            yield group
            group, chars = [], 0
        group.append(job)
        chars += length
    if group:
        yield group


def _runs(ranges: list[tuple[int, int]], margin: int) -> list[tuple[int, int]]:
    """Ranges in order, merged where they touch or lie closer than two margins (the tokens between would be read
    as context twice)."""
    runs: list[list[int]] = []
    for a, b in sorted(ranges):
        if b <= a:
            continue
        if runs and a - runs[-1][1] <= 2 * margin:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


def parse(sentences: Iterable[Span], batch_size: int = NLP_BATCH_SIZE) -> Iterator[Doc]:
    """Dependency-parse sentences of documents the light pipeline made; token i of the result is token
    `sentence.start + i` of the document, and character offsets are relative to `sentence.start_char`."""
    parser = light().get_pipe("parser")
    yield from parser.pipe(_copies(sentences), batch_size=batch_size)


def _copies(spans: Iterable[Span]) -> Iterator[Doc]:
    """`span.as_doc()` of each span, made from one attribute array per document. as_doc alone converts the whole
    document, and lists the document's entities, for every span: the copies grew with the square of a document's
    length. (A Doc with a parse goes through as_doc, which rewires heads that leave the span.)"""
    doc = head = array = None
    plain = False
    for span in spans:
        if span.doc is not doc:
            doc = span.doc
            head = doc._get_array_attrs()
            array = doc.to_array(head)
            plain = not doc.has_annotation("DEP")
        yield _copy(span, head, array) if plain else span.as_doc(array_head=head, array=array)


def _copy(span: Span, head: list, array) -> Doc:
    doc = span.doc
    rows = array[span.start:span.end].copy()
    strings = doc.vocab.strings
    col = {attr: n for n, attr in enumerate(head)}
    copy = Doc(doc.vocab, words=[strings[o] for o in rows[:, col[ORTH]].tolist()],
               spaces=rows[:, col[SPACY]].astype(bool).tolist())
    iob, n = col[ENT_IOB], len(rows)
    # as as_doc: an entity cut by the span's start or end is left unannotated ("missing"), not cut short
    if n and rows[0, iob] == 1:
        k = 1
        while k < n and rows[k, iob] == 1:
            k += 1
        _missing(rows, 0, k, col)
    if n and rows[n - 1, iob] in (1, 3) and span.end < len(doc) and array[span.end, iob] == 1:
        k = n - 1
        while k > 0 and rows[k, iob] == 1:
            k -= 1
        _missing(rows, k, n, col)
    copy.from_array(head, rows)
    copy.tensor = doc.tensor[span.start:span.end]
    copy.noun_chunks_iterator = doc.noun_chunks_iterator
    copy.user_hooks, copy.user_span_hooks, copy.user_token_hooks = doc.user_hooks, doc.user_span_hooks, doc.user_token_hooks
    return copy


def _missing(rows, start: int, end: int, col: dict) -> None:
    for attr in (ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID):
        if attr in col:
            rows[start:end, col[attr]] = 0


@lru_cache(maxsize=1)
def full() -> "spacy.language.Language":
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("detente_lemma_fixes", after="lemmatizer")
    nlp.max_length = max(nlp.max_length, _max_length())
    return nlp
