"""`write_local`: the Spark run's rows into the store, and the contract's files and brief read back from it, by the
local engine's own code (Store.write_run, pipeline.export_run), so that they are the files `detente run` writes.

One transaction holds the rows, the export and the run's record (the local engine commits a batch at a time: the
Spark run's rows are all there at once); the files are moved into OUT once it has committed, by
pipeline.publish.
"""
from __future__ import annotations

from datetime import datetime, timezone

from detente.store import Store


def commit(result, rows: dict, inputs: list[str], started: str, lock, signals) -> None:
    from detente.pipeline import RunResult, export_run, publish

    run = RunResult(result.run_id, result.out_dir, result.db_path)
    docs = rows["documents"]
    store = Store(result.db_path, lock=lock) if docs else None  # no record at all: empty files, and no store

    def write(tmp) -> None:
        if store is not None:
            store.write_run(result.run_id, docs, rows["mentions"], rows["quotes"], rows["events"],
                            originals=rows["originals"])
        export_run(store, [d.doc_id for d in docs], tmp, run)
        if store is not None:
            finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
            store.record_run(result.run_id, {"started": started, "finished": finished, "inputs": list(inputs),
                                             "counts": run.counts()})

    try:
        publish(result.out_dir, store, write, signals)
    finally:
        if store is not None:
            store.close()
    # what the files hold (incidents counted over the whole store, as the local engine reports them)
    result.totals, result.unread, result.unread_count = run.counts(), run.unread, run.unread_count
