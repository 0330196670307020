"""The command line: `detente actor` resolves by date; `detente run` writes the contract's files, with files that
the umask lets others read, and says by its exit code whether every record was read."""
import json
import os
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()


def actor(*args):
    result = runner.invoke(app, ["actor", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_actor_resolves_the_office_holder_at_the_date():
    lavrov = actor("the Russian foreign minister", "--date", "2021-05-19")
    assert (lavrov["name"], lavrov["country"], lavrov["sector"]) == ("Sergey Lavrov", "RUS", "GOV")
    assert actor("the Russian foreign minister", "--date", "2003-01-01")["name"] == "Igor Ivanov"
    assert actor("Anthony Blinken", "--date", "2021-05-19")["actor_id"] == "antony-blinken"


def test_actor_says_so_when_nothing_resolves():
    result = runner.invoke(app, ["actor", "the quick brown fox"])
    assert result.exit_code == 1 and json.loads(result.stdout)["actor_id"] is None


def test_run_writes_every_contract_file(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Home\nWorld\nSearch\n\nLavrov and Blinken meet in Geneva\n\n"
                    "Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva "
                    "on Friday, the Russian Foreign Ministry said.\n"
                    "\"The talks were useful,\" Lavrov told reporters after the meeting.\n"
                    "Share this story!\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(page), "--out", str(out), "--stats-json", str(tmp_path / "stats.json")])
    assert result.exit_code == 0, result.output
    for name in ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl", "incidents.jsonl",
                 "detente.duckdb", "brief.md", "brief.html"):
        assert (out / name).exists(), name
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert doc["status"] == "article" and "Share this story" not in doc["text"]
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["counts"]["article"] == 1 and stats["counts"]["events"] >= 1 and stats["unchanged"] == 0
    assert {"read+clean", "dedupe", "annotate+code", "store", "export+brief", "total"} <= set(stats["seconds"])
    assert stats["parse"]["documents"] == 1 and stats["cpu_seconds"]["main"] > 0
    # again: the page is in the store, unchanged, and is not coded again
    again = runner.invoke(app, ["run", str(page), "--out", str(out), "--stats-json", str(tmp_path / "stats.json")])
    assert again.exit_code == 0 and "unchanged since an earlier run" in again.output
    assert json.loads((tmp_path / "stats.json").read_text())["unchanged"] == 1


def test_run_reads_standard_input(tmp_path):
    page = ("<html><head><title>Envoys meet</title></head><body><nav>Home | World</nav><article>"
            "<p>Chinese Foreign Minister Wang Yi met US Secretary of State Antony Blinken in Bali on Thursday, "
            "the first talks between the two since the G20 summit.</p></article></body></html>")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "-", "--out", str(out)], input=page.encode("utf-8"))
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert doc["source"] == "-" and doc["status"] == "article" and "Wang Yi" in doc["text"]


# --- Exit codes: 0 every record read, 3 finished with some records unread, 1 the run failed (one line), 2 usage. ---

ARTICLE = ("Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva on Friday, "
           "the Russian Foreign Ministry said.\n")


def test_run_exits_3_when_some_records_could_not_be_read(tmp_path):
    (tmp_path / "page.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    missing = tmp_path / "missing.html"
    result = runner.invoke(app, ["run", str(tmp_path / "page.txt"), str(tmp_path / "image.bin"), str(missing),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "2 of 3 records could not be read" in result.stderr
    assert f"{missing}: no such file or folder" in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert sorted(r["status"] for r in rows) == ["article", "not_text", "not_text"]  # the run still wrote every row


def test_run_exits_0_when_every_record_was_read_even_with_notes(tmp_path):
    """An article whose `error` holds a note (a replaced byte) was read; so was an empty file, with nothing in it."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_bytes(("Café talks: " + ARTICLE).encode("utf-8").replace(b"Friday", b"Fri\xffday"))
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert {r["status"] for r in rows} == {"article", "empty"}
    assert any("invalid byte replaced" in (r["error"] or "") for r in rows)


def test_a_failed_run_exits_1_with_one_line_and_no_traceback(tmp_path, monkeypatch):
    import detente.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full\n  (second line of the message)")

    monkeypatch.setattr(detente.pipeline, "run", broken)
    monkeypatch.delenv("DETENTE_DEBUG", raising=False)
    result = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["detente run: failed: RuntimeError: the disk is full (second line of the "
                                          "message) (--debug shows the traceback)"]
    assert "Traceback" not in result.output
    # --debug, or DETENTE_DEBUG=1, lets the exception (and so its traceback) through
    assert isinstance(runner.invoke(app, ["run", str(tmp_path), "--debug"]).exception, RuntimeError)
    monkeypatch.setenv("DETENTE_DEBUG", "1")
    assert isinstance(runner.invoke(app, ["run", str(tmp_path)]).exception, RuntimeError)


def test_a_store_locked_by_another_process_exits_1_with_one_line(tmp_path):
    store = tmp_path / "news.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", str(store)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        (tmp_path / "page.txt").write_text(ARTICLE, encoding="utf-8")
        result = runner.invoke(app, ["run", str(tmp_path / "page.txt"), "--out", str(tmp_path / "out"),
                                     "--db", str(store)])
    finally:
        holder.communicate("", timeout=30)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("detente run: ") and str(store) in lines[0], lines
    assert "Traceback" not in result.output


def test_the_stores_own_error_is_the_line_as_it_is(tmp_path, monkeypatch):
    import detente.pipeline
    import detente.store

    locked = getattr(detente.store, "StoreLocked", None)
    if locked is None:
        pytest.skip("detente.store has no StoreLocked")

    def held(*args, **kwargs):
        raise locked("the store s.duckdb is in use by process 42: wait for it to finish, or use another store (--db)")

    monkeypatch.setattr(detente.pipeline, "run", held)
    result = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["detente run: the store s.duckdb is in use by process 42: wait for it to "
                                          "finish, or use another store (--db)"]


def test_help_tells_the_exit_codes_and_gives_an_example_for_every_command():
    top = runner.invoke(app, ["--help"], terminal_width=120)
    assert top.exit_code == 0 and "Exit codes" in top.stdout and "detente run " in top.stdout
    run_help = runner.invoke(app, ["run", "--help"], terminal_width=120).stdout
    for line in ("0  every record was read", "3  the run finished, but some records could not be read",
                 "1  the run failed", "2  a bad command line"):
        assert line in run_help
    for command in ("run", "actor", "eval", "audit"):
        page = runner.invoke(app, [command, "--help"], terminal_width=120)
        assert page.exit_code == 0 and "Example" in page.stdout and f"detente {command} " in page.stdout, command


# --- Output files honour the umask, like the store and any file a program writes. ---

def test_output_files_get_the_mode_the_umask_gives(tmp_path):
    from detente.store.files import write_atomic, write_jsonl

    old = os.umask(0o022)
    try:
        for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
            os.umask(umask)
            write_atomic(tmp_path / "brief.md", "# brief\n")  # a new file, then one that replaces it
            write_jsonl(tmp_path / "events.jsonl", [{"a": 1}])
            assert stat.S_IMODE((tmp_path / "brief.md").stat().st_mode) == mode
            assert stat.S_IMODE((tmp_path / "events.jsonl").stat().st_mode) == mode
        assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md", "events.jsonl"]  # no temporary file left
    finally:
        os.umask(old)


def test_a_run_writes_its_files_with_the_stores_mode(tmp_path):
    (tmp_path / "page.txt").write_text(ARTICLE, encoding="utf-8")
    old = os.umask(0o022)
    try:
        result = runner.invoke(app, ["run", str(tmp_path / "page.txt"), "--out", str(tmp_path / "out")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in (tmp_path / "out").iterdir()}
    assert set(modes.values()) == {"0o644"}, modes
