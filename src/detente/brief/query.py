"""A brief read from a store (`detente brief`): the rows it needs, filtered in SQL, through a read-only connection.

A store spans many runs, so nothing is loaded whole when the brief is bounded:
- events: those of the dyad (either direction, each side as incidents count it: an organisation such as NATO by its
  name, anyone else by their country) whose whole date (a day, a month or a year) lies within --since/--until;
  undated events are left out of a bounded brief;
- incidents: those that hold any of these events; documents: those that hold them; quotes: those of these documents
  (with a dyad, only speakers of its two sides);
- coverage: counted over every document of the store, in SQL (statuses, and the removed lines by reason).
With no dyad and no dates it is the whole store, which is what `detente run` briefs after a first run.

The same `build_brief` then makes the brief that `detente run` makes, so a store's brief and a run's agree.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import duckdb

from detente.brief.content import Brief, Coverage, Scope, build_brief
from detente.brief.html import render_html
from detente.brief.markdown import render_markdown
from detente.store.database import stored_row
from detente.types import Document, Event, Incident, Quote


class BriefError(Exception):
    """The brief cannot be made (no store there, a dyad with no events): one line that says why. Exit 1."""


class BriefUsageError(BriefError):
    """A bad value on the command line (a date that is no date, a dyad that is no pair of codes). Exit 2."""


_DYAD = re.compile(r"([A-Za-z]{2,12})\s*[-–]\s*([A-Za-z]{2,12})")
_BOUND = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATE_OK = r"'[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?'"


def parse_dyad(text: str) -> tuple[str, str]:
    """'RUS-USA', 'usa-rus', 'NATO-RUS' -> the two codes, upper case, sorted (a dyad is either direction)."""
    found = _DYAD.fullmatch((text or "").strip())
    if not found:
        raise BriefUsageError(f"--dyad {text!r} is not a dyad: give two country codes (ISO 3166-1 alpha-3) or "
                              f"organisations joined by a hyphen, e.g. RUS-USA or NATO-RUS")
    a, b = sorted(code.upper() for code in found.groups())
    return a, b


def parse_bound(text: str, option: str, end: bool = False) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY -> YYYY-MM-DD: the first day of the period, or with `end` its last."""
    found = _BOUND.fullmatch((text or "").strip())
    problem = None
    if not found:
        problem = "is not a date"
    else:
        year, month, day = int(found.group(1)), found.group(2), found.group(3)
        if month is not None and not 1 <= int(month) <= 12:
            problem = f"has no month {month}"
        elif day is not None and not 1 <= int(day) <= calendar.monthrange(year, int(month))[1]:
            problem = f"has no day {day} in {year}-{month}"
    if problem:
        raise BriefUsageError(f"{option} {text!r} {problem}: give YYYY-MM-DD (or YYYY-MM, or YYYY)")
    year, month, day = found.group(1), found.group(2), found.group(3)
    if day:
        return f"{year}-{month}-{day}"
    if month:
        return f"{year}-{month}-{calendar.monthrange(int(year), int(month))[1] if end else 1:02d}"
    return f"{year}-12-31" if end else f"{year}-01-01"


@dataclass
class Selection:
    """What the brief keeps, as given on the command line and checked."""
    dyad: Optional[tuple[str, str]] = None
    since: Optional[str] = None
    until: Optional[str] = None

    @classmethod
    def parse(cls, dyad: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None) -> "Selection":
        chosen = cls(parse_dyad(dyad) if dyad is not None else None,
                     parse_bound(since, "--since") if since is not None else None,
                     parse_bound(until, "--until", end=True) if until is not None else None)
        if chosen.since and chosen.until and chosen.since > chosen.until:
            raise BriefUsageError(f"--since {since} is after --until {until}")
        return chosen

    @property
    def label(self) -> Optional[str]:
        return "–".join(self.dyad) if self.dyad else None

    @property
    def everything(self) -> bool:
        return self.dyad is None and self.since is None and self.until is None


@dataclass
class Rows:
    documents: list[Document] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    coverage: Optional[Coverage] = None
    runs: int = 0


# --- SQL -------------------------------------------------------------------------------------------------------
def party_sql(column: str) -> str:
    """resolve.incidents.party() of an actor stored as JSON text: an organisation by its name, anyone else by their
    country (else organisation, else id); '-' for none."""
    get = lambda key: f"NULLIF(json_extract_string({column}, '$.{key}'), '')"  # noqa: E731
    return (f"(CASE WHEN {column} IS NULL THEN '-' WHEN {get('kind')} = 'org' AND {get('org')} IS NOT NULL "
            f"THEN {get('org')} ELSE coalesce({get('country')}, {get('org')}, {get('actor_id')}) END)")


def _dyad_sql(dyad: tuple[str, str], params: list) -> str:
    a, b = dyad
    params += [a, b, b, a]
    return (f"(({party_sql('source')} = ? AND {party_sql('target')} = ?) OR "
            f"({party_sql('source')} = ? AND {party_sql('target')} = ?))")


def _dates_sql(since: Optional[str], until: Optional[str], params: list) -> str:
    """The event's whole date (day, month or year) within [since, until]; undated or unknown-year dates fail."""
    terms = [f"regexp_full_match(coalesce(date, ''), {_DATE_OK})"]
    if since:
        terms.append("(CASE length(date) WHEN 4 THEN date || '-01-01' WHEN 7 THEN date || '-01' ELSE date END) >= ?")
        params.append(since)
    if until:
        terms.append("(CASE length(date) WHEN 4 THEN date || '-12-31' WHEN 7 THEN date || '-31' ELSE date END) <= ?")
        params.append(until)
    return "(" + " AND ".join(terms) + ")"


def _fetch(con, table: str, where: str = "", params: Optional[list] = None, order: str = "") -> list[dict[str, Any]]:
    cursor = con.execute(f'SELECT * FROM "{table}" {where} {order}', params or [])
    columns = [d[0] for d in cursor.description]
    return [stored_row(table, dict(zip(columns, values))) for values in cursor.fetchall()]


def _ids(values) -> list[str]:
    return sorted({v for v in values if v is not None})


def open_store(db_path: Path | str):
    """A read-only connection to the store, or BriefError saying why there is none."""
    path = Path(db_path)
    if not path.is_file():
        raise BriefError(f"no store at {path}" + (" (it is a folder: give the .duckdb file, e.g. "
                                                  f"{path / 'detente.duckdb'})" if path.is_dir() else ""))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        text = " ".join(str(err).split())
        if "lock" in text.lower():
            raise BriefError(f"the store {path} is in use by another process: wait for it to finish") from None
        raise BriefError(f"cannot open the store {path}: {text}") from None
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = sorted({"documents", "events", "quotes", "incidents"} - tables)
    if missing:
        con.close()
        raise BriefError(f"{path} is not a detente store (it has no {', '.join(missing)} table)")
    return con


def load(con, selection: Selection) -> Rows:
    """The rows a brief of `selection` needs, each table filtered in SQL."""
    rows = Rows()
    if selection.everything:
        rows.events = [Event.from_row(r) for r in _fetch(con, "events", order="ORDER BY event_id")]
        rows.documents = [Document.from_row(r) for r in _fetch(con, "documents", order="ORDER BY doc_id")]
        rows.quotes = [Quote.from_row(r) for r in _fetch(con, "quotes", order="ORDER BY quote_id")]
        rows.incidents = [Incident.from_row(r) for r in _fetch(con, "incidents", order="ORDER BY incident_id")]
    else:
        params: list = []
        terms = []
        if selection.dyad:
            terms.append(_dyad_sql(selection.dyad, params))
        if selection.since or selection.until:
            terms.append(_dates_sql(selection.since, selection.until, params))
        rows.events = [Event.from_row(r) for r in
                       _fetch(con, "events", "WHERE " + " AND ".join(terms), params, "ORDER BY event_id")]
        doc_ids = _ids(e.doc_id for e in rows.events)
        incident_ids = _ids(e.incident_id for e in rows.events)
        in_list = "IN (SELECT unnest(?::VARCHAR[]))"
        rows.documents = [Document.from_row(r) for r in
                          _fetch(con, "documents", f"WHERE doc_id {in_list}", [doc_ids], "ORDER BY doc_id")]
        where, params = f"WHERE doc_id {in_list}", [doc_ids]
        if selection.dyad:
            where += f" AND {party_sql('speaker')} IN (?, ?)"
            params += list(selection.dyad)
        rows.quotes = [Quote.from_row(r) for r in _fetch(con, "quotes", where, params, "ORDER BY quote_id")]
        rows.incidents = [Incident.from_row(r) for r in
                          _fetch(con, "incidents", f"WHERE incident_id {in_list}", [incident_ids],
                                 "ORDER BY incident_id")]
    rows.coverage = coverage(con)
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    rows.runs = con.execute("SELECT count(*) FROM runs").fetchone()[0] if "runs" in tables else 0
    return rows


def coverage(con) -> Coverage:
    """Every document of the store by status, and the lines cleaning removed by reason: counted in SQL."""
    statuses = Counter(dict(con.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall()))
    removed = Counter(dict(con.execute(
        "SELECT r.reason, count(*) FROM (SELECT unnest(from_json(removed, '[{\"text\": \"VARCHAR\", "
        "\"reason\": \"VARCHAR\"}]')) AS r FROM documents WHERE removed IS NOT NULL) GROUP BY r.reason").fetchall()))
    return Coverage(statuses, removed)


def dyad_known(con, dyad: tuple[str, str]) -> bool:
    params: list = []
    return con.execute(f"SELECT count(*) FROM events WHERE {_dyad_sql(dyad, params)}", params).fetchone()[0] > 0


def brief_from_store(db_path: Path | str, selection: Optional[Selection] = None, **limits) -> Brief:
    """The brief of the store at `db_path`, kept to `selection`. Raises BriefError for a store that is not there or
    cannot be read, and for a dyad with no events in it."""
    selection = selection or Selection()
    con = open_store(db_path)
    try:
        try:
            rows = load(con, selection)
            if selection.dyad and not rows.events and not dyad_known(con, selection.dyad):
                raise BriefError(f"the store {db_path} has no events of the dyad {'-'.join(selection.dyad)} "
                                 "(in either direction)")
        except duckdb.Error as err:
            raise BriefError(f"cannot read the store {db_path}: {' '.join(str(err).split())}") from None
    finally:
        con.close()
    scope = Scope(str(db_path), rows.runs, selection.label, selection.since, selection.until)
    return build_brief(rows.documents, rows.events, rows.quotes, rows.incidents, coverage=rows.coverage, scope=scope,
                       **limits)


def write_brief(brief: Brief, out_dir: Path | str) -> tuple[Path, Path]:
    """brief.md and brief.html into `out_dir`, each written whole or not at all."""
    from detente.store.files import write_atomic

    out = Path(out_dir)
    md, html = out / "brief.md", out / "brief.html"
    write_atomic(md, render_markdown(brief))
    write_atomic(html, render_html(brief))
    return md, html


def make_brief(db_path: Path | str, out_dir: Path | str, dyad: Optional[str] = None, since: Optional[str] = None,
               until: Optional[str] = None) -> tuple[Brief, Path, Path]:
    """`detente brief`: check the command line's values, read the store, write brief.md and brief.html."""
    brief = brief_from_store(db_path, Selection.parse(dyad, since, until))
    md, html = write_brief(brief, out_dir)
    return brief, md, html
