"""The DuckDB store: an embedded file, no server, and the one truth of a run.

A batch's rows are written in one transaction: either all of it lands or none does. The incidents its events touch
are noted in it and recomputed once per run, in its last batch (write_run). Rows are keyed by ids derived from
content (doc_id hashes the canonical source and the raw record; event and quote ids derive from it), so re-running
the same inputs replaces rows instead of adding copies, and running on new inputs adds to the store. Incident ids
stay as they were when new mentions join (resolve/).

Rows are the types' own serialisation (`to_row()` in types.py, the same dict a JSONL line holds), flattened for SQL:
a span becomes span_start and span_end, an object or list becomes JSON text, and a few plain columns are added for
queries (the actors' ids and countries). Reading back reverses that and calls `from_row()`, so the JSONL files the
pipeline exports from the store are the store's rows. Rows are inserted by column name, never by position, so a
column a migration appended at the end of an older table gets its own value.

The schema (schema.sql) is brought up to date by named migrations (MIGRATIONS), each applied once and recorded in
`schema_migrations`, so a store made by an earlier version keeps working. A store that lists a migration this
version does not know was made by a newer version: it is refused (StoreTooNew), never half-understood.

One writer at a time: `StoreLock` holds an exclusive lock on a hidden file beside the store (`.<store>.lock`, which
names the holder's pid; hidden, so that a folder read as input never takes it for a record) for as long as a run works on it, so a second writer is refused at once (StoreLocked), before it
does any work. DuckDB's own lock on the file guards it from other programs while it is open.
"""
from __future__ import annotations

import json
import os
import re
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import duckdb
import numpy as np

from detente.dedupe import Deduper, Original
from detente.resolve import block_key, merge_incidents, previous_of
from detente.settings import STORE_MEMORY_MB, STORE_WAIT_SECONDS
from detente.types import Actor, Document, Event, Incident, Mention, Quote

try:
    import fcntl
except ImportError:  # not POSIX: DuckDB's own lock on the file is the only guard
    fcntl = None


class StoreError(Exception):
    """The store cannot be used; the message is one line that says why and what to do."""


class StoreLocked(StoreError):
    """Another process is writing to the store."""


class StoreTooNew(StoreError):
    """The store was made by a newer version of detente."""


def _json(value: Any) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


# --- migrations -------------------------------------------------------------------------------------------------
def _schema_sql() -> str:
    return resources.files("detente.store").joinpath("schema.sql").read_text(encoding="utf-8")


def _add_missing_columns(con) -> None:
    """Every column the current schema declares that a table of an older store lacks (a store made before
    schema_migrations existed may miss any of them), appended at the end of its table."""
    target = duckdb.connect()
    try:
        for name, step in MIGRATIONS:
            if name == "0003_missing_columns":
                break
            step(target) if callable(step) else target.execute(step)
        tables = [t for (t,) in target.execute("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_type = 'BASE TABLE'").fetchall()]
        for table in tables:
            have = {row[0] for row in con.execute(f'DESCRIBE "{table}"').fetchall()}
            for column, kind, *_ in target.execute(f'DESCRIBE "{table}"').fetchall():
                if column not in have:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')
    finally:
        target.close()


# The schema's history, oldest first: (name, SQL or a function of the connection). Each runs once per store, in
# order, and is recorded in schema_migrations. 0001_base is schema.sql, whose CREATE ... IF NOT EXISTS leaves the
# tables of an older store as they are; every later change to a table in schema.sql also needs a migration here that
# brings such a store to it. Never rename or drop one: a store that lists a name this tuple lacks is refused.
def _incremental(con) -> None:
    """What incremental runs need: each document's origin, each event's incident block (filled in for the stored
    events) and the dedupe index (filled in from the stored originals)."""
    con.execute("ALTER TABLE documents ADD COLUMN IF NOT EXISTS origin VARCHAR")
    con.execute("ALTER TABLE events ADD COLUMN IF NOT EXISTS block_key VARCHAR")
    con.execute(_schema_sql())  # CREATE ... IF NOT EXISTS: only the dedupe tables are new
    _set_block_keys(con, [Event.from_row(r) for r in _select(
        con, "events", "SELECT * EXCLUDE (block_key, source_actor_id, source_country, target_actor_id, target_country) "
                       "FROM events WHERE block_key IS NULL")])
    docs = [Document.from_row(r) for r in _select(
        con, "documents", "SELECT * EXCLUDE (run_id, origin) FROM documents WHERE status = 'article' "
                          "AND doc_id NOT IN (SELECT doc_id FROM dedupe_index) ORDER BY doc_id")]
    deduper = Deduper()
    _add_originals(con, [o for o in map(deduper.original, docs) if o is not None])


def _add_originals(con, originals: Iterable[Original]) -> None:
    originals = list(originals)
    _insert(con, "dedupe_index", [{"doc_id": o.doc_id, "content_hash": o.content_hash, "url_key": o.url_key,
                                   "signature": None if o.signature is None else [int(v) for v in o.signature],
                                   "bands": list(o.bands)} for o in originals])
    _insert(con, "dedupe_bands", [{"band": band, "doc_id": o.doc_id} for o in originals for band in o.bands])


def _select(con, table: str, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [c[0] for c in cursor.description]
    return [stored_row(table, dict(zip(columns, values))) for values in cursor.fetchall()]


def _set_block_keys(con, events: list[Event]) -> None:
    if not events:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE blocks (event_id VARCHAR, block_key VARCHAR)")
    _insert(con, "blocks", [{"event_id": e.event_id, "block_key": block_column(e)} for e in events])
    con.execute("UPDATE events SET block_key = b.block_key FROM blocks b WHERE b.event_id = events.event_id")
    con.execute("DROP TABLE blocks")


MIGRATIONS: tuple[tuple[str, Union[str, Callable]], ...] = (
    ("0001_base", _schema_sql()),
    ("0002_event_context", "ALTER TABLE events ADD COLUMN IF NOT EXISTS context VARCHAR"),
    ("0003_missing_columns", _add_missing_columns),
    ("0004_incremental", _incremental),
    ("0005_incident_pending", "CREATE TABLE IF NOT EXISTS incident_pending (block_key VARCHAR, month VARCHAR)"),
)


def migrate(con, where: str = "the store") -> list[str]:
    """Apply the migrations this store has not had, each in its own transaction with its record; the names applied.
    Raises StoreTooNew for a store that has had a migration this version does not know."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    done = {name for (name,) in con.execute("SELECT name FROM schema_migrations").fetchall()}
    unknown = sorted(done - {name for name, _ in MIGRATIONS})
    if unknown:
        raise StoreTooNew(f"{where} was made by a newer version of detente (it has migration "
                          f"{', '.join(unknown)}, which this version does not know): upgrade detente, or use another "
                          f"store (--db)")
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            step(con) if callable(step) else con.execute(step)
            con.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, current_timestamp)", [name])
            con.execute("COMMIT")
        except BaseException as err:
            con.execute("ROLLBACK")
            if isinstance(err, duckdb.Error):
                raise StoreError(f"cannot bring {where} up to date: migration {name} failed: {_one_line(err)}") from err
            raise
        applied.append(name)
    return applied


# --- rows: the types' to_row(), flattened for SQL -----------------------------------------------------------------
# Columns that hold JSON text (objects and lists of the rows), per table.
JSON_COLUMNS = {
    "documents": ("removed",),
    "entities": (),
    "events": ("source", "target", "location", "context"),
    "quotes": ("speaker",),
    "incidents": ("source", "target", "event_ids"),
}
# Key columns: a write keeps one row per key (the last one given).
KEYS = {"documents": ("doc_id",), "entities": ("doc_id", "span_start", "span_end", "actor_id"),
        "events": ("event_id",), "quotes": ("quote_id",), "incidents": ("incident_id",)}


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "span":
            out["span_start"], out["span_end"] = (value[0], value[1]) if value else (None, None)
        elif isinstance(value, (dict, list, tuple)):
            out[key] = _json(list(value) if isinstance(value, tuple) else value)
        else:
            out[key] = value
    return out


def stored_row(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """A row as the store holds it (span split in two, objects as JSON text) back in the output contract's shape:
    the one way every reader of the store (brief, serve, export) turns its rows into the contract's."""
    row = dict(record)
    if "span_start" in row:
        row["span"] = [row.pop("span_start"), row.pop("span_end")]
    for key in JSON_COLUMNS[table]:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def document_record(d: Document, run_id: Optional[str] = None) -> dict[str, Any]:
    return {**_flat(d.to_row()), "content_hash": d.content_hash, "run_id": run_id, "origin": d.origin}


def incident_scope(e: Event) -> Optional[tuple[str, Optional[str]]]:
    """What recomputing an event's incident needs: its block, and its month when the date gives one. Within a block
    an event dated to a day or a month can only share an incident with events of the same month (dates must agree
    to their common precision), so a month is recomputed alone unless the block holds an event dated by its year
    alone (None: the whole block)."""
    block = block_column(e)
    if block is None:
        return None
    month = e.date[:7] if e.date and len(e.date) >= 7 and e.date[:4].isdigit() else None
    return block, month


def block_column(e: Event) -> Optional[str]:
    """The event's incident block as the store keeps it (JSON text), None for an event that is no incident."""
    key = block_key(e)
    return None if key is None else json.dumps(key)


def mention_record(m: Mention) -> dict[str, Any]:
    return _flat(m.to_row())


def quote_record(q: Quote) -> dict[str, Any]:
    return {**_flat(q.to_row()), "speaker_actor_id": q.speaker.actor_id if q.speaker else None}


def event_record(e: Event) -> dict[str, Any]:
    s, t = e.source, e.target
    return {**_flat(e.to_row()), "source_actor_id": s.actor_id if s else None, "source_country": s.country if s else None,
            "target_actor_id": t.actor_id if t else None, "target_country": t.country if t else None,
            "block_key": block_column(e)}


def incident_record(i: Incident) -> dict[str, Any]:
    return _flat(i.to_row())


# Columns a table has beyond its type's row, for queries; they are not read back.
DERIVED_COLUMNS = {"documents": ("run_id",), "quotes": ("speaker_actor_id",),
                   "events": ("source_actor_id", "source_country", "target_actor_id", "target_country", "block_key")}
TYPES = {"documents": Document, "entities": Mention, "events": Event, "quotes": Quote, "incidents": Incident}


# The order of a run's rows in its files: its documents' order, then within a document as the rows were found.
_RUN_ORDER = {"documents": "o.n", "entities": "o.n, t.span_start, t.span_end, t.actor_id",
              "quotes": "o.n, t.span_start, t.quote_id",
              "events": "o.n, TRY_CAST(regexp_extract(t.event_id, '-e([0-9]+)$', 1) AS BIGINT), t.event_id"}


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


INSERT_BATCH = 20_000  # rows per statement
EXPORT_CHUNK_DOCUMENTS = 5_000  # a run's rows are read back (exported) this many documents at a time
RESOLVE_CHUNK_EVENTS = 20_000  # stored events recomputed per transaction when deferred incidents are resolved


def _insert(con, table: str, records: list[dict[str, Any]]) -> None:
    """Insert `records` (dicts by column name) in one statement: the rows go to DuckDB as one JSON parameter, which
    it reads in one scan (executemany pays a round trip per row, about a millisecond each), with no temporary file."""
    if not records:
        return
    kinds = {name: kind for name, kind, *_ in con.execute(f'DESCRIBE "{table}"').fetchall()}
    columns = list(dict.fromkeys(name for r in records for name in r))
    missing = [name for name in columns if name not in kinds]
    if missing:
        raise StoreError(f"the store's table {table} has no column {', '.join(missing)}: a field was added to its "
                         f"type without a migration in store/database.py (MIGRATIONS)")
    shape = json.dumps([{name: kinds[name] for name in columns}])
    selected = ", ".join(f'r."{name}"' for name in columns)
    sql = (f'INSERT INTO "{table}" ({_quoted(columns)}) SELECT {selected} '
           f"FROM (SELECT unnest(from_json(?::JSON, ?)) AS r)")
    for start in range(0, len(records), INSERT_BATCH):  # batches keep the JSON text of a large run small
        con.execute(sql, [json.dumps(records[start:start + INSERT_BATCH], ensure_ascii=False), shape])


def _one_per_key(table: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same key twice in one write (a span found by two taggers, a record given twice) keeps the last one."""
    return list({tuple(r[k] for k in KEYS[table]): r for r in records}.values())


# --- the lock ---------------------------------------------------------------------------------------------------
class StoreLock:
    """An exclusive lock on `.<store>.lock`, which holds the holder's pid. `acquire()` never waits: it raises
    StoreLocked naming the holder. The lock dies with its process (flock), so a killed run leaves no stale lock."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self.path = self.db_path.with_name(f".{self.db_path.name}.lock")
        self.fd: Optional[int] = None

    def acquire(self) -> "StoreLock":
        if self.fd is not None or fcntl is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise StoreLocked(f"the store {self.db_path} is in use by {self._holder()}: wait for it to finish, "
                                  f"or use another store (--db)") from None
            try:  # a holder that was releasing may have removed the file we locked: lock the one at the path
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def _holder(self) -> str:
        for _ in range(20):  # the holder writes its pid just after it locks
            try:
                pid = self.path.read_text().strip()
            except OSError:
                pid = ""
            if pid:
                return f"process {pid}"
            time.sleep(0.01)
        return "another process"

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still holding it: see acquire()
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> "StoreLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _locked_by(err: Exception) -> Optional[str]:
    """'process N' when DuckDB says another process holds its lock on the file."""
    text = str(err)
    if "lock" not in text.lower():
        return None
    found = re.search(r"PID (\d+)", text)
    return f"process {found.group(1)}" if found else "another process"


def connect(path: Path | str, read_only: bool = False, wait: float = 0.0):
    """A DuckDB connection, with its errors (a lock held elsewhere, a file that is no DuckDB store) as StoreError.

    DuckDB lets one process at a time hold a file for writing, and no reader while it does. A writer waits up to
    `wait` seconds for readers (a notebook, `serve`, `export`) to close theirs, so a read never fails a run."""
    deadline = time.monotonic() + wait
    pause = 0.1
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as err:
            holder = _locked_by(err)
            if holder and time.monotonic() + pause < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            if holder:
                raise StoreLocked(f"the store {path} is in use by {holder}: wait for it to finish, or use another "
                                  f"store (--db)") from None
            raise StoreError(f"cannot open the store {path}: {_one_line(err)}") from None


# --- the store --------------------------------------------------------------------------------------------------
class Store:
    """The store, open for writing: it takes the store's lock (unless given one already held) and brings the schema
    up to date."""

    def __init__(self, path: Path | str, lock: Optional[StoreLock] = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._own_lock = lock is None
        self.lock = (lock or StoreLock(self.path)).acquire()
        try:
            self.con = connect(self.path, wait=STORE_WAIT_SECONDS)
            self.con.execute(f"SET memory_limit = '{int(STORE_MEMORY_MB)}MB'")
            try:
                migrate(self.con, f"the store {self.path}")
            except BaseException:
                self.con.close()
                raise
        except BaseException:
            if self._own_lock:
                self.lock.release()
            raise
        self._depth = 0

    def close(self) -> None:
        self.con.close()
        if self._own_lock:
            self.lock.release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        """One transaction; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.con
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    _transaction = transaction

    def write_run(self, run_id: str, docs: Iterable[Document], mentions: Iterable[Mention],
                  quotes: Iterable[Quote], events: Iterable[Event], run_info: Optional[dict[str, Any]] = None,
                  originals: Iterable[Original] = (), resolve: bool = True) -> None:
        """In one transaction: replace the rows of these documents (and of earlier versions of the same records,
        by origin, that this run did not write), add `originals` to the dedupe index, and recompute the incidents of
        the blocks whose events changed.

        The incidents of new events are deferred: their scopes are noted in incident_pending, and with `resolve`
        (a run's last batch) every noted scope is recomputed, once (resolve_pending). Recomputing a scope costs its
        events, and a scope fills as the corpus does: once per batch, a run would cost the square of its size; once
        per run, its incidents are those one pass over its events gives, however it was cut into batches. A write
        that replaces documents recomputes its own scopes at once, as their earlier incident ids are at hand only
        then."""
        docs = list(docs)
        with self.transaction() as con:
            doc_ids = sorted({d.doc_id for d in docs})
            origins = sorted({d.origin for d in docs if d.origin})
            con.execute("CREATE OR REPLACE TEMP TABLE run_docs (doc_id VARCHAR)")
            _insert(con, "run_docs", [{"doc_id": d} for d in doc_ids])
            if origins:  # an earlier version of a record that changed since
                con.execute("INSERT INTO run_docs SELECT doc_id FROM documents WHERE origin IN "
                            "(SELECT unnest(?::VARCHAR[])) AND run_id IS DISTINCT FROM ? "
                            "AND doc_id NOT IN (SELECT doc_id FROM run_docs)", [origins, run_id])
            replaced = "SELECT doc_id FROM run_docs WHERE doc_id IN (SELECT doc_id FROM documents)"
            removed: list[Event] = []
            if con.execute(f"SELECT count(*) FROM ({replaced})").fetchone()[0]:  # new documents replace nothing
                # the incident ids the re-written documents' events had, kept for the events that come back
                removed = self._events_where(f"WHERE doc_id IN ({replaced})")
                for table in ("entities", "events", "quotes", "dedupe_index", "dedupe_bands", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN ({replaced})")
            previous = previous_of(removed)
            _insert(con, "documents", _one_per_key("documents", (document_record(d, run_id) for d in docs)))
            _insert(con, "entities", _one_per_key("entities", map(mention_record, mentions)))
            _insert(con, "quotes", _one_per_key("quotes", map(quote_record, quotes)))
            fresh = list({e.event_id: e for e in events}.values())
            # an event's incident is the store's to give, whatever the object carried: the new events get theirs
            # before they are inserted
            scopes = map(incident_scope, removed + fresh)
            if removed:
                self.update_incidents(scopes, previous, fresh)
            else:
                self._defer(scopes, fresh)
            _insert(con, "events", [event_record(e) for e in fresh])
            _add_originals(con, originals)
            if resolve:
                self.resolve_pending()
            if run_info is not None:
                self.record_run(run_id, run_info)

    def record_run(self, run_id: str, run_info: dict[str, Any]) -> None:
        self.con.execute(f"INSERT OR REPLACE INTO runs ({_quoted(('run_id', 'started', 'finished', 'inputs', 'counts'))})"
                         " VALUES (?,?,?,?,?)", (run_id, run_info.get("started"), run_info.get("finished"),
                                                 _json(run_info.get("inputs")), _json(run_info.get("counts"))))

    def _defer(self, scopes: Iterable[Optional[tuple[str, Optional[str]]]], fresh: list[Event]) -> None:
        for e in fresh:
            e.incident_id = None
        _insert(self.con, "incident_pending", [{"block_key": b, "month": m} for b, m in
                                               sorted({s for s in scopes if s is not None}, key=repr)])

    def resolve_pending(self) -> None:
        """Recompute the incidents of the scopes writes deferred (write_run), a chunk of blocks of about
        RESOLVE_CHUNK_EVENTS events at a time (memory stays bounded by the chunk), each in its own transaction unless
        called inside one."""
        pending = self.con.execute("SELECT DISTINCT block_key, month FROM incident_pending").fetchall()
        if not pending:
            return
        sizes = dict(self.con.execute(
            "SELECT block_key, count(*) FROM events WHERE block_key IN (SELECT block_key FROM incident_pending) "
            "GROUP BY block_key").fetchall())
        scopes: dict[str, list[tuple[str, Optional[str]]]] = {}
        for block, month in sorted(pending, key=repr):
            scopes.setdefault(block, []).append((block, month))
        chunk: list[str] = []
        size = 0
        for n, block in enumerate(sorted(scopes)):
            chunk.append(block)
            size += sizes.get(block, 0)
            if size >= RESOLVE_CHUNK_EVENTS or n == len(scopes) - 1:
                with self.transaction() as con:
                    self.update_incidents([s for b in chunk for s in scopes[b]])
                    con.execute("DELETE FROM incident_pending WHERE block_key IN (SELECT unnest(?::VARCHAR[]))",
                                [chunk])
                chunk, size = [], 0

    def update_incidents(self, scopes: Iterable[Optional[tuple[str, Optional[str]]]], previous: Optional[dict] = None,
                         fresh: Iterable[Event] = ()) -> list[Incident]:
        """Recompute the incidents in these scopes (incident_scope values) over their stored events and the `fresh`
        ones about to be stored, whose incident_id it sets. The others stay as they are; every event keeps the
        incident id it had (`previous` adds those of events just re-written)."""
        scopes = {s for s in scopes if s is not None}
        fresh = list(fresh)
        for e in fresh:
            e.incident_id = None
        if not scopes:
            return []
        with self.transaction() as con:
            whole = {b for b, month in scopes if month is None}
            by_month = {b for b, month in scopes if month is not None and b not in whole}
            if by_month:  # an event dated by its year alone may join an incident of any month of its block
                whole |= {b for (b,) in con.execute(
                    "SELECT DISTINCT block_key FROM events WHERE block_key IN (SELECT unnest(?::VARCHAR[])) "
                    "AND length(date) = 4", [sorted(by_month)]).fetchall()}
            con.execute("CREATE OR REPLACE TEMP TABLE touched (block_key VARCHAR, month VARCHAR)")
            _insert(con, "touched", [{"block_key": b, "month": None} for b in sorted(whole)]
                    + [{"block_key": b, "month": m} for b, m in scopes if m is not None and b not in whole])
            stored = self._merge_inputs("JOIN touched t ON e.block_key = t.block_key "
                                        "AND (t.month IS NULL OR substr(e.date, 1, 7) = t.month)")
            had = {e.event_id: e.incident_id for e in stored}
            kept = dict(previous or {})
            kept.update(previous_of(stored))
            old = sorted({incident_id for incident_id, _ in kept.values() if incident_id})
            con.execute("DELETE FROM incidents WHERE incident_id IN (SELECT unnest(?::VARCHAR[]))", [old])
            events = stored + [e for e in fresh if block_key(e) is not None]
            outlets = self._outlets({e.doc_id for e in events})
            taken: set[str] = set()
            while True:  # a new id that another block's incident holds (a hash collision) is drawn again
                incidents = merge_incidents(events, outlets, previous=kept, taken=taken)
                clash = {i for (i,) in con.execute("SELECT incident_id FROM incidents WHERE incident_id IN "
                                                   "(SELECT unnest(?::VARCHAR[]))",
                                                   [[i.incident_id for i in incidents]]).fetchall()}
                if not clash:
                    break
                taken |= clash
            _insert(con, "incidents", _one_per_key("incidents", map(incident_record, incidents)))
            self._link(con, [(e.event_id, e.incident_id) for e in stored if e.incident_id != had[e.event_id]])
            con.execute("DROP TABLE touched")
        return incidents

    def _merge_inputs(self, join: str) -> list[Event]:
        """The stored events of `join` (on events e) with only what merging them into incidents reads (resolve/):
        the text columns stay unread, and the actors are parsed once per distinct JSON text."""
        actors: dict[Optional[str], Any] = {None: None}

        def actor(text):
            if text not in actors:
                actors[text] = Actor.from_row(json.loads(text))
            return actors[text]

        cursor = self.con.execute(
            "SELECT e.event_id, e.doc_id, e.source, e.target, e.cameo, e.plover, e.date, e.location, e.aux_mode, "
            f"e.confidence, e.incident_id, e.symmetric FROM events e {join} ORDER BY e.event_id")
        return [Event(event_id, doc_id, "", (0, 0), actor(source), actor(target), cameo, plover, None, 0, 0.0,
                      date=date, location=None if location is None else json.loads(location), aux_mode=aux_mode,
                      confidence=confidence, incident_id=incident_id, symmetric=bool(symmetric))
                for event_id, doc_id, source, target, cameo, plover, date, location, aux_mode, confidence, incident_id,
                symmetric in cursor.fetchall()]

    @staticmethod
    def _link(con, pairs: list[tuple[str, Optional[str]]]) -> None:
        """Set events' incident_id from (event_id, incident_id) pairs."""
        if not pairs:
            return
        con.execute("CREATE OR REPLACE TEMP TABLE links (event_id VARCHAR, incident_id VARCHAR)")
        _insert(con, "links", [{"event_id": e, "incident_id": i} for e, i in pairs])
        con.execute("UPDATE events SET incident_id = l.incident_id FROM links l WHERE l.event_id = events.event_id")
        con.execute("DROP TABLE links")

    # --- incremental runs -----------------------------------------------------------------------------------------
    def known(self, doc_ids: Iterable[str]) -> set[str]:
        """Those of `doc_ids` the store holds (a record read before, unchanged)."""
        return {d for (d,) in self.con.execute("SELECT doc_id FROM documents WHERE doc_id IN "
                                               "(SELECT unnest(?::VARCHAR[]))", [sorted(set(doc_ids))]).fetchall()}

    def update_sources(self, sources: dict[str, str]) -> None:
        """Give stored documents (doc_id -> source) the path as this run spelled it."""
        if not sources:
            return
        with self.transaction() as con:
            con.execute("CREATE OR REPLACE TEMP TABLE spelled (doc_id VARCHAR, source VARCHAR)")
            _insert(con, "spelled", [{"doc_id": d, "source": s} for d, s in sources.items()])
            con.execute("UPDATE documents SET source = s.source FROM spelled s "
                        "WHERE s.doc_id = documents.doc_id AND s.source IS DISTINCT FROM documents.source")
            con.execute("DROP TABLE spelled")

    def originals(self, hashes: Iterable[str], urls: Iterable[str], bands: Iterable[int],
                  replacing: Iterable[str] = (), run_id: Optional[str] = None) -> list[Original]:
        """The dedupe index's entries that share a content hash, a URL key or a band key with the given ones; not
        those of earlier versions of the records being replaced (their origins, written by another run than
        `run_id`), which a changed record must not be taken for a copy of."""
        cur = self.con.execute(
            "SELECT i.doc_id, i.content_hash, i.url_key, i.signature, i.bands FROM dedupe_index i "
            "LEFT JOIN documents d USING (doc_id) "
            "WHERE (i.content_hash IN (SELECT unnest(?::VARCHAR[])) OR i.url_key IN (SELECT unnest(?::VARCHAR[])) "
            "OR i.doc_id IN (SELECT doc_id FROM dedupe_bands WHERE band IN (SELECT unnest(?::BIGINT[])))) "
            "AND NOT (coalesce(d.origin IN (SELECT unnest(?::VARCHAR[])), FALSE) AND d.run_id IS DISTINCT FROM ?) "
            "ORDER BY i.doc_id", [sorted(set(hashes)), sorted(set(urls)), sorted(set(bands)), sorted(set(replacing)),
                                  run_id])
        return [Original(doc_id, content_hash, url_key, None if signature is None else np.array(signature, dtype=np.uint64),
                         tuple(bands or ())) for doc_id, content_hash, url_key, signature, bands in cur.fetchall()]

    # --- reading back ---------------------------------------------------------------------------------------------
    def _columns(self, table: str) -> list[str]:
        return [row[0] for row in self.con.execute(f'DESCRIBE "{table}"').fetchall()
                if row[0] not in DERIVED_COLUMNS.get(table, ())]

    def _rows(self, table: str, where: str = "", params: Optional[list] = None, order: str = "") -> list[dict]:
        columns = self._columns(table)
        cursor = self.con.execute(f'SELECT {_quoted(columns)} FROM "{table}" {where} {order}', params or [])
        return [stored_row(table, dict(zip(columns, values))) for values in cursor.fetchall()]

    # --- a run's rows, streamed in the run's order --------------------------------------------------------------------
    def select_run(self, doc_ids: list[str]) -> None:
        """The documents of a run, in its order, for run_rows and run_brief_rows."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE run_order (doc_id VARCHAR, n INTEGER)")
        _insert(self.con, "run_order", [{"doc_id": d, "n": n} for n, d in enumerate(doc_ids)])

    def run_rows(self, table: str, scope: str = "run_order"):
        """The rows of the selected run's documents as objects, streamed in the run's order (events in the order
        they were found); for incidents, those that hold any of their events, by date (undated last), then id.
        A chunk of EXPORT_CHUNK_DOCUMENTS documents (or as many incidents) at a time: DuckDB sorts a chunk, never the
        whole run, so memory stays flat however large the run."""
        columns = self._columns(table)
        picked = ", ".join(f't."{c}"' for c in columns)
        if table == "incidents":
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE run_incidents AS SELECT incident_id, row_number() OVER "
                "(ORDER BY date NULLS LAST, incident_id) AS n FROM incidents WHERE incident_id IN (SELECT incident_id "
                f"FROM events WHERE doc_id IN (SELECT doc_id FROM {scope}) AND incident_id IS NOT NULL)")
            scope, order = "run_incidents", "o.n"
            sql = (f"SELECT {picked} FROM incidents t JOIN run_incidents o USING (incident_id) "
                   f"WHERE o.n >= ? AND o.n < ?")
        else:
            order = _RUN_ORDER[table]
            sql = f"SELECT {picked} FROM {table} t JOIN {scope} o USING (doc_id) WHERE o.n >= ? AND o.n < ?"
        bounds = [n for (n,) in self.con.execute(
            f"SELECT n FROM (SELECT n, row_number() OVER (ORDER BY n) - 1 AS k FROM {scope}) "
            f"WHERE k % {EXPORT_CHUNK_DOCUMENTS} = 0 ORDER BY n").fetchall()]
        for low, high in zip(bounds, bounds[1:] + [None]):
            cursor = self.con.execute(f"{sql} ORDER BY {order}", [low, high if high is not None else 2 ** 62])
            while chunk := cursor.fetchmany(1000):
                for values in chunk:
                    yield TYPES[table].from_row(stored_row(table, dict(zip(columns, values))))

    def run_brief_rows(self, limit: int) -> tuple[list, list, list, list]:
        """(documents, events, quotes, incidents) for the run's brief: of all its documents, or of the newest `limit`
        when it has more."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE brief_order AS SELECT o.doc_id, o.n FROM run_order o "
                         "JOIN documents d USING (doc_id) ORDER BY d.published DESC NULLS LAST, o.n LIMIT ?", [limit])
        try:
            return tuple(list(self.run_rows(table, "brief_order"))
                         for table in ("documents", "events", "quotes", "incidents"))
        finally:
            self.con.execute("DROP TABLE brief_order")

    def _of_docs(self, table: str, doc_ids: Optional[Iterable[str]], order: str) -> list[dict]:
        if doc_ids is None:
            return self._rows(table, order=order)
        return self._rows(table, "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(set(doc_ids))], order)

    def documents(self, doc_ids: Optional[Iterable[str]] = None) -> list[Document]:
        return [Document.from_row(r) for r in self._of_docs("documents", doc_ids, "ORDER BY doc_id")]

    def mentions(self, doc_ids: Optional[Iterable[str]] = None) -> list[Mention]:
        return [Mention.from_row(r) for r in
                self._of_docs("entities", doc_ids, "ORDER BY doc_id, span_start, span_end, actor_id")]

    def quotes(self, doc_ids: Optional[Iterable[str]] = None) -> list[Quote]:
        return [Quote.from_row(r) for r in self._of_docs("quotes", doc_ids, "ORDER BY doc_id, span_start, quote_id")]

    def events(self, doc_ids: Optional[Iterable[str]] = None) -> list[Event]:
        return [Event.from_row(r) for r in self._of_docs("events", doc_ids, "ORDER BY event_id")]

    def incidents(self, event_ids: Optional[Iterable[str]] = None) -> list[Incident]:
        """Every incident, or those holding any of `event_ids`; by date (undated last), then id."""
        order = "ORDER BY date NULLS LAST, incident_id"
        if event_ids is None:
            return [Incident.from_row(r) for r in self._rows("incidents", order=order)]
        where = ("WHERE incident_id IN (SELECT DISTINCT incident_id FROM events "
                 "WHERE event_id IN (SELECT unnest(?::VARCHAR[])) AND incident_id IS NOT NULL)")
        return [Incident.from_row(r) for r in self._rows("incidents", where, [sorted(set(event_ids))], order)]

    def _events_where(self, where: str, params: Optional[list] = None) -> list[Event]:
        return [Event.from_row(r) for r in self._rows("events", where, params, "ORDER BY event_id")]

    def _outlets(self, doc_ids: Iterable[str]) -> dict[str, Optional[str]]:
        return {d: o for d, o in self.con.execute("SELECT doc_id, outlet FROM documents WHERE doc_id IN "
                                                  "(SELECT unnest(?::VARCHAR[]))", [sorted(set(doc_ids))]).fetchall()}

    def outlets(self) -> dict[str, tuple[Optional[str], str]]:
        """doc_id -> (outlet, status) for every stored document."""
        return {r[0]: (r[1], r[2]) for r in self.con.execute("SELECT doc_id, outlet, status FROM documents").fetchall()}

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
