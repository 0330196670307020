"""Incremental runs: a second run over a folder codes only its new and changed records, dedupes them against the
store, and updates the incidents they touch; a run stopped between its batches (SIGTERM, SIGKILL) leaves a
consistent store, and the next run resumes where it stopped and ends as a clean run would."""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from detente import pipeline
from detente.pipeline import run

CORPUS = REPO / "examples" / "corpus"
PAGES = ("alpinetribune_geneva-summit.html", "pacificledger_alaska-summit.html", "tass_new-start-suspension.txt",
         "northbridge_us-expels-russian-diplomats.html")
TABLES = ("documents", "entities", "events", "quotes")


def state(db: Path) -> dict:
    """The store's contract rows (without run ids and incident ids), and its incidents as groups of event ids, so
    two stores that merged the same events into incidents compare equal whatever ids history gave them."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in TABLES:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()
                       if c[0] not in ("run_id", "incident_id", "source")]
            out[table] = sorted(con.execute(f"SELECT {', '.join(repr(c).replace(chr(39), chr(34)) for c in columns)} "
                                            f"FROM {table}").fetchall(), key=repr)
        groups = defaultdict(list)
        for event_id, incident_id in con.execute("SELECT event_id, incident_id FROM events").fetchall():
            if incident_id:
                groups[incident_id].append(event_id)
        out["incidents"] = sorted(tuple(sorted(g)) for g in groups.values())
        counts = con.execute("SELECT num_mentions, num_sources, num_articles, event_ids FROM incidents").fetchall()
        out["incident_counts"] = sorted((m, s, a, tuple(sorted(json.loads(ids)))) for m, s, a, ids in counts)
        assert sum(len(g) for g in out["incidents"]) == sum(c[0] for c in counts)  # no stale incident left
        return out
    finally:
        con.close()


def pending(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM incident_pending").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "news"
    f.mkdir()
    for name in PAGES[:3]:
        shutil.copy(CORPUS / name, f / name)
    return f


def test_a_second_run_codes_only_new_and_changed_records_and_matches_a_clean_run(folder, tmp_path):
    db = tmp_path / "d.duckdb"
    first = run([str(folder)], tmp_path / "o1", db)
    assert first.skipped == 0 and first.parse_stats["documents"] == 3

    again = run([str(folder)], tmp_path / "o2", db)  # nothing changed: nothing is coded
    assert again.skipped == 3 and again.parse_stats.get("documents", 0) == 0
    assert [d.doc_id for d in again.documents] == [d.doc_id for d in first.documents]
    assert (tmp_path / "o2" / "events.jsonl").read_bytes() == (tmp_path / "o1" / "events.jsonl").read_bytes()

    # a new page, a syndicated copy of a stored page, and a changed page
    shutil.copy(CORPUS / PAGES[3], folder / PAGES[3])
    geneva = (CORPUS / PAGES[0]).read_text(encoding="utf-8")
    (folder / "wire-copy.html").write_text(geneva.replace("<body>", "<body><p>Reprinted from the Alpine Tribune.</p>"),
                                          encoding="utf-8")
    tass = folder / PAGES[2]
    tass.write_text(tass.read_text(encoding="utf-8") + "\nRussia expelled two Estonian diplomats on Friday, the "
                    "Russian Foreign Ministry said.\n", encoding="utf-8")
    old_tass = next(d.doc_id for d in first.documents if d.source.endswith(PAGES[2]))
    third = run([str(folder)], tmp_path / "o3", db)
    assert third.skipped == 2 and third.parse_stats["documents"] == 2  # the new page and the changed one
    by_name = {Path(d.source).name: d for d in third.documents}
    geneva_id = next(d.doc_id for d in first.documents if d.source.endswith(PAGES[0]))
    assert by_name["wire-copy.html"].status == "duplicate" and by_name["wire-copy.html"].duplicate_of == geneva_id
    assert by_name[PAGES[2]].doc_id != old_tass
    con = duckdb.connect(str(db), read_only=True)
    try:  # the changed record's earlier version is gone, with its rows
        assert con.execute("SELECT count(*) FROM documents WHERE doc_id = ?", [old_tass]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM events WHERE doc_id = ?", [old_tass]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM dedupe_index WHERE doc_id = ?", [old_tass]).fetchone()[0] == 0
    finally:
        con.close()
    assert any("Estonia" in e.sentence for e in third.events)

    clean_db = tmp_path / "clean.duckdb"
    run([str(folder)], tmp_path / "o4", clean_db)
    assert state(db) == state(clean_db)


def test_rebuild_codes_everything_again_and_keeps_the_store_as_it_was(folder, tmp_path):
    db = tmp_path / "d.duckdb"
    run([str(folder)], tmp_path / "o1", db)
    before = state(db)
    again = run([str(folder)], tmp_path / "o2", db, rebuild=True)
    assert again.skipped == 0 and again.parse_stats["documents"] == 3
    assert state(db) == before


# --- stopped between batches, then resumed ---------------------------------------------------------------------------
STOP_AFTER_FIRST_BATCH = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import detente.pipeline as pipeline
    import detente.store.database as database

    pipeline.RUN_BATCH_DOCUMENTS = 1
    marker = Path(os.environ["MARKER"])
    write_run = database.Store.write_run

    def committed(self, *args, **kwargs):  # the first batch is in the store: wait to be stopped
        write_run(self, *args, **kwargs)
        marker.write_text(str(os.getpid()))
        time.sleep(300)

    database.Store.write_run = committed
    from detente.cli import app
    sys.argv = ["detente", *sys.argv[1:]]
    app()
""")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_stopped_after_a_batch_keeps_it_and_the_next_run_resumes(folder, tmp_path, signum):
    db, out, marker = tmp_path / "d.duckdb", tmp_path / "out", tmp_path / "committed"
    proc = subprocess.Popen([sys.executable, "-c", STOP_AFTER_FIRST_BATCH, "run", str(folder), "--out", str(out),
                             "--db", str(db), "--workers", "1"], env={**os.environ, "MARKER": str(marker)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            assert time.monotonic() < deadline, "the run did not commit its first batch"
            time.sleep(0.05)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == (128 + signum if signum == signal.SIGTERM else -signum)
    assert "Traceback" not in stderr
    if signum == signal.SIGTERM:  # (SIGKILL leaves the lock file, but no lock: flock dies with its process)
        assert not (tmp_path / ".d.duckdb.lock").exists()
    kept = state(db)  # consistent: every incident's events and counts agree (state() checks)
    assert len(kept["documents"]) == 1
    assert pending(db)  # the batch's incidents wait for the run's last batch: the next run's
    assert not list(out.glob("*.jsonl"))  # the files are written once the run is whole

    resumed = run([str(folder)], out, db)
    assert resumed.skipped == 1 and resumed.parse_stats["documents"] == 2
    clean_db = tmp_path / "clean.duckdb"
    run([str(folder)], tmp_path / "clean", clean_db)
    assert state(db) == state(clean_db) and not pending(db)
    for name in ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl"):
        assert [{k: v for k, v in json.loads(line).items() if k != "incident_id"} for line in
                (out / name).read_text().splitlines()] == \
               [{k: v for k, v in json.loads(line).items() if k != "incident_id"} for line in
                (tmp_path / "clean" / name).read_text().splitlines()], name


def test_memory_is_bounded_by_the_batch_not_the_run(tmp_path, monkeypatch):
    """The dedupe index in memory holds at most two batches (the one committed and the one being coded)."""
    from detente.dedupe import deduper as dedupe_module
    sizes = []
    forget = dedupe_module.Deduper.forget

    def watched(self, keep=()):
        forget(self, keep)
        sizes.append(len(self._signatures))

    monkeypatch.setattr(dedupe_module.Deduper, "forget", watched)
    monkeypatch.setattr(pipeline, "RUN_BATCH_DOCUMENTS", 2)
    folder = tmp_path / "many"
    folder.mkdir()
    lines = [json.dumps({"url": f"https://example.org/{n}", "text": f"Story number {n}. " + " ".join(
        f"word{n}x{k}" for k in range(60))}) for n in range(12)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run([str(folder)], tmp_path / "out", tmp_path / "d.duckdb", workers=1)
    assert result.counts()["article"] == 12
    assert len(sizes) >= 6 and max(sizes) <= 2
