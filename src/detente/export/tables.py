"""The store's events as export rows: one read-only query, then JSONL, CSV or Parquet.

Every format reads the same base query (BASE): each event with its actors' fields, the incident it belongs to (the
event's incident_id, else the incident whose event_ids list it) and that incident's counts, and its document's URL,
source and outlet. Rows come ordered by date (undated last), then event_id, so two exports of one store are
byte-identical. Files are written to a temporary file beside the target and renamed over it, so a reader never sees
half a file and a failed export leaves the old one.
"""
from __future__ import annotations

import csv
import json
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import duckdb


class ExportError(Exception):
    """An export that cannot be made; the message is one line. `code` is the exit code: 1 for a store or file that
    cannot be used, 2 for a bad command line."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def one_line(text: Any) -> str:
    return " ".join(str(text).split())


# --- the store, read-only ---------------------------------------------------------------------------------------
def open_store(path: Path | str):
    """A read-only connection to the store at `path` (or to OUT/detente.duckdb when `path` is a run's folder)."""
    path = Path(path)
    if path.is_dir() and (path / "detente.duckdb").is_file():
        path = path / "detente.duckdb"
    if not path.exists():
        raise ExportError(f"no store at {path}: give the DuckDB file a run wrote with --db, e.g. out/detente.duckdb")
    if path.is_dir():
        raise ExportError(f"{path} is a folder with no detente.duckdb in it: give the store file with --db")
    try:
        with open(path, "rb") as f:
            magic = f.read(12)[8:12]
    except OSError as err:
        raise ExportError(f"cannot read the store {path}: {one_line(err.strerror or err)}") from None
    if magic != b"DUCK":
        raise ExportError(f"{path} is not a DuckDB store: give the detente.duckdb file a run wrote with --db")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        text = one_line(err)
        if "lock" in text.lower():
            raise ExportError(f"the store {path} is in use by another process (a run writing to it): "
                              f"wait for it to finish") from None
        raise ExportError(f"cannot open the store {path}: {text}") from None
    if "events" not in tables(con):
        con.close()
        raise ExportError(f"{path} is not a detente store: it has no events table")
    return con


def tables(con) -> set[str]:
    return {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'main'").fetchall()}


def columns(con, table: str) -> set[str]:
    return {row[0] for row in con.execute(f'DESCRIBE "{table}"').fetchall()}


# --- the base query ---------------------------------------------------------------------------------------------
EVENT_COLUMNS = ("event_id", "doc_id", "sentence", "span_start", "span_end", "source", "target", "cameo", "plover",
                 "mode", "quad_class", "goldstein", "date", "date_text", "date_basis", "location", "aux_mode",
                 "confidence", "incident_id", "trigger", "symmetric", "context")
ACTOR_FIELDS = ("actor_id", "name", "kind", "country", "org", "sector", "role")


def _side_columns(side: str) -> str:
    return ", ".join(f"json_extract_string({side}, '$.{f}') AS {side}_{f}" for f in ACTOR_FIELDS)


def _party(side: str) -> str:
    """The side of a dyad, as resolve/ has it: the organisation for an IGO, else the country, else the actor."""
    return (f"CASE WHEN {side}_kind = 'org' AND {side}_org IS NOT NULL THEN {side}_org "
            f"ELSE coalesce({side}_country, {side}_org, {side}_actor_id) END AS {side}_party")


def _date_bound(first: bool) -> str:
    """The first (or last) day of the event's date, as YYYY-MM-DD text; null for an undated or yearless one."""
    month = "try_strptime(date || '-01', '%Y-%m-%d')"
    month = f"strftime({month}, '%Y-%m-%d')" if first else f"strftime(last_day({month}), '%Y-%m-%d')"
    year = "date || '-01-01'" if first else "date || '-12-31'"
    return (f"CASE WHEN regexp_full_match(date, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"THEN strftime(try_strptime(date, '%Y-%m-%d'), '%Y-%m-%d') "
            f"WHEN regexp_full_match(date, '\\d{{4}}-\\d{{2}}') THEN {month} "
            f"WHEN regexp_full_match(date, '\\d{{4}}') THEN {year} END")


def base_query(con) -> str:
    """The events of the store with everything an export needs, as SQL over whatever tables the store has."""
    have = columns(con, "events")
    event = ", ".join((f'e."{c}"' if c in have else f'NULL AS "{c}"') if c != "incident_id" else
                      ("e.incident_id AS event_incident_id" if c in have else "NULL AS event_incident_id")
                      for c in EVENT_COLUMNS)
    present = tables(con)
    if "incidents" in present:
        members = ("SELECT event_id, min(incident_id) AS incident_id FROM (SELECT incident_id, "
                   "unnest(from_json(event_ids, '[\"VARCHAR\"]')) AS event_id FROM incidents) GROUP BY event_id")
        incidents = "SELECT incident_id, num_mentions, num_sources, num_articles FROM incidents"
    else:
        members = "SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS incident_id WHERE FALSE"
        incidents = ("SELECT NULL::VARCHAR AS incident_id, NULL::INTEGER AS num_mentions, NULL::INTEGER AS num_sources,"
                     " NULL::INTEGER AS num_articles WHERE FALSE")
    doc_have = columns(con, "documents") if "documents" in present else set()

    def doc(column: str, alias: str) -> str:
        return f"d.{column} AS {alias}" if column in doc_have else f"NULL::VARCHAR AS {alias}"

    lead = ("split_part(d.text, chr(10), 1)" if "text" in doc_have else "NULL::VARCHAR") + " AS lead_paragraph"
    documents = (f"SELECT d.doc_id, {doc('url', 'document_url')}, {doc('source', 'document_source')}, "
                 f"{doc('outlet', 'outlet')}, {doc('run_id', 'run_id')}, {lead} FROM "
                 + ("documents d" if "doc_id" in doc_have else "(SELECT NULL::VARCHAR AS doc_id WHERE FALSE) d"))
    if "runs" in present and {"run_id", "finished", "started"} <= columns(con, "runs"):
        runs = "SELECT run_id, coalesce(finished, started) AS run_time FROM runs"
    else:
        runs = "SELECT NULL::VARCHAR AS run_id, NULL::VARCHAR AS run_time WHERE FALSE"
    return f"""
WITH ev AS (SELECT {event} FROM events e),
members AS ({members}),
inc AS ({incidents}),
docs AS ({documents}),
runs_ AS ({runs}),
sides AS (
    SELECT ev.*, {_side_columns('source')}, {_side_columns('target')},
           coalesce(ev.event_incident_id, m.incident_id) AS incident_id,
           {_date_bound(True)} AS date_first, {_date_bound(False)} AS date_last
    FROM ev LEFT JOIN members m ON m.event_id = ev.event_id
),
base AS (
    SELECT s.*, {_party('source')}, {_party('target')},
           i.num_mentions, i.num_sources, i.num_articles,
           d.document_url, d.document_source, d.outlet, d.lead_paragraph, r.run_time
    FROM sides s
    LEFT JOIN inc i ON i.incident_id = s.incident_id
    LEFT JOIN docs d ON d.doc_id = s.doc_id
    LEFT JOIN runs_ r ON r.run_id = d.run_id
)"""


ORDER = "ORDER BY date NULLS LAST, event_id"


def select(con, what: str, condition: str, params: list):
    """`what` of the base query's rows that meet `condition`, in the export order (a DuckDB relation)."""
    return con.sql(f"{base_query(con)}\nSELECT {what} FROM base WHERE {condition} {ORDER}", params=params)


def rows(con, what: str, condition: str, params: list) -> Iterator[dict[str, Any]]:
    """The rows of `select` as dicts, fetched in batches."""
    cursor = con.execute(f"{base_query(con)}\nSELECT {what} FROM base WHERE {condition} {ORDER}", params)
    names = [d[0] for d in cursor.description]
    while True:
        batch = cursor.fetchmany(2048)
        if not batch:
            return
        for values in batch:
            yield dict(zip(names, values))


# --- the flat table (CSV, Parquet) ------------------------------------------------------------------------------
# (column, SQL over the base query): the output contract's event fields, the actors and the place flattened, then
# the incident's counts and the document.
def _flat_columns() -> list[tuple[str, str]]:
    out = [("event_id", "event_id"), ("doc_id", "doc_id"), ("sentence", "sentence"),
           ("span_start", "span_start"), ("span_end", "span_end")]
    for side in ("source", "target"):
        out += [(f"{side}_{f}", f"{side}_{f}") for f in ACTOR_FIELDS]
    out += [(c, c) for c in ("cameo", "plover", "mode", "quad_class", "goldstein", "date", "date_text",
                             "date_basis")]
    out += [("location_name", "json_extract_string(location, '$.name')"),
            ("location_country", "json_extract_string(location, '$.country')"),
            ("aux_mode", "aux_mode"), ("confidence", "confidence"), ("trigger", '"trigger"'),
            ("symmetric", '"symmetric"'), ("context", "from_json(context, '[\"VARCHAR\"]')"),
            ("incident_id", "incident_id"), ("num_mentions", "num_mentions"), ("num_sources", "num_sources"),
            ("num_articles", "num_articles"), ("document_url", "document_url"),
            ("document_source", "document_source"), ("outlet", "outlet")]
    return out


FLAT_COLUMNS = _flat_columns()
FLAT_SELECT = ", ".join(f'{sql} AS "{name}"' for name, sql in FLAT_COLUMNS)
EXTRA_FIELDS = ("num_mentions", "num_sources", "num_articles", "document_url", "document_source", "outlet")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(con, condition: str, params: list, out) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in FLAT_COLUMNS])
    n = 0
    for row in rows(con, FLAT_SELECT, condition, params):
        writer.writerow([_csv_value(v) for v in row.values()])
        n += 1
    return n


def write_parquet(con, condition: str, params: list, path: Path) -> int:
    relation = select(con, FLAT_SELECT, condition, params)
    relation.write_parquet(str(path))
    return con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]


# --- JSONL: the contract's event rows, plus the incident's counts and the document --------------------------------
def _json(text: Optional[str]) -> Any:
    return None if text is None else json.loads(text)


def event_row(row: dict[str, Any]) -> dict[str, Any]:
    """A base row as an events.jsonl row (the contract's fields, in its order), plus EXTRA_FIELDS."""
    out = {"event_id": row["event_id"], "doc_id": row["doc_id"], "sentence": row["sentence"],
           "span": [row["span_start"], row["span_end"]], "source": _json(row["source"]),
           "target": _json(row["target"])}
    out.update({k: row[k] for k in ("cameo", "plover", "mode", "quad_class", "goldstein", "date", "date_text",
                                    "date_basis")})
    out["location"] = _json(row["location"])
    out.update({k: row[k] for k in ("aux_mode", "confidence", "incident_id", "trigger")})
    out["symmetric"] = bool(row["symmetric"])
    out["context"] = _json(row["context"]) or []
    out.update({k: row[k] for k in EXTRA_FIELDS})
    return out


def write_jsonl(con, condition: str, params: list, out) -> int:
    n = 0
    for row in rows(con, "*", condition, params):
        out.write(json.dumps(event_row(row), ensure_ascii=False) + "\n")
        n += 1
    return n


# --- writing a file atomically ----------------------------------------------------------------------------------
def _temp_beside(path: Path) -> Path:
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        if not tmp.exists():
            return tmp
    raise ExportError(f"cannot make a temporary file beside {path}")


def check_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError(f"--out {path} is a folder: give a file name, e.g. {path / 'events.csv'}", code=2)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"cannot make the folder {path.parent}: {one_line(err.strerror or err)}") from None


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed over it when the block ends without error, removed otherwise.
    The file gets the mode a plain open() would give (0666 less the umask), as the run's own outputs do."""
    tmp = _temp_beside(path)
    try:
        yield tmp
        if tmp.exists():
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text(path: Optional[Path], writer: Callable[[Any], int]) -> int:
    """Run `writer(stream)` into `path` atomically, or into standard output when `path` is None."""
    if path is None:
        n = writer(sys.stdout)
        sys.stdout.flush()
        return n
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            return writer(f)
