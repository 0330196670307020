"""The annotate stage: sentences, actor mentions, coreference, time expressions and direct quotes.

    from detente.annotate import Annotator
    for annotation in Annotator().annotate(documents):
        ...

One light spaCy pass per document (no dependency parse); everything else is rules over its tokens and
the actor knowledge base. Documents whose status is not "article" come back with no layers.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Mapping, Optional

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


class Annotator:
    """The knowledge base, resolver and time finder default to the project's own; tests pass small fakes."""

    def __init__(self, resolver=None, kb: Optional[KnowledgeBase] = None, find_times: Optional[Callable] = None,
                 genders: Optional[Mapping[str, str]] = None, surface_forms: Optional[Iterable[tuple]] = None):
        self.resolver = resolver if resolver is not None else ActorResolver()
        if surface_forms is None or genders is None:
            kb = kb if kb is not None else KnowledgeBase.load()
            surface_forms = surface_forms if surface_forms is not None else list(kb.surface_forms())
            genders = genders if genders is not None else {p.actor_id: p.gender for p in kb.people.values()}
        self.find_times = find_times if find_times is not None else find_time_expressions
        self.mentions = MentionFinder(self.resolver, surface_forms)
        self.coref = Coreference(genders)
        self.quotes = QuoteFinder()

    def annotate(self, docs: Iterable[Document]) -> Iterator[Annotation]:
        pairs = ((d.text if d.status == ARTICLE and d.text else "", d) for d in docs)
        for sdoc, doc in nlp.light().pipe(pairs, batch_size=settings.NLP_BATCH_SIZE, as_tuples=True):
            if doc.status != ARTICLE or not doc.text:
                yield Annotation(doc=doc)
                continue
            yield self._annotate(doc, sdoc)

    def annotate_one(self, doc: Document) -> Annotation:
        return next(self.annotate([doc]))

    def _annotate(self, doc: Document, sdoc) -> Annotation:
        _join_after_titles(sdoc)
        _break_at_lines(sdoc)
        sentences = split_sentences(sdoc)
        resolve = DocResolver(self.resolver, doc.published)  # one cache per document
        mentions, descriptions = self.mentions.find(doc, sdoc, sentences, resolve)
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
