"""The DuckDB store: an embedded file, no server.

A run's rows are written in one transaction: either all of them land or none do. Rows are keyed by
ids derived from content (doc_id hashes the source and the raw record; event, quote and incident ids
derive from it), so re-running the same inputs replaces rows instead of adding copies, and running on
new inputs adds to the store.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional

import duckdb

from detente.types import Actor, Document, Event, Incident, Mention, Quote


def _json(value: Any) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _actor_from(row_json: Optional[str]) -> Optional[Actor]:
    return Actor(**json.loads(row_json)) if row_json else None


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.path))
        self.con.execute(resources.files("detente.store").joinpath("schema.sql").read_text())

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write_run(self, run_id: str, docs: Iterable[Document], mentions: Iterable[Mention],
                  quotes: Iterable[Quote], events: Iterable[Event], run_info: dict[str, Any]) -> None:
        docs = list(docs)
        ids = [d.doc_id for d in docs]
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            if ids:
                con.execute("CREATE OR REPLACE TEMP TABLE run_docs (doc_id VARCHAR)")
                con.executemany("INSERT INTO run_docs VALUES (?)", [(i,) for i in ids])
                for table in ("entities", "events", "quotes", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM run_docs)")
            con.executemany(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(d.doc_id, d.source, d.url, d.status, d.duplicate_of, d.title, d.outlet, d.author, d.published,
                  d.published_basis, d.language, d.encoding, d.text,
                  _json([{"text": r.text, "reason": r.reason} for r in d.removed]), d.error, d.content_hash, run_id)
                 for d in docs])
            rows = {}
            for m in mentions:  # the same span may be found twice (NER and the matcher): keep one row
                rows[(m.doc_id, m.span[0], m.span[1], m.actor.actor_id)] = (
                    m.doc_id, m.span[0], m.span[1], m.text, m.actor.actor_id, m.actor.name, m.actor.kind,
                    m.actor.country, m.actor.org, m.actor.sector, m.actor.role, m.basis)
            con.executemany("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", list(rows.values()))
            con.executemany(
                "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?)",
                [(q.quote_id, q.doc_id, q.text, q.span[0], q.span[1], _json(q.speaker.to_row() if q.speaker else None),
                  q.speaker.actor_id if q.speaker else None, q.cue) for q in quotes])
            con.executemany(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(e.event_id, e.doc_id, e.sentence, e.span[0], e.span[1], _json(e.source.to_row()),
                  _json(e.target.to_row() if e.target else None), e.source.actor_id, e.source.country,
                  e.target.actor_id if e.target else None, e.target.country if e.target else None,
                  e.cameo, e.plover, e.mode, e.quad_class, e.goldstein, e.date, e.date_text, e.date_basis,
                  _json(e.location), e.aux_mode, e.confidence, e.incident_id, e.trigger, e.symmetric)
                 for e in events])
            con.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?)",
                        (run_id, run_info.get("started"), run_info.get("finished"),
                         _json(run_info.get("inputs")), _json(run_info.get("counts"))))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def replace_incidents(self, incidents: Iterable[Incident]) -> None:
        """Incidents are a corpus-level view: recomputed over every stored event and swapped in at once."""
        incidents = list(incidents)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM incidents")
            con.executemany(
                "INSERT INTO incidents VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(i.incident_id, i.date, _json(i.source.to_row()), _json(i.target.to_row() if i.target else None),
                  i.cameo, i.plover, i.num_mentions, i.num_sources, i.num_articles, _json(i.event_ids))
                 for i in incidents])
            con.execute("UPDATE events SET incident_id = NULL")
            con.executemany("UPDATE events SET incident_id = ? WHERE event_id = ?",
                            [(i.incident_id, e) for i in incidents for e in i.event_ids])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # --- reading back -------------------------------------------------------------------------------------
    def events(self) -> list[Event]:
        cols = ("event_id, doc_id, sentence, span_start, span_end, source, target, cameo, plover, mode, quad_class, "
                "goldstein, date, date_text, date_basis, location, aux_mode, confidence, incident_id, \"trigger\", \"symmetric\"")
        out = []
        for r in self.con.execute(f"SELECT {cols} FROM events ORDER BY event_id").fetchall():
            out.append(Event(event_id=r[0], doc_id=r[1], sentence=r[2], span=(r[3], r[4]), source=_actor_from(r[5]),
                             target=_actor_from(r[6]), cameo=r[7], plover=r[8], mode=r[9], quad_class=r[10],
                             goldstein=r[11], date=r[12], date_text=r[13], date_basis=r[14],
                             location=json.loads(r[15]) if r[15] else None, aux_mode=r[16], confidence=r[17],
                             incident_id=r[18], trigger=r[19], symmetric=bool(r[20])))
        return out

    def outlets(self) -> dict[str, tuple[Optional[str], str]]:
        """doc_id -> (outlet, status) for every stored document."""
        return {r[0]: (r[1], r[2]) for r in self.con.execute("SELECT doc_id, outlet, status FROM documents").fetchall()}

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
