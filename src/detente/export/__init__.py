"""export: the store's events as JSONL, CSV, Parquet or GDELT 2.0 event-table rows (docs/export.md).

    from detente.export import export
    n = export("out/detente.duckdb", "gdelt", "events.gdelt.tsv", where=["dyad=RUS-USA", "since=2021"])

The store is opened read-only and read after its run committed, so an export never disagrees with the brief or the
JSONL files of the run. `where` is the small filter language of where.py, never SQL.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import duckdb

from detente.export import gdelt, tables
from detente.export.tables import ExportError
from detente.export.where import FACTUAL_SQL, KEYS as WHERE_KEYS, WhereError, parse as parse_where

FORMATS = ("jsonl", "csv", "parquet", "gdelt")

__all__ = ["export", "ExportResult", "ExportError", "FORMATS", "WHERE_KEYS", "WhereError"]


class ExportResult(int):
    """The number of rows written (an int), with `left_out`: factual-only GDELT exports say how many events that
    did not happen (future, hypothetical, negated) they left out."""
    left_out: int = 0


def export(db: Path | str, fmt: str, out: Optional[Path | str], where: Optional[Iterable[str]] = None,
           header: bool = False) -> ExportResult:
    """Write the store's events that meet `where` to `out` (None or "-": standard output; not for parquet) in
    format `fmt`; the number of rows written. Raises ExportError (one line; .code 1 or 2) for anything it cannot do.

    A GDELT export holds the events that happened (aux_mode null or historical) unless `where` has an aux_mode key:
    GDELT's table has no column to say an event was only promised, supposed or denied."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: give one of {', '.join(FORMATS)}", code=2)
    if header and fmt != "gdelt":
        raise ExportError("--header is for --format gdelt (csv always has its header)", code=2)
    try:
        condition, params, keys = parse_where(where)
    except WhereError as err:
        raise ExportError(str(err), code=2) from None
    target = None if out is None or str(out) == "-" else Path(out)
    if target is None and fmt == "parquet":
        raise ExportError("parquet cannot go to standard output: give a file with --out", code=2)
    if target is not None:
        tables.check_target(target)
    con = tables.open_store(db)
    try:
        left_out = 0
        if fmt == "gdelt" and "aux_mode" not in keys:
            left_out = _count(con, f"({condition}) AND NOT {FACTUAL_SQL}", params)
            condition = f"({condition}) AND {FACTUAL_SQL}"
        try:
            if fmt == "parquet":
                with tables.atomic_path(target) as tmp:
                    n = tables.write_parquet(con, condition, params, tmp)
            elif fmt == "csv":
                n = tables.write_text(target, lambda f: tables.write_csv(con, condition, params, f))
            elif fmt == "jsonl":
                n = tables.write_text(target, lambda f: tables.write_jsonl(con, condition, params, f))
            else:
                n = tables.write_text(target, lambda f: gdelt.write_gdelt(con, condition, params, f, header))
        except duckdb.Error as err:
            raise ExportError(f"cannot read the store {db}: {tables.one_line(err)}") from None
        except BrokenPipeError:
            raise
        except OSError as err:
            raise ExportError(f"cannot write {target or 'to standard output'}: "
                              f"{tables.one_line(err.strerror or err)}") from None
    finally:
        con.close()
    result = ExportResult(n)
    result.left_out = left_out
    return result


def _count(con, condition: str, params: list) -> int:
    return con.execute(f"{tables.base_query(con)}\nSELECT count(*) FROM base WHERE {condition}", params).fetchone()[0]
