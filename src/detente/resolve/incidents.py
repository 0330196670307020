"""Merge event mentions from many documents into incidents: one row per real-world event.

Two mentions are one incident when they have
- the same dyad (the actors' countries, or the organisation for an IGO; either direction for symmetric
  types such as meetings and agreements),
- the same type (PLOVER type, or the CAMEO root for statements and appeals),
- compatible dates (equal, or one a coarser form of the other: 2021-06 and 2021-06-16), and
- the same place when both name one.
Only events that happened are merged: future, hypothetical and negated mentions keep incident_id null.
Events without a date merge only within their own document, since nothing else ties them in time.

Candidates are blocked by (type, dyad, year), so the cost grows with the size of the largest block,
not with the square of the corpus.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Iterable, Optional

from detente.types import Actor, Event, Incident

FACTUAL = (None, "historical")


def party(actor: Optional[Actor]) -> str:
    if actor is None:
        return "-"
    if actor.kind == "org" and actor.org:
        return actor.org
    return actor.country or actor.org or actor.actor_id


def dyad_key(event: Event) -> tuple[str, str]:
    a, b = party(event.source), party(event.target)
    return tuple(sorted((a, b))) if event.symmetric else (a, b)


def type_key(event: Event) -> str:
    return event.plover or f"CAMEO{event.cameo[:2]}"


def dates_compatible(a: Optional[str], b: Optional[str]) -> bool:
    if a is None or b is None:
        return False
    return a.startswith(b) or b.startswith(a)


def places_compatible(a: Optional[dict], b: Optional[dict]) -> bool:
    if not a or not b:
        return True
    return (a.get("name") or "").lower() == (b.get("name") or "").lower()


class _Cluster:
    def __init__(self, event: Event):
        self.events = [event]
        self.date = event.date
        self.location = event.location

    def accepts(self, event: Event) -> bool:
        if self.date is None or event.date is None:
            return self.date is None and event.date is None and self.events[0].doc_id == event.doc_id
        return dates_compatible(self.date, event.date) and places_compatible(self.location, event.location)

    def add(self, event: Event) -> None:
        self.events.append(event)
        if event.date and (self.date is None or len(event.date) > len(self.date)):
            self.date = event.date  # keep the most precise date the mentions agree on
        self.location = self.location or event.location


def merge_incidents(events: Iterable[Event], outlets: dict[str, Optional[str]]) -> list[Incident]:
    """Group factual events into incidents and set each event's incident_id. `outlets` maps doc_id -> outlet."""
    blocks: dict[tuple, list[Event]] = defaultdict(list)
    for e in events:
        e.incident_id = None
        if e.aux_mode in FACTUAL:
            year = e.date[:4] if e.date and not e.date.startswith("X") else f"nodate:{e.doc_id}"
            blocks[(type_key(e), dyad_key(e), year)].append(e)
    incidents = []
    for key in sorted(blocks):
        clusters: list[_Cluster] = []
        # most precise dates first, so coarse mentions join the cluster they are compatible with
        for e in sorted(blocks[key], key=lambda e: (-len(e.date or ""), e.event_id)):
            home = next((c for c in clusters if c.accepts(e)), None)
            if home:
                home.add(e)
            else:
                clusters.append(_Cluster(e))
        for c in clusters:
            incidents.append(_incident(c, outlets))
    return incidents


def _incident(cluster: _Cluster, outlets: dict[str, Optional[str]]) -> Incident:
    evs = sorted(cluster.events, key=lambda e: e.event_id)
    ids = [e.event_id for e in evs]
    incident_id = "inc-" + hashlib.sha1("|".join(ids).encode()).hexdigest()[:12]
    for e in evs:
        e.incident_id = incident_id
    # the most confident mention speaks for the incident
    lead = max(evs, key=lambda e: (e.confidence, e.event_id))
    docs = {e.doc_id for e in evs}
    return Incident(incident_id=incident_id, date=cluster.date, source=lead.source, target=lead.target,
                    cameo=lead.cameo, plover=lead.plover, num_mentions=len(evs),
                    num_sources=len({outlets.get(d) or d for d in docs}), num_articles=len(docs), event_ids=ids)
