"""`--where KEY=VALUE`: a small filter language over the store's events, never SQL passed through.

Each key is a fixed SQL condition written here; the user's value only ever reaches DuckDB as a bound parameter, so a
value such as `CONSULT' OR 1=1 --` is a plover type that no event has, and matches nothing. Conditions with
different keys must all hold (AND); a key given twice, or a value listing alternatives with commas
(`plover=CONSULT,AGREE`), matches any of them (OR). since and until take one value each.

The conditions read the columns of the export's base query (tables.BASE): the event's own columns plus
`source_party` and `target_party`, each side's country, or its organisation for an IGO (the dyad of resolve/).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional


class WhereError(ValueError):
    """A --where that cannot be read; the message is one line that says why."""


AUX_MODES = ("future", "hypothetical", "negated", "historical")
FACTUAL_SQL = "(aux_mode IS NULL OR aux_mode = 'historical')"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Key:
    help: str
    condition: Callable[[str], tuple[str, list]]  # one value -> (SQL condition, its parameters)
    many: bool = True                             # may be repeated / list alternatives with commas


def _lower_eq(column: str) -> Callable[[str], tuple[str, list]]:
    return lambda v: (f"lower({column}) = lower(?)", [v])


def _side(side: str) -> Callable[[str], tuple[str, list]]:
    def condition(v: str) -> tuple[str, list]:
        return (f"(lower({side}_actor_id) = lower(?) OR upper({side}_party) = upper(?) "
                f"OR upper({side}_country) = upper(?))", [v, v, v])
    return condition


def _dyad(value: str) -> tuple[str, list]:
    """A-B: between A and B, either direction. A>B: from A to B (a symmetric event counts either way). A side is a
    country code or an organisation id; as ids may hold hyphens (ARAB-LEAGUE), every split at a hyphen is tried."""
    directed = ">" in value
    if directed:
        parts = value.split(">")
        if len(parts) != 2:
            raise WhereError(f"dyad={value}: give A-B (either direction) or A>B (from A to B)")
        splits = [(parts[0].strip(), parts[1].strip())]
    else:
        pieces = value.split("-")
        splits = [("-".join(pieces[:i]).strip(), "-".join(pieces[i:]).strip()) for i in range(1, len(pieces))]
    splits = [(a, b) for a, b in splits if a and b]
    if not splits:
        raise WhereError(f"dyad={value}: give A-B (either direction) or A>B (from A to B), e.g. dyad=RUS-USA")
    sql, params = [], []
    for a, b in splits:
        if directed:
            sql.append("((upper(source_party) = upper(?) AND upper(target_party) = upper(?)) OR (coalesce(\"symmetric\", "
                       "FALSE) AND upper(source_party) = upper(?) AND upper(target_party) = upper(?)))")
            params += [a, b, b, a]
        else:
            sql.append("((upper(source_party) = upper(?) AND upper(target_party) = upper(?)) OR "
                       "(upper(source_party) = upper(?) AND upper(target_party) = upper(?)))")
            params += [a, b, b, a]
    return "(" + " OR ".join(sql) + ")", params


def _bounds(value: str, key: str) -> tuple[str, str]:
    """The first and last day a YYYY, YYYY-MM or YYYY-MM-DD value stands for, as comparable text."""
    found = _DATE.match(value)
    if not found:
        raise WhereError(f"{key}={value}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    if month and not 1 <= int(month) <= 12:
        raise WhereError(f"{key}={value}: {year} has no month {month}")
    last = calendar.monthrange(int(year), int(month))[1] if month else 31
    if day and not 1 <= int(day) <= last:
        raise WhereError(f"{key}={value}: {year}-{month} has no day {day}")
    if day:
        return value, value
    if month:
        return f"{value}-01", f"{value}-{last:02d}"
    return f"{value}-01-01", f"{value}-12-31"


def _since(value: str) -> tuple[str, list]:
    return "date_first >= ?", [_bounds(value, "since")[0]]


def _until(value: str) -> tuple[str, list]:
    return "date_last <= ?", [_bounds(value, "until")[1]]


def _root(value: str) -> tuple[str, list]:
    return "substr(cameo, 1, 2) = ?", [value.zfill(2) if value.isdigit() and len(value) == 1 else value]


def _quad(value: str) -> tuple[str, list]:
    if value not in ("1", "2", "3", "4"):
        raise WhereError(f"quad={value}: the quad class is 1 (verbal cooperation), 2 (material cooperation), "
                         f"3 (verbal conflict) or 4 (material conflict)")
    return "quad_class = ?", [int(value)]


def _aux_mode(value: str) -> tuple[str, list]:
    v = value.lower()
    if v == "none":
        return "aux_mode IS NULL", []
    if v == "factual":
        return FACTUAL_SQL, []
    if v == "any":
        return "TRUE", []
    if v not in AUX_MODES:
        raise WhereError(f"aux_mode={value}: give none, factual (none or historical), any, or one of "
                         f"{', '.join(AUX_MODES)}")
    return "aux_mode = ?", [v]


KEYS: dict[str, Key] = {
    "dyad": Key("A-B: events between A and B in either direction; A>B: from A to B. A and B are country codes "
                "(RUS, USA) or organisation ids (NATO, EU)", _dyad),
    "actor": Key("an actor id on either side (sergey-lavrov, RUS-MFA, NATO)",
                 lambda v: ("(lower(source_actor_id) = lower(?) OR lower(target_actor_id) = lower(?))", [v, v])),
    "source": Key("the source side: an actor id, a country code or an organisation id", _side("source")),
    "target": Key("the target side: an actor id, a country code or an organisation id", _side("target")),
    "country": Key("a country code (ISO 3166-1 alpha-3) on either side",
                   lambda v: ("(upper(source_country) = upper(?) OR upper(target_country) = upper(?))", [v, v])),
    "plover": Key("a PLOVER event type (CONSULT, AGREE, ACCUSE, ...)", _lower_eq("plover")),
    "cameo": Key("a CAMEO code or its start (036, 03)", lambda v: ("starts_with(cameo, ?)", [v])),
    "root": Key("a CAMEO root code, 01 to 20", _root),
    "quad": Key("a quad class, 1 to 4", _quad),
    "since": Key("events whose date lies wholly on or after YYYY[-MM[-DD]] (undated events never match)", _since,
                 many=False),
    "until": Key("events whose date lies wholly on or before YYYY[-MM[-DD]] (undated events never match)", _until,
                 many=False),
    "aux_mode": Key("none, factual (none or historical), any, future, hypothetical, negated or historical",
                    _aux_mode),
    "doc": Key("a document id", lambda v: ("doc_id = ?", [v])),
    "incident": Key("an incident id", lambda v: ("incident_id = ?", [v])),
}


def parse(wheres: Optional[Iterable[str]]) -> tuple[str, list, set[str]]:
    """`--where` strings -> (an SQL condition over the base query's columns, its parameters, the keys used)."""
    by_key: dict[str, list[str]] = {}
    for text in wheres or ():
        key, sep, value = text.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key:
            raise WhereError(f"--where {text!r}: give KEY=VALUE, e.g. --where plover=CONSULT "
                             f"(keys: {', '.join(KEYS)})")
        if key not in KEYS:
            raise WhereError(f"--where: unknown key {key!r}; the keys are {', '.join(KEYS)}")
        if not value:
            raise WhereError(f"--where {key}=: give a value ({KEYS[key].help})")
        values = [v.strip() for v in value.split(",")] if KEYS[key].many else [value]
        if any(not v for v in values):
            raise WhereError(f"--where {text!r}: an empty value between commas")
        by_key.setdefault(key, []).extend(values)
    for key, values in by_key.items():
        if not KEYS[key].many and len(values) > 1:
            raise WhereError(f"--where {key}= is given {len(values)} times: give it once")
    if "since" in by_key and "until" in by_key and \
            _bounds(by_key["since"][0], "since")[0] > _bounds(by_key["until"][0], "until")[1]:
        raise WhereError(f"--where since={by_key['since'][0]} is after until={by_key['until'][0]}")
    sql, params = [], []
    for key, values in by_key.items():
        alternatives = [KEYS[key].condition(v) for v in values]
        sql.append("(" + " OR ".join(s for s, _ in alternatives) + ")")
        params += [p for _, ps in alternatives for p in ps]
    return (" AND ".join(sql) or "TRUE"), params, set(by_key)


def describe() -> str:
    """The keys, one per line, for --help and the docs."""
    return "\n".join(f"  {key}: {k.help}" for key, k in KEYS.items())
