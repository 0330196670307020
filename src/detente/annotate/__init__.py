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
from detente.annotate.coref import Coreference
from detente.annotate.cues import find_cues
from detente.annotate.mentions import DocResolver, MentionFinder
from detente.annotate.quotes import QuoteFinder, find_quote_spans
from detente.types import ARTICLE, Annotation, Document, Sentence

__all__ = ["Annotator", "split_sentences"]


def _default_resolver():
    try:
        from detente.annotate.actors.resolver import ActorResolver
    except ImportError as exc:  # written by another part of the project; say so plainly
        raise ImportError("Annotator needs detente.annotate.actors.resolver.ActorResolver "
                          "(or pass resolver=...)") from exc
    return ActorResolver()


def _default_kb():
    try:
        from detente.annotate.actors.kb import KnowledgeBase
    except ImportError:
        return None
    return KnowledgeBase.load()


def _default_times() -> Callable:
    try:
        from detente.annotate.timex import find_time_expressions
    except ImportError as exc:
        raise ImportError("Annotator needs detente.annotate.timex.find_time_expressions "
                          "(or pass find_times=...)") from exc
    return find_time_expressions


def _kb_genders(kb) -> dict[str, str]:
    """actor_id -> "m"/"f" for people in the knowledge base, whatever shape it exposes."""
    if kb is None:
        return {}
    for name in ("genders", "gender_map"):
        fn = getattr(kb, name, None)
        if callable(fn):
            return dict(fn())
    people = getattr(kb, "people", None) or getattr(kb, "actors", None)
    out = {}
    if isinstance(people, Mapping):
        people = people.values()
    for p in people or ():
        pid = getattr(p, "actor_id", None) or (p.get("actor_id") if isinstance(p, Mapping) else None)
        g = getattr(p, "gender", None) or (p.get("gender") if isinstance(p, Mapping) else None)
        if pid and g:
            out[pid] = str(g).lower()[:1]
    return out


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


class Annotator:
    def __init__(self, resolver=None, kb=None, find_times: Optional[Callable] = None,
                 genders: Optional[Mapping[str, str]] = None, surface_forms: Optional[Iterable[tuple]] = None):
        self.resolver = resolver if resolver is not None else _default_resolver()
        if surface_forms is None:
            kb = kb if kb is not None else _default_kb()
            surface_forms = list(kb.surface_forms()) if kb is not None else []
        self.find_times = find_times if find_times is not None else _default_times()
        self.mentions = MentionFinder(self.resolver, surface_forms)
        self.coref = Coreference(genders if genders is not None else _kb_genders(kb))
        self.quotes = QuoteFinder()

    def annotate(self, docs: Iterable[Document]) -> Iterator[Annotation]:
        from detente.annotate import nlp
        pairs = ((d.text if d.status == ARTICLE and d.text else "", d) for d in docs)
        for sdoc, doc in nlp.light().pipe(pairs, batch_size=settings.NLP_BATCH_SIZE, as_tuples=True):
            if doc.status != ARTICLE or not doc.text:
                yield Annotation(doc=doc)
                continue
            yield self._annotate(doc, sdoc)

    def annotate_one(self, doc: Document) -> Annotation:
        return next(self.annotate([doc]))

    def _annotate(self, doc: Document, sdoc) -> Annotation:
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
