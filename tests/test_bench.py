"""The benchmark harness (bench/): the corpus generator is deterministic and plants the duplicates it lists, the
figures come out as JSON with sane values, and the scaling report says which sizes were not run."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_the_same_for_the_same_seed(tmp_path):
    a = corpus.generate(tmp_path / "a", 60, seed=3)
    b = corpus.generate(tmp_path / "b", 60, seed=3)
    assert a == b
    assert _tree_digest(tmp_path / "a") == _tree_digest(tmp_path / "b")
    corpus.generate(tmp_path / "c", 60, seed=4)
    assert _tree_digest(tmp_path / "a" / "docs") != _tree_digest(tmp_path / "c" / "docs")


def _shingles(text: str, k: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / max(1, len(a | b))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A 120-document corpus and the clean text of each record, keyed as the manifest keys them."""
    from detente.pipeline import read_clean
    dest = tmp_path_factory.mktemp("bench") / "corpus"
    manifest = corpus.generate(dest, 120, seed=11)
    docs = dest / "docs"
    texts = {d.source[len(str(docs)) + 1:]: d.text or "" for d in read_clean([str(docs)])}
    return manifest, texts


def test_corpus_has_the_mix_it_claims(generated):
    manifest, texts = generated
    assert len(texts) == manifest["docs"] == 120
    assert {"html", "txt", "jsonl", "warc"} <= set(manifest["formats"])
    assert sum(manifest["formats"].values()) == 120
    words = [len(t.split()) for t in texts.values() if len(t.split()) > 100]
    assert 380 <= sum(words) / len(words) <= 650  # about 500-word articles
    assert all(n > 0 for n in manifest["duplicate_kinds"].values())


def test_corpus_duplicates_are_duplicates_and_the_rest_are_not(generated):
    manifest, texts = generated
    shingles = {k: _shingles(t) for k, t in texts.items() if len(t.split()) > 100}
    planted = {(d["doc"], d["of"]) for d in manifest["duplicates"]}
    assert 0.05 <= len(planted) / manifest["docs"] <= 0.10
    for copy, original in planted:
        assert _jaccard(shingles[copy], shingles[original]) >= 0.7, (copy, original)
    copies = {c for c, _ in planted}
    originals = [k for k in shingles if k not in copies]
    worst = max(_jaccard(shingles[a], shingles[b]) for i, a in enumerate(originals) for b in originals[i + 1:])
    assert worst < 0.5  # recombined articles share paragraphs now and then, but none is a near-duplicate


def test_counting_and_table_parsing():
    assert run.count_words("The talks, in Geneva, lasted 2 hours. Russia-US ties aren't easy.") == 11
    assert run.count_sentences("One sentence here. Another one!\nA line without a stop\n\n") == 3
    table = ("┃ what ┃ count ┃\n│ article          │    18 │\n│ events │ 209 │\n"
             "│ read..store (s)  │   9.5 │\n│ export+brief (s) │   0.2 │\n")
    counts, stages = run.parse_table(table)
    assert counts == {"article": 18, "events": 209}
    assert stages == {"read..store": 9.5, "export+brief": 0.2}


def test_report_says_which_sizes_were_not_run(tmp_path):
    result = {"docs": 1000, "articles": 900, "seconds": 50.0, "ms_per_doc": 50.0, "docs_per_s": 20.0,
              "words_per_s": 9000.0, "peak_rss_mb": 1200.0, "peak_pss_mb": 800.0, "peak_rss_single_mb": 500.0,
              "baseline_ratio": None, "loadavg_before": 1.0, "stages": {"read..store": 45.0}}
    rows = [{"n": 1000, "result": result}, {"n": 100000, "skipped": "not run: expected about 1.4 h"}]
    meta = {"command": "bench/run.py --scaling 1000,100000", "date": "today", "machine": {"cpus": 2},
            "targets": run.TARGETS, "workers": 2, "seed": 7}
    report.write(tmp_path / "REPORT.md", tmp_path / "scaling.svg", rows, meta)
    text = (tmp_path / "REPORT.md").read_text()
    assert "| 100,000 | not run: expected about 1.4 h |" in text
    assert "| 1,000 | 900 | 50.0 | 50.0 | 20.0 |" in text
    assert "**not measured**" in text  # flat memory from 10k to 100k needs both
    svg = ET.parse(tmp_path / "scaling.svg").getroot()
    assert svg.tag.endswith("svg") and "not run" in (tmp_path / "scaling.svg").read_text()


def test_harness_json_on_a_tiny_corpus(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--docs", "20", "--json", "--scratch", str(tmp_path)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout)
    for key in ("docs", "articles", "words", "sentences", "seconds", "docs_per_s", "sentences_per_s", "words_per_s",
                "peak_rss_mb", "baseline_seconds", "baseline_ratio", "workers", "stages"):
        assert key in r, key
    assert r["docs"] == 20 and 10 <= r["articles"] <= 20
    assert r["words"] > 300 * r["articles"] and r["sentences"] > 10 * r["articles"]
    for key in ("seconds", "docs_per_s", "sentences_per_s", "words_per_s", "baseline_seconds", "baseline_ratio"):
        assert r[key] > 0, key
    assert 100 < r["peak_rss_mb"] < 20000 and r["peak_rss_single_mb"] <= r["peak_rss_mb"]
    assert r["workers"] >= 1 and r["baseline_docs"] == r["articles"]
    assert r["duplicates_planted"] >= 1 and 0 <= r["duplicates_matched"] <= r["duplicates_planted"]
    assert not list(tmp_path.glob("run-*")), "the run's output folder is removed"
