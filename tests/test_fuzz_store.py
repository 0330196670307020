"""The store under stress: one document however its path is spelled, stores of older and newer versions, two runs
at once, a run killed (SIGTERM, SIGKILL) in the middle of its store phase, quiet pool workers when their run dies,
and runs over overlapping inputs whose files agree with the store on every incident.

Runs are in-process (the model loads once per process) except where a process must be killed: there `detente run`
runs in a subprocess that pauses inside its store transaction, after writing its rows and before committing, so
that the kill lands in the store phase every time. The two start together (each loads the model) and wait for a go
file, written once the store they are to work on is ready. Quiet pool workers are checked on the pipeline's own pool
in a small subprocess that loads no model.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from detente.pipeline import TEMP_PREFIX, run
from detente.store import Store, StoreLocked, StoreTooNew
from detente.store.database import MIGRATIONS

CORPUS = REPO / "examples" / "corpus"
GENEVA, HEATWAVE, ALASKA = ("alpinetribune_geneva-summit.html", "alpinetribune_weather-heatwave.html",
                            "pacificledger_alaska-summit.html")
JSONL_OUTPUTS = ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl", "incidents.jsonl")
TABLES = ("documents", "entities", "events", "quotes", "incidents")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def snapshot(db: Path, skip: tuple[str, ...] = ("run_id",)) -> dict[str, list]:
    """Every row of every contract table, in a stable order, without the columns in `skip`."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in TABLES:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] not in skip]
            names = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(con.execute(f"SELECT {names} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in JSONL_OUTPUTS if (out / name).exists()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX) or p.name.endswith(".tmp"))


class Stages:
    """A progress object that records which stages started: none means the run did no work."""

    def __init__(self):
        self.started = []

    def start(self, stage, total):
        self.started.append(stage)

    def advance(self, stage):
        pass

    def finish(self, stage):
        pass


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Three pages from the sample corpus and a small JSONL file (one record with a URL, one without)."""
    folder = tmp_path_factory.mktemp("inputs") / "corpus"
    folder.mkdir()
    for name in (GENEVA, HEATWAVE, ALASKA):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "feed.jsonl").write_text(
        json.dumps({"url": "https://example.org/riga", "published": "2021-11-30", "title": "NATO in Riga",
                    "text": "NATO foreign ministers met in Riga on Tuesday and warned Russia against any further "
                            "military build-up near Ukraine."}) + "\n"
        + json.dumps({"published": "2022-01-10", "title": "Geneva talks",
                      "text": "Russian Deputy Foreign Minister Sergei Ryabkov and US Deputy Secretary of State Wendy "
                              "Sherman held talks in Geneva on Monday on security guarantees."}) + "\n",
        encoding="utf-8")
    return folder


def first_inputs(corpus: Path) -> list[str]:
    return [str(corpus / GENEVA), str(corpus / HEATWAVE)]


def second_inputs(corpus: Path) -> list[str]:
    """Overlaps the first (the heatwave page) and reports the first's Geneva meeting again."""
    return [str(corpus / HEATWAVE), str(corpus / ALASKA)]


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict:
    """Two clean runs, one after the other, into one store and one output folder, with the state after each."""
    base = tmp_path_factory.mktemp("reference")
    db, out = base / "d.duckdb", base / "out"
    run(first_inputs(corpus), out, db)
    after_first = base / "after_first"
    after_first.mkdir()
    shutil.copy(db, after_first / "d.duckdb")
    shutil.copytree(out, after_first / "out")
    run(second_inputs(corpus), out, db)
    return {"db": db, "out": out, "after_first": after_first}


# --- identity -----------------------------------------------------------------------------------------------------
def test_path_spellings_give_one_set_of_rows(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    (tmp_path / "link").symlink_to(corpus)
    db = tmp_path / "d.duckdb"
    spellings = ["corpus", "./corpus/", str(corpus), str(tmp_path / "link")]
    first = run([spellings[0]], tmp_path / "out0", db)
    once = snapshot(db, skip=("run_id", "source"))
    assert len(once["documents"]) == len(first.documents) == 5
    for n, spelling in enumerate(spellings[1:], 1):
        result = run([spelling], tmp_path / f"out{n}", db)
        assert snapshot(db, skip=("run_id", "source")) == once, spelling
        assert result.counts() == first.counts()
        # the files agree row for row; `source` keeps each run's spelling of the path
        out = tmp_path / f"out{n}"
        for name in ("events.jsonl", "entities.jsonl", "quotes.jsonl", "incidents.jsonl"):
            assert outputs(out)[name] == outputs(tmp_path / "out0")[name], (spelling, name)
        docs, first_docs = rows(out / "documents.jsonl"), rows(tmp_path / "out0" / "documents.jsonl")
        assert [{**d, "source": None} for d in docs] == [{**d, "source": None} for d in first_docs]
        assert all(d["source"].startswith(spelling.rstrip("/") + "/") for d in docs)
    # the same folder twice in one run is read once
    twice = run(["corpus", str(corpus)], tmp_path / "twice", db)
    assert twice.counts() == first.counts() and snapshot(db, skip=("run_id", "source")) == once


# --- schema versions -----------------------------------------------------------------------------------------------
def test_an_old_store_without_author_or_migrations_is_migrated_and_the_author_lands_in_its_column(corpus, tmp_path):
    db = tmp_path / "old.duckdb"
    schema = MIGRATIONS[0][1]
    old = schema.replace("title VARCHAR, outlet VARCHAR, author VARCHAR,", "title VARCHAR, outlet VARCHAR,")
    assert old != schema
    con = duckdb.connect(str(db))
    con.execute(old)
    con.execute("INSERT INTO documents (doc_id, source, status, title, outlet, published) "
                "VALUES ('old', 'old.txt', 'article', 'Old title', 'Old outlet', '2020-01-01')")
    con.close()
    run([str(corpus / GENEVA)], tmp_path / "out", db)
    (doc,) = rows(tmp_path / "out" / "documents.jsonl")
    assert doc["author"] == "Lukas Brenner"
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
        assert names == [name for name, _ in MIGRATIONS]
        assert [c[0] for c in con.execute("DESCRIBE documents").fetchall()][-1] == "author"  # appended
        stored = con.execute("SELECT author, title, outlet, published, language, status, text FROM documents "
                             "WHERE doc_id = ?", [doc["doc_id"]]).fetchone()
        assert stored == tuple(doc[k] for k in ("author", "title", "outlet", "published", "language", "status", "text"))
        assert con.execute("SELECT author, title, outlet FROM documents WHERE doc_id = 'old'").fetchone() == \
            (None, "Old title", "Old outlet")
    finally:
        con.close()


def test_a_store_from_a_newer_version_is_refused_in_one_line_before_any_work(corpus, tmp_path):
    db = tmp_path / "new.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES ('0042_from_a_later_version', current_timestamp)")
    con.close()
    stages = Stages()
    with pytest.raises(StoreTooNew) as err:
        run([str(corpus / GENEVA)], tmp_path / "out", db, progress=stages)
    message = str(err.value)
    assert "\n" not in message and "newer version" in message and "0042_from_a_later_version" in message
    assert stages.started == [] and not list((tmp_path / "out").glob("*.jsonl"))
    assert not (tmp_path / ".new.duckdb.lock").exists()


# --- a run killed in its store phase, and a second run meanwhile ---------------------------------------------------
PRELUDE = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import detente.pipeline as pipeline

    pipeline._stages()  # the model loads now, while the test gets the store ready
    go = Path(os.environ["GO"])
    while not go.exists():
        time.sleep(0.02)
    marker = Path(os.environ["MARKER"])
""")
PAUSE_IN_STORE = PRELUDE + textwrap.dedent("""
    import detente.store.database as database
    update_incidents = database.Store.update_incidents

    def paused(self, *args, **kwargs):  # the rows are written, the transaction is open: wait to be killed
        update_incidents(self, *args, **kwargs)
        marker.write_text(str(os.getpid()))
        time.sleep(300)

    database.Store.update_incidents = paused
    from detente.cli import app
    sys.argv = ["detente", *sys.argv[1:]]
    app()
""")
SLOW_POOL = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import detente.pipeline as pipeline

    marker = Path(sys.argv[1])

    def slow(n):  # in a worker: say so, then take long enough for the run to be killed meanwhile
        (marker / str(os.getpid())).write_text("")
        time.sleep(2)
        return n

    with pipeline._pool(2) as pool:  # the pool the pipeline's stages run in
        print(list(pool.imap(slow, range(4))))
""")


class Launched:
    """`detente run` in a subprocess, started at once (it loads the model) and run when `go()` is called."""

    def __init__(self, base: Path, script: str, args: list[str], marker: Path):
        self.base, self.tmp, self.marker, self.go_file = base, base / "tmpdir", marker, base / "go"
        self.tmp.mkdir()
        env = {**os.environ, "MARKER": str(marker), "GO": str(self.go_file), "TMPDIR": str(self.tmp)}
        self.proc = subprocess.Popen([sys.executable, "-c", script, "run", *args], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def go(self) -> None:
        self.go_file.write_text("")

    def ended(self) -> str:
        if self.proc.poll() is None:
            return ""
        return f"the run ended early ({self.proc.returncode}): {self.proc.stderr.read()[-2000:]}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


class Paused(Launched):
    """A run of the second inputs, stopped inside its store transaction, over a copy of the reference's state after
    its first run (so that "old rows" are rows)."""

    def __init__(self, base: Path, inputs: list[str]):
        self.db, self.out = base / "d.duckdb", base / "out"
        super().__init__(base, PAUSE_IN_STORE, [*inputs, "--out", str(self.out), "--db", str(self.db)], base / "paused")
        self.started = False

    def pause(self, reference: dict, timeout: float = 120) -> None:
        """Start the run over the reference's first state, and wait until it is inside its store transaction."""
        if not self.started:
            shutil.copy(reference["after_first"] / "d.duckdb", self.db)
            shutil.copytree(reference["after_first"] / "out", self.out)
            self.go()
            self.started = True
        deadline = time.monotonic() + timeout
        while not self.marker.exists():
            if self.ended():
                pytest.fail(self.ended())
            if time.monotonic() > deadline:
                pytest.fail("the run did not reach its store phase")
            time.sleep(0.02)

    def kill(self, reference: dict, signum: int) -> tuple[int, str]:
        self.pause(reference)
        self.proc.send_signal(signum)
        _, stderr = self.proc.communicate(timeout=60)
        return self.proc.returncode, stderr


@pytest.fixture(scope="module")
def launched(corpus, tmp_path_factory):
    """Two runs of the second inputs to pause in their store phase: one for SIGTERM (and a second run meanwhile), one
    for SIGKILL."""
    runs = {"term": Paused(tmp_path_factory.mktemp("term"), second_inputs(corpus)),
            "kill": Paused(tmp_path_factory.mktemp("kill"), second_inputs(corpus))}
    yield runs
    for r in runs.values():
        r.stop()


def assert_as_before_and_next_run_matches_a_clean_one(p: Paused, reference: dict, corpus: Path) -> None:
    assert snapshot(p.db) == snapshot(reference["after_first"] / "d.duckdb")  # the old rows, all of them
    assert outputs(p.out) == outputs(reference["after_first"] / "out")  # no partial or newer file
    result = run(second_inputs(corpus), p.out, p.db)
    assert result.documents
    assert snapshot(p.db) == snapshot(reference["db"])
    assert outputs(p.out) == outputs(reference["out"])
    assert leftovers(p.out) == [] and not (p.base / ".d.duckdb.lock").exists()


def test_a_second_run_on_a_busy_store_is_refused_at_once_naming_the_holder(launched, reference, corpus, tmp_path):
    holder = launched["term"]
    holder.pause(reference)
    stages = Stages()
    t = time.perf_counter()
    with pytest.raises(StoreLocked) as err:
        run(second_inputs(corpus), tmp_path / "out", holder.db, progress=stages)
    assert time.perf_counter() - t < 2
    message = str(err.value)
    assert "\n" not in message and f"process {holder.proc.pid}" in message and str(holder.db) in message
    assert stages.started == [] and not (tmp_path / "out").exists()
    # the command line says so in one line, and fails
    from typer.testing import CliRunner
    from detente.cli import app
    cli = CliRunner().invoke(app, ["run", *second_inputs(corpus), "--out", str(tmp_path / "out"), "--db", str(holder.db)])
    assert cli.exit_code == 1
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 1 and f"process {holder.proc.pid}" in lines[0], cli.stderr


def test_sigterm_in_the_store_phase_leaves_the_old_store_and_files_and_no_temporary_files(launched, reference, corpus):
    p = launched["term"]
    code, stderr = p.kill(reference, signal.SIGTERM)
    assert code == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert leftovers(p.out) == [] and list(p.tmp.iterdir()) == []
    assert not (p.base / ".d.duckdb.lock").exists()
    assert_as_before_and_next_run_matches_a_clean_one(p, reference, corpus)


def test_sigkill_in_the_store_phase_leaves_the_old_store_and_files(launched, reference, corpus):
    p = launched["kill"]
    code, stderr = p.kill(reference, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert list(p.tmp.iterdir()) == []  # nothing in the system's temporary folder, even so
    # the killed run's own temporary folder may stay in OUT: the next run removes it
    assert_as_before_and_next_run_matches_a_clean_one(p, reference, corpus)


# --- pool workers ----------------------------------------------------------------------------------------------------
def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in state  # a zombie has exited


def test_pool_workers_exit_quietly_when_their_run_is_killed(tmp_path):
    marker = tmp_path / "workers"
    marker.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_POOL, str(marker)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(marker.iterdir())) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    workers = [int(w.name) for w in marker.iterdir()]
    assert len(workers) == 2, proc.stderr.read() if proc.poll() is not None else "the workers did not start"
    proc.kill()  # SIGKILL: the run cannot tell its workers
    _, stderr = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while not all(_gone(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(w) for w in workers)  # communicate() also waited for them: they share the pipe
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


# --- the files and the store agree ---------------------------------------------------------------------------------
def test_after_two_runs_over_overlapping_inputs_the_files_and_the_store_agree(reference):
    db, out = reference["db"], reference["out"]
    with Store(db) as store:
        stored = {i.incident_id: i.to_row() for i in store.incidents()}
        stored_events = {e.event_id: e.incident_id for e in store.events()}
        documents = store.count("documents")
    assert documents == 3  # the page both runs read is one document
    events = rows(out / "events.jsonl")
    incidents = rows(out / "incidents.jsonl")
    assert events and incidents
    for e in events:
        assert e["incident_id"] == stored_events[e["event_id"]]
    assert {i["incident_id"] for i in incidents} == {e["incident_id"] for e in events if e["incident_id"]}
    for i in incidents:
        assert i == stored[i["incident_id"]]
    # the Geneva meeting of the first run, reported again in the second, is one incident with one id throughout
    first_run = rows(reference["after_first"] / "out" / "incidents.jsonl")
    (geneva,) = [i for i in first_run if i["plover"] == "CONSULT" and i["date"] == "2021-06-16"]
    assert geneva["num_articles"] == 1
    now = stored[geneva["incident_id"]]
    assert now["num_articles"] == 2 and now in incidents
    brief = (out / "brief.md").read_text(encoding="utf-8")
    assert "Timeline" in brief


# --- readers ------------------------------------------------------------------------------------------------------
def test_a_reader_holding_the_store_makes_a_run_wait_not_fail(corpus, reference, tmp_path):
    """A notebook with the store open read-only, closing it two seconds later: the run waits for it and commits."""
    db = tmp_path / "d.duckdb"
    shutil.copy(reference["after_first"] / "d.duckdb", db)
    opened = tmp_path / "opened"
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time, duckdb
        con = duckdb.connect({str(db)!r}, read_only=True)
        con.execute("SELECT count(*) FROM events").fetchone()
        pathlib.Path({str(opened)!r}).write_text("open")
        time.sleep(2)
        con.close()
        """)])
    try:
        deadline = time.monotonic() + 60
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.exists(), "the reader never opened the store"
        result = run(second_inputs(corpus), tmp_path / "out", db)
    finally:
        reader.wait(timeout=60)
    assert result.documents
    counts = []
    for path in (db, reference["db"]):
        with duckdb.connect(str(path), read_only=True) as con:
            counts.append(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    assert counts[0] == counts[1], f"the run did not land in the store: {counts[0]} documents, want {counts[1]}"
