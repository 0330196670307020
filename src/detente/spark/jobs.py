"""What the executors run: plain functions over partitions and groups, so that Spark only moves their results.

Every document carries its input index `(file number, record number)`: the order in which the local engine reads
the same inputs. Identities in the corpus stages are these indices, so that ties break as they do there.
"""
from __future__ import annotations

from collections import Counter
from itertools import combinations, islice
from typing import Iterable, Iterator, Optional, Union

from detente.types import ARTICLE, DUPLICATE, EMPTY, NOT_TEXT, Document, Record

Index = tuple[int, int]

# Tags of the annotate stage's output records.
DOC, MENTION, QUOTE, EVENT, STATS = "doc", "mention", "quote", "event", "stats"
INCIDENT, ORIGINAL = "incident", "original"


# --- read + clean ------------------------------------------------------------------------------------------------
def read_clean(units: Iterable[tuple[int, Union[str, Record]]]) -> Iterator[tuple[Index, tuple[Document, object]]]:
    """(index, (document, dedupe probe)) for every record of every unit: a path to read here, or a record the driver
    read already (standard input, a folder it could not list). The probe is computed here, once per document."""
    from detente.dedupe import Deduper
    from detente.pipeline import clean
    from detente.read import iter_records

    deduper = Deduper()
    for file_no, unit in units:
        records = [unit] if isinstance(unit, Record) else iter_records([unit])
        for rec_no, record in enumerate(records):
            doc = clean(record)
            probe = deduper.probe(doc)  # also sets doc.content_hash, as the local check does
            yield (file_no, rec_no), (doc, probe)
        deduper.forget()  # the probe cache would otherwise grow with the partition


# --- dedupe: blocking keys, edges, connected groups --------------------------------------------------------------
def blocking_keys(item: tuple[Index, tuple[Document, object]]) -> Iterator[tuple[tuple, tuple]]:
    """(key, member) pairs. Documents that share an id, a content hash or a URL key are tied whatever their text
    (exact keys); a shared LSH band ties them only if their signatures agree, so a band's members carry theirs
    (uint32, half a kilobyte)."""
    index, (doc, probe) = item
    if doc is not None:  # else an original stored by an earlier run (an Original: the fields of a probe)
        yield ("id", doc.doc_id), (index, None, None)  # a record given twice in one run is read once
    if probe is None:
        return
    yield ("hash", probe.content_hash), (index, None, None)
    if probe.url_key:
        yield ("url", probe.url_key), (index, None, None)
    if probe.signature is not None:
        for band in probe.bands:
            yield ("band", band), (index, probe.content_hash, probe.signature)


def edges_of(key_members: tuple[tuple, Iterable[tuple]], threshold: float) -> Iterator[tuple[Index, Index]]:
    """The edges between the documents of one blocking key. An exact key: a star from the first, enough to connect
    them. A band: every pair whose MinHash estimate reaches the threshold; a weaker pair can never decide a status
    (the local check takes its best band hit only when that reaches it). Copies with the same content hash have the
    same signature and are tied by their hash already, so one of each stands for all."""
    key, members = key_members
    members = sorted(members, key=lambda m: m[0])
    if len(members) < 2:
        return
    if key[0] != "band":
        for index, _, _ in members[1:]:
            yield members[0][0], index
        return
    one_each: dict[str, tuple] = {}
    for index, content_hash, signature in members:
        one_each.setdefault(content_hash, (index, signature))
    for (a, sa), (b, sb) in combinations(sorted(one_each.values(), key=lambda m: m[0]), 2):
        if agreement(sa, sb) >= threshold:
            yield a, b


def agreement(a, b) -> float:
    """The MinHash estimate of two signatures, as Deduper computes it."""
    return float((a == b).sum()) / len(a)


def union_find(edges: Iterable[tuple[Index, Index]]) -> Iterator[tuple[Index, Index]]:
    """(index, the smallest index of its connected group) for every index of `edges`, in one pass."""
    parent: dict[Index, Index] = {}

    def root(x: Index) -> Index:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the smaller index stays the root
    for x in parent:
        yield x, root(x)


def relabel(own_theirs: tuple[Iterable[Index], Iterable[Index]]) -> tuple[Index, Index]:
    """(the label a document had, the smallest of it and its neighbours' labels)."""
    own = min(own_theirs[0])
    return own, min([own, *own_theirs[1]])


def resolve_group(members: Iterable[tuple[Index, tuple]]) -> Iterator[tuple[Index, tuple]]:
    """The local engine's dedupe over one connected group of (index, (document, probe)): a record given twice is
    kept once (the first read), then the group is checked in the local order (undated last, then by date, then as
    read), after the originals of earlier runs in it (document None). A group holds every document that could
    decide the status of any of its members (an earlier copy of the same text, the first original at the same
    address, a near copy above the threshold), so the result is the one the local engine gets over the whole input."""
    from detente.dedupe import Deduper

    members = sorted(members, key=lambda m: m[0])
    stored = [pair[1] for _, pair in members if pair[0] is None]
    members = [m for m in members if m[1][0] is not None]
    if len(members) == 1 and not stored:  # nothing to compare with: an original, or a document that takes no part
        yield members[0]
        return
    seen: dict[str, tuple[Index, tuple]] = {}
    for index, pair in members:
        seen.setdefault(pair[0].doc_id, (index, pair))
    deduper = Deduper()
    deduper.remember(stored)
    for index, (doc, probe) in sorted(seen.values(), key=lambda m: (m[1][0].published is None,
                                                                    m[1][0].published or "", m[0])):
        yield index, (deduper.check(doc), probe)


def lookup_keys(item: tuple[Index, tuple[Document, object]]) -> Iterator[tuple[str, object]]:
    """What the store is asked for the originals a document could be a copy of (Deduper.lookups), and its origin
    (the earlier version of a changed record is no original to it)."""
    doc, probe = item[1]
    if doc.origin:
        yield "origin", doc.origin
    if probe is None:
        return
    yield "hash", probe.content_hash
    if probe.url_key:
        yield "url", probe.url_key
    for band in probe.bands:
        yield "band", band


def original(item: tuple[Index, tuple[Document, object]]) -> Optional[object]:
    """The dedupe index entry of a document that stayed an original (what a later run is checked against)."""
    from detente.dedupe import Original

    doc, probe = item[1]
    if probe is None or doc.status == DUPLICATE:
        return None
    return Original(doc.doc_id, probe.content_hash, probe.url_key, probe.signature, probe.bands)


# --- annotate + code -----------------------------------------------------------------------------------------------
def annotate_partition(docs: Iterable[tuple[Index, Document]], chunk: int) -> Iterator[tuple]:
    """(tag, key, value) records for a partition of articles, coded in chunks of `chunk` documents as the local
    engine codes them (the models come loaded from the daemon, daemon.py, or load on the first chunk). Keys order
    the rows as the local engine does: by the document's input index, then as the coder gave them."""
    from detente.pipeline import _annotate_and_code_chunk

    docs = iter(docs)
    while batch := list(islice(docs, chunk)):
        mentions, quotes, events, stats = _annotate_and_code_chunk([d for _, d in batch])
        notes = stats.pop("budget_notes", None) or {}
        where = {d.doc_id: (index, d.outlet) for index, d in batch}
        for index, d in batch:
            if d.doc_id in notes:  # as pipeline._run: the budget that stopped some of its coding
                d.error = "; ".join(n for n in dict.fromkeys((d.error, notes[d.doc_id])) if n)
            yield DOC, index, d
        for n, m in enumerate(mentions):
            yield MENTION, (where[m.doc_id][0], n), m
        for n, q in enumerate(quotes):
            yield QUOTE, (where[q.doc_id][0], n), q
        for n, e in enumerate(events):
            yield EVENT, (where[e.doc_id][0], n), (e, where[e.doc_id][1])
        yield STATS, None, stats


# --- incidents -----------------------------------------------------------------------------------------------------
def block_of(record: tuple) -> tuple[Optional[tuple], tuple]:
    """An EVENT record keyed by its incident block."""
    from detente.resolve import block_key

    _, key, (event, outlet) = record
    return block_key(event), (key, event, outlet)


def merge_block(block_members: tuple[tuple, Iterable[tuple]]) -> Iterator[tuple]:
    """The incidents of one block, and its events with their incident ids: merge_incidents over one block gives the
    clusters and ids it gives over all events (ids derive from the block and its first event)."""
    from detente.resolve import merge_incidents

    _, members = block_members
    members = list(members)
    outlets = {e.doc_id: outlet for _, e, outlet in members}
    for incident in merge_incidents([e for _, e, _ in members], outlets):
        yield INCIDENT, incident.incident_id, incident
    for key, e, _ in members:
        yield EVENT, key, e


def no_incident(block_member: tuple) -> tuple:
    """An event that is no incident (future, hypothetical, negated)."""
    key, e, _ = block_member[1]
    e.incident_id = None
    return EVENT, key, e


# --- small pieces of the driver's jobs ----------------------------------------------------------------------------
def is_article(item: tuple[Index, tuple[Document, object]]) -> bool:
    return item[1][0].status == ARTICLE


def without_probe(item: tuple[Index, tuple[Document, object]]) -> tuple[Index, Document]:
    return item[0], item[1][0]


class DocTally:
    """Documents per status, and the records that could not be read (as pipeline.export_run counts them; the first
    `keep` by input index)."""

    def __init__(self, keep: int):
        self.keep = keep
        self.statuses: Counter = Counter()
        self.unread: list[tuple[Index, Document]] = []
        self.unread_count = 0

    def add(self, item: tuple[Index, tuple[Document, object]]) -> "DocTally":
        index, (doc, _) = item
        self.statuses[doc.status] += 1
        if doc.status in (EMPTY, NOT_TEXT) and doc.error:
            self.unread_count += 1
            self.unread = sorted(self.unread + [(index, doc)], key=lambda u: u[0])[:self.keep]
        return self

    def merge(self, other: "DocTally") -> "DocTally":
        self.statuses.update(other.statuses)
        self.unread = sorted(self.unread + other.unread, key=lambda u: u[0])[:self.keep]
        self.unread_count += other.unread_count
        return self


class CodeTally:
    """Records per tag of the annotate stage, and the coder's statistics summed."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.stats: Counter = Counter()

    def add(self, record: tuple) -> "CodeTally":
        self.counts[record[0]] += 1
        if record[0] == STATS:
            self.stats.update(record[2])
        return self

    def merge(self, other: "CodeTally") -> "CodeTally":
        self.counts.update(other.counts)
        self.stats.update(other.stats)
        return self


def tagged(tag: str, record: tuple) -> bool:
    return record[0] == tag


def value(record: tuple):
    return record[2]


def keyed_value(record: tuple) -> tuple:
    return record[1], record[2]


def to_row(item) -> dict:
    return item.to_row()
