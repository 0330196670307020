"""`detente audit`: a seeded sample of coded events to judge by hand, and the precision of the judged sheet."""
import csv
import json
import random

import pytest
from typer.testing import CliRunner

from conftest import REPO
from detente.cli import app
from detente.evaluate import audit
from detente.pipeline import run

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit") / "out"
    run([str(REPO / "examples" / "corpus")], out)
    return out


def invoke(*args):
    return runner.invoke(app, ["audit", *map(str, args)])


def write_rows(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=audit.COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def test_sample_is_reproducible_and_ignores_row_order(corpus_out):
    events, _ = audit.load_run(corpus_out)
    assert len(events) > 30
    ids = [e["event_id"] for e in audit.sample(events, 20, seed=7)]
    assert len(set(ids)) == 20 and ids == sorted(ids)
    shuffled = events[:]
    random.Random(1).shuffle(shuffled)
    assert [e["event_id"] for e in audit.sample(shuffled, 20, seed=7)] == ids
    assert [e["event_id"] for e in audit.sample(events, 20, seed=8)] != ids
    # a larger sample with the same seed extends the smaller one
    assert set(ids) <= {e["event_id"] for e in audit.sample(events, 30, seed=7)}
    assert len(audit.sample(events, 10_000, seed=7)) == len(events)


def test_sheet_has_the_columns_and_the_evidence(corpus_out, tmp_path):
    sheet = tmp_path / "sheet.csv"
    result = invoke(corpus_out, "--sample", 15, "--seed", 3, "--sheet", sheet)
    assert result.exit_code == 0, result.output
    assert "sampled 15 of" in result.stdout
    rows = audit.read_sheet(sheet)
    assert tuple(rows[0].keys()) == audit.COLUMNS and len(rows) == 15
    events, documents = audit.load_run(corpus_out)
    by_id = {e["event_id"]: e for e in events}
    for r in rows:
        e = by_id[r["event_id"]]
        assert all(r[c] == "" for c in audit.JUDGE_COLUMNS)
        assert r["evidence"] == documents[e["doc_id"]]["text"][e["span"][0]:e["span"][1]]
        assert all(word in r["sentence"].lower() for word in r["trigger"].lower().split())
        assert r["source"].startswith(e["source"]["name"]) and (e["source"]["country"] or "") in r["source"]
        assert r["cameo"] == e["cameo"] and r["cameo_name"] and r["plover"] == (e["plover"] or "")
        doc = documents[e["doc_id"]]
        assert r["source_url_or_path"] == (doc["url"] or doc["source"]) and r["source_url_or_path"]
    md = sheet.with_suffix(".md").read_text(encoding="utf-8")
    assert md.count("\n## ") == 15 and rows[0]["event_id"] in md
    # the default sheet goes into the output folder, and the same seed writes the same sheet
    assert invoke(corpus_out, "--sample", 15, "--seed", 3).exit_code == 0
    assert (corpus_out / "audit.csv").read_bytes() == sheet.read_bytes()


def test_store_and_folder_give_the_same_sample(corpus_out, tmp_path):
    folder_ids = [e["event_id"] for e in audit.sample(audit.load_run(corpus_out)[0], 12, seed=5)]
    sheet = tmp_path / "db.csv"
    result = invoke(corpus_out / "detente.duckdb", "--sample", 12, "--seed", 5, "--sheet", sheet)
    assert result.exit_code == 0, result.output
    rows = audit.read_sheet(sheet)
    assert [r["event_id"] for r in rows] == folder_ids
    assert rows == audit.read_sheet(_folder_sheet(corpus_out, tmp_path, 12, 5))


def _folder_sheet(out, tmp_path, n, seed):
    path = tmp_path / "folder.csv"
    assert invoke(out, "--sample", n, "--seed", seed, "--sheet", path).exit_code == 0
    return path


def test_judged_sheet_scores_overall_per_type_and_per_field(corpus_out, tmp_path):
    sheet = _folder_sheet(corpus_out, tmp_path, 20, 11)
    rows = audit.read_sheet(sheet)
    # 12 right, 5 wrong, 2 unsure, 1 left blank; judgement spellings vary as a person's would
    marks = ["right", "Y", "1", "TRUE"] * 3 + ["wrong", "n", "0", "False", "WRONG"] + ["unsure", "Unsure"] + [""]
    for r, mark in zip(rows, marks):
        r["judgement"] = mark
    rows[12]["correct_type"] = "ACCUSE" if rows[12]["plover"] != "ACCUSE" else "REJECT"
    rows[13]["correct_target"] = "none"
    rows[14]["correct_type"] = rows[14]["plover"] or "none"   # repeats the coded type: the type was right
    write_rows(sheet, rows, delimiter=";")                    # as a spreadsheet in some locales re-saves it

    result = audit.score_sheet(audit.read_sheet(sheet))
    assert (result["judged"], result["right"], result["wrong"], result["unsure"], result["n"]) == (19, 12, 5, 2, 17)
    assert result["precision"] == round(12 / 17, 4)
    lo, hi = audit.wilson(12, 17)
    assert result["ci95"] == [round(lo, 4), round(hi, 4)]
    assert sum(f["n"] for f in result["by_plover"].values()) == 17
    assert sum(f["right"] for f in result["by_plover"].values()) == 12
    assert result["fields"]["type"]["right"] == 16 and result["fields"]["target"]["right"] == 17 - (
        rows[13]["target"] != "")
    assert "source" not in result["fields"]   # an unused column says nothing

    cli = invoke("--score", sheet, "--json")
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["precision"] == result["precision"]
    text = invoke("--score", sheet)
    assert text.exit_code == 0
    assert "right 12, wrong 5, unsure 2 (excluded)" in text.stdout and "per PLOVER type" in text.stdout
    assert "0.706" in text.stdout


def test_wilson_interval_matches_known_values():
    lo, hi = audit.wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    lo, hi = audit.wilson(10, 10)
    assert lo == pytest.approx(0.7225, abs=1e-4) and hi == pytest.approx(1.0)
    lo, hi = audit.wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = audit.wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)
    assert audit.wilson(0, 0) == (0.0, 1.0)


def test_bad_or_empty_judgements_exit_2_and_name_the_row(corpus_out, tmp_path):
    sheet = _folder_sheet(corpus_out, tmp_path, 5, 2)
    empty = invoke("--score", sheet)
    assert empty.exit_code == 2 and "is judged" in empty.stderr

    rows = audit.read_sheet(sheet)
    rows[0]["judgement"], rows[3]["judgement"] = "right", "maybe"
    write_rows(sheet, rows)
    bad = invoke("--score", sheet)
    assert bad.exit_code == 2
    assert "row 5" in bad.stderr and rows[3]["event_id"] in bad.stderr and "'maybe'" in bad.stderr

    rows[3]["judgement"] = "unsure"
    rows[0]["judgement"] = "?"
    write_rows(sheet, rows)
    assert invoke("--score", sheet).exit_code == 2   # only unsure: no precision to give


def test_a_judged_sheet_is_not_overwritten(corpus_out, tmp_path):
    sheet = _folder_sheet(corpus_out, tmp_path, 5, 2)
    rows = audit.read_sheet(sheet)
    rows[0]["judgement"] = "wrong"
    write_rows(sheet, rows)
    again = invoke(corpus_out, "--sample", 5, "--seed", 2, "--sheet", sheet)
    assert again.exit_code == 2 and "already has judgements" in again.stderr
    assert audit.read_sheet(sheet)[0]["judgement"] == "wrong"
    assert invoke(corpus_out, "--sample", 5, "--seed", 2, "--sheet", sheet, "--force").exit_code == 0
    assert audit.read_sheet(sheet)[0]["judgement"] == ""


def test_sampling_needs_a_size_and_a_seed(corpus_out):
    result = invoke(corpus_out, "--sample", 5)
    assert result.exit_code == 2 and "--seed" in result.stderr
    assert invoke(corpus_out.parent / "nowhere", "--sample", 5, "--seed", 1).exit_code == 2
