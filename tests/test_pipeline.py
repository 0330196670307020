"""End to end: `detente run` over the seeds, the sample corpus and broken input; the output contract holds."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from detente.pipeline import run


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seeds_run(shared_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "out"
    return run([str(shared_dir / "seeds")], out), out


def test_seed_output_keeps_the_contract(seeds_run, shared_dir):
    _, out = seeds_run
    proc = subprocess.run([sys.executable, str(shared_dir / "tools" / "check_contract.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().endswith("0 problems")


def test_every_seed_is_one_article_row(seeds_run):
    result, out = seeds_run
    docs = rows(out / "documents.jsonl")
    assert len(docs) == 5 and {d["status"] for d in docs} == {"article"}
    assert result.events and result.mentions and result.quotes


def test_every_event_cites_its_sentence(seeds_run):
    _, out = seeds_run
    text = {d["doc_id"]: d["text"] for d in rows(out / "documents.jsonl")}
    for e in rows(out / "events.jsonl"):
        start, end = e["span"]
        assert text[e["doc_id"]][start:end].strip() == e["sentence"].strip()


def test_rerun_into_the_same_store_adds_nothing(seeds_run, shared_dir, tmp_path):
    import duckdb
    result, out = seeds_run
    db = tmp_path / "store.duckdb"
    run([str(shared_dir / "seeds")], tmp_path / "a", db)
    first = _counts(db)
    run([str(shared_dir / "seeds")], tmp_path / "b", db)
    assert _counts(db) == first
    assert first["documents"] == 5 and first["events"] == len(result.events)
    duckdb.connect(str(db)).close()


def _counts(db):
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "entities", "events", "quotes", "incidents")}
    finally:
        con.close()


def test_broken_inputs_get_their_own_rows_and_the_run_goes_on(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (src / "empty.txt").write_bytes(b"")
    (src / "cyrillic.txt").write_bytes(
        ("Москва, 12 марта. Министр иностранных дел России провёл переговоры с коллегой из Финляндии.\n"
         "Стороны обсудили безопасность на границе и договорились продолжить консультации.\n").encode("cp1251"))
    (src / "truncated.html").write_text(
        "<html><head><title>Talks resume</title></head><body><article><p>Russian and American diplomats met "
        "in Vienna on Friday to discuss the future of arms control, officials from both sides said.</p>"
        "<p>The delegations agreed to meet again next month, according to a statement from the Russian "
        "Foreign Ministry, which called the atmosphere business-like", encoding="utf-8")
    (src / "feed.jsonl").write_text(
        json.dumps({"url": "https://example.org/1", "published": "2022-01-10", "title": "Geneva talks",
                    "text": "Russian Deputy Foreign Minister Sergei Ryabkov and US Deputy Secretary of State "
                            "Wendy Sherman held talks in Geneva on Monday on security guarantees."}) + "\n"
        + '{"url": "https://example.org/2", "text": "unterminated\n'
        + json.dumps({"url": "https://example.org/3", "text": "NATO foreign ministers met in Riga on Tuesday "
                      "and warned Russia against any further military build-up near Ukraine."}) + "\n",
        encoding="utf-8")
    out = tmp_path / "out"
    run([str(src)], out)
    docs = {d["source"].replace(str(src) + "/", ""): d for d in rows(out / "documents.jsonl")}
    assert docs["binary.txt"]["status"] == "not_text" and docs["binary.txt"]["error"]
    assert docs["empty.txt"]["status"] == "empty"
    assert "Министр иностранных дел" in docs["cyrillic.txt"]["text"]
    assert "Vienna" in docs["truncated.html"]["text"]
    assert docs["feed.jsonl#2"]["status"] == "not_text" and docs["feed.jsonl#2"]["error"]
    assert docs["feed.jsonl#1"]["status"] == docs["feed.jsonl#3"]["status"] == "article"
    assert len(docs) == 7


def test_sample_corpus_has_every_kind_of_record(tmp_path):
    corpus = REPO / "examples" / "corpus"
    out = tmp_path / "out"
    result = run([str(corpus)], out)
    statuses = {d.status for d in result.documents}
    assert {"article", "duplicate", "error_page"} <= statuses
    not_articles = {d.doc_id for d in result.documents if d.status != "article"}
    assert not any(e.doc_id in not_articles for e in result.events)  # duplicates add no mentions
    assert sum(d.status == "article" for d in result.documents) >= 10
    brief = (out / "brief.html").read_text(encoding="utf-8")
    assert "<svg" in brief and "Timeline" in brief
