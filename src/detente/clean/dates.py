"""Full calendar dates from short, isolated strings (meta fields, header lines, datelines).

Deliberately narrow: a date is returned only when day, month and year are all written (or, for a
dateline, determined by explicit evidence). No free-text search, no default to today.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "febr", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
    ("nov", "november"), ("dec", "december")), start=1) for name in names}
WEEKDAYS = {name: i for i, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"), ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"))) for name in names}
MIN_YEAR = 1990

_MON = r"(?P<mon>jan(?:uary)?|feb(?:r?uary|r)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WD = r"(?P<wd>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?![\d])"),                        # 2021-07-13[T..]
    re.compile(rf"\b{_YEAR}[/.](?P<m>[01]?\d)[/.](?P<d>[0-3]?\d)\b"),                          # 2021/07/13
    re.compile(rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}\b", re.I),                                     # July 13, 2021
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MON},?\s+{_YEAR}\b", re.I),                           # 13 July 2021
    re.compile(rf"\b(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep){_YEAR}\b"),           # 07/13/2021, 13.07.2021
]
_WEEKDAY_WORD = re.compile(rf"\b{_WD}(?![a-z])", re.I)


def make_date(year: int, month: int, day: int) -> Optional[date]:
    if year < MIN_YEAR:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found <= date.today() else None


def _from_match(m: re.Match, weekday: Optional[int]) -> Optional[date]:
    groups = m.groupdict()
    year = int(groups["year"])
    if groups.get("mon"):
        return make_date(year, MONTHS[groups["mon"].lower().rstrip(".")], int(groups["day"]))
    if groups.get("m"):
        return make_date(year, int(groups["m"]), int(groups["d"]))
    a, b = int(groups["a"]), int(groups["b"])
    if groups["sep"] == ".":
        return make_date(year, b, a)  # 13.07.2021 is day-first wherever it is written
    day_first, month_first = make_date(year, b, a), make_date(year, a, b)
    if day_first and month_first and day_first != month_first:
        if weekday is None:
            return None  # 03/04/2021: ambiguous without a weekday to settle it
        fits = [d for d in (day_first, month_first) if d.weekday() == weekday]
        return fits[0] if len(fits) == 1 else None
    return day_first or month_first


def find_date(text: str) -> Optional[tuple[date, re.Match]]:
    """The first full date written in a short string, with its match; a weekday nearby settles d/m order."""
    wd = _WEEKDAY_WORD.search(text)
    weekday = WEEKDAYS[wd.group("wd").lower().rstrip(".")] if wd else None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            found = _from_match(m, weekday)
            if found:
                return found, m
    return None


def parse_date(text: Optional[str]) -> Optional[date]:
    """A date from an isolated field value ("2021-07-13T11:47:00Z", "July 13, 2021", "13.07.2021")."""
    if not text:
        return None
    found = find_date(str(text)[:200])
    return found[0] if found else None


# A header line is a date plus only furniture: labels, weekday, clock time, time zone, separators.
_HEADER_FURNITURE = re.compile(
    r"\b(?:posted|published|updated|last|modified|date[d]?|on|at|am|pm|a\.m\.|p\.m\.|gmt|utc|est|edt|cet|cest|msk|bst|pst|pdt|local|time|hrs?)\b"
    r"|\d{1,2}:\d{2}(?::\d{2})?|[+-]\d{2}:?\d{2}\b|" + _WD, re.I)
_LEFTOVER_WORD = re.compile(r"[^\W\d_]{2,}")
_UPDATED = re.compile(r"\b(updated|modified)\b", re.I)


def header_date(line: str) -> Optional[tuple[date, bool]]:
    """(date, is_update) when a short line is just a date header: "Tue, 07/13/2021 - 11:47",
    "Posted: Thursday, December 8, 2022", "Published 13 July 2021 10:00 GMT"."""
    if len(line) > 80:
        return None
    found = find_date(line)
    if not found:
        return None
    when, m = found
    rest = line[:m.start()] + " " + line[m.end():]
    rest = _HEADER_FURNITURE.sub(" ", rest)
    if len(_LEFTOVER_WORD.findall(rest)) > 1:
        return None
    return when, bool(_UPDATED.search(line))


def weekday_number(word: str) -> Optional[int]:
    return WEEKDAYS.get(word.lower().rstrip("."))


_URL_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?!\d)")
_URL_YEAR = re.compile(r"/(?P<year>(?:19|20)\d\d)/")


def url_date(url: Optional[str]) -> Optional[date]:
    """A full date in a URL path (/2021/07/13/ or 2021-07-13); a year or month alone is not enough."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    return make_date(int(m["year"]), int(m["m"]), int(m["d"])) if m else None


def url_year(url: Optional[str]) -> Optional[int]:
    if not url:
        return None
    m = _URL_YEAR.search(url)
    return int(m["year"]) if m else None
