"""The code stage: an annotated document in, coded events out."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Iterable, Iterator, Optional

from detente import lexicon
from detente.annotate import nlp
from detente.types import Annotation, Event, Sentence

from .dating import after_measure, anchor_times, background, lasting, context_day, date_event, dateline, is_historical, parse_day, time_roots
from .dictionary import Dictionary
from .gate import may_hold_event, quote_of
from .match import Candidate, Matcher, is_passive, pobjs
from .modality import aux_mode, speculative, travelled_to
from .ontology import cameo_table, specialize
from .parties import Parties, Party, faction, side
from .places import entity_text, locate, resolve_place

FRAME_MAPS = {"intent": "intent_code", "intent_done": "intent_code", "request": "request_code",
              "appeal": "appeal_code", "reject": "reject_code", "threat": "threat_code", "accuse": "accuse_code"}
# Roots where source and target may share a side (arrests, protests, violence at home).
DOMESTIC_ROOTS = frozenset({"14", "15", "17", "18", "19", "20"})
MIN_CONFIDENCE = 0.4
# Codes whose act is the statement itself, so a quote is dated by the article that carries it.
# Shows of force and attacks: what "the launch", "the attack" or a bare "it" in a later criticism refers to.
FORCE_ROOTS = frozenset({"15", "17", "18", "19", "20"})
# "Iran reached an agreement with the United States, Britain, France, Germany, Russia and China": six rows
MAX_SIDES = 6
# "denied any involvement during a visit to Helsinki": where and when, not whom
ADJUNCT_PLACES = frozenset({"during", "in", "at", "after", "before", "while", "amid", "ahead"})
FRAME_SKIP = frozenset({"nsubj", "nsubjpass", "agent", "poss", "conj", "cc", "advcl", "npadvmod", "advmod", "parataxis", "punct"})
FRAME_PREPS = frozenset({"to", "on", "upon", "for", "with", "of", "from", "including", "about", "over"})
VERBAL_ROOTS = frozenset({"01", "02", "10", "11", "12", "13"})
# Material acts done to a place's people or property (aid, yielding, cuts, coercion, force): with no side named,
# the country where they happen is their target. Not meetings: "met in Geneva" is not aimed at Switzerland.
PLACE_TARGET_ROOTS = frozenset({"07", "08", "16", "17", "18", "19", "20"})
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "across", "throughout", "inside"})
BASIS_WEIGHT = {"name": 0.1, "alias": 0.1, "title+name": 0.1, "description": 0.05, "metonym": 0.05,
                "speaker": 0.05, "coref": 0.0, "context": -0.05, "demonym": 0.0, "pronoun": -0.1, "dyad": -0.15}


@dataclass
class CoderStats:
    documents: int = 0
    sentences_seen: int = 0
    sentences_parsed: int = 0
    events: int = 0


def parse_sentences(items: list[tuple[Annotation, Sentence]], batch_size: int) -> Iterator:
    """Dependency parses of the chosen sentences, character offsets relative to the sentence start.

    Sentences of the light spaCy pass are parsed by the parser alone (their token vectors are reused);
    an annotation made without one (a hand-built test fixture) has its sentence text run through the whole model.
    """
    spans = [a.tokens.char_span(s.start, s.end, alignment_mode="expand") if a.tokens is not None else None
             for a, s in items]
    if all(sp is not None and sp.start_char == s.start for sp, (_, s) in zip(spans, items)):
        return nlp.parse(spans, batch_size=batch_size)
    return nlp.full().pipe((s.text for _, s in items), batch_size=batch_size)


class Coder:
    """`Coder().code(annotation) -> list[Event]`; `code_many(annotations)` batches the parse across documents."""

    def __init__(self, dictionary: Optional[Dictionary] = None, batch_size: int = 32):
        self.d = dictionary or Dictionary.load()
        self.matcher = Matcher(self.d)
        self.table = cameo_table()
        self.batch_size = batch_size
        self.stats = CoderStats()

    # -- public ------------------------------------------------------------------------------------------
    def code(self, annotation: Annotation) -> list[Event]:
        return next(self.code_many([annotation]))[1]

    def code_many(self, annotations: Iterable[Annotation], docs_per_batch: int = 64) -> Iterator[tuple[Annotation, list[Event]]]:
        batch: list[Annotation] = []
        for a in annotations:
            batch.append(a)
            if len(batch) >= docs_per_batch:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    # -- stages ------------------------------------------------------------------------------------------
    def _batch(self, batch: list[Annotation]):
        wanted: list[tuple[int, Sentence]] = []
        for n, a in enumerate(batch):
            self.stats.documents += 1
            mentioned = {m.sentence for m in a.mentions}
            spans = [(m.span[0], m.span[1]) for m in a.mentions]
            for s in a.sentences:
                self.stats.sentences_seen += 1
                has_actor = s.index in mentioned or any(x < s.end and y > s.start for x, y in spans)
                if may_hold_event(a, s, self.d, has_actor):
                    wanted.append((n, s))
        parsed = parse_sentences([(batch[n], s) for n, s in wanted], self.batch_size)
        per_doc: dict[int, list[tuple[Sentence, object]]] = {}
        for (n, s), sdoc in zip(wanted, parsed):
            self.stats.sentences_parsed += 1
            per_doc.setdefault(n, []).append((s, sdoc))
        for n, a in enumerate(batch):
            events = self._document(a, per_doc.get(n, []))
            self.stats.events += len(events)
            yield a, events

    def _document(self, a: Annotation, parsed: list[tuple[Sentence, object]]) -> list[Event]:
        events: list[Event] = []
        by_index = {s.index: s for s in a.sentences}
        last_dyad: Optional[tuple[int, Party, Party]] = None
        # a dateline ("WASHINGTON, July 13. /TASS/.") dates the report, not the events told after it
        self._times = anchor_times([t for t in a.times if not dateline(a.doc.text or "", t)])
        self._by_index = by_index
        self._force: list[tuple[int, Event]] = []  # the document's shows of force and attacks so far
        self._acts: list[tuple[int, Event]] = []   # its material acts (sanctions, cuts, seizures ...) so far
        for s, sdoc in parsed:
            q = quote_of(a, s)
            previous = by_index.get(s.index - 1)
            parties = Parties(a, s, sdoc, self.d, speaker=q.speaker if q else None, previous=previous)
            cands = self.matcher.candidates(sdoc, parties)
            self._frames(cands)
            self._contents(cands)
            self._resolutions(cands)
            times = [t for t in self._times if s.start <= t.span[0] < s.end]
            roots = time_roots(times, sdoc, s.start)
            found: list[tuple[int, Event]] = []
            # events whose sides the sentence names first, so the rest can borrow their dyad
            for c in sorted(cands, key=lambda c: not (c.sources or c.targets)):
                if c.absorbed or c.drop or speculative(c, self.d.words):
                    continue
                if c.pattern.frame == "copy":
                    found.extend((c.i, e) for e in self._follow(a, s, c, cands, roots, events + [e for _, e in found]))
                    continue
                new = self._events(a, s, c, cands, roots, parties, last_dyad)
                for e in new:
                    # a meeting, a visit or a hosting sets the pair that "the two governments" will stand for
                    if e.target is not None and (e.symmetric or (e.cameo[:2] == "04" and e.aux_mode is None)):
                        last_dyad = (s.index, Party(e.source, "dyad", -1), Party(e.target, "dyad", -1))
                found.extend((c.i, e) for e in new)
                self._force.extend((s.index, e) for e in new if e.cameo[:2] in FORCE_ROOTS and e.aux_mode is None)
                self._acts.extend((s.index, e) for e in new if e.cameo[:2] >= "06" and e.aux_mode is None and e.target is not None
                                  and e.cameo[:2] not in VERBAL_ROOTS)
            found.sort(key=lambda pair: pair[0])  # back in sentence order
            events.extend(_best([e for _, e in found]))
        self._refine_dates(a, events)
        for n, e in enumerate(events):
            e.event_id = f"{a.doc.doc_id}-e{n}"
        return events

    def _contents(self, cands: list[Candidate]) -> None:
        """"signed an agreement to cease hostilities": the infinitive is what the agreement says, not an event."""
        nouns = {t.i for c in cands if c.cameo[:2] in ("03", "05") for t in (c.trigger, c.needed) if t is not None}
        for c in cands:
            t = c.trigger
            if t.dep_ in ("acl", "advcl") and t.head.i in nouns and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in t.children):
                c.absorbed = True

    def _resolutions(self, cands: list[Candidate]) -> None:
        """"passed a resolution criticising Iran": the criticism is the event, the vote only carries it."""
        for c in cands:
            if c.needed is None or c.needed.lemma_.lower() != "resolution" or c.absorbed:
                continue
            if any(o is not c and o.trigger.head in (c.needed, c.trigger) and o.trigger.dep_ in ("acl", "advcl", "xcomp")
                   and o.trigger.tag_ == "VBG" for o in cands):
                c.drop = "a resolution whose content is coded"

    def _frames(self, cands: list[Candidate]) -> None:
        """A framing verb or noun ("agreed to", "demanded", "refused to", "threatened to") takes the event
        it embeds: one event, coded by the pair ("demand" + "meeting" = 106)."""
        for f in cands:
            if not f.pattern.frame or f.absorbed:
                continue
            # an obligation ("said China must drop barriers") frames the clause its modal sits in
            top = f.trigger.head if f.pattern.pos == "AUX" else f.trigger
            # the frame's own complement only: not its subjects, nor adjuncts ("agreed ... in a deal brokered by
            # China after four days of talks": the talks are an event of their own)
            subj_toks = {t.i for ch in top.children if (ch.dep_ in FRAME_SKIP and not _infinitive(ch)) or (
                ch.dep_ == "prep" and ch.lower_ not in FRAME_PREPS) for t in ch.subtree}
            # "ordered Israel to take measures ..., in the case brought by X, which had asked ...": a relative clause
            # describes a noun; it is not what the frame frames
            subj_toks |= {t.i for r in top.subtree if r.dep_ == "relcl" and r is not top for t in r.subtree}
            # "agreed to restore relations in a deal brokered by China": an adjunct deeper down is not the content
            # ("agreed to take part in talks" keeps the talks: a pobj that is itself an event is the content)
            # "agreed to widen sanctions, accusing X of ...", "refused ..., prompting Y to order tariffs": a participle
            # clause tells another act, not what the frame frames
            triggers = {c.i for c in cands}
            subj_toks |= {t.i for r in top.subtree if r.dep_ == "advcl" and r.tag_ == "VBG" and r is not top
                          and (r.i in triggers or r.lemma_.lower() in self.d.words["causative_verbs"])
                          and not any(m.dep_ == "mark" for m in r.children) for t in r.subtree}
            subj_toks |= {t.i for r in top.subtree if r.dep_ == "prep" and r.head is not top
                          and r.lower_ in ("in", "under", "after", "before", "during", "amid", "following")
                          and not any(o.i in triggers for o in pobjs(r)) for t in r.subtree}
            inner = [c for c in cands if c is not f and c.i in {t.i for t in top.subtree} - subj_toks]
            if f.pattern.frame == "vow" and any(t.lemma_.lower() in self.d.words["retribution_words"] or
                                                t.lower_ in self.d.words["retribution_words"]
                                                for t in f.trigger.subtree if t.i not in subj_toks):
                # "vowed that it would receive its just punishment", "vowed the strikes would not go unpunished"
                for c in inner:
                    c.absorbed = True
                if inner:
                    i = min(inner, key=lambda c: _depth(c.trigger, f.trigger))
                    f.inner = i
                    if not f.targets:
                        f.targets = [p for p in (i.sources or i.targets) if side(p.actor) not in {side(q.actor) for q in f.sources}]
                f.cameo = "138"
                continue
            if not inner:
                if f.pattern.frame in ("intent", "intent_done") and f.pattern.trigger not in self.d.words["bare_intent"]:
                    f.drop = "intent verb without an event to intend"
                if f.pattern.frame == "command" and any(_court(p.actor) for p in f.sources) and any(
                        ch.dep_ in ("xcomp", "ccomp") for ch in f.trigger.children):
                    f.cameo = "100"  # "the court ordered Israel to take all measures ...": a demand
                elif f.pattern.frame == "command":
                    f.drop = "an order without an event ordered"
                continue
            i = min(inner, key=lambda c: _depth(c.trigger, f.trigger))
            if f.pattern.frame == "threat" and i.cameo[:2] in ("01", "11"):
                # "warned that the interference was unacceptable" is a criticism, not a threat
                f.drop = "a warning that only criticises"
                continue
            if f.pattern.frame == "intent" and i.cameo[:2] in ("01", "02"):
                f.drop = "an offer of words is the words"  # "offered his condolences": the condolence itself
                continue
            for c in inner:
                c.absorbed = True
            f.inner = i
            frame = f.pattern.frame
            if frame == "vow":
                # "vowed to retaliate" is a threat; "vowed to keep supporting" an intent
                frame = "threat" if int(i.cameo[:2]) >= 13 else "intent"
            table = self.d.frames.get(FRAME_MAPS.get(frame, ""), {})
            code = specialize(table, i.cameo) if table else None
            if frame == "command" and int(i.cameo[:2]) >= 18 and _own_forces_ordered(f.trigger, i.trigger):
                code = "138"  # "ordered the military to respond with strikes": a threat of force, not the strike
            elif frame == "command":
                code = i.cameo  # "ordered Russia to close its consulate": the order is the act
                if any(_court(p.actor) for p in f.sources):
                    # a court's order is a demand on the parties ("ordered a halt to the offensive")
                    code = specialize(self.d.frames["request_code"], i.cameo) or "100"
            if f.pattern.frame in ("intent", "intent_done") and i.cameo.startswith("03"):
                code = i.cameo
            agreed_terms = False
            if f.pattern.frame == "intent_done" and int(i.cameo[:2]) >= 10:
                if f.pattern.symmetric and _agreed_terms(i.trigger, f.trigger, len({faction(p.actor) for p in f.sources}) >= 2):
                    # "agreed that neither country would threaten the other", "agreed on a plan of exercises":
                    # the terms of an agreement, not an act done
                    code, agreed_terms = "030", True
                else:
                    code = i.cameo  # "decided to expel", "the decision to suspend": an announced decision is the act
            if code:
                f.cameo = code
            if agreed_terms and len({faction(p.actor) for p in f.sources}) >= 2:
                continue  # "A and B agreed that neither would ...": the parties are the two sides, not the terms'
            if not f.targets:
                f.targets = [p for p in (i.targets or i.sources)
                             if side(p.actor) not in {side(s.actor) for s in f.sources}]

    def _events(self, a: Annotation, s: Sentence, c: Candidate, cands, roots, parties: Parties, last_dyad) -> list[Event]:
        p = c.pattern
        if p.pos == "AUX" and c.target_role != "clause_subj":
            return []  # "these issues must be approached": an obligation on no one named is no demand
        if p.trigger == "call" and p.cameo == "041" and p.pos == "VERB" and not _plain_call(c.trigger):
            return []
        sources, targets = list(c.sources), list(c.targets)
        # "a NATO member has fired on ...", "not recognised by any UN member state": some member, not the body
        sources = [x for x in sources if not _unspecified_member(x, c.trigger.doc, self.d.words)]
        basis_extra = 0.0
        dyad = last_dyad if last_dyad and s.index - last_dyad[0] <= 5 else None
        if any(x.basis == "pair" for x in targets) or (any(x.basis == "pair" for x in sources) and len(sources) > 1):
            # "the first meeting between the two governments": both sides of the dyad in play, or nothing
            pair_target = any(x.basis == "pair" for x in targets)
            sources = [x for x in sources if x.basis != "pair"]
            targets = [x for x in targets if x.basis != "pair"]
            if not sources and not targets and dyad:
                sources, targets = [dyad[1]], [dyad[2]]
            elif sources and not targets and pair_target and not p.symmetric:
                # "announced aid for both countries": the list named before it, else the dyad in play
                own = {faction(x.actor) for x in sources}
                targets = [g for g in parties.group_before(c.trigger) if faction(g.actor) not in own]
                if len(targets) < 2:
                    targets = [d for d in (dyad[1:] if dyad else ()) if faction(d.actor) not in own]
        if any(x.basis == "pair" for x in sources) and not p.symmetric and sources[0].actor.actor_id == "PAIR":
            # "halted supplies to Poland and Bulgaria after both refused to pay": each side of the list named
            # before it (else of the dyad in play) acts on its own; the target is found as for any act
            group = parties.group_before(c.trigger) or (list(dyad[1:]) if dyad else [])
            if len(group) < 2:
                return []
            sources = group
            targets = [x for x in targets if faction(x.actor) not in {faction(g.actor) for g in group}]
        if any(x.basis == "pair" for x in sources):
            # "our leaders spoke on the phone": both sides of the dyad the document is about
            pair = sources[0]
            if not dyad or (pair.actor.actor_id != "PAIR" and side(pair.actor) not in (side(dyad[1].actor), side(dyad[2].actor))):
                return []
            sources, targets = [dyad[1]], [dyad[2]]
        if p.symmetric and len({faction(x.actor) for x in sources}) >= 2:
            # "A and B met": the conjuncts are the two sides; a "their" in the object points back at them, not
            # at whoever was named last ("met ..., their first talks")
            explicit = [t for t in targets if t.basis not in ("pronoun", "dyad", "pair")]
            if not explicit:
                # "A, B and C began sharing data": every pair of the listed sides, each pair once (see `pairs`)
                distinct = [x for n, x in enumerate(sources) if faction(x.actor) not in {faction(y.actor) for y in sources[:n]}]
                sources, targets = distinct, distinct[1:]
            else:
                targets = explicit
        if p.symmetric and dyad and sources and s.index - dyad[0] <= 1 and all(
                x.basis == "pronoun" and x.i >= 0 and c.trigger.doc[x.i].lower_ == "they" for x in sources):
            # "They agreed to ..." right after "A and B met": the pair
            sources, targets = [dyad[1]], [dyad[2]]
        if p.symmetric and c.source_role == "poss" and sources and all(x.i >= 0 and c.trigger.doc[x.i].lower_ == "their"
                                                                        for x in sources):
            # "their first meeting": the pair, not whoever "their" last pointed at; "A and B carried out their
            # largest prisoner exchange": the subjects of the light verb
            subj = [q for t in self.matcher.subjects(c.trigger) for q in parties.phrase(t)]
            if len({faction(q.actor) for q in subj}) >= 2:
                sources, targets = subj[:1], [q for q in subj if faction(q.actor) != faction(subj[0].actor)]
            elif not dyad:
                return []
            else:
                sources, targets = [dyad[1]], [dyad[2]]
        if p.symmetric and not sources and len(targets) >= 2 and c.target_role in ("between", "of"):
            sources, targets = targets[:1], targets[1:2]
        if p.symmetric and not sources and not targets and dyad and (
                (s.index == dyad[0] and p.pos == "NOUN") or (s.index - dyad[0] <= 1 and self._occurs(c))):
            # "the first round was held in Vienna" right after "Paris and Berlin are getting ready for another
            # round", or "the decision to launch dialogue" beside "the Russian-US summit": the
            # sides carry over, trusted less.
            sources, targets = [dyad[1]], [dyad[2]]
            basis_extra -= 0.05
        if p.symmetric and len(sources) == 1 and not targets and dyad:
            # "Russia expects to hold a meeting" in a story about Russia and the US: the other side of the dyad
            ends = {side(dyad[1].actor): dyad[2], side(dyad[2].actor): dyad[1]}
            if side(sources[0].actor) in ends:
                targets = [ends[side(sources[0].actor)]]
        cameo_code = c.cameo
        untargeted = False
        refused = _refusal(c.trigger, self.d.words)
        unknown_act = False
        if refused:
            cameo_code = "120"  # "would not approve the bids", "did not recognise the court": a rejection
        if cameo_code == "139" and any(t.dep_ in ("advcl", "xcomp", "acl", "relcl") and t.lemma_.lower() in self.d.words["leave_verbs"]
                                       for t in c.trigger.subtree):
            cameo_code = "161"  # "gave the diplomats 72 hours to leave the country": an expulsion
        hosted = ([c.trigger.head] if c.trigger.dep_ == "acl" else [ch for ch in c.trigger.children if ch.dep_ == "dobj"])
        hosted = [n for n in hosted if n.lemma_.lower() in self.d.words["meeting_nouns"] or n.lower_ in self.d.words["meeting_nouns"]]
        if cameo_code == "043" and not targets and sources and hosted:
            # "hosted talks between A and B", "talks in Moscow hosted by Lavrov": the host receives the sides of the
            # talks, else of the dyad in play
            n = hosted[0]
            parts = [q for q in parties.phrase(n) + [q for ch in n.children if ch.dep_ == "prep" and ch.lower_ in ("between", "with")
                                                    for o in pobjs(ch) for q in parties.phrase(o)]
                     if side(q.actor) != side(sources[0].actor)]
            if len({faction(q.actor) for q in parts}) < 2 and dyad and side(sources[0].actor) not in (side(dyad[1].actor), side(dyad[2].actor)):
                parts = [dyad[1], dyad[2]]
            targets = parts if len({faction(q.actor) for q in parts}) >= 2 else []
        if cameo_code == "045" and not targets and sources and c.trigger.dep_ == "acl":
            # "Russia and Japan signed a truce under a plan brokered by Poland": the sides that took up the deal
            n = c.trigger.head
            verb = n.head.head if n.dep_ == "pobj" and n.head.head.pos_ in ("VERB", "AUX") else self.matcher.governor(n)
            takers = [q for t in (self.matcher.subjects(verb) if verb is not None else []) for q in parties.phrase(t)
                      if side(q.actor) != side(sources[0].actor)]
            if len({faction(q.actor) for q in takers}) >= 2:
                targets = takers
        if cameo_code == "045" and not targets and sources:
            # "a deal brokered by China", "talks mediated by the AU": between the sides of the deal in play
            if dyad and side(sources[0].actor) not in (side(dyad[1].actor), side(dyad[2].actor)):
                targets = [dyad[1], dyad[2]]
            else:
                other = self._context_target(a, s, c, sources[0], parties, None)
                targets = [other] if other is not None else []
        if cameo_code == "1724" and not targets and sources:
            # martial law or a state of emergency declared with no one named: imposed on the source's own country
            home = sources[0].actor.country
            if home:
                targets = [Party(parties.state(home), "context", -1)]
        if not targets and sources and cameo_code[:2] in PLACE_TARGET_ROOTS:
            # "killed 23 people in Tel Aviv", "lifted the curfew in Montenegro": an act on people or things named
            # by no side is aimed at the country it took place in
            targets = self._place_target(c, parties, sources)
        if not targets and p.untargeted:
            cameo_code, untargeted = p.untargeted, True  # "fired a missile" at no one named: a test, not an attack
        if cameo_code[:2] == "04" and travelled_to(c.trigger, self.d.words):
            cameo_code = "042"  # a trip made to meet: a visit
        if cameo_code[:2] in ("01", "11", "12", "13") and sources and (not targets or all(t.basis == "pronoun" for t in targets)) \
                and (_names_an_act(c.trigger, self.d.words, deep=cameo_code[:2] == "13")
                     or _names_an_act(c.trigger, {"act_nouns": self.d.words["policy_act_nouns"]})):
            # "X fired a missile. Japan called the launch unacceptable and the US condemned it": the one who acted;
            # "vowed revenge on those responsible", "vowed the strikes would not go unpunished" likewise
            done = [(k, e) for k, e in self._force if s.index - k <= 3 and side(e.source) != side(sources[0].actor)]
            if not done and _names_an_act(c.trigger, {"act_nouns": self.d.words["policy_act_nouns"]}):
                # "Gazprom halted gas supplies. Brussels called the move blackmail": the last act before it
                done = [(k, e) for k, e in self._acts if s.index - k <= 1 and side(e.source) != side(sources[0].actor)][-1:]
            if not done and not any(ch.dep_ in ("dobj", "nsubjpass") and ch.lower_ in ("it", "this", "that")
                                    for ch in c.trigger.children):
                unknown_act = True  # the act criticised is not one we coded: its actor is not guessed
            if done:
                last = done[-1][0]
                targets = [Party(e.source, "context", -1) for k, e in done if k == last]
                targets = [t for n, t in enumerate(targets) if side(t.actor) not in {side(u.actor) for u in targets[:n]}]
        # "called the release a sign of good faith", "welcomed the decision": praise of an act is a comment on its actor
        appraisal = cameo_code[:2] == "05" and c.trigger.lemma_.lower() in self.d.words["appraisal_verbs"]
        # PETRARCH's patterns name their target's place in the clause: none is borrowed from around it
        if not targets and sources and (cameo_code[:2] in self.d.words["context_target_roots"] or appraisal) and not unknown_act \
                and p.origin == "detente":
            # "Moscow denied violating the accord", "called the decision irresponsible": the other side is the one
            # the event's own words name, else the dyad in play, else the nearest other side around
            other = self._context_target(a, s, c, sources[0], parties, dyad, sources)
            if other is not None:
                targets = [other]
                basis_extra -= 0.05
        # a reported attack is an accusation by the speaker, not an attack we can vouch for
        if cameo_code[:2] in ("15", "17", "18", "19", "20") and c.speaker is not None and (c.speaker_how == "quote" or (c.speaker_how == "reporting" and 0 <= c.speaker.i < c.trigger.i)) \
                and sources and side(c.speaker.actor) != side(sources[0].actor):
            cameo_code = specialize(self.d.frames["accuse_code"], cameo_code) or "112"
            targets, sources = sources[:1], [c.speaker]
        if not sources:
            return []
        if cameo_code[:2] in ("18", "19") and all(x.actor.sector == "CVL" for x in sources):
            cameo_code = "145"  # protesters who attack an embassy riot (CAMEO 145), they do not wage war
        mode = aux_mode(c, self.d.words, roots)
        if refused:
            mode = None
        if p.origin == "petrarch" and mode in ("future", "hypothetical", "negated") and not (mode == "future" and p.future):
            return []  # a dictionary pattern knows the act, not how to code its being announced, feared or denied
        if p.frame == "threat" and cameo_code[:2] == "13" and mode is None and _conditional(c, self.d.words, roots):
            mode = "hypothetical"  # "warned that he could cut off gas transit if ...": a conditional threat
        if mode == "negated" and cameo_code[:2] in FORCE_ROOTS and _habitual(c.trigger):
            return []  # "we don't attack civilians": a stance denied, not an event
        if cameo_code[:2] == "07" and mode == "future" and _stated_size(c.trigger):
            # "will send cluster munitions as part of an $800 million package": an announced package is the aid
            mode = None
        root = cameo_code[:2]
        if mode in ("future", "hypothetical"):
            if int(root) >= 9 and not (c.speaker is not None and side(c.speaker.actor) == side(sources[0].actor)):
                return []  # others' forecasts of conflict are not events
            if p.future and not (c.inner is not None):
                cameo_code = p.future
        if mode == "future" and root == "16" and c.speaker_how == "reporting" and c.speaker is not None \
                and side(c.speaker.actor) == side(sources[0].actor):
            # "said it would close the consulate": an announced sanction is the act itself
            mode, cameo_code = None, c.cameo
        out = []
        pairs = [(src, tgt) for src in sources[:MAX_SIDES] for tgt in (targets[:MAX_SIDES] or [None])]
        if p.symmetric and sources and targets:
            # one row per pair of sides: "Russia and Ukraine signed agreements with Turkey and the UN" is four
            pairs, seen = [], set()
            for src in sources[:MAX_SIDES]:
                for tgt in targets[:MAX_SIDES]:
                    k = frozenset((faction(src.actor), faction(tgt.actor)))
                    if len(k) == 2 and k not in seen:
                        seen.add(k)
                        pairs.append((src, tgt))
            pairs = pairs or [(sources[0], targets[0])]
        gov = c.trigger if c.trigger.pos_ in ("VERB", "AUX") else self.matcher.governor(c.trigger)
        reference = p.pos == "NOUN" and (gov is None or gov.lemma_.lower() not in
                                         self.d.words["support_verbs"] | self.d.words["occur_verbs"])
        when, when_text, basis, date_adj = date_event(c, roots, cands, s.text, None, gov)
        if when is None and not reference:
            # "..., the agency said on Saturday": a trailing report dates what it reports
            tx = _report_time(c, roots, self.d.words)
            if tx is not None:
                when, when_text, basis = tx.value, tx.text, tx.basis
        if when is None and basis is None and a.doc.published and not reference \
                and not background(s.text):
            # no time of its own: the day the report is about ("met on Wednesday ... Lavrov said afterwards"),
            # else the day of publication
            before = self._by_index.get(s.index - 2) or self._by_index.get(s.index - 1) or s
            tx = context_day(self._times, s.start + c.trigger.idx, before.start, a.doc.published)
            if tx is not None:
                when, when_text, basis = tx.value, tx.text, tx.basis
            else:
                when, basis = a.doc.published, "publication"
            measured = after_measure(c.trigger)
            if measured is not None and (d := parse_day(when)) is not None and len(when) == 10:
                # "The demolitions came days after Pyongyang accused Seoul": measured back from the day told
                mark, days = measured
                if days is None:
                    when = when[:7]
                else:
                    when = (d - timedelta(days=days) if mark == "after" else d + timedelta(days=days)).isoformat()
                when_text, basis = f"{mark} {when_text or 'the day of the report'}", "relative"
        span_len = lasting(c.trigger)
        if when and span_len and len(when) > span_len and not when.startswith("X"):
            when, basis = when[:span_len], "relative"  # "weeks of negotiations": not one day
        if p.frame in ("intent", "intent_done") and is_passive(c.trigger) and any(
                ch.dep_ == "auxpass" and ch.tag_ in ("VBZ", "VBP") for ch in c.trigger.children):
            return []  # "Kyiv is committed to talks": a stance, not an act
        if mode is None and (is_historical(when, a.doc.published) or (when and basis == "explicit" and _background(c.trigger))):
            mode = "historical"
        place = locate(c, lambda t: parties.mention_at(t) is not None)
        for src, tgt in pairs:
            if tgt is not None and faction(src.actor) == faction(tgt.actor) and root not in DOMESTIC_ROOTS:
                continue
            if tgt is not None and src.actor.actor_id == tgt.actor.actor_id:
                continue
            if tgt is None and p.needs_target and not untargeted:
                continue
            code = cameo_code
            if code == "040" and place and tgt is not None and place.get("country") and \
                    place["country"] not in (src.actor.country, tgt.actor.country) and src.actor.country and tgt.actor.country:
                code = "044"  # met at a third location
            entry = self.table.get(code) or self.table.get(code[:3]) or self.table[code[:2]]
            conf = (0.7 if p.pos == "VERB" else 0.6 if p.pos == "NOUN" else 0.55) + (0.1 if p.needs else 0.0)
            conf += BASIS_WEIGHT.get(src.basis, 0.0) + (0.05 if tgt is not None else 0.0) + date_adj + basis_extra
            conf -= 0.1 if c.source_role in ("subj",) and p.pos == "NOUN" else 0.0
            conf -= 0.05 if tgt is not None and tgt.basis in ("pronoun", "dyad", "place") else 0.0
            conf = round(max(0.05, min(0.99, conf)), 2)
            if conf < MIN_CONFIDENCE:
                continue
            out.append(Event(event_id="", doc_id=a.doc.doc_id, sentence=s.text, span=(s.start, s.end),
                             source=src.actor, target=tgt.actor if tgt else None, cameo=entry.code,
                             plover=entry.plover, mode=entry.plover_mode, quad_class=entry.quad_class,
                             goldstein=entry.goldstein, date=when, date_text=when_text, date_basis=basis,
                             location=place, aux_mode=mode, confidence=conf, trigger=c.text,
                             symmetric=p.symmetric and tgt is not None))
        return out

    def _follow(self, a: Annotation, s: Sentence, c: Candidate, cands, roots, before: list[Event]) -> list[Event]:
        """"Mexico broke off relations with Ecuador, and Nicaragua followed suit": the same act by the newcomers."""
        tok = c.trigger
        objs = [ch for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass", "auxpass", "agent")]
        if not c.sources or tok.dep_ in ("relcl", "acl", "amod") or any(o.lower_ != "suit" for o in objs):
            return []
        if not objs and tok.dep_ not in ("conj", "ROOT"):
            return []
        new = {side(p.actor) for p in c.sources}
        model = next((e for e in reversed(before) if e.aux_mode is None and not e.symmetric and e.target is not None
                      and side(e.source) not in new and e.cameo[:2] not in ("01", "02")
                      and e.span[0] >= (self._by_index.get(s.index - 1) or s).start), None)
        if model is None:
            return []
        when, when_text, basis, _ = date_event(c, roots, cands, s.text, None, None)
        out = []
        for src in c.sources[:MAX_SIDES]:
            if side(src.actor) == side(model.target):
                continue
            out.append(replace(model, event_id="", sentence=s.text, span=(s.start, s.end), source=src.actor,
                               trigger=c.text, confidence=round(max(0.05, model.confidence - 0.1), 2),
                               date=when or model.date, date_text=when_text or model.date_text,
                               date_basis=basis or model.date_basis, location=None, incident_id=None))
        return [e for e in out if e.confidence >= MIN_CONFIDENCE]

    def _place_target(self, c: Candidate, parties: Parties, sources: list) -> list[Party]:
        """The country of a place phrase on the trigger or on what it acts on ("in Montenegro", "near the town of
        Rafah"): a state named there, else a city the gazetteer knows."""
        own = {faction(x.actor) for x in sources}
        hosts = [c.trigger] + [ch for ch in c.trigger.children if ch.dep_ in ("dobj", "nsubjpass")]
        for h in hosts:
            for prep in h.children:
                if prep.dep_ != "prep" or prep.lower_ not in PLACE_PREPS:
                    continue
                for o in pobjs(prep):
                    # "the town of Rafah", "the city of Basra": the name is one level down
                    names = [o] + [g for pp in o.children if pp.dep_ == "prep" and pp.lower_ == "of" for g in pobjs(pp)]
                    for n in names:
                        states = [q for q in parties.phrase(n, conj=False) if q.actor.kind == "state"]
                        country = states[0].actor.country if states else None
                        if country is None and n.ent_type_ in ("GPE", "LOC"):
                            found = resolve_place(entity_text(n))
                            country = found.get("country") if found else None
                        if country and faction(parties.state(country)) not in own:
                            return [Party(parties.state(country), "place", n.i)]
        return []

    def _context_target(self, a: Annotation, s: Sentence, c: Candidate, source: Party, parties: Parties, dyad,
                        sources: list = ()) -> Optional[Party]:
        own = frozenset({side(source.actor)} | {side(x.actor) for x in sources})
        tok = c.trigger
        subj = {t.i for ch in tok.children if ch.dep_ in ("nsubj", "nsubjpass", "agent") for t in ch.subtree}
        adjuncts = {t.i for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in ADJUNCT_PLACES for t in ch.subtree}
        # "..., while Japan stayed silent": a clause of its own tells about someone else
        adjuncts |= {t.i for ch in tok.children if ch.dep_ == "advcl" and any(m.dep_ == "mark" for m in ch.children)
                     for t in ch.subtree}
        skip = frozenset(subj | adjuncts | {t.i for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass")
                                 for cl in ch.children if cl.dep_ in ("acl", "relcl", "ccomp") for t in cl.subtree}
                         | {t.i for ch in tok.children if ch.dep_ == "conj" for t in ch.subtree})
        # "urging the group to release the crew", "called on foreign forces to leave Congolese territory": the one
        # asked is the object, named but not resolved; whoever the content mentions is not the addressee
        addressees = [ch for ch in tok.children if ch.dep_ == "dobj"] + [
            o for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in ("on", "upon") for o in pobjs(ch)]
        thing = next((ch for ch in addressees if ch.pos_ in ("NOUN", "PROPN") and parties.mention_at(ch) is None), None)
        asked = thing is not None and tok.lemma_.lower() in self.d.words["object_control"] and c.cameo[:2] in ("02", "10")
        if asked:
            skip = skip | {t.i for ch in tok.children if ch.dep_ in ("xcomp", "ccomp") or _infinitive(ch) for t in ch.subtree}
        inside = [q for q in parties.in_subtree(tok, own, skip) if q.actor.kind != "pair"]
        if inside:
            return inside[0]
        if dyad is not None:
            ends = {side(dyad[1].actor): dyad[2], side(dyad[2].actor): dyad[1]}
            if side(source.actor) in ends:
                return ends[side(source.actor)]
        if asked:
            return None  # someone was asked, and we do not know who
        if tok.dep_ == "relcl":
            # "..., without naming Rwanda, which denies backing the rebels": the sides around a relative clause
            # belong to the clause it hangs from
            return None
        pos = s.start + tok.idx
        # "Biden threatened sanctions ..., and Guterres condemned the detentions": the subject of a parallel clause
        # acts beside the source; it is not what the source speaks about
        own_subject = any(ch.dep_ in ("nsubj", "nsubjpass") for ch in tok.children) and tok.dep_ == "conj"
        parallel = [(s.start + t.idx, s.start + t.idx + len(t.text)) for t in tok.doc
                    if own_subject and t.dep_ in ("nsubj", "nsubjpass") and t.head is not tok and t.i < tok.i
                    and t.head.pos_ in ("VERB", "AUX")]
        prev = self._by_index.get(s.index - 1)
        nxt = self._by_index.get(s.index + 1)
        near = []
        for m in a.mentions:
            if side(m.actor) in own or m.actor.kind not in ("state", "person", "org"):
                continue
            if s.start <= m.span[0] < pos:
                if any(m.span[0] < b and m.span[1] > a for a, b in parallel):
                    continue
                rank = 0   # named before it in the same sentence
            elif prev is not None and prev.start <= m.span[0] < prev.end:
                rank = 1   # the sentence before: its first actor, usually whoever acted there
                near.append((rank, m.span[0] - prev.start, m))
                continue
            elif c.cameo[:2] not in self.d.words.get("later_context_roots", ()):
                continue  # a side named only after the trigger is a guess trusted for few codes
            elif pos <= m.span[0] < s.end:
                rank = 2
            elif nxt is not None and nxt.start <= m.span[0] < nxt.end:
                rank = 3
            else:
                continue
            near.append((rank, abs(m.span[0] - pos), m))
        if not near:
            return None
        m = min(near, key=lambda x: x[:2])[2]
        return Party(m.actor, "context", -1)

    def _occurs(self, c: Candidate) -> bool:
        """"the meeting took place", "talks were held": a nominal event reported without its parties."""
        noun = c.trigger if c.pattern.pos == "NOUN" else c.needed
        if noun is None or noun.dep_ not in ("nsubj", "nsubjpass"):
            return False
        return noun.head.lemma_.lower() in self.d.words["occur_verbs"]

    def _refine_dates(self, a: Annotation, events: list[Event]) -> None:
        """"Late last week ... passed a resolution" followed by "... on July 9": a relative, vague date is
        narrowed to a later explicit day in the same document when that day falls inside it."""
        pub = parse_day(a.doc.published)
        for e in events:
            if e.date_basis != "relative" or not e.date_text or "week" not in e.date_text.lower() or not e.date:
                continue
            if pub is None:
                continue
            later = [t for t in a.times if t.span[0] > e.span[1] and t.value and len(t.value) == 10
                     and t.span[0] - e.span[1] < 1500]
            # the later day must fall inside the vague one: the same month (or day +-4) and within two weeks
            # before publication, as "last week" requires
            fits = [t for t in later if (d := parse_day(t.value)) and t.value.startswith(e.date[:7])
                    and 0 <= (pub - d).days <= 14
                    and (len(e.date) < 10 or abs((d - parse_day(e.date)).days) <= 4)]
            if len({t.value for t in fits}) == 1:
                e.date, e.date_text, e.date_basis = fits[0].value, f"{e.date_text} … {fits[0].text}", "explicit"


def _plain_call(tok) -> bool:
    """"called Erdogan on Monday" is a phone call; "called him a liar", "called the talks useful", "called for
    calm", "called off the visit", "called up reservists", "was called", "so-called" are not."""
    if tok.dep_ in ("amod", "acl") or is_passive(tok):
        return False
    objs = [ch for ch in tok.children if ch.dep_ in ("dobj", "dative") or (ch.dep_ == "oprd" and ch.pos_ == "PROPN")]
    if len(objs) != 1 or any(ch.dep_ == "oprd" and ch.pos_ != "PROPN" for ch in tok.children) or objs[0].lower_ in ("it", "this", "that", "them", "what"):
        return False
    if any(ch.dep_ in ("acomp", "ccomp", "attr", "prt") or (
            ch.dep_ == "prep" and ch.lower_ in ("for", "on", "upon", "off", "up", "as", "into")
            and not all(g.ent_type_ in ("DATE", "TIME") for g in pobjs(ch))) for ch in tok.children):
        return False
    return not any(ch.dep_ in ("appos", "acl", "relcl") for ch in objs[0].children if ch.i > objs[0].i and ch.pos_ in ("NOUN", "ADJ"))


def _bare_act(ch, words: dict) -> bool:
    return ch.lemma_.lower() in words.get("act_nouns", ()) and not any(
        g.dep_ in ("poss", "compound", "amod") and g.pos_ in ("PROPN", "PRON") for g in ch.children)


def _names_an_act(tok, words: dict, deep: bool = False) -> bool:
    """The object is an act named by a noun ("the attack", "the launch") or a bare "it"/"this". For threats also
    "revenge on those responsible" and a vow whose clause is about the act ("vowed the strikes would not go
    unpunished")."""
    for ch in tok.children:
        if ch.dep_ in ("dobj", "nsubjpass"):
            if ch.lower_ in ("it", "this", "that"):
                return True
            if _bare_act(ch, words):
                return True
    if not deep:
        return False
    for t in tok.subtree:
        if t.dep_ == "pobj" and t.head.lower_ in ("on", "against", "for") and (
                t.lemma_.lower() in words.get("culprit_nouns", ()) or
                (t.lower_ in ("those", "whoever") and any(g.lower_ == "responsible" for g in t.children))):
            return True
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ccomp" and t.head.head is tok and _bare_act(t, words):
            return True
    return False


def _conditional(c, words: dict, roots) -> bool:
    """A warning whose threatened act hangs on a condition: "warned that he could cut off gas if the bloc ...",
    "warned that any attempt to divert the river would be treated as an act of war". A plain "would take
    countermeasures" or an infinitive ("threatened to impose tariffs if ...") is a threat as such."""
    for t in (ch for ch in c.trigger.children if ch.dep_ == "ccomp"):
        if not any(ch.dep_ == "aux" and ch.lower_ in ("could", "would", "might", "may") for ch in t.children):
            continue
        if any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words["hypothetical_marks"] for m in ch.children)
               for ch in t.children):
            return True
        if any(ch.dep_ in ("nsubj", "nsubjpass") and any(d.dep_ == "det" and d.lower_ == "any" for d in ch.children)
               for ch in t.children):
            return True
    return False


def _habitual(tok) -> bool:
    """Negated simple present with do-support: "we don't attack X", "does not target civilians"."""
    return tok.tag_ == "VB" and any(ch.dep_ == "aux" and ch.lower_ in ("do", "does") for ch in tok.children)


def _stated_size(tok) -> bool:
    """The aid comes with its size or as a package: "$85 million in assistance", "as part of a new package"."""
    for t in tok.doc:
        if t.ent_type_ == "MONEY" or t.text in ("$", "€", "£") or t.lemma_.lower() == "package":
            return True
    # "will send 14 Leopard tanks": a counted delivery is announced aid, not an open promise
    return any(ch.dep_ == "dobj" and any(n.dep_ == "nummod" and n.like_num for n in ch.children) for ch in tok.children)


def _report_time(c, roots, words: dict):
    """The day of a reporting verb placed after the event it reports, when that verb governs the event's clause."""
    above = {t.i: t for t in c.trigger.ancestors}
    for tx, r in roots:
        if not tx.value or tx.kind != "date" or tx.tense == "future":
            continue
        v = r
        for _ in range(4):
            if v.pos_ in ("VERB", "AUX") or v.head is v:
                break
            v = v.head
        if v.i in above and v.i > c.trigger.i and v.lemma_.lower() in words["reporting"]:
            return tx
    return None


def _infinitive(tok) -> bool:
    """"called on Moscow to cooperate" parsed with the infinitive as an adverbial clause: still the content."""
    return tok.dep_ == "advcl" and tok.tag_ == "VB" and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in tok.children)


def _agreed_terms(inner, frame, mutual: bool) -> bool:
    """What an agreement says rather than an act it decides: a content clause with a subject of its own ("agreed
    that neither would use force"), a negated act, or a noun the agreement is about ("agreed on a plan of drills").
    "agreed to impose sanctions" (an infinitive the parties themselves carry out) stays the act."""
    if any(ch.dep_ == "neg" for ch in inner.children):
        return True
    if any(ch.dep_ in ("nsubj", "nsubjpass") and (ch.lower_ in ("neither", "none", "nobody") or any(
            d.dep_ == "det" and d.lower_ in ("neither", "no") for d in ch.children)) for ch in inner.children):
        return True
    if not mutual or (inner.head is frame and (inner.dep_ == "xcomp" or _infinitive(inner))):
        return False  # "the EU agreed to widen sanctions": one side's decision is the act
    return True


def _unspecified_member(party, doc, words: dict) -> bool:
    """An organisation named as the kind of an unnamed member ("a NATO member", "any UN member state", "no EU
    country") stands for no one in particular: the organisation did not act."""
    if party.i < 0 or party.actor.kind != "org" or party.i >= len(doc):
        return False
    t = doc[party.i]
    for _ in range(3):
        if t.lemma_.lower() in words.get("kind_nouns", ()) and any(
                d.dep_ == "det" and d.lower_ in ("a", "an", "any", "no", "every", "each", "some", "another") for d in t.children):
            return True
        if t.dep_ not in ("compound", "amod", "nmod", "npadvmod") or t.head is t:
            return False
        t = t.head
    return False


def _own_forces_ordered(frame, inner) -> bool:
    """"ordered the military / the army / troops to respond": the one ordered is the orderer's own force, named by
    a common noun, and the act is still to come."""
    objs = [ch for ch in frame.children if ch.dep_ in ("dobj", "nsubj") and ch.i > frame.i and ch.i < inner.i]
    return any(o.lemma_.lower() in FORCE_NOUNS and not any(g.pos_ == "PROPN" or g.dep_ == "poss" for g in o.children)
               for o in objs)


FORCE_NOUNS = lexicon.words("force_nouns")


def _court(actor) -> bool:
    return actor.sector == "JUD" or "court" in (actor.name or "").lower() or actor.actor_id in ("ICJ", "ICC")


def _refusal(tok, words: dict) -> bool:
    """A negated approval ("would not approve", "did not recognise the court's jurisdiction") is a rejection."""
    return tok.lemma_.lower() in words.get("approval_verbs", ()) and any(
        ch.dep_ == "neg" for ch in tok.children)


def _background(tok) -> bool:
    """Inside a relative clause about the past: "the row, which began in March 2018 when X expelled"."""
    return any(a.dep_ == "relcl" and a.tag_ == "VBD" for a in [tok] + list(tok.ancestors))


def _depth(tok, top) -> int:
    n, t = 0, tok
    while t is not top and t.head is not t and n < 20:
        t, n = t.head, n + 1
    return n


def _key(e: Event) -> tuple:
    if e.symmetric and e.target is not None:
        # "spoke by phone and reviewed": one meeting of the same two sides, whatever words
        return (e.cameo[:2], tuple(sorted((faction(e.source), faction(e.target)))), e.aux_mode)
    return (e.cameo, e.source.actor_id, e.target.actor_id if e.target else None, e.aux_mode)


def _rank(e: Event) -> tuple:
    return (len(e.cameo), not e.cameo.endswith("0"), e.confidence)


def _best(events: list[Event]) -> list[Event]:
    """One event per (code, source, target) in a sentence: "dangerous and critical" is one comment."""
    best: dict[tuple, Event] = {}
    aimed = {(e.cameo, e.source.actor_id) for e in events if e.target is not None}
    # "launched drills around Taiwan, firing missiles": the untargeted part of an aimed act is not another event
    events = [e for e in events if e.target is not None or (e.cameo, e.source.actor_id) not in aimed]
    for e in events:
        k = _key(e)
        if k not in best or _rank(e) > _rank(best[k]):
            best[k] = e
    return [e for e in events if best.get(_key(e)) is e]
