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

An incident's id is stable. A new incident's id derives from its blocking key and its first event (the earliest
by date, then event_id). When the incidents are computed again (the store does so over all its events after each
run) an incident keeps the id its events already had (`previous`), so a mention that joins later, even an earlier
one, never changes it. When incidents merge, the one with the most mentions keeps its id; when one splits, the
larger part keeps it and the other gets a new one.
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
from collections import Counter, defaultdict
from typing import Iterable, Mapping, Optional

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


def block_key(event: Event) -> Optional[tuple]:
    """The block an event is merged within: (type, dyad, year); None for an event that cannot be an incident."""
    if event.aux_mode not in FACTUAL:
        return None
    year = event.date[:4] if event.date and not event.date.startswith("X") else f"nodate:{event.doc_id}"
    return (type_key(event), dyad_key(event), year)


# event_id -> (the incident_id it had, the block it was in then): ids are kept only within the same block, so an
# event id that a re-coded document gave to another kind of event does not carry an incident's id across.
Previous = Mapping[str, tuple[Optional[str], Optional[tuple]]]


def previous_of(events: Iterable[Event]) -> dict[str, tuple[Optional[str], Optional[tuple]]]:
    """What `merge_incidents(..., previous=)` needs, from events as they were last merged."""
    return {e.event_id: (e.incident_id, block_key(e)) for e in events if e.incident_id}


def merge_incidents(events: Iterable[Event], outlets: dict[str, Optional[str]],
                    previous: Optional[Previous] = None, taken: Iterable[str] = ()) -> list[Incident]:
    """Group factual events into incidents and set each event's incident_id. `outlets` maps doc_id -> outlet;
    `previous` (see previous_of) keeps the ids of incidents found before; no new incident gets an id in `taken`."""
    previous = previous or {}
    blocks: dict[tuple, list[Event]] = defaultdict(list)
    for e in events:
        e.incident_id = None
        key = block_key(e)
        if key is not None:
            blocks[key].append(e)
    # every id ever given out stays taken, so that a new incident never reuses the id of an old, different one
    taken = {incident_id for incident_id, _ in previous.values() if incident_id} | set(taken)
    incidents = []
    for key in sorted(blocks):
        clusters = _greedy(blocks[key])
        for c, incident_id in zip(clusters, _ids(key, clusters, previous, taken)):
            incidents.append(_incident(c, outlets, incident_id))
    return incidents


def _greedy(events: list[Event]) -> list[_Cluster]:
    """Each event, most precise dates first (so coarse mentions join the cluster they are compatible with), joins the
    first cluster in order of creation that accepts it, or starts one. Only clusters whose date is a prefix of the
    event's, or starts with it, can accept it: they are looked up by date, so a large block costs no scan of all its
    clusters per event."""
    clusters: list[_Cluster] = []
    by_date: dict[Optional[str], list[int]] = defaultdict(list)    # cluster date -> clusters, in order of creation
    by_prefix: dict[str, list[int]] = defaultdict(list)            # every prefix of a cluster's date -> clusters
    for e in sorted(events, key=lambda e: (-len(e.date or ""), e.event_id)):
        if e.date is None:
            candidates = by_date[None]
        else:
            lists = [by_prefix[e.date]] + [by_date[e.date[:k]] for k in range(len(e.date)) if e.date[:k] in by_date]
            candidates = lists[0] if len(lists) == 1 else heapq.merge(*lists)
        home = next((clusters[n] for n in candidates if clusters[n].accepts(e)), None)
        if home:
            date = home.date
            home.add(e)
            if home.date == date:
                continue
            n = clusters.index(home)  # (the order above keeps a cluster's date: this is a safeguard)
        else:
            n = len(clusters)
            clusters.append(_Cluster(e))
        _register(n, clusters[n].date, by_date, by_prefix)
    return clusters


def _register(n: int, date: Optional[str], by_date: dict, by_prefix: dict) -> None:
    """List cluster n under its date and every prefix of it, each list in order of creation."""
    prefixes = [] if date is None else [(by_prefix, date[:k]) for k in range(len(date) + 1)]
    for index, key in [(by_date, date)] + prefixes:
        listed = index[key]
        if not listed or listed[-1] < n:
            listed.append(n)
        elif n not in listed:
            bisect.insort(listed, n)


def _ids(key: tuple, clusters: list[_Cluster], previous: Previous, taken: set[str]) -> list[str]:
    """One id per cluster of a block: the id most of its events had before (each id to one cluster, the cluster with
    most of its events first), else a new one from the blocking key and the first event."""
    claims = []
    for n, c in enumerate(clusters):
        had = Counter(previous[e.event_id][0] for e in c.events
                      if e.event_id in previous and previous[e.event_id][1] == key and previous[e.event_id][0])
        claims += [(-count, incident_id, n) for incident_id, count in had.items()]
    ids: dict[int, str] = {}
    kept: set[str] = set()
    for _, incident_id, n in sorted(claims):
        if n not in ids and incident_id not in kept:
            ids[n] = incident_id
            kept.add(incident_id)
    for n, c in enumerate(clusters):
        if n not in ids:
            # the earliest event, a coarse date ("2021-06") after the precise ones it spans, then the first id
            first = min(c.events, key=lambda e: ((e.date or "").ljust(10, "~"), e.event_id))
            ids[n] = new_incident_id(key, first.event_id, taken)
        taken.add(ids[n])
    return [ids[n] for n in range(len(clusters))]


def new_incident_id(key: tuple, first_event_id: str, taken: set[str]) -> str:
    seed = "|".join(map(str, key)) + "|" + first_event_id
    for attempt in range(1000):
        incident_id = "inc-" + hashlib.sha1(f"{seed}|{attempt}".encode() if attempt else seed.encode()).hexdigest()[:12]
        if incident_id not in taken:
            return incident_id
    raise RuntimeError(f"no free incident id for {seed}")


def _incident(cluster: _Cluster, outlets: dict[str, Optional[str]], incident_id: str) -> Incident:
    evs = sorted(cluster.events, key=lambda e: e.event_id)
    ids = [e.event_id for e in evs]
    for e in evs:
        e.incident_id = incident_id
    # the most confident mention speaks for the incident
    lead = max(evs, key=lambda e: (e.confidence, e.event_id))
    docs = {e.doc_id for e in evs}
    return Incident(incident_id=incident_id, date=cluster.date, source=lead.source, target=lead.target,
                    cameo=lead.cameo, plover=lead.plover, num_mentions=len(evs),
                    num_sources=len({outlets.get(d) or d for d in docs}), num_articles=len(docs), event_ids=ids)
