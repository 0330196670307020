"""The Spark engine (detente.spark) against the local engine: the same documents, events and incidents over the
sample corpus on local[2], Parquet datasets with the contract's rows, the dedupe's groups giving the local order's
originals on a corpus made to hold every kind of copy, and a later run into the same store checked against it.

Skips when pyspark or Java 17+ is missing (`pip install detente[spark]`; Spark 4 runs on Java 17 or 21).
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="needs pyspark (pip install detente[spark])")


def _java_major() -> int:
    """The major version of the Java that Spark would start (JAVA_HOME's, else the one on PATH); 0 for none."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return 0
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return 0
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not found:
        return 0
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8" is Java 8


if _java_major() < 17:
    pytest.skip("needs Java 17 or later for Spark 4 (on PATH or JAVA_HOME)", allow_module_level=True)

from detente.dedupe import Deduper  # noqa: E402
from detente.spark import DATASETS, jobs, run_spark, session  # noqa: E402
from detente.types import ARTICLE, DUPLICATE, ERROR_PAGE, Document  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
CONF = {"spark.ui.enabled": "false"}


@pytest.fixture(scope="module")
def spark():
    spark, made = session("local[2]", CONF)
    yield spark
    if made:
        spark.stop()


@pytest.fixture(scope="module")
def runs(spark, tmp_path_factory):
    """The sample corpus through both engines, each into its own folder and store."""
    from detente.pipeline import run

    base = tmp_path_factory.mktemp("engines")
    run([str(CORPUS)], base / "local", workers=2)
    result = run_spark([str(CORPUS)], base / "spark", master="local[2]", conf=CONF)
    return base / "local", base / "spark", result


def rows(folder: Path, name: str) -> list[dict]:
    with open(folder / f"{name}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def actor_id(actor):
    return actor and actor["actor_id"]


def test_documents_match(runs):
    local, spark, result = runs
    want = [(d["doc_id"], d["status"], d["duplicate_of"]) for d in rows(local, "documents")]
    assert [(d["doc_id"], d["status"], d["duplicate_of"]) for d in rows(spark, "documents")] == want
    assert any(status == DUPLICATE for _, status, _ in want)  # the corpus holds a copy to find
    assert result.counts()["article"] == sum(status == ARTICLE for _, status, _ in want)


def test_events_match(runs):
    local, spark, _ = runs

    def key(e):
        return e["event_id"], e["cameo"], e["plover"], actor_id(e["source"]), actor_id(e["target"]), e["date"]
    want = [key(e) for e in rows(local, "events")]
    assert want and [key(e) for e in rows(spark, "events")] == want


def test_incidents_match(runs):
    local, spark, _ = runs

    def key(i):
        return i["incident_id"], i["event_ids"], i["num_mentions"], i["num_sources"], i["num_articles"]
    want = [key(i) for i in rows(local, "incidents")]
    assert want and [key(i) for i in rows(spark, "incidents")] == want


def test_local_files_are_the_local_engines(runs):
    """write_local goes through the store and the local export: every row of every file is the same."""
    local, spark, _ = runs
    for name in DATASETS:
        assert rows(spark, name) == rows(local, name), name
    assert (spark / "detente.duckdb").exists() and (spark / "brief.md").exists()


ID_COLUMNS = {"documents": ("doc_id",), "entities": ("doc_id", "span", "actor_id"), "events": ("event_id",),
              "quotes": ("quote_id",), "incidents": ("incident_id",)}


def _by_id(name: str, row: dict) -> tuple:
    return tuple(json.dumps(row[k]) for k in ID_COLUMNS[name])


def test_parquet_has_the_contracts_rows(runs, spark):
    """Each dataset reads back with the columns of the local engine's JSONL rows, in their order, and the same rows
    (Spark computed its own incidents: on a new store they are the store's)."""
    local, out, result = runs
    for name in DATASETS:
        frame = spark.read.parquet(f"{result.parquet_dir}/{name}")
        want = rows(local, name)
        assert frame.columns == list(want[0]), name
        got = [r.asDict(recursive=True) for r in frame.collect()]
        assert len(got) == len(want), name
        assert sorted(got, key=lambda r: _by_id(name, r)) == sorted(want, key=lambda r: _by_id(name, r)), name


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
                       "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".split()) +
            str(rng.randrange(40)) for _ in range(n)]


def _variant(rng: random.Random, words: list[str], changed: float) -> list[str]:
    out = list(words)
    for i in rng.sample(range(len(out)), int(len(out) * changed)):
        out[i] = "w" + str(rng.randrange(10 ** 6))
    return out


def _corpus() -> list[Document]:
    """Originals and every kind of copy: exact, near, at the same address with looser text, chains of near copies,
    an undated copy read first, a record read twice, and an error page with an article's text (which takes no
    part)."""
    rng = random.Random(7)
    docs: list[Document] = []

    def add(words, published=None, url=None, status=ARTICLE, doc_id=None):
        docs.append(Document(doc_id=doc_id or f"d{len(docs):03d}", source=f"s{len(docs)}", url=url,
                             status=status, published=published, text=" ".join(words)))

    for n in range(12):
        base = _words(rng, 200)
        add(_variant(rng, base, 0.02), published=None)                      # an undated copy, read first
        add(base, published=f"2021-0{1 + n % 9}-1{n % 10}", url=f"https://example.org/{n}?utm_source=x")
        add(base, published="2021-12-01")                                   # an exact copy
        add(_variant(rng, base, 0.02), published="2022-01-01")              # a near copy
        add(_variant(rng, base, 0.1), url=f"https://example.org/{n}")       # same address, looser text
        chain = _variant(rng, base, 0.035)
        add(chain, published="2022-02-01")
        add(_variant(rng, chain, 0.035), published="2022-03-01")            # a copy of a copy
        add(_words(rng, 150), published="2020-01-01")                       # unrelated
    stub = _words(rng, 30)
    add(stub, status=ERROR_PAGE, published=None)
    add(stub, published="2019-01-01")                                      # an article with an error page's text
    add(_words(rng, 80), doc_id="twice")
    docs.append(Document(**{**docs[-1].__dict__, "source": "again"}))      # the same record given twice
    return docs


def _local_dedupe(docs: list[Document]) -> list[tuple[str, str, str]]:
    seen: dict[str, Document] = {}
    for d in docs:
        seen.setdefault(d.doc_id, d)
    order = list(seen.values())
    deduper = Deduper()
    for n in sorted(range(len(order)), key=lambda n: (order[n].published is None, order[n].published or "", n)):
        deduper.check(order[n])
    return [(d.doc_id, d.status, d.duplicate_of) for d in order]


def test_dedupe_groups_give_the_local_originals(spark):
    from detente.spark import _dedupe

    want = _local_dedupe(_corpus())
    statuses = [s for _, s, _ in want]
    assert statuses.count(DUPLICATE) >= 40 and statuses.count(ARTICLE) >= 30  # the corpus tests something

    def probed(n_doc):
        n, doc = n_doc
        return (n, 0), (doc, Deduper().probe(doc))
    items = spark.sparkContext.parallelize(list(enumerate(_corpus())), 3).map(probed)
    kept: list = []
    got = _dedupe(items, 3, Deduper().threshold, lambda rdd: kept.append(rdd.cache()) or rdd).collect()
    got = [(doc.doc_id, doc.status, doc.duplicate_of) for _, (doc, _) in sorted(got, key=lambda kv: kv[0])]
    assert got == want
    for rdd in kept:
        rdd.unpersist()


def test_components_in_rounds_are_the_ones_of_one_task(spark):
    """Min-label propagation (for more edges than one task holds) finds the groups union-find finds."""
    from detente.spark import _components

    edges = [((0, 3), (0, 2)), ((0, 2), (1, 0)), ((1, 0), (1, 5)), ((2, 1), (2, 0)), ((3, 3), (2, 0)), ((4, 0), (4, 1))]
    kept: list = []
    rounds = _components(spark.sparkContext.parallelize(edges, 2), 2, lambda rdd: kept.append(rdd.cache()) or rdd,
                         one_task=False)
    assert sorted(rounds.collect()) == sorted(jobs.union_find(edges))
    assert dict(jobs.union_find(edges))[(1, 5)] == (0, 2) and dict(jobs.union_find(edges))[(3, 3)] == (2, 0)
    for rdd in kept:
        rdd.unpersist()


def test_parquet_only(spark, tmp_path):
    """Without write_local only the Parquet datasets are written: no store, no JSONL files."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Russian Foreign Minister Sergei Lavrov met U.S. Secretary of State Antony Blinken "
                                  "in Geneva on Friday.\n", encoding="utf-8")
    result = run_spark([str(folder)], tmp_path / "out", master="local[2]", write_local=False, conf=CONF)
    assert result.db_path is None and result.counts()["article"] == 1 and result.counts()["events"] >= 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["parquet"]
    assert sorted(p.name for p in (tmp_path / "out" / "parquet").iterdir()) == sorted(DATASETS)
    assert spark.read.parquet(f"{result.parquet_dir}/events").count() == result.counts()["events"]


def test_a_later_run_is_checked_against_the_store(runs, tmp_path):
    """Copies of stored articles in a later run into the same store are duplicates of them, as in the local engine."""
    from detente.pipeline import run

    local, spark, _ = runs
    folder = tmp_path / "later"
    folder.mkdir()
    text = (CORPUS / "tass_new-start-suspension.txt").read_text(encoding="utf-8")
    (folder / "copy.txt").write_text(text, encoding="utf-8")
    (folder / "edited.txt").write_text(text.replace("Moscow", "Moskva", 1), encoding="utf-8")
    (folder / "z.bin").write_bytes(bytes(range(256)) * 8)  # a record that cannot be read
    for engine, source in (("local", local), ("spark", spark)):
        (tmp_path / engine).mkdir()
        shutil.copy(source / "detente.duckdb", tmp_path / engine / "detente.duckdb")
    local_result = run([str(folder)], tmp_path / "local", workers=1)
    spark_result = run_spark([str(folder)], tmp_path / "spark", master="local[2]", conf=CONF)
    stored = {d["source"]: d["doc_id"] for d in rows(local, "documents")}
    original = stored[str(CORPUS / "tass_new-start-suspension.txt")]
    want = [(d["doc_id"], d["status"], d["duplicate_of"]) for d in rows(tmp_path / "local", "documents")]
    assert [(s, o) for _, s, o in want] == [(DUPLICATE, original), (DUPLICATE, original), ("not_text", None)]
    assert [(d["doc_id"], d["status"], d["duplicate_of"]) for d in rows(tmp_path / "spark", "documents")] == want
    assert spark_result.unread_count == local_result.unread_count == 1
    assert spark_result.unread == local_result.unread and spark_result.unread[0][0].endswith("z.bin")
    assert spark_result.counts() == local_result.counts()
