"""Coreference within one document: descriptions and pronouns linked to earlier actor mentions.

Rule-based and left-to-right, so a linked mention can itself be an antecedent later on:
- person descriptions ("the minister", "the top Russian diplomat", "the ambassador") take the most recent
  person whose role fits the role noun (and whose country fits the nationality word, if any); with no
  antecedent, the resolver may resolve the description at the publication date;
- institution names ("the Foreign Ministry", "Foreign Affairs") take the most recent institution with the
  same keys;
- subject pronouns of reporting verbs ("he said", "it added") take the most recent source of a reporting
  verb (a speaker) of a fitting kind and gender nearby, then the most recent fitting person.
Mentions inside quotation marks are not antecedents: the quoted speaker's "he" is someone else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from detente.annotate.cues import Cue, left_anchor, source_of
from detente.annotate.lexicons import pronouns
from detente.annotate.mentions import Description, SentenceIndex, _actor, institution_key_set
from detente.types import Actor, Document, Mention, Sentence

SPEAKER_WINDOW = 8   # sentences back in which an earlier speaker may be "he"
PERSON_WINDOW = 3    # sentences back in which any person may be "he"


@dataclass
class _Pronoun:
    span: tuple[int, int]
    text: str
    sentence: int
    gender: str
    refers_to: str   # person | institution
    cue: Cue


def _inside(span, regions) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in regions)


class Coreference:
    def __init__(self, genders: Optional[Mapping[str, str]] = None):
        self.genders = genders or {}

    def _gender_fits(self, actor: Actor, gender: str) -> bool:
        g = (self.genders.get(actor.actor_id) or "").lower()[:1]
        return not g or g == gender

    def link(self, doc: Document, sdoc, sentences: list[Sentence], mentions: list[Mention],
             descriptions: list[Description], quote_regions: list[tuple[int, int]], cues: list[Cue],
             resolve: Optional[Callable] = None) -> list[Mention]:
        """Return the new mentions (basis "coref", or the resolver's basis for descriptions it resolved)."""
        index = SentenceIndex(sentences)
        cues = [c for c in cues if not _inside((c.start, c.end), quote_regions)]
        pronoun_items = self._pronouns(sdoc, index, cues, quote_regions)
        items = [(m.span[0], 0, m) for m in mentions] + [(d.span[0], 1, d) for d in descriptions] \
            + [(p.span[0], 2, p) for p in pronoun_items]
        items.sort(key=lambda x: (x[0], x[1]))

        speaker_cues = {}  # mention span -> True when it is the source of a reporting cue
        by_end = {m.span[1]: m for m in mentions}
        by_start = {m.span[0]: m for m in mentions}
        for cue in cues:
            src = source_of(sdoc, doc.text, cue, by_end, by_start)
            if src is not None:
                speaker_cues[src.span] = True

        history: list[Mention] = []    # antecedents, in order
        speakers: list[Mention] = []   # sources of reporting cues, in order
        new: list[Mention] = []
        for _, kind, item in items:
            if kind == 0:
                mention = item
            elif kind == 1:
                mention = self._description(doc, item, history, index, resolve)
            else:
                mention = self._pronoun(doc, item, history, speakers, index)
            if mention is None:
                continue
            if kind:
                new.append(mention)
            if _inside(mention.span, quote_regions):
                continue
            history.append(mention)
            if kind == 2 or mention.span in speaker_cues or self._is_source(sdoc, doc.text, mention, cues):
                speakers.append(mention)
        return new

    @staticmethod
    def _is_source(sdoc, text, mention, cues) -> bool:
        return any(source_of(sdoc, text, c, {mention.span[1]: mention}, {mention.span[0]: mention}) is mention
                   for c in cues if abs(c.start - mention.span[1]) < 40 or abs(mention.span[0] - c.end) < 40)

    def _description(self, doc, d: Description, history, index, resolve) -> Optional[Mention]:
        if d.kind == "anaphor":
            return self._anaphor(doc, d, history, resolve)
        if d.kind == "group":
            return self._group(doc, d, history, resolve)
        actor = None
        for m in reversed(history):
            a = m.actor
            if d.kind == "person":
                if d.role is not None and d.role.fits(a) and (d.country is None or a.country == d.country):
                    actor = a
                    break
            elif a.kind != "person" and d.keys and d.keys <= institution_key_set(m.text) \
                    and (d.country is None or a.country == d.country):
                actor = a
                break
        basis = "coref"
        if actor is None and resolve is not None and (d.country is not None or d.kind == "institution"):
            res = resolve(d.text, index.text(d.span[0]))
            a = _actor(res)
            if a is not None and (a.kind == "person") == (d.kind == "person") \
                    and (d.country is None or a.country == d.country):
                actor, basis = a, getattr(res, "basis", "") or "description"
            elif a is not None and d.kind == "person" and a.kind == "state" and d.country and a.country == d.country:
                # "the president of Armenia" on a date the knowledge base has no holder for: the state's office
                actor, basis = a, "description"
        if actor is None:
            return None
        return Mention(doc.doc_id, d.text, d.span, actor, d.sentence, basis)

    @staticmethod
    def _anaphor(doc, d: Description, history, resolve) -> Optional[Mention]:
        """"the alliance" -> the most recent organisation it can name (NATO); officials count for their body."""
        for m in reversed(history):
            a = m.actor
            if d.anaphor.fits(a):
                return Mention(doc.doc_id, d.text, d.span, a, d.sentence, "coref")
            if a.kind == "person" and a.org and a.org in d.anaphor.ids and resolve is not None:
                org = _actor(resolve(a.org))
                if org is not None and org.actor_id == a.org:
                    return Mention(doc.doc_id, d.text, d.span, org, d.sentence, "coref")
        return None

    def _group(self, doc, d: Description, history, resolve) -> Optional[Mention]:
        """"his own intelligence agencies": the state of the person "his" stands for, with the group's sector."""
        for m in reversed(history):
            if m.sentence < d.sentence - 1 or m.span[0] >= d.span[0]:
                continue
            a = m.actor
            if (d.gender == "n") == (a.kind == "person"):
                continue
            if a.kind == "person" and not self._gender_fits(a, d.gender):
                continue
            if not a.country:
                return None
            state = next((h.actor for h in history if h.actor.kind == "state" and h.actor.actor_id == a.country), None)
            if state is None and resolve is not None:
                state = _actor(resolve(a.country))
                state = state if state is not None and state.actor_id == a.country else None
            name = state.name if state is not None else a.country
            actor = Actor(a.country, name, "state", a.country, None, d.sector, None)
            return Mention(doc.doc_id, d.text, d.span, actor, d.sentence, "coref")
        return None

    def _pronouns(self, sdoc, index, cues, quote_regions) -> list[_Pronoun]:
        lexicon = pronouns()
        out = []
        for cue in cues:
            end = left_anchor(sdoc, cue)
            if end is None:
                continue
            tok = sdoc.char_span(end - 1, end, alignment_mode="expand")
            if tok is None or len(tok) != 1:
                continue
            tok = tok[0]
            word = tok.lower_
            if word in lexicon and tok.tag_ == "PRP" and not _inside((tok.idx, end), quote_regions):
                gender, refers = lexicon[word]
                out.append(_Pronoun((tok.idx, end), tok.text, index.of(tok.idx), gender, refers, cue))
        return out

    def _pronoun(self, doc, p: _Pronoun, history, speakers, index) -> Optional[Mention]:
        def near(m, window):
            return 0 <= p.sentence - m.sentence <= window

        def fits(a: Actor) -> bool:
            if p.refers_to == "person":
                return a.kind == "person" and self._gender_fits(a, p.gender)
            return a.kind != "person"

        actor = None
        recent = [m for m in reversed(speakers) if near(m, SPEAKER_WINDOW)]
        for m in recent:
            if fits(m.actor):
                actor = m.actor
                break
        if actor is None and p.refers_to == "person":
            # loose translations call an institution "he" ("..., he adds" after "the ministry said")
            persons_near = [m for m in reversed(history) if near(m, PERSON_WINDOW) and fits(m.actor)]
            same = [m for m in history if m.sentence == p.sentence and m.span[1] <= p.span[0] and fits(m.actor)]
            if same:  # "Grossi condemned what he called ...": the person of the same sentence, its subject first
                actor = same[0].actor
            elif recent and recent[0].actor.kind != "person":
                actor = recent[0].actor
            elif persons_near:
                actor = persons_near[0].actor
        if actor is None and p.refers_to == "institution":
            others = [m for m in reversed(history) if near(m, 1) and fits(m.actor)]
            actor = others[0].actor if others else None
        if actor is None:
            return None
        return Mention(doc.doc_id, p.text, p.span, actor, p.sentence, "coref")
