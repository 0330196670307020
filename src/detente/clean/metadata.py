"""Document metadata: publication date (with its basis), outlet, author.

Dates come only from explicit evidence, in this order: the record's own field, HTML meta, a date header
line, a dateline with a year, a full date in the URL, and last a year-less dateline whose weekday fits
exactly one of the years the article mentions. Otherwise the date is unknown (None), never today.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional
from urllib.parse import urlsplit

from detente.clean.dates import (MONTHS, WEEKDAYS, header_date, make_date, parse_date, url_date, url_year,
                                 weekday_number)

BASIS_RECORD, BASIS_HTML, BASIS_HEADER = "record_field", "html_meta", "text_header"
BASIS_DATELINE, BASIS_URL, BASIS_INFERRED = "dateline", "url", "dateline+weekday (inferred)"

_PLACE = r"(?P<place>[A-Z][A-Z\u00C0-\u00DE.'’-]+(?:[ -][A-Z][A-Z\u00C0-\u00DE.'’-]+){0,3}|[A-Z][a-z\u00E0-\u00FF.'’-]+(?: [A-Z][a-z\u00E0-\u00FF.'’-]+){0,2})"
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:r?uary|r)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WD = r"(?P<wd>(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?)\.?"
DATELINE = re.compile(
    rf"^{_PLACE}(?:,\s*(?!{_WD.replace('wd>', 'wdx>')}[,\s])(?!{_MON.replace('mon>', 'monx>')}\s)[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?\s*(?:,|\s[-–—]\s?)\s*(?:{_WD},?\s+)?"
    rf"(?:{_MON}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?|(?P<day2>[0-3]?\d)\s+{_MON.replace('mon>', 'mon2>')})"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?(?=[\s.,/(–—-])")
# "/TASS/" after a dateline; "(Reuters)" or "(MENAFN)" after a dateline or opening a paragraph.
_CREDIT_AFTER = re.compile(r"^[\s.,]*(?:/(?P<slash>[A-Z][A-Za-z-]{1,24})/|\((?P<paren>[A-Z][A-Za-z&.' -]{1,24})\))")
_CREDIT_OPENING = re.compile(r"^\((?P<paren>[A-Z][A-Za-z&.'-]{1,20}(?: [A-Z][A-Za-z&.'-]+)?)\)\s*[-–—]?\s*\S")
_WEEKDAY_IN_TEXT = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_YEAR_IN_TEXT = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘A-Z])")
_BYLINE = re.compile(r"^by\s+(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|al|bin|and|&)){1,5})\s*(?:[,|/-].{0,40})?$",
                     re.I)


@dataclass
class Dateline:
    month: int
    day: int
    year: Optional[int]
    weekday: Optional[int]
    credit: Optional[str]
    end: int  # where the dateline (and credit) ends in the paragraph


def find_dateline(paragraph: str) -> Optional[Dateline]:
    """ "WASHINGTON, July 13. /TASS/." or "MOSCOW, Tuesday, Feb 21 (Reuters) -" opening a paragraph."""
    m = DATELINE.match(paragraph)
    if not m:
        return None
    mon = (m["mon"] or m["mon2"]).lower().rstrip(".")
    day = int(m["day"] or m["day2"])
    if not 1 <= day <= 31:
        return None
    credit = None
    end = m.end()
    c = _CREDIT_AFTER.match(paragraph[end:])
    if c:
        credit = (c["slash"] or c["paren"]).strip()
        end += c.end()
    return Dateline(MONTHS[mon], day, int(m["year"]) if m["year"] else None,
                    weekday_number(m["wd"]) if m["wd"] else None, credit, end)


def opening_credit(paragraph: str) -> Optional[str]:
    """A wire or outlet credit opening the first paragraph: "(MENAFN) The upcoming ..."."""
    m = _CREDIT_OPENING.match(paragraph)
    return m["paren"] if m else None


def byline_author(line: str) -> Optional[str]:
    """"By Jane Smith" (with an optional ", Reuters" tail) -> "Jane Smith"."""
    if len(line) > 80 or not line[:3].lower() == "by ":
        return None
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    name = m["name"].strip()
    words = name.split()
    if not all(w[0].isupper() or w.lower() in ("de", "van", "von", "al", "bin", "and", "&") for w in words):
        return None
    return name


def mentioned_years(text: str) -> set[int]:
    return {int(y) for y in _YEAR_IN_TEXT.findall(text) if 1990 <= int(y) <= date.today().year}


def infer_year(line: Dateline, paragraph: str, text: str) -> Optional[date]:
    """The year of a year-less dateline, when its weekday (attached to the dateline, or the weekday named
    in the first sentence after it) fits exactly one of the years the article mentions."""
    weekday = line.weekday
    if weekday is None:
        first = _SENTENCE_END.split(paragraph[line.end:].lstrip(" .,:;-–—"), maxsplit=1)[0]
        named = {WEEKDAYS[w.lower()] for w in _WEEKDAY_IN_TEXT.findall(first)}
        if len(named) != 1:
            return None
        weekday = named.pop()
    fits = [d for y in sorted(mentioned_years(text))
            if (d := make_date(y, line.month, line.day)) and d.weekday() == weekday]
    return fits[0] if len(fits) == 1 else None


def header_dates(lines: list[str]) -> dict[int, date]:
    """Index -> date for short lines that are only a date header; publication headers before updates."""
    found: dict[int, date] = {}
    for i, line in enumerate(lines):
        if len(line) <= 80:
            hd = header_date(line)
            if hd:
                found[i] = hd[0]
    return found


def choose_published(*, record_field: Optional[str], html_date: Optional[str], url: Optional[str],
                     header: Optional[date], paragraphs: list[str], text: str) -> tuple[Optional[str], Optional[str]]:
    """(YYYY-MM-DD, basis) from the strongest evidence available, or (None, None)."""
    when = parse_date(record_field)
    if when:
        return when.isoformat(), BASIS_RECORD
    when = parse_date(html_date)
    from_url = url_date(url)
    if when:
        return when.isoformat(), BASIS_URL if from_url == when else BASIS_HTML
    if header:
        return header.isoformat(), BASIS_HEADER
    lines = [dl for p in paragraphs[:3] if (dl := find_dateline(p))]
    for dl in lines:
        year = dl.year or url_year(url)
        if year and (d := make_date(year, dl.month, dl.day)):
            return d.isoformat(), BASIS_DATELINE
    if from_url:
        return from_url.isoformat(), BASIS_URL
    for p in paragraphs[:3]:
        dl = find_dateline(p)
        if dl and dl.year is None and (d := infer_year(dl, p, text)):
            return d.isoformat(), BASIS_INFERRED
    return None, None


def url_outlet(url: Optional[str]) -> Optional[str]:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    host = host.lower()
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host or None


def choose_outlet(*, record_outlet: Optional[str], html_site: Optional[str], paragraphs: list[str],
                  url: Optional[str]) -> Optional[str]:
    """The record's own field, then og:site_name, then a wire-style credit in the lead, then the URL's host."""
    if record_outlet:
        return record_outlet
    if html_site:
        return html_site
    for p in paragraphs[:3]:
        dl = find_dateline(p)
        if dl and dl.credit:
            return dl.credit
        credit = opening_credit(p)
        if credit:
            return credit
    return url_outlet(url)
