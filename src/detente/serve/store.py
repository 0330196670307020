"""Reading the store for the dashboard and the API: a short-lived read-only DuckDB connection per request.

DuckDB lets one process hold a file either read-only (any number of connections) or read-write (one configuration),
never both at once, and another process's writer shuts every reader out. So:

- every request opens `duckdb.connect(path, read_only=True)`, asks its questions and closes it again;
- an ingest (serve/ingest.py) runs the pipeline, which opens the store read-write. `StoreGate` keeps this process's
  readers out while the pipeline has the file open (its first check of the store, then its write), and lets them in
  while it only reads, cleans, annotates and codes, the long part. A reader waits for its turn up to a timeout;
- another program writing to the store (a `detente run --db` on the same file) makes a request fail with `StoreBusy`,
  which the app answers with 503 and the reason, never with a 500.

Rows come back as the output contract's dicts: a span as [start, end], actor objects and lists parsed from their
JSON text, the query-only columns (source_actor_id, ...) left out.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import duckdb

from detente.store.database import stored_row

# The plain columns the store keeps only for queries: not part of the output contract's rows
QUERY_ONLY = {
    "events": ("source_actor_id", "source_country", "target_actor_id", "target_country", "block_key"),
    "quotes": ("speaker_actor_id",),
    "documents": ("content_hash", "origin"),
}
TABLES = ("documents", "entities", "events", "quotes", "incidents")


class StoreBusy(Exception):
    """The store cannot be read just now (an ingest or another program is writing it); the message says why."""


class StoreMissing(Exception):
    """There is no usable store at the path; the message says why and what to do."""


class StoreGate:
    """Readers and the one writer of this process. Readers share; the writer, while it holds the file, has it alone.

    `reading()` waits (up to `timeout` seconds) while the writer holds the file. `hold()` waits for the readers
    inside to finish and keeps new ones out; `release()` lets them in again. Writers queue on `writing()`."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self._cond = threading.Condition()
        self._readers = 0
        self._held = False
        self._wanted = False
        self._writer = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while self._held or self._wanted:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusy("an ingest is writing to the store; try again in a moment")
                self._cond.wait(left)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    def hold(self) -> None:
        with self._cond:
            if self._held:
                return
            self._wanted = True
            while self._readers:
                self._cond.wait()
            self._wanted = False
            self._held = True

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time; the file starts held, and is let go whatever happens."""
        with self._writer:
            self.hold()
            try:
                yield
            finally:
                self.release()


def _busy_reason(err: Exception, path: Path) -> Optional[str]:
    text = str(err)
    lowered = text.lower()
    if "lock" in lowered or "different configuration" in lowered:
        import re
        pid = re.search(r"PID (\d+)", text)
        holder = f"process {pid.group(1)}" if pid else "another program"
        return f"the store {path.name} is being written by {holder}; try again when it has finished"
    return None


def connect(path: Path):
    """A read-only connection, or StoreBusy / StoreMissing saying why there is none."""
    if not path.is_file():
        raise StoreMissing(f"there is no store at {path}")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        reason = _busy_reason(err, path)
        if reason:
            raise StoreBusy(reason) from None
        raise StoreMissing(f"cannot open the store {path.name}: {' '.join(str(err).split())}") from None


def check_store(path: Path) -> None:
    """Raise StoreMissing unless `path` is a DuckDB file with Detente's tables."""
    con = connect(path)
    try:
        have = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    missing = [t for t in TABLES if t not in have]
    if missing:
        raise StoreMissing(f"{path} is not a Detente store (it has no {', '.join(missing)} table)")


@dataclass
class Reader:
    """One request's read-only connection and the questions the app asks of it."""
    con: Any

    def rows(self, sql: str, params: Optional[list] = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, params: Optional[list] = None) -> Optional[dict[str, Any]]:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Optional[list] = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None


def contract_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the output contract's dict (the same shape as a line of TABLE.jsonl)."""
    skip = QUERY_ONLY.get(table, ())
    return {key: value for key, value in stored_row(table, row).items() if key not in skip}


class StoreAccess:
    """The store at `path`, read one request at a time through `gate`."""

    def __init__(self, path: Path, gate: Optional[StoreGate] = None):
        self.path = Path(path)
        self.gate = gate or StoreGate()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        with self.gate.reading():
            con = connect(self.path)
            try:
                yield Reader(con)
            finally:
                con.close()
