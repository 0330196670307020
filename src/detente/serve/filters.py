"""Query parameters: what each filter accepts, how a bad value is named in the 422 answer, and the SQL it adds.

Every filter is a plain GET parameter, so an API call and a dashboard page with the same filters share one URL
shape (`/api/events?dyad=RUS-USA&plover=CONSULT` and `/events?dyad=RUS-USA&plover=CONSULT`). An empty value (an
empty form field) means "no filter". A bad value is refused by FastAPI's validation, so the answer is 422 with
`loc: ["query", NAME]` and a message that says what the parameter takes.

Dates in the store have honest precision (`2021-06-16`, `2021-06`, `2021`, `XXXX-06-16` when the year is unknown,
or none). `since` and `until` take the same forms, and keep an event whose date *overlaps* the range: `2021-06` is
inside `since=2021-06-10`. Events without a known year are left out when either bound is given.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Annotated, Literal, Optional

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BeforeValidator

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


def _plover_types() -> tuple[str, ...]:
    """The PLOVER event types, from the CAMEO->PLOVER crosswalk the coder uses (code/data/cameo.csv)."""
    try:
        text = resources.files("detente.code").joinpath("data/cameo.csv").read_text(encoding="utf-8")
        lines = (line for line in io.StringIO(text) if not line.startswith("#"))
        found = {row["plover"].strip().upper() for row in csv.DictReader(lines) if row.get("plover", "").strip()}
    except (OSError, KeyError, ModuleNotFoundError):
        found = set()
    return tuple(sorted(found)) or ("ACCUSE", "AGREE", "AID", "ASSAULT", "COERCE", "CONCEDE", "CONSULT", "COOPERATE",
                                    "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION", "SUPPORT",
                                    "THREATEN")


PLOVER_TYPES = _plover_types()
AUX_CHOICES = ("none", "factual", "future", "hypothetical", "negated", "historical")
STATUSES = ("article", "duplicate", "error_page", "empty", "not_text")
KINDS = ("person", "state", "org")
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PARTY = r"[A-Z][A-Z0-9]{1,11}"
_DYAD = re.compile(rf"^({_PARTY})\s*[-–_,/]\s*({_PARTY})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- validators: "" is no filter; anything else is checked and normalised, or refused with a message --------------
def blank_none(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


MAX_TEXT = 200


def _text(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_TEXT}")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def check_period(value: Optional[str]) -> Optional[str]:
    """YYYY, YYYY-MM or YYYY-MM-DD, a real one."""
    if value is None:
        return None
    m = _DATE.match(value)
    if not m:
        raise ValueError(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        date(max(year, 1), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date: use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


def _country(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError(f"{value!r} is not a country code: use ISO 3166-1 alpha-3, e.g. RUS")
    return value.upper()


def _dyad(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    m = _DYAD.match(value.upper())
    if not m:
        raise ValueError(f"{value!r} is not a dyad: two country (or organisation) codes joined by a hyphen, "
                         "e.g. RUS-USA or NATO-RUS")
    return "-".join(sorted((m.group(1), m.group(2))))  # a dyad has no direction: one spelling for both


def _plover(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if value.upper() not in PLOVER_TYPES:
        raise ValueError(f"unknown PLOVER type {value!r}: one of {', '.join(PLOVER_TYPES)}")
    return value.upper()


def _cameo(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if not re.fullmatch(r"\d{2,4}", value) or not 1 <= int(value[:2]) <= 20:
        raise ValueError(f"{value!r} is not a CAMEO code or root: two to four digits starting 01 to 20, e.g. 04 "
                         "or 036")
    return value


def _mode(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if not re.fullmatch(r"[A-Za-z][A-Za-z_-]{0,39}", value):
        raise ValueError(f"{value!r} is not a PLOVER mode: a word such as third-party, visit or phone")
    return value.lower()


def _one_of(choices: tuple[str, ...], what: str):
    def check(value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        if value.lower() not in choices:
            raise ValueError(f"unknown {what} {value!r}: one of {', '.join(choices)}")
        return value.lower()
    return check


def _identifier(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    if len(value) > 120 or _CONTROL.search(value):
        raise ValueError("must be an id of at most 120 characters, without control characters")
    return value


def _param(check, description: str, examples: Optional[list] = None, enum: Optional[tuple] = None):
    """A string filter: blank is none, `check` validates and normalises; `examples` and `enum` go to the schema."""
    schema = {k: list(v) for k, v in (("examples", examples), ("enum", enum)) if v} or None
    return (BeforeValidator(blank_none), AfterValidator(check),
            Query(description=description, json_schema_extra=schema))


Actor = Annotated[Optional[str], *_param(_identifier, "An actor id: events where it is the source or the target.",
                                          ["vladimir-putin", "USA-DOS"])]
Speaker = Annotated[Optional[str], *_param(_identifier, "An actor id: quotes it spoke.", ["sergey-lavrov"])]
DocId = Annotated[Optional[str], *_param(_identifier, "A document id: its quotes only.", ["04d66e2057518012"])]
RunId = Annotated[Optional[str], *_param(_identifier, "A run id: the documents that run wrote last.")]
EventId = Annotated[Optional[str], *_param(_identifier, "An event id: the event to bring into focus.")]
Country = Annotated[Optional[str], *_param(_country, "An ISO 3166-1 alpha-3 code: events with a source or "
                                           "target actor of that country.", ["RUS"])]
Dyad = Annotated[Optional[str], *_param(_dyad, "Two country (or organisation) codes joined by a hyphen: events "
                                        "between them, in either direction.", ["RUS-USA"])]
Plover = Annotated[Optional[str], *_param(_plover, "A PLOVER event type.", ["CONSULT"], PLOVER_TYPES)]
Cameo = Annotated[Optional[str], *_param(_cameo, "A CAMEO root (two digits) or code: events whose code starts so.",
                                         ["04", "036"])]
Mode = Annotated[Optional[str], *_param(_mode, "A PLOVER mode, e.g. third-party, visit, phone.", ["visit"])]
Aux = Annotated[Optional[str], *_param(_one_of(AUX_CHOICES, "aux"),
                                       "Auxiliary mode: none (reported as happening), factual (none or historical), "
                                       "future, hypothetical, negated or historical.", ["none"], AUX_CHOICES)]
Since = Annotated[Optional[str], *_param(check_period, "From this date (YYYY, YYYY-MM or YYYY-MM-DD); an event whose "
                                         "date overlaps the range is kept.", ["2021-06"])]
Until = Annotated[Optional[str], *_param(check_period, "Up to this date (YYYY, YYYY-MM or YYYY-MM-DD), inclusive.",
                                         ["2021-12-31"])]
Text = Annotated[Optional[str], *_param(_text, f"Free text (at most {MAX_TEXT} characters), matched "
                                        "case-insensitively as a substring.", ["arms control"])]
Status = Annotated[Optional[str], *_param(_one_of(STATUSES, "status"), "A document status.", ["article"], STATUSES)]
Kind = Annotated[Optional[str], *_param(_one_of(KINDS, "kind"), "An actor kind.", ["person"], KINDS)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=10 ** 9, description="Items to skip.")]
Order = Annotated[Literal["asc", "desc"], Query(description="Date order: asc (oldest first) or desc.")]


def _bad(name: str, message: str, value) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": message, "input": value}])


# --- SQL: an event's date as the range it covers ---------------------------------------------------------------
def _date_low(col: str) -> str:
    return (f"(CASE WHEN {col} IS NULL OR {col} LIKE 'X%' THEN NULL WHEN length({col}) = 4 THEN {col} || '-01-01' "
            f"WHEN length({col}) = 7 THEN {col} || '-01' ELSE {col} END)")


def _date_high(col: str) -> str:
    return (f"(CASE WHEN {col} IS NULL OR {col} LIKE 'X%' THEN NULL WHEN length({col}) = 4 THEN {col} || '-12-31' "
            f"WHEN length({col}) = 7 THEN {col} || '-31' ELSE {col} END)")


def period_low(value: str) -> str:
    return value + ("-01-01" if len(value) == 4 else "-01" if len(value) == 7 else "")


def period_high(value: str) -> str:
    return value + ("-12-31" if len(value) == 4 else "-31" if len(value) == 7 else "")


def date_order(col: str, order: str, tiebreak: str) -> str:
    """Dated rows by date (undated and year-unknown last, in either order), then the id: a stable order to page."""
    direction = "DESC" if order == "desc" else "ASC"
    return (f"({col} IS NULL OR {col} LIKE 'X%'), {col} {direction}, {tiebreak} {direction}")


def party(side: str, alias: str = "") -> str:
    """A dyad's party for an event's source or target: its country, else its organisation (NATO, EU), else its id."""
    col = f"{alias}{side}"
    return f"coalesce({col}_country, json_extract_string({col}, '$.org'), {col}_actor_id)"


def json_party(col: str) -> str:
    """The same for an actor object held as JSON text (an incident's source or target)."""
    return (f"coalesce(json_extract_string({col}, '$.country'), json_extract_string({col}, '$.org'), "
            f"json_extract_string({col}, '$.actor_id'))")


@dataclass
class Where:
    clauses: list
    params: list

    def __init__(self):
        self.clauses, self.params = [], []

    def add(self, clause: str, *params) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


@dataclass
class EventFilters:
    actor: Optional[str] = None
    country: Optional[str] = None
    dyad: Optional[str] = None
    plover: Optional[str] = None
    cameo: Optional[str] = None
    mode: Optional[str] = None
    aux: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None
    q: Optional[str] = None

    def query(self) -> dict[str, str]:
        """The filters that are set, as query parameters (for links that keep them)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def where(self, prefix: str = "") -> Where:
        """WHERE over the events table (aliased `prefix`, e.g. "e.")."""
        w = Where()
        p = prefix
        if self.actor:
            w.add(f"({p}source_actor_id = ? OR {p}target_actor_id = ?)", self.actor, self.actor)
        if self.country:
            w.add(f"({p}source_country = ? OR {p}target_country = ?)", self.country, self.country)
        if self.dyad:
            a, b = self.dyad.split("-")
            src, tgt = party("source", p), party("target", p)
            w.add(f"(({src} = ? AND {tgt} = ?) OR ({src} = ? AND {tgt} = ?))", a, b, b, a)
        if self.plover:
            w.add(f"{p}plover = ?", self.plover)
        if self.cameo:
            w.add(f"starts_with({p}cameo, ?)", self.cameo)
        if self.mode:
            w.add(f"lower({p}mode) = ?", self.mode)
        if self.aux == "none":
            w.add(f"{p}aux_mode IS NULL")
        elif self.aux == "factual":
            w.add(f"({p}aux_mode IS NULL OR {p}aux_mode = 'historical')")
        elif self.aux:
            w.add(f"{p}aux_mode = ?", self.aux)
        if self.since:
            w.add(f"{_date_high(p + 'date')} >= ?", period_low(self.since))
        if self.until:
            w.add(f"{_date_low(p + 'date')} <= ?", period_high(self.until))
        if self.q:
            w.add(f"contains(lower({p}sentence), ?)", self.q.lower())
        return w


def check_range(since: Optional[str], until: Optional[str]) -> None:
    if since and until and period_low(since) > period_high(until):
        raise _bad("until", f"until ({until}) is before since ({since})", until)


def event_filters(actor: Actor = None, country: Country = None, dyad: Dyad = None, plover: Plover = None,
                  cameo: Cameo = None, mode: Mode = None, aux: Aux = None, since: Since = None, until: Until = None,
                  q: Text = None) -> EventFilters:
    check_range(since, until)
    return EventFilters(actor, country, dyad, plover, cameo, mode, aux, since, until, q)


@dataclass
class Page:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    order: str = "asc"


def page_params(limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, order: Order = "asc") -> Page:
    return Page(limit, offset, order)


Events = Annotated[EventFilters, Depends(event_filters)]
Paging = Annotated[Page, Depends(page_params)]


def dyad_path(value: str) -> str:
    """A dyad given in a path (/dyad/RUS-USA), or 422 naming it."""
    try:
        return _dyad(blank_none(value) or "")  # type: ignore[return-value]
    except ValueError as err:
        raise RequestValidationError([{"type": "value_error", "loc": ("path", "dyad"), "msg": str(err),
                                       "input": value}]) from None


def date_clause(col: str, since: Optional[str], until: Optional[str], w: Where) -> None:
    """since/until over a date column of the store (an event's, an incident's or a document's published date)."""
    if since:
        w.add(f"{_date_high(col)} >= ?", period_low(since))
    if until:
        w.add(f"{_date_low(col)} <= ?", period_high(until))
