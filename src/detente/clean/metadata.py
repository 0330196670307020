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

from detente.clean.dates import (MONTHS, WEEKDAYS, find_date, header_date, make_date, parse_date, url_date,
                                 url_year, weekday_number)

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
_BYLINE = re.compile(r"^by\s+(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|al|bin|and|&)){1,5})\s*(?:[,|/·•–—-].{0,40})?$",
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
    updates: dict[int, date] = {}
    for i, line in enumerate(lines):
        if len(line) <= 80:
            hd = header_date(line)
            if hd:
                (updates if hd[1] else found)[i] = hd[0]
    return {**found, **updates}


_BY_NAME = re.compile(r"\bby\s+[A-Z]")
_NAME_LEAD = re.compile(r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3}\s*[,·•|–—]")


def dated_byline(line: str) -> Optional[date]:
    """The date in a short byline-and-date line: "By Jane Doe · July 16, 2018 · 6 min read",
    "Jane Doe, Geneva · 16.06.2021, 21:10". Not a sentence, and it must lead with a name."""
    if len(line) > 100 or len(line.split()) > 14 or line.rstrip().endswith((".", "!", "?")):
        return None
    if not (byline_author(line) or _NAME_LEAD.match(line) or _BY_NAME.search(line)):
        return None
    found = find_date(line)
    return found[0] if found else None


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


_SITE_SEPARATORS = re.compile(r"\s+(?:[|·•–—:-]|::)\s+")
_CORPORATE = re.compile(r"(?:[\s,]+(?:media|group|company|co|corp|corporation|inc|llc|ltd|limited|ag|gmbh|sa|plc|"
                        r"holdings?|publishing|publications|newspapers?|news ?agency))+\.?$", re.I)
_COPYRIGHT_NAME = re.compile(
    r"(?:copyright|©|\(c\))(?:\s*(?:©|\(c\)))?\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*[,.]?\s*)?"
    r"(?P<name>[A-Z][\w&'’-]*(?:\.[a-z]{2,})?(?:\s+(?:[A-Z][\w&'’-]*|of|and|&)){0,5})", re.I)
_NAME_BEFORE_COPYRIGHT = re.compile(r"(?P<name>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,4})\s*(?:©|\(c\))\s*(?:19|20)\d\d")
_GENERIC_NAME = re.compile(r"^(?:all|the|this|our|wire|copy|rights?|reserved|material|materials|reproduction|site|"
                           r"website|page|content|text|photo|image)$", re.I)


def _tidy_name(name: str) -> Optional[str]:
    name = _CORPORATE.sub("", name.strip(" .,;:-–—")).strip(" .,;:-–—")
    words = name.split()
    if not words or len(words) > 5 or all(_GENERIC_NAME.match(w) for w in words) or not name[0].isupper():
        return None
    return name


def copyright_outlet(lines: list[str]) -> Optional[str]:
    """The holder named in a copyright line: "© 2024 Meridian Times Group." -> "Meridian Times",
    "(c) NovayaLine, 2025." -> "NovayaLine", "The Baltic Observer © 2019." -> "The Baltic Observer"."""
    for line in lines:
        m = _NAME_BEFORE_COPYRIGHT.search(line)
        if m and (name := _tidy_name(m["name"])):
            return name
        m = _COPYRIGHT_NAME.search(line)
        if m and (name := _tidy_name(m["name"])):
            return name
    return None


def title_site(page_title: Optional[str], headline: Optional[str]) -> Optional[str]:
    """The site in a "<Headline> | <Site>" (or "<Site> - <Headline>") page title, when the headline is known."""
    if not page_title or not headline:
        return None
    parts = _SITE_SEPARATORS.split(page_title.strip())
    if len(parts) < 2:
        return None
    head_key = _norm(headline)
    for site, rest in ((parts[-1], " ".join(parts[:-1])), (parts[0], " ".join(parts[1:]))):
        if 1 <= len(site.split()) <= 5 and _norm(rest) == head_key and _norm(site) != head_key:
            return site.strip()
    return None


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def site_name_line(top: list[str], elsewhere: list[str], generic) -> Optional[tuple[int, str]]:
    """(index, name) of a site-name line among the first lines of a page: a short line (or its first part,
    "NovayaLine - English edition") whose name recurs in the page's furniture further down (a copyright,
    disclaimer, "Also on ..." or bio line). The spelling is taken from the recurrence when the top is all caps."""
    for i, line in enumerate(top):
        first = _SITE_SEPARATORS.split(line.strip(), maxsplit=1)[0].strip()
        words = first.split()
        if not 1 <= len(words) <= 4 or not any(ch.isalpha() for ch in first) or all(generic(w) for w in words):
            continue
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.I)
        for other in elsewhere:
            if other == line:
                continue
            m = pattern.search(other)
            if m:
                name = m.group() if first.isupper() and not m.group().isupper() else first
                return i, name
    return None


def choose_outlet(*, record_outlet: Optional[str], html_site: Optional[str], paragraphs: list[str],
                  url: Optional[str], page_site: Optional[str] = None, copyright_site: Optional[str] = None
                  ) -> Optional[str]:
    """The record's own field, og:site_name, the page's own name (in its <title>, as a site-name line that
    recurs in the footer), the copyright holder, a wire-style credit in the lead, and last the URL's host."""
    for found in (record_outlet, html_site, page_site, copyright_site):
        if found:
            return found
    for p in paragraphs[:3]:
        dl = find_dateline(p)
        if dl and dl.credit:
            return dl.credit
        credit = opening_credit(p)
        if credit:
            return credit
    return url_outlet(url)


_NAME_PREFIX = re.compile(r"^(?:by\s+)?(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|al|bin)){1,4})")
_LOWER_WORD = re.compile(r"(?<![\w'’])(?!(?:de|van|von|al|bin|and)\b)[a-z][a-z]+\b")


def tidy_author(author: Optional[str], outlet: Optional[str]) -> Optional[str]:
    """An extractor's author field without the outlet, staff labels or a bio tail:
    "Jane Doe; The Gazette staff" -> "Jane Doe", "Jane Doe covers defence; Security" -> "Jane Doe"."""
    if not author:
        return author
    parts = [p.strip() for p in re.split(r"\s*;\s*", author) if p.strip()]
    if len(parts) == 1 and not _LOWER_WORD.search(parts[0]):
        return author
    names = []
    for part in parts:
        if outlet and outlet.casefold() in part.casefold():
            continue
        if _LOWER_WORD.search(part):
            m = _NAME_PREFIX.match(part)
            if not m:
                continue
            part = m["name"]
        names.append(part)
    if any(len(n.split()) >= 2 for n in names):
        names = [n for n in names if len(n.split()) >= 2]
    return "; ".join(dict.fromkeys(names)) if names else author
