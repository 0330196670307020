"""When an event happened: the time expression that governs the trigger, else the publication day for
same-day news, else nothing."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Optional

from detente.types import TimeExpr

from .match import Candidate, clause_of

BACKGROUND = ("previously", "earlier", "in recent years", "over the years", "in the past", "used to", "once again",
              "repeatedly", "in recent months", "ago")
# "hours earlier", "a day earlier", "earlier that day": recent context, not background
RECENT = re.compile(r"\b(?:(?:hours|minutes|moments|a\s+day|one\s+day|days|a\s+few\s+days)\s+(?:earlier|before)|earlier\s+(?:that|the\s+same|on\s+\w+)(?:\s+day)?|earlier\s+(?:this|that)\s+(?:week|month))\b", re.I)


def background(text: str) -> bool:
    """The sentence tells background ("previously", "in recent years", "ago") rather than the news of the day."""
    low = RECENT.sub(" ", text.lower())
    return any(re.search(rf"\b{re.escape(w)}\b", low) for w in BACKGROUND)  # "ago", not "Pentagon"


# Days told relative to the day the report is about ("said the same day", "a day earlier"), which the time
# annotator leaves open: an offset in days from the last resolved day before them.
ANCHORED = ((re.compile(r"\b(?:the\s+same\s+day|(?:later|earlier)\s+(?:that|the\s+same)\s+day|that\s+day|hours\s+(?:later|earlier))\b", re.I), 0),
            (re.compile(r"\b(?:a|one)\s+day\s+(?:earlier|before)|the\s+(?:previous|preceding)\s+day|the\s+day\s+before\b", re.I), -1),
            (re.compile(r"\b(?:a|one)\s+day\s+later|the\s+(?:next|following)\s+day|the\s+day\s+after\b", re.I), 1),
            (re.compile(r"\b(?:two|2)\s+days\s+(?:earlier|before)\b", re.I), -2))
# A bare year that modifies a noun names the thing, it does not date the event: "the 2016 election",
# "the 1987 accord", "a 2000 agreement".
NAME_YEAR = re.compile(r"^\d{4}$")
MODIFIER_DEPS = frozenset({"nummod", "compound", "amod", "nmod", "poss"})


# "WASHINGTON, July 13. /TASS/. ...", "KYIV, March 3 (Reuters) - ...": the place and day a wire report was filed.
_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][A-Za-z.'\- ]{1,40}(?:,[ \t]*[A-Z][A-Za-z.' ]{1,30})?,[ \t]*$")
_DATELINE_AFTER = re.compile(r"^[ \t]*[.,]?[ \t]*(?:/[^/\n]{1,30}/|\([^)\n]{1,30}\)|[-\u2013\u2014]+[ \t])")


def dateline(text: str, tx: TimeExpr) -> bool:
    """A time expression that is the dateline of a paragraph: the report's date, never an event's own."""
    a, b = tx.span
    if a < 0 or b > len(text):
        return False
    line_start = text.rfind("\n", 0, a) + 1
    return bool(_DATELINE_BEFORE.search(text[line_start:a])) and bool(_DATELINE_AFTER.match(text[b:b + 40]))


def time_roots(times: list[TimeExpr], sdoc, offset: int) -> list[tuple[TimeExpr, object]]:
    """Each time expression of the sentence with the token that heads it in the parse."""
    out = []
    for tx in times:
        toks = [t for t in sdoc if offset + t.idx < tx.span[1] and offset + t.idx + len(t.text) > tx.span[0]]
        if not toks:
            continue
        ids = {t.i for t in toks}
        root = next((t for t in toks if t.head.i not in ids or t.head == t), toks[0])
        if NAME_YEAR.match(tx.text.strip()) and root.dep_ in MODIFIER_DEPS and root.head.pos_ in ("NOUN", "PROPN"):
            continue
        if root.lower_ in SPAN_PREPS or (root.dep_ == "pobj" and root.head.lower_ in SPAN_PREPS):
            continue  # "banning imports from January": when a measure takes effect, not when it was decided
        out.append((tx, root))
    return out


SPAN_PREPS = frozenset({"from", "starting"})
# "following weeks of negotiations": an event that lasted weeks is known to the month, months or years to the year
SPAN_UNITS = {"weeks": 7, "months": 4, "years": 4}


def lasting(tok) -> Optional[int]:
    """The precision (length of the date string) of an event told as lasting: "weeks of talks" -> 7 (YYYY-MM)."""
    t = tok.head if tok.dep_ in ("acl", "relcl") else tok
    unit = t.head.head if t.dep_ == "pobj" and t.head.lower_ == "of" else None
    # uncounted only: "two weeks of drills that began on Thursday" still starts on a day
    if unit is not None and unit.lower_ in SPAN_UNITS and not any(n.dep_ == "nummod" for n in unit.children):
        return SPAN_UNITS[unit.lower_]
    return None


def after_measure(tok) -> Optional[tuple[str, Optional[int]]]:
    """An act in an "after"/"before" clause measured from another: "came days after X accused Y" ->
    ("after", None) (some days, known to the month); "a day after X fired" -> ("after", 1)."""
    v = clause_of(tok)
    if v.dep_ != "advcl":
        return None
    mark = next((ch for ch in v.children if ch.dep_ == "mark" and ch.lower_ in ("after", "before")), None)
    if mark is None:
        return None
    measure = next((ch for ch in list(mark.children) + [ch for ch in v.children if ch.i < mark.i]
                    if ch.dep_ == "npadvmod" and ch.lemma_.lower() in UNIT_DAYS), None)
    if measure is None:
        return None
    count = next((NUMBERS.get(n.lower_) or (int(n.text) if n.text.isdigit() else None)
                  for n in measure.children if n.dep_ in ("nummod", "det")), None)
    return mark.lower_, (count * UNIT_DAYS[measure.lemma_.lower()] if count else None)


def governs(root, anchors: set, stops: set) -> bool:
    t = root
    for _ in range(8):
        if t.i in anchors:
            return True
        if t.i in stops or t.head == t or (t is not root and t.pos_ in ("VERB", "AUX")):
            return False  # a time belongs to the first verb above it
        t = t.head
    return False


def parse_day(value: Optional[str]) -> Optional[date]:
    if not value or value.startswith("X"):
        return None
    parts = value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 12, int(parts[2]) if len(parts) > 2 else 28)
    except (ValueError, IndexError):
        return None


def is_past(verb) -> bool:
    """Past or present perfect ("met", "has met", "was held"), not past perfect ("had met")."""
    if verb.tag_ == "VBD":
        return True
    if verb.tag_ == "VBN":
        auxes = [ch.lower_ for ch in verb.children if ch.dep_ in ("aux", "auxpass")]
        if "had" in auxes:
            return False
        return any(a in ("has", "have", "was", "were") for a in auxes)
    return False


def date_event(c: Candidate, roots: list[tuple[TimeExpr, object]], others: list[Candidate], sentence_text: str,
               published: Optional[str], anchor_verb) -> tuple[Optional[str], Optional[str], Optional[str], float]:
    """-> (date, date_text, date_basis, confidence adjustment)."""
    usable = [(tx, r) for tx, r in roots if tx.value and tx.kind == "date"]
    stops = {i for o in others if o is not c for i in o.anchors} - c.anchors
    for tx, r in usable:
        if governs(r, c.anchors, stops):
            return tx.value, tx.text, tx.basis, 0.0
    after = _after_clause(c, usable, stops)
    if after is not None:
        return after
    # a conjoined verb shares the head verb's time ("held consultations on July 9, and ... agreed"); a
    # "when" clause shares its host's ("the row, which began in March 2018 when X expelled ...")
    trig = c.trigger
    if trig.dep_ == "advcl" and any(ch.lower_ == "when" for ch in trig.children):
        for tx, r in usable:
            if governs(r, {trig.head.i}, stops):
                return tx.value, tx.text, tx.basis, -0.05
    if trig.dep_ == "conj" or (trig.dep_ == "advcl" and trig.tag_ == "VBG" and not any(ch.dep_ == "mark" for ch in trig.children)):
        # "withdrew from the accord in 2019, accusing Moscow of violating it": the participle shares the time
        for tx, r in usable:
            if governs(r, {trig.head.i}, stops):
                return tx.value, tx.text, tx.basis, -0.05
    free = [(tx, r) for tx, r in usable if not any(governs(r, o.anchors, set()) for o in others if o is not c)
            and clause_of(r) in {clause_of(c.trigger)} | {trig.doc[i] for i in c.anchors}]
    if len(usable) == 1 and free:
        tx = free[0][0]
        return tx.value, tx.text, tx.basis, -0.1
    if usable:
        return None, None, None, -0.05
    if published and anchor_verb is not None and is_past(anchor_verb) and not background(sentence_text):
        return published, None, "publication", -0.05
    return None, None, None, 0.0


NUMBERS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10}
UNIT_DAYS = {"day": 1, "week": 7}


def _after_clause(c: Candidate, usable, stops) -> Optional[tuple]:
    """An act told in an "after" / "before" clause of another dated one, with no time of its own: "struck on
    Thursday, two days after X hit Y" is two days before Thursday; "halted supplies on Wednesday after both
    refused to pay" is only known to the month."""
    v = clause_of(c.trigger)
    if v.dep_ != "advcl" or v.head == v:
        return None
    mark = next((ch for ch in v.children if ch.dep_ == "mark" and ch.lower_ in ("after", "before")), None)
    if mark is None:
        return None
    host = v.head
    inside = {t.i for t in v.subtree}
    days = [(tx, r) for tx, r in usable if r.i not in inside and r.i < mark.i and len(tx.value) == 10
            and not tx.value.startswith("X")]
    own = [(tx, r) for tx, r in days if governs(r, {host.i}, stops)] or (days if len(days) == 1 else [])
    if not own:
        return None
    tx = own[-1][0]
    base = parse_day(tx.value)
    # "two days after": the measure hangs from the mark or from the clause's verb, in front of the mark
    measure = next((ch for ch in list(mark.children) + [ch for ch in v.children if ch.i < mark.i]
                    if ch.dep_ == "npadvmod" and ch.lemma_.lower() in UNIT_DAYS), None)
    if measure is not None:
        count = next((NUMBERS.get(n.lower_) or (int(n.text) if n.text.isdigit() else None)
                      for n in measure.children if n.dep_ in ("nummod", "det")), None)
        if count and base is not None:
            shift = timedelta(days=count * UNIT_DAYS[measure.lemma_.lower()])
            day = base - shift if mark.lower_ == "after" else base + shift
            return day.isoformat(), f"{measure.text} {mark.text} {tx.text}", "relative", -0.05
        # "days after X accused Y": some days before, known only to the month
        return tx.value[:7], f"{measure.text} {mark.text} {tx.text}", "relative", -0.1
    if measure is None and any(ch.lemma_.lower() in ("hour", "minute", "moment") for ch in mark.children):
        return tx.value, tx.text, tx.basis, -0.05
    return tx.value[:7], f"{mark.text} {tx.text}", "relative", -0.1


def is_historical(value: Optional[str], published: Optional[str], days: int = 365) -> bool:
    when, pub = parse_day(value), parse_day(published)
    if when is not None and value and len(value) == 7:
        when = when.replace(day=1)  # "in March 2022" told in mid-March 2023: the month began over a year before
    return bool(when and pub and (pub - when).days > days)


def anchor_times(times: list[TimeExpr]) -> list[TimeExpr]:
    """Fill in "the same day", "a day earlier", "the next day" from the last day resolved before them."""
    out, last = [], None
    for tx in times:
        if tx.value is None and tx.kind == "date" and last is not None:
            for rx, offset in ANCHORED:
                if rx.search(tx.text):
                    tx = replace(tx, value=(last + timedelta(days=offset)).isoformat(), basis="relative")
                    break
        if tx.value and len(tx.value) == 10 and not tx.value.startswith("X") and tx.kind == "date":
            last = parse_day(tx.value)
        out.append(tx)
    return out


def context_day(times: list[TimeExpr], pos: int, earliest: int, published: Optional[str]) -> Optional[TimeExpr]:
    """The day the report is about at character `pos`: the last day-precise, non-future time expression before
    it, in this sentence or the ones from `earliest` on."""
    pub = parse_day(published)
    best = None
    for tx in times:
        if tx.span[0] >= pos or tx.span[0] < earliest:
            continue
        if not tx.value or len(tx.value) != 10 or tx.kind != "date" or tx.tense == "future":
            continue
        d = parse_day(tx.value)
        if d is None or (pub is not None and (d > pub or (pub - d).days > 31)):
            continue
        best = tx
    return best
