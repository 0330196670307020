"""The coder's passes over one draft event, in order. Each decides one thing about the draft, or ends it.

A pass is `step(book, doc, d)`: the codebook it codes with, the document as read so far, the draft. The code
rewrites that are plain rows (condition, from code, to code) are in data/frames.json under `recode`.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import lru_cache
from typing import Optional

from detente import lexicon
from detente.annotate.actors.kb import KnowledgeBase
from detente.types import Actor, Event, Sentence

from .context import event_contexts
from .dating import after_measure, background, context_day, date_event, is_historical, lasting, parse_day
from .draft import FORCE_ROOTS, Codebook, DocumentState, Draft
from .match import PLACE_TARGET_ROOTS, Candidate, is_passive, misparsed_verb, pobjs
from .modality import FUTURE_AUX, aux_mode, travelled_to
from .ontology import specialize
from .parties import Parties, Party, faction, side
from .places import entity_text, locate, resolve_place

# Roots where source and target may share a side (arrests, protests, violence at home).
DOMESTIC_ROOTS = frozenset({"14", "15", "17", "18", "19", "20"})
# A state's rulers and its people face each other at home in demands, accusations, refusals, threats and yielding
# ("the Albanians of southern Serbia are demanding autonomy from Serbian authorities")
RULER_SECTORS = frozenset({"GOV", "LEG", "JUD", "COP"})
PEOPLE_SECTORS = frozenset({"CVL", "OPP", "LAB", "REF", "EDU", "MED", "REL", "BUS", "AGR"})
HOME_POLITICS_ROOTS = frozenset({"08", "10", "11", "12", "13"})
MIN_CONFIDENCE = 0.4
# "Iran reached an agreement with the United States, Britain, France, Germany, Russia and China": six rows
MAX_SIDES = 6
# "denied any involvement during a visit to Helsinki": where and when, not whom
ADJUNCT_PLACES = frozenset({"during", "in", "at", "after", "before", "while", "amid", "ahead"})
# Acts that may take place at home, and whom they are aimed at there: a protest at the government (no sector),
# coercion and force at the people
HOME_TARGET_SECTOR = {"14": None, "17": "CVL", "18": "CVL", "19": "CVL", "20": "CVL"}
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "across", "throughout", "inside"})
BASIS_WEIGHT = {"name": 0.1, "alias": 0.1, "title+name": 0.1, "description": 0.05, "metonym": 0.05,
                "speaker": 0.05, "coref": 0.0, "context": -0.05, "demonym": 0.0, "pronoun": -0.1, "dyad": -0.15}


# -- trigger and pattern ---------------------------------------------------------------------------------------
def trigger(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """Whether the trigger carries an act at all (an obligation on someone named, a phone call); its pattern's code."""
    c, p = d.candidate, d.candidate.pattern
    if p.pos == "AUX" and c.target_role != "clause_subj":
        return d.end("an obligation on no one named")  # "these issues must be approached": no demand
    if p.trigger == "call" and p.cameo == "041" and p.pos == "VERB" and not _plain_call(c.trigger):
        return d.end("not a phone call")
    d.code = c.cameo


# -- sides -----------------------------------------------------------------------------------------------------
def sides(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """Who acts on whom as the words name them; "both", "the two governments" are the list or the dyad in play."""
    c, p, s, parties = d.candidate, d.candidate.pattern, d.sentence, d.parties
    # "a NATO member has fired on ...", "not recognised by any UN member state": some member, not the body
    sources = [x for x in c.sources if not _unspecified_member(x, c.trigger.doc, book.words)]
    targets = list(c.targets)
    dyad = d.dyad = doc.last_dyad if doc.last_dyad and s.index - doc.last_dyad[0] <= 5 else None
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
                targets = [x for x in (dyad[1:] if dyad else ()) if faction(x.actor) not in own]
    if any(x.basis == "pair" for x in sources) and not p.symmetric and sources[0].actor.actor_id == "PAIR":
        # "halted supplies to Poland and Bulgaria after both refused to pay": each side of the list named
        # before it (else of the dyad in play) acts on its own; the target is found as for any act
        group = parties.group_before(c.trigger) or (list(dyad[1:]) if dyad else [])
        if len(group) < 2:
            return d.end("'both' with no list or dyad to stand for")
        sources = group
        targets = [x for x in targets if faction(x.actor) not in {faction(g.actor) for g in group}]
    if any(x.basis == "pair" for x in sources):
        # "our leaders spoke on the phone": both sides of the dyad the document is about
        pair = sources[0]
        if not dyad or (pair.actor.actor_id != "PAIR" and side(pair.actor) not in (side(dyad[1].actor), side(dyad[2].actor))):
            return d.end("a pair with no dyad in play")
        sources, targets = [dyad[1]], [dyad[2]]
    d.sources, d.targets = sources, targets


def meeting_sides(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """For a symmetric act (met, agreed, talks): which two sides, from the list, "they"/"their" or the dyad."""
    c, p, s, parties, dyad = d.candidate, d.candidate.pattern, d.sentence, d.parties, d.dyad
    if not p.symmetric:
        return
    sources, targets = d.sources, d.targets
    if len({faction(x.actor) for x in sources}) >= 2:
        # "A and B met": the conjuncts are the two sides; a "their" in the object points back at them, not
        # at whoever was named last ("met ..., their first talks")
        explicit = [t for t in targets if t.basis not in ("pronoun", "dyad", "pair")]
        if not explicit:
            # "A, B and C began sharing data": every pair of the listed sides, each pair once (see `pairs`)
            distinct = [x for n, x in enumerate(sources) if faction(x.actor) not in {faction(y.actor) for y in sources[:n]}]
            sources, targets = distinct, distinct[1:]
        else:
            targets = explicit
    if dyad and sources and s.index - dyad[0] <= 1 and all(
            x.basis == "pronoun" and x.i >= 0 and c.trigger.doc[x.i].lower_ == "they" for x in sources):
        # "They agreed to ..." right after "A and B met": the pair
        sources, targets = [dyad[1]], [dyad[2]]
    if c.source_role == "poss" and sources and all(x.i >= 0 and c.trigger.doc[x.i].lower_ == "their" for x in sources):
        # "their first meeting": the pair, not whoever "their" last pointed at; "A and B carried out their
        # largest prisoner exchange": the subjects of the light verb
        subj = [q for t in book.matcher.subjects(c.trigger) for q in parties.phrase(t)]
        if len({faction(q.actor) for q in subj}) >= 2:
            sources, targets = subj[:1], [q for q in subj if faction(q.actor) != faction(subj[0].actor)]
        elif not dyad:
            return d.end("'their' with no dyad in play")
        else:
            sources, targets = [dyad[1]], [dyad[2]]
    if not sources and len(targets) >= 2 and c.target_role in ("between", "of"):
        sources, targets = targets[:1], targets[1:2]
    if not sources and not targets and dyad and (
            (s.index == dyad[0] and p.pos == "NOUN") or (s.index - dyad[0] <= 1 and _occurs(book, c))):
        # "the first round was held in Vienna" right after "Paris and Berlin are getting ready for another
        # round", or "the decision to launch dialogue" beside "the Russian-US summit": the
        # sides carry over, trusted less.
        sources, targets = [dyad[1]], [dyad[2]]
        d.basis_extra -= 0.05
    if len(sources) == 1 and not targets and dyad:
        # "Russia expects to hold a meeting" in a story about Russia and the US: the other side of the dyad
        ends = {side(dyad[1].actor): dyad[2], side(dyad[2].actor): dyad[1]}
        if side(sources[0].actor) in ends:
            targets = [ends[side(sources[0].actor)]]
    d.sources, d.targets = sources, targets


# -- sense -----------------------------------------------------------------------------------------------------
def sense(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """The code the words give before a target is sought: a refusal rejects, an ultimatum to leave expels."""
    d.refused = _refusal(d.candidate.trigger, book.words)
    c = d.candidate
    if c.pattern.frame == "intent" and c.trigger.tag_ == "VBN" and not any(ch.dep_ == "aux" for ch in c.trigger.children):
        # "war games, expected to be joined by Italian vessels": an expectation others hold is no one's intent
        return d.end("an expectation is no one's intent")
    _recode(book, d, "sense")


def _recode(book: Codebook, d: Draft, stage: str) -> None:
    """Apply the `recode` rows of one stage in order: a row whose test holds turns its `from` code into `to`."""
    for row in book.frames["recode"][stage]:
        if d.code.startswith(row["from"]) and RECODE_CONDITIONS[row["if"]](book, d):
            d.code = row["to"]


RECODE_CONDITIONS = {
    # "would not approve the bids", "did not recognise the court"
    "refused": lambda book, d: d.refused,
    # "gave the diplomats 72 hours to leave the country"
    "leave_verb": lambda book, d: any(t.dep_ in ("advcl", "xcomp", "acl", "relcl") and t.lemma_.lower() in book.words["leave_verbs"]
                                      for t in d.candidate.trigger.subtree),
    # "travelled to Moscow to meet Putin": a trip made to meet
    "travelled_to": lambda book, d: travelled_to(d.candidate.trigger, book.words),
    # protesters who attack an embassy riot, they do not wage war
    "civilian_sources": lambda book, d: all(x.actor.sector == "CVL" for x in d.sources),
}


# -- context: targets the sentence does not name --------------------------------------------------------------
def hosts_and_brokers(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """Whom a host receives and between whom a broker mediates: the sides of the talks or deal, or the dyad."""
    c, parties, dyad = d.candidate, d.parties, d.dyad
    sources = d.sources
    if d.targets or not sources or d.code not in ("043", "045"):
        return
    hosted = ([c.trigger.head] if c.trigger.dep_ == "acl" else [ch for ch in c.trigger.children if ch.dep_ == "dobj"])
    hosted = [n for n in hosted if n.lemma_.lower() in book.words["meeting_nouns"] or n.lower_ in book.words["meeting_nouns"]]
    if d.code == "043" and hosted:
        # "hosted talks between A and B", "talks in Moscow hosted by Lavrov": the host receives the sides of the
        # talks, else of the dyad in play
        n = hosted[0]
        parts = [q for q in parties.phrase(n) + [q for ch in n.children if ch.dep_ == "prep" and ch.lower_ in ("between", "with")
                                                for o in pobjs(ch) for q in parties.phrase(o)]
                 if side(q.actor) != side(sources[0].actor)]
        if len({faction(q.actor) for q in parts}) < 2 and dyad and side(sources[0].actor) not in (side(dyad[1].actor), side(dyad[2].actor)):
            parts = [dyad[1], dyad[2]]
        d.targets = parts if len({faction(q.actor) for q in parts}) >= 2 else []
    if d.code == "045" and c.trigger.dep_ == "acl":
        # "Russia and Japan signed a truce under a plan brokered by Poland": the sides that took up the deal
        n = c.trigger.head
        verb = n.head.head if n.dep_ == "pobj" and n.head.head.pos_ in ("VERB", "AUX") else book.matcher.governor(n)
        takers = [q for t in (book.matcher.subjects(verb) if verb is not None else []) for q in parties.phrase(t)
                  if side(q.actor) != side(sources[0].actor)]
        if len({faction(q.actor) for q in takers}) >= 2:
            d.targets = takers
    if d.code == "045" and not d.targets:
        # "a deal brokered by China", "talks mediated by the AU": between the sides of the deal in play
        if dyad and side(sources[0].actor) not in (side(dyad[1].actor), side(dyad[2].actor)):
            d.targets = [dyad[1], dyad[2]]
        else:
            other = _context_target(book, doc, d.sentence, c, sources[0], parties, None)
            d.targets = [other] if other is not None else []


def unnamed_targets(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """With no target named: the source's own country, the country the act took place in, or none at all."""
    c, sources = d.candidate, d.sources
    if not d.targets and sources and d.code in book.words["home_target_codes"]:
        # martial law or a state of emergency declared with no one named: imposed on the source's own country
        home = sources[0].actor.country
        if home:
            d.targets = [Party(replace(d.parties.state(home), sector="CVL"), "context", -1)]  # its people
    if not d.targets and sources and (d.code[:2] in PLACE_TARGET_ROOTS or d.code[:2] in HOME_TARGET_SECTOR):
        # "killed 23 people in Tel Aviv", "lifted the curfew in Montenegro": an act on people or things named
        # by no side is aimed at the country it took place in; at home, at its people ("extended the curfew in
        # Abidjan") or, for a protest, its government ("marched in Caracas")
        d.targets = [t for t in _place_target(c, d.parties, sources, HOME_TARGET_SECTOR.get(d.code[:2], False),
                                              day=doc.annotation.doc.published)
                     if all((t.actor.actor_id, t.actor.sector) != (x.actor.actor_id, x.actor.sector) for x in sources)]
    if d.code[:2] == "15" and sources:
        # "Austin placed 8,500 US troops on alert": a side's own forces are what it mobilises, not whom at
        d.targets = [t for t in d.targets if not (t.actor.country and t.actor.country == sources[0].actor.country
                                                  and t.actor.sector == "MIL")]
    police = book.frames["police_at_home"]
    if not d.targets and sources and sources[0].actor.sector in police["sectors"] and d.code[:2] in police["roots"] \
            and sources[0].actor.country:
        # "police arrested 12": no one named, the people of their own country
        d.targets = [Party(replace(d.parties.state(sources[0].actor.country), sector="CVL"), "context", -1)]
    if not d.targets and c.pattern.untargeted:
        d.code, d.untargeted = c.pattern.untargeted, True  # "fired a missile" at no one named: a test, not an attack


def act_criticised(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """A comment on "the launch", "the move" or "it" is aimed at whoever did that act in the sentences before."""
    c, s, sources, targets = d.candidate, d.sentence, d.sources, d.targets
    if not (d.code[:2] in ("01", "11", "12", "13") and sources and (not targets or all(t.basis == "pronoun" for t in targets))):
        return
    policy = {"act_nouns": book.words["policy_act_nouns"]}
    if not (_names_an_act(c.trigger, book.words, deep=d.code[:2] == "13") or _names_an_act(c.trigger, policy)):
        return
    # "X fired a missile. Japan called the launch unacceptable and the US condemned it": the one who acted;
    # "vowed revenge on those responsible", "vowed the strikes would not go unpunished" likewise
    done = [(k, e) for k, e in doc.force if s.index - k <= 3 and side(e.source) != side(sources[0].actor)]
    if not done and _names_an_act(c.trigger, policy):
        # "Gazprom halted gas supplies. Brussels called the move blackmail": the last act before it
        done = [(k, e) for k, e in doc.acts if s.index - k <= 1 and side(e.source) != side(sources[0].actor)][-1:]
    if not done and not any(ch.dep_ in ("dobj", "nsubjpass") and ch.lower_ in ("it", "this", "that")
                            for ch in c.trigger.children):
        d.unknown_act = True  # the act criticised is not one we coded: its actor is not guessed
    if done:
        last = done[-1][0]
        targets = [Party(e.source, "context", -1) for k, e in done if k == last]
        d.targets = [t for n, t in enumerate(targets) if side(t.actor) not in {side(u.actor) for u in targets[:n]}]


def targets_from_context(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """A comment, denial or demand with no target: the side its words name, the dyad, or the nearest other side."""
    c, sources = d.candidate, d.sources
    # "called the release a sign of good faith", "welcomed the decision": praise of an act is a comment on its actor
    appraisal = d.code[:2] == "05" and c.trigger.lemma_.lower() in book.words["appraisal_verbs"]
    # PETRARCH's patterns name their target's place in the clause: none is borrowed from around it
    if not d.targets and sources and (d.code[:2] in book.words["context_target_roots"] or appraisal) and not d.unknown_act \
            and c.pattern.origin == "detente":
        # "Moscow denied violating the accord", "called the decision irresponsible": the other side is the one
        # the event's own words name, else the dyad in play, else the nearest other side around
        other = _context_target(book, doc, d.sentence, c, sources[0], d.parties, d.dyad, sources)
        if other is not None:
            d.targets = [other]
            d.basis_extra -= 0.05


def unnamed_attackers(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """"A roadside bomb near Samarra killed a U.S. soldier": force by a thing with no one named behind it is an
    unidentified armed group's (CAMEO's UAF) of the country where it struck."""
    c, words = d.candidate, book.words
    if d.sources or d.code[:2] not in ("18", "19", "20"):
        return
    tok = c.trigger
    agents = [o for ch in tok.children if ch.dep_ in ("agent", "prep") and ch.lower_ in ("by", "in") for o in pobjs(ch)]
    doers = book.matcher.subjects(tok) + agents if tok.pos_ == "VERB" else [tok]
    instruments = [t for t in doers if t.lemma_.lower() in words["attack_instruments"]
                   or " ".join(x.lemma_.lower() for x in t.subtree if x.dep_ == "compound" or x is t)
                   in words["attack_instruments"]]
    if not instruments:
        return
    at = _place_target(c, d.parties, [], None, hosts=instruments, day=doc.annotation.doc.published)
    if at:
        state = at[0].actor
        unknown = Actor(actor_id=f"{state.country}-UAF", name=f"unidentified armed group ({state.name})", kind="org",
                        country=state.country, sector="UAF")
        d.sources = [Party(unknown, "place", at[0].i)]


def speaker_attribution(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """A reported attack is the speaker's accusation (frames.json `reported_attack`); with no source, no event."""
    c, sources = d.candidate, d.sources
    rule = book.frames["reported_attack"]
    # "warned of sanctions if Moscow attacks": an attack set as a condition is no attack reported
    condition = any(a.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in book.words["hypothetical_marks"]
                                              for m in a.children) for a in [c.trigger, *c.trigger.ancestors])
    # "will support a resolution that aims to impose a blockade": an act still to come is told, not charged
    if d.code[:2] in rule["roots"] and c.speaker is not None and not condition and (c.speaker_how == "quote" or (
            c.speaker_how == "reporting" and 0 <= c.speaker.i < c.trigger.i)) \
            and sources and side(c.speaker.actor) != side(sources[0].actor) \
            and aux_mode(c, book.words, d.roots) not in ("future", "hypothetical"):
        d.code = specialize(book.frames[rule["frame"]], d.code) or rule["otherwise"]
        d.targets, d.sources = sources[:1], [c.speaker]
    if not d.sources:
        d.end("no source")


def recode(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """The code once the sides are final: protesters who attack riot, a trip made to meet is a visit."""
    _recode(book, d, "recode")


# -- mode ------------------------------------------------------------------------------------------------------
def mode(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """Whether the act is done, announced, feared, denied or conditional; forecasts of others' conflict end here."""
    c, p, words = d.candidate, d.candidate.pattern, book.words
    if _question(c.trigger):
        return d.end("a question, not an event")
    d.mode = aux_mode(c, words, d.roots)
    if d.mode == "hypothetical" and c.speaker_how in ("subject", "") and c.inner is None:
        # "Russia may attack Moldova", "if Russia attacks Poland": the writer's guess or condition, nobody's word
        return d.end("a possibility the report weighs, not an event")
    if d.refused:
        d.mode = None
    own_word = c.speaker is not None and side(c.speaker.actor) == side(d.sources[0].actor)
    threatened = d.code[:2]  # the act a threat is made with: its root says whether the sides may share a country
    if d.mode == "future" and own_word and threatened in book.frames["announced_threat"]["roots"] and p.origin == "detente":
        # "said it would impose martial law", "will tighten the blockade": force or coercion its own side announces
        # is a threat made now
        d.mode, d.code = None, specialize(book.frames["threat_code"], d.code) or "130"
    else:
        threatened = None
    if d.mode in ("future", "hypothetical") and own_word and d.targets and _ultimatum(c.trigger):
        # "will withdraw its force from Chad unless the president arranges a ceasefire": an act its own side holds
        # over the target until it complies is an ultimatum, given now
        d.mode, d.code = None, "139"
    if p.origin == "petrarch" and d.mode in ("future", "hypothetical", "negated") and not (d.mode == "future" and p.future):
        return d.end("a dictionary pattern knows the act, not how to code its being announced, feared or denied")
    if p.frame == "threat" and d.code[:2] == "13" and d.mode is None and _conditional(c, words, d.roots):
        d.mode = "hypothetical"  # "warned that he could cut off gas transit if ...": a conditional threat
    if d.mode == "negated" and d.code[:2] in FORCE_ROOTS and _habitual(c.trigger):
        return d.end("a stance denied, not an event")  # "we don't attack civilians"
    if d.code[:2] == "07" and d.mode == "future" and _stated_size(c.trigger):
        # "will send cluster munitions as part of an $800 million package": an announced package is the aid
        d.mode = None
    # a threat's act is the one it threatens: its root says whether the sides may share a country
    inner = c.inner.cameo[:2] if c.inner is not None and d.code[:2] == "13" else None
    d.act_root = root = threatened or inner or d.code[:2]
    if d.mode in ("future", "hypothetical"):
        if int(root) >= 9 and not own_word:
            return d.end("others' forecasts of conflict are not events")
        if p.future and c.inner is None:
            d.code = p.future
    if d.mode == "future" and root == "16" and c.speaker_how == "reporting" and own_word:
        # "said it would close the consulate": an announced sanction is the act itself
        d.mode, d.code = None, c.cameo


# -- date ------------------------------------------------------------------------------------------------------
def date(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """When: the sentence's own time, a trailing report's day, the day the report is about, or publication."""
    c, s, a = d.candidate, d.sentence, doc.annotation
    gov = c.trigger if c.trigger.pos_ in ("VERB", "AUX") else book.matcher.governor(c.trigger)
    reference = c.pattern.pos == "NOUN" and (gov is None or gov.lemma_.lower() not in
                                             book.words["support_verbs"] | book.words["occur_verbs"])
    when, when_text, basis, d.date_adj = date_event(c, d.roots, d.candidates, s.text, None, gov)
    if when is None and not reference:
        # "..., the agency said on Saturday": a trailing report dates what it reports
        tx = _report_time(c, d.roots, book.words)
        if tx is not None:
            when, when_text, basis = tx.value, tx.text, tx.basis
    if when is None and basis is None and a.doc.published and not reference \
            and not background(s.text):
        # no time of its own: the day the report is about ("met on Wednesday ... Lavrov said afterwards"),
        # else the day of publication
        before = doc.by_index.get(s.index - 2) or doc.by_index.get(s.index - 1) or s
        tx = context_day(doc.times, s.start + c.trigger.idx, before.start, a.doc.published)
        if tx is not None:
            when, when_text, basis = tx.value, tx.text, tx.basis
        else:
            when, basis = a.doc.published, "publication"
        measured = after_measure(c.trigger)
        if measured is not None and (day := parse_day(when)) is not None and len(when) == 10:
            # "The demolitions came days after Pyongyang accused Seoul": measured back from the day told
            mark, days = measured
            if days is None:
                when = when[:7]
            else:
                when = (day - timedelta(days=days) if mark == "after" else day + timedelta(days=days)).isoformat()
            when_text, basis = f"{mark} {when_text or 'the day of the report'}", "relative"
    span_len = lasting(c.trigger)
    if when and span_len and len(when) > span_len and not when.startswith("X"):
        when, basis = when[:span_len], "relative"  # "weeks of negotiations": not one day
    d.date, d.date_text, d.date_basis = when, when_text, basis


def history(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """A stance is no act; an act dated before the report's time, or told as its background, is history."""
    c = d.candidate
    if c.pattern.frame in ("intent", "intent_done") and is_passive(c.trigger) and any(
            ch.dep_ == "auxpass" and ch.tag_ in ("VBZ", "VBP") for ch in c.trigger.children):
        return d.end("a stance, not an act")  # "Kyiv is committed to talks"
    if d.mode is None and (is_historical(d.date, doc.annotation.doc.published) or (
            d.date and d.date_basis == "explicit" and _background(c.trigger))):
        d.mode = "historical"
    t = c.trigger
    if d.mode is None and t.tag_ == "VBN" and t.dep_ == "acl" and t.head.pos_ in ("NOUN", "PROPN") \
            and d.date_basis not in ("explicit", "relative") and not misparsed_verb(t):
        # "the return of properties seized by the United States", "two Marines imprisoned in Russia": a participle
        # that describes what a thing or person underwent, with no date of its own, tells background, not the news
        d.mode = "historical"


# -- place -----------------------------------------------------------------------------------------------------
def place(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """Where: a place attached to the trigger."""
    d.place = locate(d.candidate, lambda t: d.parties.mention_at(t) is not None, d.date or doc.annotation.doc.published)


# -- rows ------------------------------------------------------------------------------------------------------
def pairs(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """The (source, target) rows: each named source with each target, a symmetric act once per pair of sides."""
    p, sources, targets = d.candidate.pattern, d.sources, d.targets
    out = [(src, tgt) for src in sources[:MAX_SIDES] for tgt in (targets[:MAX_SIDES] or [None])]
    if p.symmetric and sources and targets:
        # one row per pair of sides: "Russia and Ukraine signed agreements with Turkey and the UN" is four
        out, seen = [], set()
        for src in sources[:MAX_SIDES]:
            for tgt in targets[:MAX_SIDES]:
                k = frozenset((faction(src.actor), faction(tgt.actor)))
                if len(k) == 2 and k not in seen:
                    seen.add(k)
                    out.append((src, tgt))
        out = out or [(sources[0], targets[0])]
    # one side on itself only at home (arrests, protests, violence; rulers and people); an act that needs a target
    # has one
    d.pairs = [(src, tgt) for src, tgt in out
               if not (tgt is not None and faction(src.actor) == faction(tgt.actor) and d.act_root not in DOMESTIC_ROOTS
                       and not _rulers_and_people(src, tgt, d.act_root, d.candidate.trigger))
               # at home a side acts on another part of its own state ("government forces ... against civilians")
               # (and anywhere, a state on a faction of its own: "Croatia is investigating Croatian extremists")
               and not (tgt is not None and src.actor.actor_id == tgt.actor.actor_id
                        and (src.actor.sector == tgt.actor.sector
                             or (d.act_root not in DOMESTIC_ROOTS and faction(src.actor) == faction(tgt.actor)
                                 and not _rulers_and_people(src, tgt, d.act_root, d.candidate.trigger))))
               and not (tgt is None and p.needs_target and not d.untargeted)]


def confidence(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """How far each row is trusted: the trigger's kind, how its sides were found, its date; too little, no row."""
    c, p = d.candidate, d.candidate.pattern
    for src, tgt in d.pairs:
        conf = (0.7 if p.pos == "VERB" else 0.6 if p.pos == "NOUN" else 0.55) + (0.1 if p.needs else 0.0)
        conf += BASIS_WEIGHT.get(src.basis, 0.0) + (0.05 if tgt is not None else 0.0) + d.date_adj + d.basis_extra
        conf -= 0.1 if c.source_role in ("subj",) and p.pos == "NOUN" else 0.0
        conf -= 0.05 if tgt is not None and tgt.basis in ("pronoun", "dyad", "place") else 0.0
        conf = round(max(0.05, min(0.99, conf)), 2)
        if conf >= MIN_CONFIDENCE:
            d.scored.append((src, tgt, conf))


def rows(book: Codebook, doc: DocumentState, d: Draft) -> None:
    """The event rows, from the CAMEO table; a meeting away from both sides' countries is at a third place."""
    c, p, s, where = d.candidate, d.candidate.pattern, d.sentence, d.place
    for src, tgt, conf in d.scored:
        code = d.code
        if code == "040" and where and tgt is not None and where.get("country") and \
                where["country"] not in (src.actor.country, tgt.actor.country) and src.actor.country and tgt.actor.country:
            code = "044"  # met at a third location
        entry = book.table.get(code) or book.table.get(code[:3]) or book.table[code[:2]]
        d.events.append(Event(event_id="", doc_id=doc.annotation.doc.doc_id, sentence=s.text, span=(s.start, s.end),
                              source=src.actor, target=tgt.actor if tgt else None, cameo=entry.code,
                              plover=entry.plover, mode=entry.plover_mode, quad_class=entry.quad_class,
                              goldstein=entry.goldstein, date=d.date, date_text=d.date_text, date_basis=d.date_basis,
                              location=where, aux_mode=d.mode, confidence=conf, trigger=c.text,
                              symmetric=p.symmetric and tgt is not None,
                              context=event_contexts(entry.plover_context, c.trigger.doc)))


# The order matters: the code is settled before targets are sought by it, the sides before the mode asks
# whose word an announcement is, the date before it can make an act history.
PASSES = (trigger, sides, meeting_sides, sense, hosts_and_brokers, unnamed_targets, act_criticised,
          targets_from_context, unnamed_attackers, speaker_attribution, recode, mode, date, history, place, pairs, confidence, rows)


# -- what the passes read in the parse ------------------------------------------------------------------------
def _place_target(c: Candidate, parties: Parties, sources: list, home_sector=False, hosts=(),
                  day: Optional[str] = None) -> list[Party]:
    """The country of a place phrase on the trigger or on what it acts on ("in Montenegro", "near the town of
    Rafah"): a state named there, else a city the gazetteer knows. The source's own country only for an act that
    may take place at home (`home_sector` is then the sector aimed at there, None for the government). `hosts`
    adds words the place phrase may hang from."""
    own = {faction(x.actor) for x in sources}
    hosts = [c.trigger, *hosts] + [ch for ch in c.trigger.children if ch.dep_ in ("dobj", "nsubjpass")]
    # "killed 23 people when they blew themselves up in Tel Aviv": a clause telling when the act took place
    hosts += [ch for ch in c.trigger.children if ch.dep_ == "advcl"
              and any(m.dep_ == "advmod" and m.lower_ == "when" for m in ch.children)]
    for h in hosts:
        for prep in h.children:
            if prep.dep_ != "prep" or prep.lower_ not in PLACE_PREPS:
                continue
            # "outside of the city": the place is under the "of"
            for o in pobjs(prep) or [g for pp in prep.children if pp.dep_ == "prep" and pp.lower_ == "of" for g in pobjs(pp)]:
                # "the town of Rafah", "the city of Basra": the name is one level down
                names = [o] + [g for pp in o.children if pp.dep_ == "prep" and pp.lower_ == "of" for g in pobjs(pp)]
                for n in names:
                    states = [q for q in parties.phrase(n, conj=False) if q.actor.kind == "state"]
                    country = states[0].actor.country if states else None
                    # a name after "the town of" is a place whatever the tagger took it for ("Samarra" as NORP)
                    if country is None and (n.ent_type_ in ("GPE", "LOC") or (n is not o and n.pos_ == "PROPN")):
                        found = resolve_place(entity_text(n), day)
                        country = found.get("country") if found else None
                    if country and faction(parties.state(country)) not in own:
                        return [Party(parties.state(country), "place", n.i)]
                    if country and home_sector is not False:
                        return [Party(replace(parties.state(country), sector=home_sector), "place", n.i)]
    return []

def _context_target(book: Codebook, doc: DocumentState, s: Sentence, c: Candidate, source: Party, parties: Parties, dyad,
                    sources: list = ()) -> Optional[Party]:
    """The other side the event's own words name, else the dyad in play, else the nearest other side around."""
    a = doc.annotation
    own = frozenset({side(source.actor)} | {side(x.actor) for x in sources})
    tok = c.trigger
    subj = {t.i for ch in tok.children if ch.dep_ in ("nsubj", "nsubjpass", "agent") for t in ch.subtree}
    adjuncts = {t.i for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in ADJUNCT_PLACES for t in ch.subtree}
    # "..., while Japan stayed silent": a clause of its own tells about someone else
    adjuncts |= {t.i for ch in tok.children if ch.dep_ == "advcl" and any(m.dep_ == "mark" for m in ch.children)
                 for t in ch.subtree}
    skip = frozenset(subj | adjuncts | {t.i for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass")
                             for cl in ch.children if cl.dep_ in ("acl", "relcl", "ccomp") for t in cl.subtree}
                     | {t.i for ch in tok.children if ch.dep_ == "conj" for t in ch.subtree}
                     # "decided to approve a plan that will not allow candidates from Hamas": a relative clause
                     # describes its noun, at any depth; it names no side of the act
                     | {t.i for r in tok.subtree if r.dep_ == "relcl" and r.i != tok.i for t in r.subtree})
    # "urging the group to release the crew", "called on foreign forces to leave Congolese territory": the one
    # asked is the object, named but not resolved; whoever the content mentions is not the addressee
    addressees = [ch for ch in tok.children if ch.dep_ == "dobj"] + [
        o for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in ("on", "upon") for o in pobjs(ch)]
    thing = next((ch for ch in addressees if ch.pos_ in ("NOUN", "PROPN") and parties.mention_at(ch) is None), None)
    asked = thing is not None and tok.lemma_.lower() in book.words["object_control"] and c.cameo[:2] in ("02", "10")
    if asked:
        skip = skip | {t.i for ch in tok.children if ch.dep_ in ("xcomp", "ccomp") or infinitive(ch) for t in ch.subtree}
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
    prev = doc.by_index.get(s.index - 1)
    nxt = doc.by_index.get(s.index + 1)
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
        elif c.cameo[:2] not in book.words.get("later_context_roots", ()):
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

def _occurs(book: Codebook, c: Candidate) -> bool:
    """"the meeting took place", "talks were held": a nominal event reported without its parties."""
    noun = c.trigger if c.pattern.pos == "NOUN" else c.needed
    if noun is None or noun.dep_ not in ("nsubj", "nsubjpass"):
        return False
    return noun.head.lemma_.lower() in book.words["occur_verbs"]


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


def _ultimatum(tok) -> bool:
    """The act is announced ("will", "would") and held over someone: a clause of the trigger, or of the verb it
    completes, opens with "unless"."""
    verbs = (tok, tok.head) if tok.dep_ in ("xcomp", "conj") else (tok,)
    announced = any(ch.dep_ == "aux" and (ch.lower_ in FUTURE_AUX or ch.lower_ == "would") for t in verbs for ch in t.children)
    return announced and any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
                             for t in verbs for ch in t.children)


@lru_cache(maxsize=1)
def _people_nouns() -> frozenset:
    """Nouns for people named by what they are ("workers", "students"): the agent words of the actor tables."""
    return frozenset(KnowledgeBase.load().word_agents) | lexicon.words("member_nouns")


def _rulers_and_people(src: Party, tgt: Party, root: str, trigger) -> bool:
    """A state's government and a part of its people, each named, in the politics of home; the target an argument of
    the trigger itself ("demanded the release of Iranian prisoners" asks someone else to free them)."""
    if root not in HOME_POLITICS_ROOTS or {src.basis, tgt.basis} & {"pronoun", "context", "dyad", "place", "speaker"}:
        return False
    t = trigger.doc[tgt.i] if 0 <= tgt.i < len(trigger.doc) else None
    while t is not None and t.dep_ in ("amod", "compound", "poss", "nmod", "det", "case") and t.head is not t:
        t = t.head  # "Serbian authorities": from the word that named the side to the head of its phrase
    up = t
    while up is not None and up.dep_ == "pobj" and up.head.lower_ == "of":
        up = up.head.head
        if up.lemma_.lower() in _people_nouns():
            t = up  # "workers of the bus company of Tehran": the people are the argument
    # "demanded compensation from the government": a preposition on the trigger or on its object, but not the
    # "of" of what is acted on ("the release of Iranian prisoners")
    if t is None or not (t.head == trigger or (t.dep_ == "pobj" and t.head.lower_ != "of" and (
            t.head.head == trigger or (t.head.head.dep_ == "dobj" and t.head.head.head == trigger)))):
        return False
    # a state named with no sector ("the Nigerian government", "Serbia") is its government
    sectors = {x.actor.sector or ("GOV" if x.actor.kind == "state" else None) for x in (src, tgt)}
    return bool(sectors & RULER_SECTORS) and bool(sectors & PEOPLE_SECTORS)


def _question(tok) -> bool:
    """"Will China invade Taiwan?", '"Why did they attack us?" he asked': the act's own clause, or one it sits in,
    ends in a question mark."""
    return any(ch.dep_ == "punct" and ch.text == "?" for t in (tok, *tok.ancestors) for ch in t.children)


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


def infinitive(tok) -> bool:
    """"called on Moscow to cooperate" parsed with the infinitive as an adverbial clause: still the content."""
    return tok.dep_ == "advcl" and tok.tag_ == "VB" and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in tok.children)


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


def _refusal(tok, words: dict) -> bool:
    """A negated approval ("would not approve", "did not recognise the court's jurisdiction") is a rejection."""
    return tok.lemma_.lower() in words.get("approval_verbs", ()) and any(
        ch.dep_ == "neg" for ch in tok.children)


def _background(tok) -> bool:
    """Inside a relative clause about the past: "the row, which began in March 2018 when X expelled"."""
    return any(a.dep_ == "relcl" and a.tag_ == "VBD" for a in [tok] + list(tok.ancestors))
