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

import bisect
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


class _History:
    """Mentions in text order, with their sentence numbers for bisection: the window rules look back a few
    sentences, and the "most recent that fits" rules look only at what was added since they last asked."""

    def __init__(self):
        self.items: list[Mention] = []
        self.sentences: list[int] = []
        self.in_order = True   # sentence numbers never decrease (true of annotated text; a fixture may differ)
        self.first_state: dict[str, Actor] = {}
        self._latest: dict = {}

    def __iter__(self):
        return iter(self.items)

    def __reversed__(self):
        return reversed(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def append(self, m: Mention) -> None:
        if self.sentences and m.sentence < self.sentences[-1]:
            self.in_order = False
        self.items.append(m)
        self.sentences.append(m.sentence)
        if m.actor.kind == "state":
            self.first_state.setdefault(m.actor.actor_id, m.actor)

    def since(self, sentence: int) -> list[Mention]:
        """The mentions from the first one in `sentence` or later on (all of them when out of order)."""
        if not self.in_order:
            return self.items
        return self.items[bisect.bisect_left(self.sentences, sentence):]

    def latest(self, key, fits: Callable[[Mention], bool]) -> Optional[Mention]:
        """The most recent mention `fits` accepts. `key` names the test, so that asking again looks only at the
        mentions added since."""
        checked, best = self._latest.get(key, (0, None))
        for k in range(len(self.items) - 1, checked - 1, -1):
            if fits(self.items[k]):
                best = k
                break
        self._latest[key] = (len(self.items), best)
        return self.items[best] if best is not None else None


class _Cues:
    """Reporting cues by position, for the ones near a mention."""

    def __init__(self, cues: list[Cue]):
        self.cues = cues
        self.starts = [c.start for c in cues]
        self.sorted = all(a <= b for a, b in zip(self.starts, self.starts[1:]))
        self.longest = max((c.end - c.start for c in cues), default=0)

    def near(self, start: int, end: int, reach: int) -> list[Cue]:
        """Cues that start within `reach` of `end` or end within `reach` of `start` (a superset when out of order)."""
        if not self.sorted:
            return self.cues
        lo = bisect.bisect_right(self.starts, min(end, start - self.longest) - reach)
        hi = bisect.bisect_left(self.starts, max(end, start) + reach)
        return self.cues[lo:hi]


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

        history = _History()    # antecedents, in order
        speakers = _History()   # sources of reporting cues, in order
        nearby = _Cues(cues)
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
            if kind == 2 or mention.span in speaker_cues or self._is_source(sdoc, doc.text, mention, nearby):
                speakers.append(mention)
        return new

    @staticmethod
    def _is_source(sdoc, text, mention, cues: "_Cues") -> bool:
        return any(source_of(sdoc, text, c, {mention.span[1]: mention}, {mention.span[0]: mention}) is mention
                   for c in cues.near(mention.span[0], mention.span[1], 40)
                   if abs(c.start - mention.span[1]) < 40 or abs(mention.span[0] - c.end) < 40)

    def _description(self, doc, d: Description, history, index, resolve) -> Optional[Mention]:
        if d.kind == "anaphor":
            return self._anaphor(doc, d, history, resolve)
        if d.kind == "group":
            return self._group(doc, d, history, resolve)
        found = None
        if d.kind == "person":
            if d.role is not None:
                found = history.latest(("person", d.role, d.country), lambda m: d.role.fits(m.actor) and (
                    d.country is None or m.actor.country == d.country))
        elif d.keys:
            found = history.latest(("institution", d.keys, d.country), lambda m: m.actor.kind != "person" and (
                d.keys <= institution_key_set(m.text)) and (d.country is None or m.actor.country == d.country))
        actor = found.actor if found is not None else None
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
    def _anaphor(doc, d: Description, history: _History, resolve) -> Optional[Mention]:
        """"the alliance" -> the most recent organisation it can name (NATO); officials count for their body."""
        def body(a: Actor) -> Optional[Actor]:
            if a.kind == "person" and a.org and a.org in d.anaphor.ids and resolve is not None:
                org = _actor(resolve(a.org))
                if org is not None and org.actor_id == a.org:
                    return org
            return None

        m = history.latest(("anaphor", d.anaphor, resolve is not None),
                           lambda m: d.anaphor.fits(m.actor) or body(m.actor) is not None)
        if m is None:
            return None
        actor = m.actor if d.anaphor.fits(m.actor) else body(m.actor)
        return Mention(doc.doc_id, d.text, d.span, actor, d.sentence, "coref")

    def _group(self, doc, d: Description, history, resolve) -> Optional[Mention]:
        """"his own intelligence agencies": the state of the person "his" stands for, with the group's sector."""
        for m in reversed(history.since(d.sentence - 1)):
            if m.sentence < d.sentence - 1 or m.span[0] >= d.span[0]:
                continue
            a = m.actor
            if (d.gender == "n") == (a.kind == "person"):
                continue
            if a.kind == "person" and not self._gender_fits(a, d.gender):
                continue
            if not a.country:
                return None
            state = history.first_state.get(a.country)  # the first state of that id named so far
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

        def first(items, keep) -> Optional[Mention]:
            return next((m for m in items if keep(m)), None)

        # the lists of the rule are only ever read from their head: each is walked until its first member
        actor = None
        recent = reversed(speakers.since(p.sentence - SPEAKER_WINDOW))
        latest_speaker = None
        for m in recent:
            if not near(m, SPEAKER_WINDOW):
                continue
            if latest_speaker is None:
                latest_speaker = m
            if fits(m.actor):
                actor = m.actor
                break
        if actor is None and p.refers_to == "person":
            # loose translations call an institution "he" ("..., he adds" after "the ministry said")
            same = first(history.since(p.sentence), lambda m: m.sentence == p.sentence and m.span[1] <= p.span[0]
                         and fits(m.actor))
            if same is not None:  # "Grossi condemned what he called ...": the person of the same sentence, its subject first
                actor = same.actor
            elif latest_speaker is not None and latest_speaker.actor.kind != "person":
                actor = latest_speaker.actor
            else:
                person = first(reversed(history.since(p.sentence - PERSON_WINDOW)),
                               lambda m: near(m, PERSON_WINDOW) and fits(m.actor))
                actor = person.actor if person is not None else None
        if actor is None and p.refers_to == "institution":
            other = first(reversed(history.since(p.sentence - 1)), lambda m: near(m, 1) and fits(m.actor))
            actor = other.actor if other is not None else None
        if actor is None:
            return None
        return Mention(doc.doc_id, p.text, p.span, actor, p.sentence, "coref")
