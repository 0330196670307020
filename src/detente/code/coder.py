"""The code stage: an annotated document in, coded events out.

Per sentence, the candidates the pattern dictionary finds are first combined (a frame takes the event it embeds);
each candidate left is then a draft event that the named passes of `passes.py` decide, in order.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Optional

from detente import lexicon, settings
from detente.annotate import nlp
from detente.types import Annotation, Event, Sentence

from . import places
from .context import _cues as context_cues, event_contexts
from .dating import anchor_times, date_event, dateline, parse_day, time_roots
from .dictionary import Dictionary
from .draft import Codebook, DocumentState, Draft
from .gate import SpanIndex, event_cues, may_hold_event, quote_of, sentence_length
from .match import Candidate, Matcher, pobjs
from .modality import speculative
from .ontology import cameo_table, specialize
from .parties import Parties, faction, side
from .passes import DOMESTIC_ROOTS, MAX_SIDES, MIN_CONFIDENCE, PASSES, infinitive

FRAME_MAPS = {"intent": "intent_code", "intent_done": "intent_code", "request": "request_code",
              "appeal": "appeal_code", "reject": "reject_code", "threat": "threat_code", "accuse": "accuse_code"}
FRAME_SKIP = frozenset({"nsubj", "nsubjpass", "agent", "poss", "conj", "cc", "advcl", "npadvmod", "advmod", "parataxis", "punct"})
FRAME_PREPS = frozenset({"to", "on", "upon", "for", "with", "of", "from", "including", "about", "over"})

class BudgetNotes(dict):
    """doc_id -> why some of the document's sentences were not coded. Two of them add up to their merge, so that
    CoderStats of several chunks still sum with Counter.update (the counts add, the notes gather)."""

    def __add__(self, other):
        if isinstance(other, dict):
            return BudgetNotes({**self, **other})
        return BudgetNotes(self) if other == 0 else NotImplemented

    def __radd__(self, other):
        if isinstance(other, dict):
            return BudgetNotes({**other, **self})
        return BudgetNotes(self) if other == 0 else NotImplemented


@dataclass
class CoderStats:
    documents: int = 0
    sentences_seen: int = 0
    sentences_parsed: int = 0
    events: int = 0
    sentences_over_budget: int = 0    # longer than settings.MAX_PARSE_TOKENS: not parsed
    sentences_out_of_time: int = 0    # left uncoded when their document ran past settings.DOCUMENT_SECONDS
    budget_notes: dict = field(default_factory=BudgetNotes)  # doc_id -> why some of its sentences were not coded


def parse_sentences(items: list[tuple[Annotation, Sentence]], batch_size: int,
                    skip: Optional[Callable[[int], bool]] = None) -> Iterator:
    """Dependency parses of the chosen sentences, character offsets relative to the sentence start.

    Sentences of the light spaCy pass are parsed by the parser alone (their token vectors are reused);
    an annotation made without one (a hand-built test fixture) has its sentence text run through the whole model.
    Without `skip`, one parse per item, in order. With it, (position, parse) pairs: `skip(position)` is asked as
    the parser reaches each item, so that a document out of time has its remaining sentences left unparsed.
    """
    spans = [a.tokens.char_span(s.start, s.end, alignment_mode="expand") if a.tokens is not None else None
             for a, s in items]
    whole = not all(sp is not None and sp.start_char == s.start for sp, (_, s) in zip(spans, items))
    if skip is None:
        if whole:
            return nlp.full().pipe((s.text for _, s in items), batch_size=batch_size)
        return nlp.parse(spans, batch_size=batch_size)
    fed: deque = deque()  # positions handed to the parser and not yet back: the parser reads ahead a batch

    def chosen() -> Iterator[int]:
        for k in range(len(items)):
            if not skip(k):
                fed.append(k)
                yield k

    if whole:
        parses = nlp.full().pipe((items[k][1].text for k in chosen()), batch_size=batch_size)
    else:
        parses = nlp.parse((spans[k] for k in chosen()), batch_size=batch_size)
    return ((fed.popleft(), p) for p in parses)


class Coder:
    """`Coder().code(annotation) -> list[Event]`; `code_many(annotations)` batches the parse across documents."""

    def __init__(self, dictionary: Optional[Dictionary] = None, batch_size: int = 32):
        self.d = dictionary or Dictionary.load()
        self.matcher = Matcher(self.d)
        self.table = cameo_table()
        self.book = Codebook(self.d, self.matcher, self.table)
        self.cues = event_cues(self.d)
        # built now, so that pool workers forked after this share them
        places._city_index()
        context_cues()
        self.batch_size = batch_size
        self.stats = CoderStats()

    # -- public ------------------------------------------------------------------------------------------
    def code(self, annotation: Annotation) -> list[Event]:
        return next(self.code_many([annotation]))[1]

    def code_many(self, annotations: Iterable[Annotation], docs_per_batch: int = 64) -> Iterator[tuple[Annotation, list[Event]]]:
        batch: list[Annotation] = []
        spent: list[float] = []  # seconds each document has cost so far: its annotation, then its parse
        annotations = iter(annotations)
        while True:
            t = time.perf_counter()
            a = next(annotations, None)  # annotating happens here when `annotations` is the annotator's stream
            if a is None:
                break
            batch.append(a)
            spent.append(time.perf_counter() - t)
            if len(batch) >= docs_per_batch:
                yield from self._batch(batch, spent)
                batch, spent = [], []
        if batch:
            yield from self._batch(batch, spent)

    # -- stages ------------------------------------------------------------------------------------------
    def _batch(self, batch: list[Annotation], spent: Optional[list[float]] = None):
        budget, max_tokens = settings.DOCUMENT_SECONDS, settings.MAX_PARSE_TOKENS
        spent = list(spent) if spent is not None else [0.0] * len(batch)
        wanted: list[tuple[int, Sentence]] = []
        over = [0] * len(batch)  # sentences over MAX_PARSE_TOKENS, per document
        late = [0] * len(batch)  # sentences left unparsed or uncoded for want of time, per document
        for n, a in enumerate(batch):
            self.stats.documents += 1
            mentioned = {m.sentence for m in a.mentions}
            spans = SpanIndex([(m.span[0], m.span[1]) for m in a.mentions])
            for s in a.sentences:
                self.stats.sentences_seen += 1
                has_actor = s.index in mentioned or spans.overlaps(s.start, s.end)
                # no token with a pattern that could fit: no candidate, whatever the parse
                if may_hold_event(a, s, self.d, has_actor) and self.cues.in_sentence(a, s):
                    if sentence_length(a, s) > max_tokens:
                        over[n] += 1  # run-on clutter: its mentions and quotes stand, its events are not coded
                        continue
                    wanted.append((n, s))

        def out_of_time(k: int) -> bool:
            n = wanted[k][0]
            if spent[n] > budget:
                late[n] += 1
                return True
            return False

        per_doc: dict[int, list[tuple[Sentence, object]]] = {}
        t = time.perf_counter()
        for k, sdoc in parse_sentences([(batch[n], s) for n, s in wanted], self.batch_size, skip=out_of_time):
            n, s = wanted[k]
            now = time.perf_counter()
            spent[n] += now - t  # a batch's parse is charged to the sentence that waited for it
            t = now
            self.stats.sentences_parsed += 1
            per_doc.setdefault(n, []).append((s, sdoc))
        for n, a in enumerate(batch):
            parsed = per_doc.get(n, [])
            coded = [0]
            events = self._document(a, self._in_time(parsed, time.perf_counter() - spent[n], budget, coded))
            late[n] += len(parsed) - coded[0]
            self.stats.events += len(events)
            self._note(a, over[n], late[n], coded[0], budget, max_tokens)
            yield a, events

    @staticmethod
    def _in_time(parsed: list, started: float, budget: float, coded: list) -> Iterator:
        """The parsed sentences of a document while it is within its time budget; `coded[0]` counts those given."""
        for item in parsed:
            if time.perf_counter() - started > budget:
                return
            coded[0] += 1
            yield item

    def _note(self, a: Annotation, over: int, late: int, coded: int, budget: float, max_tokens: int) -> None:
        self.stats.sentences_over_budget += over
        self.stats.sentences_out_of_time += late
        notes = []
        if late:
            notes.append(f"time budget: coded {coded} of {coded + late} sentences in {budget:g} s (DOCUMENT_SECONDS)")
        if over:
            notes.append(f"{over} sentence{'s' if over > 1 else ''} over {max_tokens} tokens not parsed (MAX_PARSE_TOKENS)")
        if notes:
            self.stats.budget_notes[a.doc.doc_id] = "; ".join(notes)

    def _document(self, a: Annotation, parsed: list[tuple[Sentence, object]]) -> list[Event]:
        events: list[Event] = []
        # a dateline ("WASHINGTON, July 13. /TASS/.") dates the report, not the events told after it
        doc = DocumentState(a, anchor_times([t for t in a.times if not dateline(a.doc.text or "", t)]),
                            {s.index: s for s in a.sentences})
        for s, sdoc in parsed:
            q = quote_of(a, s)
            previous = doc.by_index.get(s.index - 1)
            parties = Parties(a, s, sdoc, self.d, speaker=q.speaker if q else None, previous=previous)
            cands = self.matcher.candidates(sdoc, parties)
            self._frames(cands)
            self._contents(cands)
            self._resolutions(cands)
            times = [t for t in doc.times if s.start <= t.span[0] < s.end]
            roots = time_roots(times, sdoc, s.start)
            found: list[tuple[int, Event]] = []
            # events whose sides the sentence names first, so the rest can borrow their dyad
            for c in sorted(cands, key=lambda c: not (c.sources or c.targets)):
                if c.absorbed or c.drop or speculative(c, self.d.words):
                    continue
                if c.pattern.frame == "copy":
                    found.extend((c.i, e) for e in self._follow(doc, s, c, cands, roots, events + [e for _, e in found]))
                    continue
                new = self._events(doc, Draft(c, s, parties, cands, roots))
                found.extend((c.i, e) for e in new)
                doc.remember(s.index, new)
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
            if not f.pattern.frame and f.pattern.origin == "petrarch" and f.needed is not None:
                # "reiterated its demand that Israel ease restrictions": a dictionary verb whose object is a framing
                # noun of our own, in the same sense, frames what the noun would
                framed = next((p for p in self.d.lookup(f.needed.lemma_.lower(), "NOUN")
                               if p.origin == "detente" and p.frame and p.cameo[:2] == f.cameo[:2]), None)
                if framed is not None:
                    f.pattern = replace(f.pattern, frame=framed.frame)
        for f in cands:
            if not f.pattern.frame or f.absorbed:
                continue
            # an obligation ("said China must drop barriers") frames the clause its modal sits in
            top = f.trigger.head if f.pattern.pos == "AUX" else f.trigger
            # the frame's own complement only: not its subjects, nor adjuncts ("agreed ... in a deal brokered by
            # China after four days of talks": the talks are an event of their own)
            subj_toks = {t.i for ch in top.children if (ch.dep_ in FRAME_SKIP and not infinitive(ch)) or (
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
                if f.pattern.frame == "vow" and any(
                        ch.dep_ == "xcomp" and any(n.dep_ == "neg" for n in ch.children) for ch in f.trigger.children):
                    # "vowed not to return the Golan Heights", an act we have no pattern for: a refusal all the same
                    f.cameo = "120"
                    continue
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
            if frame == "intent" and f.pattern.frame in ("vow", "intent") and any(ch.dep_ == "neg" for ch in i.trigger.children):
                # "vowed not to return the Golan Heights": an intent not to yield is a refusal
                code = specialize(self.d.frames["reject_code"], i.cameo) or code
            if frame == "request" and not i.sources and i.targets and int(i.cameo[:2]) >= 16:
                # "called for sanctions against Nigeria": no one named is asked to act; action against X is rallied
                code = "113"
            if code:
                f.cameo = code
            if agreed_terms and len({faction(p.actor) for p in f.sources}) >= 2:
                continue  # "A and B agreed that neither would ...": the parties are the two sides, not the terms'
            if not f.targets:
                # a threat of force or coercion at home ("threatened to ban Ugandan opposition candidates") is aimed
                # at its own country's people; any other act embedded is aimed at another side
                home = frame == "threat" and i.cameo[:2] in DOMESTIC_ROOTS
                # a request is aimed at the one asked to act ("demand that Israel ease restrictions on X")
                asked = (i.sources or i.targets) if frame == "request" else (i.targets or i.sources)
                # (a rebel group or the opposition is a side apart from its own state: "Islamic Jihad rejected an
                # invitation to a meeting of Palestinian factions")
                f.targets = [p for p in asked
                             if faction(p.actor) not in {faction(s.actor) for s in f.sources}
                             or (home and p.actor.actor_id not in {s.actor.actor_id for s in f.sources})]

    def _events(self, doc: DocumentState, d: Draft) -> list[Event]:
        """Run the passes over one draft, in order; a pass that ends the draft leaves no event."""
        for step in PASSES:
            step(self.book, doc, d)
            if d.drop:
                return []
        return d.events

    def _follow(self, doc: DocumentState, s: Sentence, c: Candidate, cands, roots, before: list[Event]) -> list[Event]:
        """"Mexico broke off relations with Ecuador, and Nicaragua followed suit": the same act by the newcomers."""
        tok = c.trigger
        objs = [ch for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass", "auxpass", "agent")]
        if not c.sources or tok.dep_ in ("relcl", "acl", "amod") or any(o.lower_ != "suit" for o in objs):
            return []
        if not objs and tok.dep_ not in ("conj", "ROOT"):
            return []
        new = {side(p.actor) for p in c.sources}
        # the act followed is one side's on another: others cannot follow suit in a country's act at home
        model = next((e for e in reversed(before) if e.aux_mode is None and not e.symmetric and e.target is not None
                      and side(e.source) not in new and side(e.source) != side(e.target) and e.cameo[:2] not in ("01", "02")
                      and e.span[0] >= (doc.by_index.get(s.index - 1) or s).start), None)
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
                               date_basis=basis or model.date_basis, location=None, incident_id=None,
                               context=event_contexts(getattr(self.table.get(model.cameo), "plover_context", None), tok.doc)))
        return [e for e in out if e.confidence >= MIN_CONFIDENCE]

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


def _agreed_terms(inner, frame, mutual: bool) -> bool:
    """What an agreement says rather than an act it decides: a content clause with a subject of its own ("agreed
    that neither would use force"), a negated act, or a noun the agreement is about ("agreed on a plan of drills").
    "agreed to impose sanctions" (an infinitive the parties themselves carry out) stays the act."""
    if any(ch.dep_ == "neg" for ch in inner.children):
        return True
    if any(ch.dep_ in ("nsubj", "nsubjpass") and (ch.lower_ in ("neither", "none", "nobody") or any(
            d.dep_ == "det" and d.lower_ in ("neither", "no") for d in ch.children)) for ch in inner.children):
        return True
    if not mutual or (inner.head is frame and (inner.dep_ == "xcomp" or infinitive(inner))):
        return False  # "the EU agreed to widen sanctions": one side's decision is the act
    return True


def _own_forces_ordered(frame, inner) -> bool:
    """"ordered the military / the army / troops to respond": the one ordered is the orderer's own force, named by
    a common noun, and the act is still to come."""
    objs = [ch for ch in frame.children if ch.dep_ in ("dobj", "nsubj") and ch.i > frame.i and ch.i < inner.i]
    return any(o.lemma_.lower() in FORCE_NOUNS and not any(g.pos_ == "PROPN" or g.dep_ == "poss" for g in o.children)
               for o in objs)


FORCE_NOUNS = lexicon.words("force_nouns")


def _court(actor) -> bool:
    return actor.sector == "JUD" or "court" in (actor.name or "").lower() or actor.actor_id in ("ICJ", "ICC")


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
