"""Time expressions: find them in a document and normalise them against its publication date.

Detection is done here with a handful of compiled regexes over month and weekday lexicons, never with a
free-text date search (those read dates into the verb "may", the noun "march" or "the second meeting").
Values keep honest precision: an expression is given the finest contract unit (day, month, year) that
contains the whole period it names, and null when even the year is uncertain. docs/time.md has the rules.
"""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Optional

from detente.types import TimeExpr

# --- lexicons -------------------------------------------------------------------------------------

MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
}
# Abbreviations only count next to a day number ("Sept. 5"), where they cannot be ordinary words.
MONTH_ABBREVIATIONS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
    "Sept": 9, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
# Month names that are also common words or surnames: they need a preposition or modifier to count.
AMBIGUOUS_MONTHS = {"May", "March"}

WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6}
WEEKDAY_ABBREVIATIONS = {"Mon": 0, "Tues": 1, "Tue": 1, "Wed": 2, "Thurs": 3, "Thur": 3, "Thu": 3,
                         "Fri": 4, "Sat": 5, "Sun": 6}
# "Bloody Sunday", "Super Tuesday": a weekday name that is part of a proper name, not a date.
NAMED_DAY_PREFIXES = {"good", "black", "ash", "holy", "maundy", "super", "cyber", "bloody", "easter", "palm"}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
# Counts that name a range, as (low, high). "a few days ago" = 2 to 5 days before publication.
VAGUE_COUNTS = {"a few": (2, 5), "few": (2, 5), "several": (3, 7), "a couple of": (2, 3), "a couple": (2, 3)}

SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

# Days named relative to publication: offset in days (None = anaphoric, relative to another event) and
# the expression's own tense.
DEICTIC_DAYS = {
    "the day before yesterday": (-2, "past"), "the day after tomorrow": (2, "future"),
    "yesterday": (-1, "past"), "last night": (-1, "past"), "today": (0, None), "tonight": (0, None),
    "this morning": (0, None), "this afternoon": (0, None), "this evening": (0, None),
    "earlier today": (0, "past"), "later today": (0, "future"), "tomorrow": (1, "future"),
    "the day before": (None, "past"), "the previous day": (None, "past"), "a day earlier": (None, "past"),
    "the next day": (None, None), "the following day": (None, None), "a day later": (None, None),
}

# Sub-periods of a Monday-Sunday week, as day offsets from Monday (inclusive).
WEEK_PARTS = {
    "early": (0, 2), "beginning": (0, 1), "start": (0, 1), "mid": (2, 3), "middle": (2, 3),
    "late": (3, 6), "end": (4, 6), "first half": (0, 3), "second half": (3, 6),
}
PAST_PARTS = {"earlier"}
FUTURE_PARTS = {"later", "rest", "remainder"}

# Words in the same sentence that set the tense of an expression that has none of its own.
FUTURE_CUE_WORDS = {"will", "shall", "won't", "scheduled", "upcoming", "forthcoming", "next"}
FUTURE_CUES_BEFORE_TO = {"going", "expects", "expect", "expected", "plans", "plan", "planning", "intends",
                         "intend", "intending", "set", "due"}  # "plans to", "set to"
PRESENT_AUXILIARIES = {"is", "are", "am", "'re"}  # "is preparing"
PAST_CUE_WORDS = {"was", "were", "had", "did", "didn't", "wasn't", "weren't", "held", "met", "took", "said",
                  "told", "came", "went", "made", "began", "saw", "spoke", "gave", "sent", "won", "lost",
                  "left", "became", "ago", "previously", "yesterday", "last"}
# Words ending in -ed that are not past-tense verbs, or that point to the future.
NOT_PAST_ED = {
    "expected", "scheduled", "planned", "intended", "proposed", "supposed", "needed", "united", "hundred",
    "indeed", "need", "speed", "seed", "feed", "bed", "red", "shed", "breed", "exceed", "proceed", "succeed",
    "interested", "concerned", "based", "related", "aimed", "determined", "prepared", "committed",
    "dedicated", "required", "advanced", "limited", "armed", "detailed", "sacred", "naked", "wicked",
    "embed", "unprecedented", "unresolved", "unexpected",
}

EXPLICIT, RELATIVE = "explicit", "relative"
PAST, FUTURE = "past", "future"

# --- regex building blocks ------------------------------------------------------------------------


def _alt(words) -> str:
    # longest first, so "June" is tried before "Jun"
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


MONTH = f"(?:{_alt(MONTHS)})"
MONTH_ANY = "(?:" + "|".join([_alt(MONTHS)] + [rf"{a}\.?" for a in MONTH_ABBREVIATIONS]) + ")"
WEEKDAY = f"(?:{_alt(WEEKDAYS)})"
WEEKDAY_ANY = "(?:" + "|".join([_alt(WEEKDAYS)] + [rf"{a}\.?" for a in WEEKDAY_ABBREVIATIONS]) + ")"
YEAR = r"(?:1[89]\d\d|20\d\d)"
ORDINAL = r"(?:st|nd|rd|th)"
COUNT = (rf"(?:\d{{1,3}}|(?i:(?:{_alt(TENS)})(?:[-\s](?:{_alt(list(NUMBER_WORDS)[:9])}))?|"
         rf"{_alt(NUMBER_WORDS)}|{_alt(VAGUE_COUNTS)}|many|an|a))")
# Prepositions that belong to the expression's text ("on Wednesday", "In 2020", "since 2018").
# Parts of a month, year or season: "early", "mid-", "the end of".
PART = (r"(?i:(?:early|late|mid|middle)(?:\s+|-)|(?:the\s+)?(?:beginning|start|end|middle|first\s+half|"
        r"second\s+half|(?:first|second|third|fourth|last|final)\s+(?:week|weeks|days|quarter))\s+of\s+)")
# A determiner that opens a part ("the end of June") belongs to the part, not to the cue.
NOT_PART = r"(?!(?i:beginning|start|end|middle|first|second|third|fourth|last|final|spring|summer|autumn|fall|winter)\b)"
REL_PART = (r"(?i:early|late|earlier|later|(?:the\s+)?(?:beginning|start|end|middle|first\s+half|"
            r"second\s+half|rest|remainder)\s+of)")


# --- rules ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Reading:
    value: Optional[str]
    basis: str
    kind: str = "date"
    tense: Optional[str] = None  # the expression's own tense, when it has one


class _Rule:
    def __init__(self, name: str, core: str, left: Optional[str],
                 resolve: Callable[["_Found", Optional[date], Optional[str]], _Reading],
                 accept: Optional[Callable[["_Found", str], bool]] = None, left_required: bool = False,
                 keywords: tuple[str, ...] = ()):
        self.name, self.resolve, self.accept, self.left_required = name, resolve, accept, left_required
        self.keywords = keywords  # lower-case strings one of which must occur for the rule to run at all
        self.core = re.compile(core)
        self.left = re.compile(left) if left else None


class _Found(dict):
    """The named groups of one rule match (core and left context), with the expression's extent."""
    start: int
    end: int

    def __getitem__(self, name: str) -> Optional[str]:
        return self.get(name)

    def groupdict(self) -> "_Found":
        return self


def _g(m: "_Found", name: str) -> Optional[str]:
    value = m.groupdict().get(name)
    return " ".join(value.lower().split()) if value else None


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or MONTH_ABBREVIATIONS[name]


def _weekday_number(name: Optional[str]) -> Optional[int]:
    if not name:
        return None
    name = name.rstrip(".")
    return WEEKDAYS.get(name, WEEKDAY_ABBREVIATIONS.get(name))


def _count(text: Optional[str]) -> Optional[tuple[int, int]]:
    """A count as (low, high); None for "many" or a missing count."""
    if not text:
        return None
    text = " ".join(text.lower().replace("-", " ").split())
    if text.isdigit():
        return int(text), int(text)
    if text in ("a", "an"):
        return 1, 1
    if text in VAGUE_COUNTS:
        return VAGUE_COUNTS[text]
    parts = text.split()
    if parts[0] in TENS:
        n = TENS[parts[0]] + (NUMBER_WORDS[parts[1]] if len(parts) > 1 else 0)
        return n, n
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text], NUMBER_WORDS[text]
    return None


def _day_exists(month: int, day: int, year: int = 2000) -> bool:  # 2000 is a leap year: Feb 29 may exist
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _span_value(a: date, b: date) -> Optional[str]:
    """The finest contract value that contains every day from a to b: day, month, year, or None."""
    if a == b:
        return a.isoformat()
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.year:04d}-{a.month:02d}"
    if a.year == b.year:
        return f"{a.year:04d}"
    return None


def _choose(candidates: list[date], ref: date, tense: Optional[str]) -> date:
    """Past: latest candidate on/before ref; future: earliest on/after; unknown: the nearest."""
    if tense == PAST:
        pool = [c for c in candidates if c <= ref]
        return max(pool) if pool else min(candidates)
    if tense == FUTURE:
        pool = [c for c in candidates if c >= ref]
        return min(pool) if pool else max(candidates)
    return min(candidates, key=lambda c: (abs((c - ref).days), c))


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


# explicit calendar dates

def _resolve_iso(m, anchor, tense):
    return _Reading(date(int(m["y"]), int(m["mo"]), int(m["d"])).isoformat(), EXPLICIT)


def _accept_iso(m, text):
    return 1 <= int(m["mo"]) <= 12 and _day_exists(int(m["mo"]), int(m["d"]), int(m["y"]))


def _numeric_readings(m) -> list[date]:
    """Valid readings of a/b/yyyy: month-first (US) and day-first; dotted dates are day-first only."""
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    orders = [(b, a)] if m["sep"] == "." else [(a, b), (b, a)]
    out = []
    for month, day in orders:
        if 1 <= month <= 12 and _day_exists(month, day, y) and date(y, month, day) not in out:
            out.append(date(y, month, day))
    wd = _weekday_number(m["wd"])
    if wd is not None and len(out) > 1:
        out = [d for d in out if d.weekday() == wd] or out
    return out


def _resolve_numeric(m, anchor, tense):
    readings = _numeric_readings(m)
    # Two valid readings and nothing to choose between them: only the year is certain.
    return _Reading(readings[0].isoformat() if len(readings) == 1 else m["y"], EXPLICIT)


def _resolve_month_day(m, anchor, tense):
    month, day = _month_number(m["mon"]), int(m["d"])
    last = int(m["d2"]) if m.groupdict().get("d2") and int(m["d2"]) > day else day
    if not _day_exists(month, last):
        last = day
    if m["y"]:
        y = int(m["y"])
        return _Reading(_span_value(date(y, month, day), date(y, month, last)), EXPLICIT)
    if anchor is None:  # the year is unknowable: say so rather than guess
        return _Reading(f"XXXX-{month:02d}-{day:02d}" if last == day else f"XXXX-{month:02d}", RELATIVE)
    years = [y for y in (anchor.year - 1, anchor.year, anchor.year + 1) if _day_exists(month, last, y)]
    candidates = [date(y, month, day) for y in years]
    wd = _weekday_number(m.groupdict().get("wd"))
    matching = [c for c in candidates if c.weekday() == wd] if wd is not None else []
    start = matching[0] if len(matching) == 1 else _choose(candidates, anchor, tense)
    return _Reading(_span_value(start, date(start.year, month, last)), RELATIVE)


def _accept_month_day(m, text):
    return _day_exists(_month_number(m["mon"]), int(m["d"]))


def _resolve_month_year(m, anchor, tense):
    return _Reading(f"{int(m['y']):04d}-{_month_number(m['mon']):02d}", EXPLICIT)


def _resolve_year(m, anchor, tense):
    return _Reading(m["y"], EXPLICIT)


def _accept_year(m, text):
    prep = _g(m, "prep")
    if prep in ("on", "at"):  # "on 2000 occasions", "at 1900 metres"
        return False
    return bool(prep or m["det"] or m["poss"] or m["part"])


def _resolve_year_range(m, anchor, tense):
    a, b = int(m["y1"]), int(m["y2"])
    return _Reading(str(a) if a == b else None, EXPLICIT)


# month names without a year

def _resolve_month(m, anchor, tense):
    month, rel = MONTHS[m["mon"]], _g(m, "rel")
    own = PAST if rel in ("last", "past") else FUTURE if rel in ("next", "coming") else None
    if anchor is None:
        # "last August" is meaningless without its anchor; a bare calendar month is not.
        return _Reading(None if rel else f"XXXX-{month:02d}", RELATIVE, tense=own)
    if rel in ("last", "past"):
        y = anchor.year if month < anchor.month else anchor.year - 1
    elif rel in ("next", "coming"):
        y = anchor.year if month > anchor.month else anchor.year + 1
    elif rel == "this":
        y = anchor.year
    else:
        ref = date(anchor.year, anchor.month, 1)
        y = _choose([date(anchor.year + k, month, 1) for k in (-1, 0, 1)], ref, tense).year
    return _Reading(f"{y:04d}-{month:02d}", RELATIVE, tense=own)


def _accept_month(m, text):
    strong = m["prep"] or m["rel"] or m["part"]
    if m["mon"] in AMBIGUOUS_MONTHS:
        return bool(strong)
    return bool(strong or m["det"])


# weekdays and named days

def _resolve_weekday(m, anchor, tense):
    wd, rel = WEEKDAYS[m["wd"]], _g(m, "rel")
    own = PAST if rel in ("last", "past") else FUTURE if rel in ("next", "coming") else None
    if anchor is None:
        return _Reading(None, RELATIVE, tense=own)
    if rel in ("last", "past"):
        back = (anchor.weekday() - wd) % 7 or 7
        return _Reading((anchor - timedelta(days=back)).isoformat(), RELATIVE, tense=own)
    if (own or tense) == FUTURE:
        ahead = (wd - anchor.weekday()) % 7 or 7
        return _Reading((anchor + timedelta(days=ahead)).isoformat(), RELATIVE, tense=own)
    back = (anchor.weekday() - wd) % 7  # on or before publication: news reports the past by default
    return _Reading((anchor - timedelta(days=back)).isoformat(), RELATIVE, tense=own)


def _accept_weekday(m, text):
    before = text[max(0, m.start - 12):m.start].split()
    return not (before and before[-1].lower().strip(".,") in NAMED_DAY_PREFIXES)


def _resolve_deictic(m, anchor, tense):
    key = _g(m, "dd")
    for suffix in (" morning", " afternoon", " evening", " night"):
        if key.endswith(suffix) and key not in DEICTIC_DAYS:
            key = key[: -len(suffix)]
    offset, own = DEICTIC_DAYS[key]
    if anchor is None or offset is None:
        return _Reading(None, RELATIVE, tense=own)
    return _Reading((anchor + timedelta(days=offset)).isoformat(), RELATIVE, tense=own)


# counted periods before publication: "35 years ago", "a few days ago"

def _resolve_ago(m, anchor, tense):
    count, unit = _count(m["n"]), _g(m, "u").rstrip("s")
    if anchor is None or count is None or m["hedge"] or unit in ("decade", "century", "centurie"):
        return _Reading(None, RELATIVE, tense=PAST)  # "more than", "decades": no honest value
    lo, hi = count
    if unit == "day":
        a, b = anchor - timedelta(days=hi), anchor - timedelta(days=lo)
    elif unit == "week":
        a = _monday(anchor - timedelta(weeks=hi))
        b = _monday(anchor - timedelta(weeks=lo)) + timedelta(days=6)
    elif unit == "month":
        a = date(*_add_months(anchor.year, anchor.month, -hi), 1)
        b = _month_end(*_add_months(anchor.year, anchor.month, -lo))
    else:
        a, b = date(anchor.year - hi, 1, 1), date(anchor.year - lo, 12, 31)
    return _Reading(_span_value(a, b), RELATIVE, tense=PAST)


# "last week", "late last week", "earlier this month", "early this year", "the end of the year"

def _resolve_relative_unit(m, anchor, tense):
    rel, unit, part = _g(m, "rel"), _g(m, "u"), _g(m, "part")
    part = re.sub(r"^the |\sof$", "", part) if part else None
    own = (PAST if rel in ("last", "past", "previous") or part in PAST_PARTS else
           FUTURE if rel in ("next", "coming", "following") or part in FUTURE_PARTS else None)
    if anchor is None or rel in ("previous", "following"):  # anaphoric: relative to another event
        return _Reading(None, RELATIVE, tense=own)
    if rel in ("past", "coming"):  # a rolling window ending or starting at publication
        days = {"week": 7, "weekend": 7, "month": 30, "year": 365}[unit]
        a, b = (anchor - timedelta(days=days), anchor) if rel == "past" else (anchor, anchor + timedelta(days=days))
        return _Reading(_span_value(a, b), RELATIVE, tense=own)
    offset = {"last": -1, "next": 1}.get(rel, 0)
    if unit in ("week", "weekend"):
        monday = _monday(anchor) + timedelta(weeks=offset)
        if unit == "weekend":
            lo, hi = 5, 6
        elif part == "earlier" and offset == 0:
            lo, hi = 0, anchor.weekday()
        elif part in ("later", "rest", "remainder") and offset == 0:
            lo, hi = anchor.weekday(), 6
        else:
            lo, hi = WEEK_PARTS.get(part, (0, 6))
        value = _span_value(monday + timedelta(days=lo), monday + timedelta(days=hi))
    elif unit == "month":
        y, mo = _add_months(anchor.year, anchor.month, offset)
        value = f"{y:04d}-{mo:02d}"
    else:
        value = f"{anchor.year + offset:04d}"
    return _Reading(value, RELATIVE, tense=own)


def _accept_relative_unit(m, text):
    return _g(m, "rel") != "the" or bool(m["part"])


def _resolve_season(m, anchor, tense):
    rel, season = _g(m, "rel"), _g(m, "s")
    own = PAST if rel in ("last", "past") else FUTURE if rel == "next" else None
    if anchor is None:
        return _Reading(None, RELATIVE, tense=own)
    first, last = SEASONS[season]
    spans = []
    for y in range(anchor.year - 2, anchor.year + 2):
        end_year = y + 1 if last < first else y
        spans.append((date(y, first, 1), _month_end(end_year, last)))
    if rel in ("last", "past"):
        a, b = max(s for s in spans if s[1] < anchor)
    elif rel == "next":
        a, b = min(s for s in spans if s[0] > anchor)
    else:
        inside = [s for s in spans if s[0] <= anchor <= s[1]]
        a, b = inside[0] if inside else min(spans, key=lambda s: min(abs((s[0] - anchor).days),
                                                                   abs((s[1] - anchor).days)))
    return _Reading(_span_value(a, b), RELATIVE, tense=own)


# vague horizons and durations: found for their text and tense, never given a date

def _resolve_vague_future(m, anchor, tense):
    return _Reading(None, RELATIVE, tense=FUTURE)


def _resolve_vague_past(m, anchor, tense):
    return _Reading(None, RELATIVE, tense=PAST)


def _resolve_duration(m, anchor, tense):
    return _Reading(None, EXPLICIT, kind="duration")


def _accept_duration(m, text):
    n, unit, rel = _g(m, "n"), _g(m, "u"), _g(m, "rel")
    plural = unit.endswith("s")
    if n is None:
        # "for years", "over the past days", "for another year"; never a bare "year"
        return rel in ("another", "additional") or (plural and bool(rel or m["prep"] or m["the"]))
    if n in ("a", "an"):
        before = text[max(0, m.start - 8):m.start].split()
        if plural or (before and before[-1].lower() in ("once", "twice", "times", "per", "every")):
            return False  # "twice a year" is a frequency
    if n == "one" and unit == "day" and not m["prep"]:
        return False  # "one day" is vague, not a duration
    return True


def _lit(*phrases: str) -> str:
    """Phrases as written and with a capital first letter. Cores start with literals like these so the
    regex engine can skip ahead to candidate characters instead of trying every position."""
    return _alt({v for p in phrases for v in (p, p[0].upper() + p[1:])})


# Every rule is a core (the part that must be there, matched over the whole text) and an optional left
# context (prepositions, determiners, modifiers, counts) matched backwards from the core's start.
L = r"(?<![\w'’])"  # a left context starts at a word boundary
PREP_L = rf"{L}(?:(?P<prep>(?i:ever\s+since|since|in|on|at|by|until|till|before|after|during|from|through))\s+)?"
WEEKDAY_L = rf"(?:(?P<wd>{WEEKDAY_ANY}),?\s+)?"
REL_WORDS = ("last", "this", "next", "past", "coming")
UNITS = r"(?:days?|weeks?|months?|years?|decades?)"

_RULES: list[_Rule] = [
    _Rule("iso", rf"(?P<y>{YEAR})-(?P<mo>\d\d)-(?P<d>\d\d)\b", rf"{PREP_L}\Z", _resolve_iso, _accept_iso),
    _Rule("numeric", rf"(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>{YEAR})\b(?![/.]\d)",
          rf"{PREP_L}{WEEKDAY_L}\Z", _resolve_numeric, lambda m, t: bool(_numeric_readings(m))),
    _Rule("month_day", rf"(?P<mon>{MONTH_ANY})\s+(?P<d>\d{{1,2}}){ORDINAL}?\b"
                       rf"(?:\s*[-–]\s*(?P<d2>\d{{1,2}})\b)?(?![:.,]?\d)(?:,?\s+(?P<y>{YEAR})\b)?",
          rf"{PREP_L}{WEEKDAY_L}\Z", _resolve_month_day, _accept_month_day),
    _Rule("day_month", rf"(?P<d>\d{{1,2}}){ORDINAL}?(?:\s+of)?\s+(?P<mon>{MONTH_ANY})(?!\w)"
                       rf"(?:,?\s+(?P<y>{YEAR})\b)?",
          rf"{PREP_L}{WEEKDAY_L}(?:(?i:the)\s+)?\Z", _resolve_month_day, _accept_month_day),
    _Rule("month_year", rf"(?P<mon>{MONTH_ANY})(?:\s+of)?,?\s+(?P<y>{YEAR})\b(?![-–/]\d)",
          rf"{PREP_L}(?P<part>{PART})?\Z", _resolve_month_year),
    _Rule("month", rf"(?P<mon>{MONTH})\b",
          rf"{PREP_L}(?:(?P<det>(?i:the|to))\s+{NOT_PART})?(?:(?P<rel>(?i:{_alt(REL_WORDS)}))\s+)?"
          rf"(?P<part>{PART})?\Z", _resolve_month, _accept_month),
    _Rule("weekday", rf"(?P<wd>{WEEKDAY})\b(?:\s+(?:morning|afternoon|evening|night)\b)?",
          rf"{PREP_L}(?:(?P<rel>(?i:{_alt(REL_WORDS)}))\s+)?\Z", _resolve_weekday, _accept_weekday),
    _Rule("deictic_day", rf"(?P<dd>{_lit(*DEICTIC_DAYS, *(f'{d} {t}' for d in ('yesterday', 'tomorrow') for t in ('morning', 'afternoon', 'evening', 'night')))})\b",
          None, _resolve_deictic,
          keywords=("yesterday", "today", "tonight", "tomorrow", "last night", "this morning", "this afternoon",
                    "this evening", "day before", "day after", "previous day", "next day", "following day",
                    "day earlier", "day later")),
    _Rule("ago", r"ago\b",
          rf"{L}(?P<hedge>(?i:more\s+than|over|about|around|almost|nearly|some|roughly|less\s+than|at\s+least)\s+)?"
          rf"(?:(?P<n>{COUNT})\s+)?(?P<u>(?i:{UNITS}|centur(?:y|ies)))\s+\Z",
          _resolve_ago, left_required=True),
    _Rule("relative_unit", rf"(?P<rel>{_lit(*REL_WORDS, 'current', 'previous', 'following', 'the')})\s+"
                           r"(?P<u>weekend|week|month|year)\b(?![-‐])",
          rf"{PREP_L}(?:(?P<part>{REL_PART})\s+)?\Z", _resolve_relative_unit, _accept_relative_unit),
    _Rule("season", rf"(?P<rel>{_lit('last', 'this', 'next', 'past')})\s+(?:(?:early|late)\s+)?"
                    r"(?P<s>spring|summer|autumn|fall|winter)\b",
          rf"{PREP_L}\Z", _resolve_season, keywords=("spring", "summer", "autumn", "fall", "winter")),
    _Rule("year", r"(?P<y>(?:19|20)\d\d)\b(?!\s*[-–/]\s*\d|[.,]\d|\s*%|['’]?s\b)",
          rf"(?:(?<=\w)(?P<poss>['’]s)\s+|{PREP_L}(?:(?P<det>(?i:the|an?))\s+{NOT_PART})?"
          rf"(?P<part>{PART}|(?i:(?:the\s+)?(?:spring|summer|autumn|fall|winter)(?:\s+of)?\s+))?)\Z",
          _resolve_year, _accept_year),
    _Rule("year_range", r"(?P<y1>(?:19|20)\d\d)\s*[-–]\s*(?P<y2>(?:19|20)\d\d)\b", rf"{PREP_L}\Z",
          _resolve_year_range),
    _Rule("vague_future",
          rf"(?:{_lit('soon')})\b(?!\s+(?:after|afterwards|as|enough|thereafter))"
          rf"|(?:{_lit('shortly')})\b(?!\s+(?:after|before|afterwards))"
          rf"|(?:{_lit('in')})\s+the\s+(?:(?:coming|next|following)\s+(?:few\s+)?(?:days|weeks|months|years)"
          r"|(?:near|foreseeable|not\s+too\s+distant|immediate)\s+future|(?:days|weeks|months|years)\s+ahead"
          r"|future)\b",
          None, _resolve_vague_future,
          lambda m, t: t[max(0, m.start - 3):m.start].lower() != "as ",  # "as soon as possible"
          keywords=("soon", "shortly", "future", "ahead", "coming", "next", "following")),
    _Rule("vague_past", rf"(?:{_lit('recently', 'lately')})\b|(?:{_lit('in')})\s+(?:recent\s+"
                        r"(?:days|weeks|months|years|times)|the\s+recent\s+(?:past|days|weeks|months|years))\b",
          None, _resolve_vague_past, keywords=("recent", "lately")),
    _Rule("duration", rf"(?P<u>{UNITS})\b(?![-‐])",
          rf"{L}(?:(?P<prep>(?i:for|over|within|during|in|after|throughout))\s+)?(?:(?P<the>(?i:the))\s+)?"
          r"(?:(?P<rel>(?i:past|last|next|coming|first|another|additional|following|previous))\s+)?"
          rf"(?:(?<![\w,.-])(?P<n>{COUNT})\s+)?(?:(?i:more|additional|other|full|consecutive)\s+)?\Z",
          _resolve_duration, _accept_duration),
]


# --- tense from the sentence around an expression -------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s")
_WINDOW = 160
_AFTER_PENALTY = 4


def _cue_tense(words: list[str], i: int) -> Optional[str]:
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if word in FUTURE_CUE_WORDS or word.endswith("'ll"):
        return FUTURE
    if (word in FUTURE_CUES_BEFORE_TO and nxt == "to") or (
            word == "preparing" and i and words[i - 1] in PRESENT_AUXILIARIES):
        return FUTURE
    if word == "to" and nxt == "be" and i + 2 < len(words) and words[i + 2] == "held":
        return FUTURE
    if word in PAST_CUE_WORDS or (len(word) > 3 and word.endswith("ed") and word not in NOT_PAST_ED):
        return PAST
    return None


def _context_tense(text: str, start: int, end: int) -> Optional[str]:
    """The tense of the nearest tense cue in the same sentence, or None."""
    lo = max(start - _WINDOW, text.rfind("\n", 0, start) + 1)
    for cut in _SENTENCE_END.finditer(text, lo, start):
        lo = cut.end()
    hi = text.find("\n", end)
    hi = min(end + _WINDOW, len(text) if hi < 0 else hi)
    cut = _SENTENCE_END.search(text, end, hi)
    hi = cut.start() + 1 if cut else hi
    best: tuple[int, Optional[str]] = (_WINDOW * 2, None)
    for before, (lo_, hi_) in ((True, (lo, start)), (False, (end, hi))):
        tokens = list(_WORD.finditer(text, lo_, hi_))
        words = [t.group().lower().replace("’", "'") for t in tokens]
        # the nearest cue on each side: walk outwards from the expression
        for i in (range(len(tokens) - 1, -1, -1) if before else range(len(tokens))):
            tense = _cue_tense(words, i)
            if tense is not None:
                # a time phrase usually follows its verb: on a near tie, the cue before wins
                distance = start - tokens[i].end() if before else tokens[i].start() - end + _AFTER_PENALTY
                if distance < best[0]:
                    best = (distance, tense)
                break
    return best[1]


# --- public API -----------------------------------------------------------------------------------

def _anchor(published: Optional[str]) -> Optional[date]:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


_LEFT_REACH = 48  # characters of left context a rule may take ("at the beginning of the", "more than")
_LEFT_STARTS = re.compile(r"(?<![\w'’])\w|(?<=\w)['’]s\b")  # where a left context may begin
_DIGIT_BLOCKERS = set(",./$€£-")


def _left_context(rule: _Rule, text: str, s: int) -> Optional[re.Match]:
    """The longest left context of `rule` that ends at s, tried from word starts only."""
    for begin in _LEFT_STARTS.finditer(text, max(0, s - _LEFT_REACH), s):
        m = rule.left.match(text, begin.start(), s)
        if m:
            return m
    return rule.left.match(text, s, s)


def _scan(text: str) -> list[tuple[int, int, _Rule, _Found]]:
    """All accepted rule matches, then the longest non-overlapping ones, in text order."""
    hits = []
    lowered = text.lower()
    rules = [r for r in _RULES if not r.keywords or any(k in lowered for k in r.keywords)]
    for rule, core in ((rule, core) for rule in rules for core in rule.core.finditer(text)):
        s = core.start()
        prev = text[s - 1] if s else " "
        if prev.isalnum() or prev == "_":
            continue  # the core must start a word: "G20", "FY2021"
        if prev in _DIGIT_BLOCKERS and text[s].isdigit() and text[max(0, s - 4):s].lower() != "mid-":
            continue  # "1,000", "3.2021", "$2000", "2016-2025" read from the middle
        found = _Found({k: v for k, v in core.groupdict().items() if v is not None})
        found.start, found.end = s, core.end()
        if rule.left is not None:
            left = _left_context(rule, text, s)
            if rule.left_required and (left is None or left.start() == s):
                continue
            if left is not None and left.start() < s:
                found.update({k: v for k, v in left.groupdict().items() if v is not None})
                found.start = left.start()
                cue = next((g for g in ("det", "poss") if left.groupdict().get(g)), None)
                if cue:  # "the 2020 election": the determiner is a cue, not part of the expression
                    found.start = left.end(cue)
                    while text[found.start].isspace():
                        found.start += 1
        if rule.accept is None or rule.accept(found, text):
            hits.append((found.start, found.end, rule, found))
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))  # longest first
    starts: list[int] = []  # taken spans, sorted and disjoint
    taken: dict[int, tuple[int, int, _Rule, _Found]] = {}
    for hit in hits:
        i = bisect.bisect_left(starts, hit[0])
        if (i < len(starts) and starts[i] < hit[1]) or (i and taken[starts[i - 1]][1] > hit[0]):
            continue
        starts.insert(i, hit[0])
        taken[hit[0]] = hit
    return [taken[s] for s in starts]


def _interpret(text: str, hit, anchor: Optional[date], tense: Optional[str]) -> TimeExpr:
    start, end, rule, m = hit
    if tense is None:
        tense = _context_tense(text, start, end)
    since = (_g(m, "prep") or "").endswith("since")
    reading = rule.resolve(m, anchor, PAST if since else tense)
    return TimeExpr(
        text=text[start:end],
        span=(start, end),
        value=reading.value,
        basis=reading.basis,
        tense=PAST if since else (reading.tense or tense),
        kind="since" if since else reading.kind,
    )


def find_time_expressions(text: str, published: Optional[str]) -> list[TimeExpr]:
    """Every time expression in a document's text, normalised against its publication date (YYYY-MM-DD).

    Spans are [start, end) offsets into `text`, in text order and never overlapping.
    """
    anchor = _anchor(published)
    return [_interpret(text, hit, anchor, None) for hit in _scan(text)]


def resolve_time(expression: str, published: Optional[str], tense: Optional[str] = None) -> Optional[TimeExpr]:
    """Normalise one expression ("on Wednesday", "last August") against a publication date.

    `tense` is the context's tense (past | future); an expression with its own tense ("next week")
    keeps it. Returns the longest expression found in `expression`, or None.
    """
    anchor = _anchor(published)
    hits = _scan(expression)
    if not hits:
        return None
    hit = max(hits, key=lambda h: (h[1] - h[0], -h[0]))
    return _interpret(expression, hit, anchor, tense)
