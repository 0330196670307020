"""The DuckDB store: an embedded file, no server.

A run's rows are written in one transaction: either all of them land or none do. Rows are keyed by
ids derived from content (doc_id hashes the source and the raw record; event, quote and incident ids
derive from it), so re-running the same inputs replaces rows instead of adding copies, and running on
new inputs adds to the store.

The schema (schema.sql) is brought up to date by named migrations (MIGRATIONS), each applied once and recorded in
`schema_migrations`, so a store made by an earlier version keeps working. Rows are inserted by column name, never by
position, so a column a migration appended at the end of an older table gets its own value.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional

import duckdb

from detente.types import Actor, Document, Event, Incident, Mention, Quote


def _json(value: Any) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False)


# The schema's history, oldest first: (name, SQL). Each runs once per store, in order, and is recorded in
# schema_migrations. 0001_base is schema.sql, whose CREATE ... IF NOT EXISTS leaves the tables of an older store as
# they are; every later change to a table in schema.sql also needs a migration here that brings such a store to it.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_base", resources.files("detente.store").joinpath("schema.sql").read_text(encoding="utf-8")),
    ("0002_event_context", "ALTER TABLE events ADD COLUMN IF NOT EXISTS context VARCHAR"),
)

# The columns each row tuple below fills, in its order: inserts name them, so a table's column order does not matter.
DOCUMENT_COLUMNS = ("doc_id", "source", "url", "status", "duplicate_of", "title", "outlet", "author", "published",
                    "published_basis", "language", "encoding", "text", "removed", "error", "content_hash", "run_id")
ENTITY_COLUMNS = ("doc_id", "span_start", "span_end", "text", "actor_id", "name", "kind", "country", "org", "sector",
                  "role", "basis")
QUOTE_COLUMNS = ("quote_id", "doc_id", "text", "span_start", "span_end", "speaker", "speaker_actor_id", "cue")
EVENT_COLUMNS = ("event_id", "doc_id", "sentence", "span_start", "span_end", "source", "target", "source_actor_id",
                 "source_country", "target_actor_id", "target_country", "cameo", "plover", "mode", "quad_class",
                 "goldstein", "date", "date_text", "date_basis", "location", "aux_mode", "confidence", "incident_id",
                 "trigger", "symmetric", "context")
INCIDENT_COLUMNS = ("incident_id", "date", "source", "target", "cameo", "plover", "num_mentions", "num_sources",
                    "num_articles", "event_ids")
RUN_COLUMNS = ("run_id", "started", "finished", "inputs", "counts")


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def migrate(con) -> list[str]:
    """Apply the migrations this store has not had, each in its own transaction with its record; the names applied."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    done = {name for (name,) in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (name, applied_at) VALUES (?, current_timestamp)", [name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _insert(con, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert of `rows`, tuples in the order of `columns`, through a spooled JSON-lines file: DuckDB reads it in
    one scan, where executemany pays a round trip per row (about a millisecond each)."""
    if not rows:
        return
    kinds = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    missing = [name for name in columns if name not in kinds]
    if missing:
        raise ValueError(f"table {table} has no column {missing}: the store's schema is older than its migrations")
    fd, spool = tempfile.mkstemp(suffix=".jsonl", prefix="detente-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
        spec = ", ".join(f"'{name}': '{kinds[name]}'" for name in columns)
        con.execute(f"INSERT INTO {table} ({_quoted(columns)}) SELECT {_quoted(columns)} "
                    f"FROM read_json(?, format = 'newline_delimited', columns = {{{spec}}})", [spool])
    finally:
        os.unlink(spool)


def _document_row(d: Document, run_id: str) -> tuple:
    removed = [{"text": r.text, "reason": r.reason} for r in d.removed]
    return (d.doc_id, d.source, d.url, d.status, d.duplicate_of, d.title, d.outlet, d.author, d.published,
            d.published_basis, d.language, d.encoding, d.text, _json(removed), d.error, d.content_hash, run_id)


def _mention_row(m: Mention) -> tuple:
    a = m.actor
    return (m.doc_id, m.span[0], m.span[1], m.text, a.actor_id, a.name, a.kind, a.country, a.org, a.sector, a.role,
            m.basis)


def _actor_json(a: Optional[Actor]) -> Optional[str]:
    return _json(a.to_row()) if a else None


def _quote_row(q: Quote) -> tuple:
    return (q.quote_id, q.doc_id, q.text, q.span[0], q.span[1], _actor_json(q.speaker),
            q.speaker.actor_id if q.speaker else None, q.cue)


def _event_row(e: Event) -> tuple:
    t = e.target
    return (e.event_id, e.doc_id, e.sentence, e.span[0], e.span[1], _actor_json(e.source), _actor_json(t),
            e.source.actor_id, e.source.country, t.actor_id if t else None, t.country if t else None,
            e.cameo, e.plover, e.mode, e.quad_class, e.goldstein, e.date, e.date_text, e.date_basis,
            _json(e.location), e.aux_mode, e.confidence, e.incident_id, e.trigger, e.symmetric, _json(list(e.context)))


def _incident_row(i: Incident) -> tuple:
    return (i.incident_id, i.date, _actor_json(i.source), _actor_json(i.target), i.cameo, i.plover,
            i.num_mentions, i.num_sources, i.num_articles, _json(i.event_ids))


def _actor_from(row_json: Optional[str]) -> Optional[Actor]:
    return Actor(**json.loads(row_json)) if row_json else None


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        migrate(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self):
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def write_run(self, run_id: str, docs: Iterable[Document], mentions: Iterable[Mention],
                  quotes: Iterable[Quote], events: Iterable[Event], run_info: dict[str, Any]) -> None:
        docs = list(docs)
        # the same span may be found twice (NER and the matcher): keep one row per key
        entity_rows = {(m.doc_id, m.span[0], m.span[1], m.actor.actor_id): _mention_row(m) for m in mentions}
        with self._transaction() as con:
            if docs:
                con.execute("CREATE OR REPLACE TEMP TABLE run_docs (doc_id VARCHAR)")
                _insert(con, "run_docs", ("doc_id",), [(d.doc_id,) for d in docs])
                for table in ("entities", "events", "quotes", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM run_docs)")
            _insert(con, "documents", DOCUMENT_COLUMNS, [_document_row(d, run_id) for d in docs])
            _insert(con, "entities", ENTITY_COLUMNS, list(entity_rows.values()))
            _insert(con, "quotes", QUOTE_COLUMNS, [_quote_row(q) for q in quotes])
            _insert(con, "events", EVENT_COLUMNS, [_event_row(e) for e in events])
            con.execute(f"INSERT OR REPLACE INTO runs ({_quoted(RUN_COLUMNS)}) VALUES (?,?,?,?,?)",
                        (run_id, run_info.get("started"), run_info.get("finished"),
                         _json(run_info.get("inputs")), _json(run_info.get("counts"))))

    def replace_incidents(self, incidents: Iterable[Incident]) -> None:
        """Incidents are a corpus-level view: recomputed over every stored event and swapped in at once."""
        incidents = list(incidents)
        with self._transaction() as con:
            con.execute("DELETE FROM incidents")
            _insert(con, "incidents", INCIDENT_COLUMNS, [_incident_row(i) for i in incidents])
            con.execute("CREATE OR REPLACE TEMP TABLE links (event_id VARCHAR, incident_id VARCHAR)")
            _insert(con, "links", ("event_id", "incident_id"), [(e, i.incident_id) for i in incidents for e in i.event_ids])
            con.execute("UPDATE events SET incident_id = (SELECT l.incident_id FROM links l "
                        "WHERE l.event_id = events.event_id)")

    # --- reading back -------------------------------------------------------------------------------------
    def events(self) -> list[Event]:
        cols = ("event_id, doc_id, sentence, span_start, span_end, source, target, cameo, plover, mode, quad_class, "
                "goldstein, date, date_text, date_basis, location, aux_mode, confidence, incident_id, \"trigger\", \"symmetric\", "
                "context")
        out = []
        for r in self.con.execute(f"SELECT {cols} FROM events ORDER BY event_id").fetchall():
            out.append(Event(event_id=r[0], doc_id=r[1], sentence=r[2], span=(r[3], r[4]), source=_actor_from(r[5]),
                             target=_actor_from(r[6]), cameo=r[7], plover=r[8], mode=r[9], quad_class=r[10],
                             goldstein=r[11], date=r[12], date_text=r[13], date_basis=r[14],
                             location=json.loads(r[15]) if r[15] else None, aux_mode=r[16], confidence=r[17],
                             incident_id=r[18], trigger=r[19], symmetric=bool(r[20]),
                             context=tuple(json.loads(r[21])) if r[21] else ()))
        return out

    def outlets(self) -> dict[str, tuple[Optional[str], str]]:
        """doc_id -> (outlet, status) for every stored document."""
        return {r[0]: (r[1], r[2]) for r in self.con.execute("SELECT doc_id, outlet, status FROM documents").fetchall()}

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
