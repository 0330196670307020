"""The annotate stage: sentences, actor mentions, coreference, time expressions and direct quotes.

    from detente.annotate import Annotator
    for annotation in Annotator().annotate(documents):
        ...

One light spaCy pass per document (no dependency parse, no NER), then NER on the sentences that need it
(`Annotator.needs_entities`); everything else is rules over its tokens and the actor knowledge base. Documents whose
status is not "article" come back with no layers.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Mapping, Optional

import numpy

from detente import settings
from detente.lexicon import words
from detente.annotate import nlp
from detente.annotate.actors.kb import KnowledgeBase
from detente.annotate.actors.resolver import ActorResolver
from detente.annotate.coref import Coreference
from detente.annotate.cues import find_cues
from detente.annotate.mentions import DocResolver, MentionFinder
from detente.annotate.quotes import QuoteFinder, find_quote_spans
from detente.annotate.timex import find_time_expressions
from detente.types import ARTICLE, Annotation, Document, Sentence

__all__ = ["Annotator", "split_sentences"]


def split_sentences(sdoc) -> list[Sentence]:
    """Sentences from the spaCy Doc, also broken at every line break, with character offsets."""
    sentences: list[Sentence] = []
    text = sdoc.text
    for sent in sdoc.sents:
        pos = sent.start_char
        for part in text[sent.start_char:sent.end_char].split("\n"):
            start = pos + len(part) - len(part.lstrip())
            end = pos + len(part.rstrip())
            if end > start:
                sentences.append(Sentence(len(sentences), start, end, text[start:end]))
            pos += len(part) + 1
    return sentences


def _break_at_lines(sdoc) -> None:
    # a paragraph never shares a sentence with the next one (allowed: the light pipeline has no parse)
    for i in range(1, len(sdoc)):
        if "\n" in sdoc[i - 1].text_with_ws and not sdoc[i].is_space:
            sdoc[i].is_sent_start = True


def _join_after_titles(sdoc) -> None:
    # "Lt. Gen. Prosper Avril resigned": the full stop of an abbreviated title ends no sentence
    titles = words("title_abbreviations")
    for i in range(1, len(sdoc)):
        if not sdoc[i].is_sent_start or sdoc[i].is_space:
            continue
        prev = sdoc[i - 1]
        # the tokenizer keeps "Gen." whole but may split "Lt" from its full stop
        if prev.text in titles or (sdoc[i].text == "." and not prev.whitespace_ and prev.text + "." in titles) or (
                prev.text == "." and i >= 2 and not sdoc[i - 2].whitespace_ and sdoc[i - 2].text + "." in titles):
            sdoc[i].is_sent_start = False


def _join_inside_words(sdoc) -> None:
    # "Pro-Russian separatists shelled ...": a sentence never starts inside a word, right after a word or a hyphen
    for i in range(1, len(sdoc)):
        prev = sdoc[i - 1]
        if sdoc[i].is_sent_start and not sdoc[i].is_space and not prev.whitespace_ and (prev.is_alpha or prev.text in ("-", "‑")):
            sdoc[i].is_sent_start = False


class Annotator:
    """The knowledge base, resolver and time finder default to the project's own; tests pass small fakes.

    NER runs on a sentence only when something may need it (`needs_entities`): an event cue, which the coder may
    parse and whose dates, places and actors it reads from the entities, or a word that may be a name. The other
    sentences (no cue and nothing capitalised but a common word opening them) would get no actor from NER."""

    def __init__(self, resolver=None, kb: Optional[KnowledgeBase] = None, find_times: Optional[Callable] = None,
                 genders: Optional[Mapping[str, str]] = None, surface_forms: Optional[Iterable[tuple]] = None,
                 event_cues: Optional[Callable] = None):
        self.resolver = resolver if resolver is not None else ActorResolver()
        if surface_forms is None or genders is None:
            kb = kb if kb is not None else KnowledgeBase.load()
            surface_forms = surface_forms if surface_forms is not None else list(kb.surface_forms())
            genders = genders if genders is not None else {p.actor_id: p.gender for p in kb.people.values()}
        self.find_times = find_times if find_times is not None else find_time_expressions
        self.mentions = MentionFinder(self.resolver, surface_forms)
        self.coref = Coreference(genders)
        self.quotes = QuoteFinder()
        if event_cues is None:  # the coder's patterns tell which sentences hold an event cue
            from detente.code.dictionary import Dictionary
            from detente.code.gate import event_cues as shared
            event_cues = shared(Dictionary.load())
        self.event_cues = event_cues
        # the model and the surface-form matcher load now, so that pool workers forked after this share them
        self.mentions._phrase_matcher(nlp.light().vocab)

    def annotate(self, docs: Iterable[Document]) -> Iterator[Annotation]:
        pairs = ((d.text if d.status == ARTICLE and d.text else "", d) for d in docs)
        stream = nlp.light().pipe(pairs, batch_size=settings.NLP_BATCH_SIZE, as_tuples=True)
        batch: list[tuple] = []
        chars = 0
        for sdoc, doc in stream:
            if doc.status != ARTICLE or not doc.text:
                batch.append((doc, None, None, None))
            else:
                _join_after_titles(sdoc)
                _join_inside_words(sdoc)
                _break_at_lines(sdoc)
                batch.append((doc, sdoc, split_sentences(sdoc), self.mentions.surface_matches(sdoc)))
                chars += len(doc.text)
            # NER runs over a batch of documents at a time; a batch holds no more text than a light-pass piece
            if len(batch) >= settings.NLP_BATCH_SIZE or chars >= settings.NLP_CHUNK_CHARS:
                yield from self._finish(batch)
                batch, chars = [], 0
        yield from self._finish(batch)

    def annotate_one(self, doc: Document) -> Annotation:
        return next(self.annotate([doc]))

    def _finish(self, batch: list[tuple]) -> Iterator[Annotation]:
        articles = [item for item in batch if item[1] is not None]
        nlp.entities([sdoc for _, sdoc, _, _ in articles],
                     [self.entity_ranges(sdoc, sentences, surface) for _, sdoc, sentences, surface in articles])
        for doc, sdoc, sentences, surface in batch:
            yield Annotation(doc=doc) if sdoc is None else self._annotate(doc, sdoc, sentences, surface)

    def entity_ranges(self, sdoc, sentences: list[Sentence], surface: list) -> Optional[list[tuple[int, int]]]:
        """Token ranges of the sentences that need NER (see `needs_entities`); None when all of them do."""
        known = numpy.zeros(len(sdoc) + 1, dtype=bool)  # tokens inside a knowledge-base surface form
        for _, a, b in surface:
            known[a:b] = True
        ranges, skipped = [], False
        for s in sentences:
            span = sdoc.char_span(s.start, s.end, alignment_mode="expand")
            if span is None:
                continue
            if self.needs_entities(span, known):
                ranges.append((span.start, span.end))
            else:
                skipped = True
        return ranges if skipped else None

    def needs_entities(self, span, known=None) -> bool:
        """An event cue (the coder may parse the sentence and reads dates, places and actors from its entities), a
        knowledge-base name, or a capitalised word that may be a name: any but the sentence's first, which counts
        when tagged a proper noun."""
        if known is not None and known[span.start:span.end].any():
            return True
        first = True
        for t in span:
            if t.is_space:
                continue
            if t.text[:1].isupper() and (not first or t.tag_ in ("NNP", "NNPS")):
                return True
            first = False
        return bool(self.event_cues(span))

    def _annotate(self, doc: Document, sdoc, sentences: list[Sentence], surface: Optional[list] = None) -> Annotation:
        resolve = DocResolver(self.resolver, doc.published)  # one cache per document
        mentions, descriptions = self.mentions.find(doc, sdoc, sentences, resolve, surface=surface)
        spans = find_quote_spans(doc.text, min_words=1)
        regions = [(q.open_mark, (q.close_mark + 1) if q.close_mark is not None else q.end) for q in spans
                   if not q.short]
        cues = find_cues(sdoc)
        linked = self.coref.link(doc, sdoc, sentences, mentions, descriptions, regions, cues, resolve)
        mentions = sorted(mentions + linked, key=lambda m: (m.span[0], m.span[1]))
        quotes = self.quotes.attribute(doc, sdoc, sentences, spans, mentions, cues)
        times = sorted(self.find_times(doc.text, doc.published), key=lambda t: t.span[0])
        return Annotation(doc=doc, sentences=sentences, mentions=mentions, times=times, quotes=quotes,
                          tokens=sdoc)
