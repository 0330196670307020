"""Auxiliary mode of an event: negated, hypothetical, future (announced, planned) or plain."""
from __future__ import annotations

from typing import Optional

from detente.types import TimeExpr

from .match import Candidate

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})  # "wo" of "won't"


def _upwards(tok, limit: int = 3):
    """The trigger and the verbs it hangs from, stopping at a reporting verb: "said he will meet" is future,
    "will say he met" is not."""
    out = [tok]
    t = tok
    for _ in range(limit):
        if t.head == t or t.dep_ in ("ccomp", "parataxis", "ROOT", "conj", "advcl", "relcl"):
            break
        if t.dep_ == "acl" and t.tag_ == "VBN":
            break  # "a deal brokered by X": the participle tells a done thing, whatever the host's mood
        t = t.head
        out.append(t)
    return out


def aux_mode(c: Candidate, words: dict, times: list[tuple[TimeExpr, object]]) -> Optional[str]:
    tok = c.trigger
    chain = _upwards(tok)
    anchors = [tok.doc[i] for i in sorted(c.anchors)]
    scope = list(dict.fromkeys(anchors + chain))
    # negation: "did not meet", "no talks were held", "declined to meet", "never"
    for t in scope:
        for ch in t.children:
            if ch.dep_ == "neg" or (ch.dep_ == "det" and ch.lower_ == "no") or ch.lower_ == "never":
                return "negated"
        if _without(t):
            return "negated"
        if t.i != tok.i and t.lemma_.lower() in words["negators"]:
            return "negated"
    # condition: "if this policy stays as it is, we will resist it"; "would", "could"
    upper = scope + list(tok.ancestors)[:4]
    for t in upper:
        if any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in words["hypothetical_marks"] for m in ch.children)
               for ch in t.children):
            return "hypothetical"
        if t.dep_ in ("ccomp", "parataxis") and t != tok:
            break
    for t in upper:
        for ch in t.children:
            if ch.dep_ == "aux" and ch.lower_ in words["hypothetical_modals"] and t in scope:
                if ch.lower_ == "would" and _reported(t, words):
                    return "future"  # "said it would give answers next week": the future of a past report
                return "hypothetical"
        if t.dep_ in ("ccomp", "parataxis") and t != tok:
            break
    # future: "will meet", "is going to", "the upcoming talks", "expects to hold", future time expressions
    # "Israel will free prisoners and withdraw its troops": a conjoined verb without an auxiliary of its own
    # shares its head's
    shared = [tok.head] if tok.dep_ == "conj" and tok.tag_ == "VB" and not any(ch.dep_ == "aux" for ch in tok.children) else []
    for t in scope + shared:
        for ch in t.children:
            if ch.dep_ == "aux" and ch.lower_ in FUTURE_AUX:
                return "future"
            # before the noun only: "the expected talks", not "drills, expected to be joined by ..."
            if ch.dep_ in ("amod", "compound") and ch.lemma_.lower() in words["future_words"] and ch.i < t.i:
                return "future"
        if t.lower_ == "going" and any(ch.dep_ == "xcomp" for ch in t.children):
            return "future"
    for tx, root in times:
        if tx.tense == "future" and root is not None and (root.i in c.anchors or _below_in_clause(root, c.anchors)):
            return "future"
    if c.pattern.frame == "intent" or (c.pattern.frame == "vow" and int(c.cameo[:2]) < 10):
        return "future"
    # an infinitive of purpose is not yet done: "arrived in Geneva to meet Blinken"; one conjoined to it shares its
    # "to" ("a resolution that aims to tighten sanctions and impose a blockade")
    while tok.dep_ == "conj" and tok.tag_ == "VB" and tok.head.tag_ == "VB" and not any(ch.dep_ == "aux" for ch in tok.children):
        tok = tok.head
    if tok.tag_ == "VB" and tok.dep_ in ("acl", "advcl", "xcomp", "relcl") and any(
            ch.dep_ == "aux" and ch.lower_ == "to" for ch in tok.children):
        if travelled_to(tok, words):
            return None  # "flew to Pyongyang to meet Kim": the trip is told as done, and so is the meeting
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in words.get("causative_verbs", ()) and tok.head.tag_ in ("VBD", "VBG", "VBN"):
            return None  # "prompting Trump to order tariffs": what a past act brought about was done
        took = tok.head.head if tok.dep_ == "acl" else tok.head  # "steps to enhance", or "taken steps ... to enhance"
        if took.lemma_.lower() == "take" and took.tag_ in ("VBD", "VBN") and any(
                o.dep_ == "dobj" and o.lemma_.lower() in words.get("measure_nouns", ()) for o in took.children):
            return None  # "has taken steps to enhance political freedoms": the steps are the act, done
        return "future"
    return None


def _below_in_clause(tok, anchors) -> bool:
    """Whether `tok` hangs from an anchor within its clause: a time in a clause of its own below it ("began drills,
    expected to be joined later by ...") is that clause's time."""
    for a in tok.ancestors:
        if a.i in anchors:
            return True
        if tok.dep_ in ("advcl", "ccomp", "relcl", "acl", "xcomp", "conj") and tok.pos_ in ("VERB", "AUX"):
            return False
        tok = a
    return False


def _without(t) -> bool:
    """"left without signing the agreement", "stopped short of ordering a ceasefire": the act was not done."""
    if t.dep_ != "pcomp" or t.tag_ != "VBG":
        return False
    h = t.head
    if h.lower_ == "without":
        return True
    return h.lower_ == "of" and h.head.lower_ == "short" and h.head.head.lemma_.lower() in ("stop", "fall")


def travelled_to(tok, words: dict) -> bool:
    """A purpose infinitive hanging from a past verb of motion: "travelled to Moscow to meet Putin"."""
    h = tok.head
    return tok.dep_ in ("advcl", "xcomp") and h.lemma_.lower() in words.get("motion_verbs", ()) and h.tag_ == "VBD"


def _reported(t, words: dict) -> bool:
    """The clause is the content of a reporting verb ("said that ...", "told X that ...", "announced ...")."""
    for _ in range(3):
        if t.dep_ in ("ccomp", "parataxis") and t.head.pos_ in ("VERB", "AUX") and (
                t.head.lemma_.lower() in words["reporting"]):
            return True
        if t.dep_ not in ("conj", "xcomp") or t.head == t:
            return False
        t = t.head
    return False


def speculative(c: Candidate, words: dict) -> bool:
    """An event someone fears, wants to prevent, wonders about or only claims is not an event."""
    # "was most likely fired by ...", "probably struck": a hedged act is an assessment, not a reported fact
    if any(ch.dep_ == "advmod" and ch.lower_ in words.get("hedge_words", ()) for ch in c.trigger.children):
        return True
    # "usually arms", "has long supported": a habit or a standing policy, not an act on a day
    if any(ch.dep_ == "advmod" and ch.lower_ in words.get("habit_words", ()) for ch in c.trigger.children):
        return True
    # "would decide with its partners whether to keep troops": a question left open, not an intent
    if any(ch.dep_ in ("xcomp", "ccomp", "advcl") and any(g.lower_ == "whether" for g in ch.children)
           for ch in c.trigger.children):
        return True
    for a in [c.trigger] + list(c.trigger.ancestors)[:5]:
        if a is not c.trigger and a.lemma_.lower() in words["speculation"]:
            return True
        if a is not c.trigger and c.cameo[:2] == "03" and a.lemma_.lower() in words.get("impression_words", ()):
            return True  # "felt that Washington is ready for rapprochement": the speaker's impression, not its intent
        if a is not c.trigger and a.pos_ == "NOUN" and a.lemma_.lower() in words["claim_nouns"] and any(
                ch.dep_ in ("acl", "ccomp") and (ch.i == c.trigger.i or ch.is_ancestor(c.trigger)) for ch in a.children):
            return True  # "the UK claim that the OPCW backed its analysis": asserted by the UK, not established
        if a is not c.trigger and a.lemma_.lower() == "rule" and any(ch.dep_ == "prt" and ch.lower_ == "out" for ch in a.children):
            return True  # "could not rule out sending troops", "ruled out talks": a possibility weighed, not an act
        if a.dep_ == "advcl" and a.tag_ in ("VBZ", "VBP") and any(
                ch.dep_ == "mark" and ch.lower_ in ("until", "unless", "once", "before") for ch in a.children):
            return True  # "until Trump decides that ...": a condition still to be met, not an event
        if any(ch.dep_ == "mark" and ch.lower_ == "whether" for ch in a.children):
            return True
    return False
