"""The scorer on small hand-made output folders, and the validity of the gold files. No pipeline needed."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detente.evaluate import gold_to_input, score, validate_gold
from detente.evaluate.gold import PLOVER_TYPES, expected_plover, gold_kind, load_jsonl, valid_date

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "eval" / "gold" / "dev.jsonl"
CORPUS = REPO / "eval" / "gold" / "corpus.jsonl"

TEXT = ("Russian Foreign Minister Sergey Lavrov and US Secretary of State Antony Blinken met on Wednesday in "
        "Reykjavik. Lavrov called the talks \"constructive\". Washington expelled ten Russian diplomats.")
GOLD = {
    "id": "t-001", "published": "2021-05-20", "outlet": "Test Wire", "title": "Test", "text": TEXT,
    "actors": [{"text": "Sergey Lavrov", "actor_id": "sergey-lavrov", "country": "RUS"},
               {"text": "Antony Blinken", "actor_id": "antony-blinken", "country": "USA"},
               {"text": "Washington", "actor_id": "USA", "country": "USA"}],
    "events": [{"source": "RUS", "target": "USA", "plover": "CONSULT", "cameo": "04", "date": "2021-05-19",
                "aux_mode": None, "symmetric": True, "evidence": "Sergey Lavrov and US Secretary of State Antony Blinken met"},
               {"source": "USA", "target": "RUS", "plover": "SANCTION", "cameo": "161", "date": "2021-05-20",
                "aux_mode": None, "symmetric": False, "evidence": "Washington expelled ten Russian diplomats"}],
    "quotes": [{"speaker": "sergey-lavrov", "text": "constructive"}],
}

LAVROV = {"actor_id": "sergey-lavrov", "name": "Sergey Lavrov", "kind": "person", "country": "RUS", "org": None}
BLINKEN = {"actor_id": "antony-blinken", "name": "Antony Blinken", "kind": "person", "country": "USA", "org": None}
USA = {"actor_id": "USA", "name": "United States", "kind": "state", "country": "USA", "org": None}
RUS = {"actor_id": "RUS", "name": "Russia", "kind": "state", "country": "RUS", "org": None}
NATO = {"actor_id": "NATO", "name": "NATO", "kind": "org", "country": None, "org": "NATO"}


def event(source, target, plover, cameo, date, aux=None, sentence=""):
    return {"event_id": f"e{cameo}{date}", "doc_id": "d1", "sentence": sentence, "span": [0, 0], "source": source,
            "target": target, "cameo": cameo, "plover": plover, "date": date, "aux_mode": aux}


def perfect_events():
    return [event(LAVROV, BLINKEN, "CONSULT", "044", "2021-05-19"),
            event(USA, RUS, "SANCTION", "161", "2021-05-20")]


def write_out(tmp: Path, events, entities=None, quotes=None, doc=None) -> Path:
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    d = {"doc_id": "d1", "source": "gold.jsonl#1", "url": "gold://t-001", "status": "article",
         "published": "2021-05-20", "text": TEXT, "removed": []}
    d.update(doc or {})
    ents = entities if entities is not None else [
        {"doc_id": "d1", "text": "Sergey Lavrov", **LAVROV}, {"doc_id": "d1", "text": "Lavrov", **LAVROV},
        {"doc_id": "d1", "text": "Antony Blinken", **BLINKEN}, {"doc_id": "d1", "text": "Washington", **USA}]
    qs = quotes if quotes is not None else [{"quote_id": "q1", "doc_id": "d1", "text": "constructive",
                                            "span": [0, 0], "speaker": LAVROV, "cue": "called"}]
    for name, rows in (("documents", [d]), ("entities", ents), ("events", events), ("quotes", qs)):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


@pytest.fixture
def gold(tmp_path) -> Path:
    p = tmp_path / "gold.jsonl"
    p.write_text(json.dumps(GOLD) + "\n", encoding="utf-8")
    return p


def test_perfect_output_scores_one(tmp_path, gold):
    report = score(write_out(tmp_path, perfect_events()), gold)
    for part in ("documents", "published", "actors", "actor_countries", "events", "quotes"):
        p = report.parts[part]
        assert (p.precision, p.recall, p.f1) == (1.0, 1.0, 1.0), (part, p.to_dict())
    assert report.figures["events.date_accuracy"] == 1.0
    assert report.figures["events.cameo_root_accuracy"] == 1.0
    assert report.check({"events.f1": 0.99, "events.precision": 1.0, "quotes.f1": 1.0}) == []
    assert not report.misses and not report.false_positives
    assert "events" in report.to_text()
    json.dumps(report.to_dict())


def test_wrong_extra_event_lowers_precision_only(tmp_path, gold):
    events = perfect_events() + [event(RUS, USA, "THREATEN", "138", "2021-05-19")]
    report = score(write_out(tmp_path, events), gold)
    ev = report.parts["events"]
    assert ev.recall == 1.0 and ev.precision == pytest.approx(2 / 3)
    assert report.false_positives[0]["part"] == "events"
    assert report.check({"events.precision": 0.9}) and not report.check({"events.recall": 1.0})


def test_symmetric_event_matches_reversed(tmp_path, gold):
    events = [event(BLINKEN, LAVROV, "CONSULT", "040", "2021-05-19"), event(USA, RUS, "SANCTION", "161", "2021-05-20")]
    assert score(write_out(tmp_path, events), gold).parts["events"].f1 == 1.0


def test_directed_event_reversed_does_not_match(tmp_path, gold):
    events = [event(LAVROV, BLINKEN, "CONSULT", "044", "2021-05-19"), event(RUS, USA, "SANCTION", "161", "2021-05-20")]
    ev = score(write_out(tmp_path, events), gold).parts["events"]
    assert (ev.tp, ev.fp, ev.fn) == (1, 1, 1)


def test_date_mismatch_counts_in_date_accuracy_not_matching(tmp_path, gold):
    events = [event(LAVROV, BLINKEN, "CONSULT", "044", "2021-05-20"), event(USA, RUS, "SANCTION", "161", "2021-05-20")]
    report = score(write_out(tmp_path, events), gold)
    assert report.parts["events"].f1 == 1.0
    assert report.figures["events.date_accuracy"] == 0.5
    assert report.check({"events.date_accuracy": 0.9})


def test_cameo_root_scored_separately(tmp_path, gold):
    events = [event(LAVROV, BLINKEN, "CONSULT", "044", "2021-05-19"), event(USA, RUS, "SANCTION", "166", "2021-05-20")]
    report = score(write_out(tmp_path, events), gold)
    assert report.parts["events"].f1 == 1.0 and report.figures["events.cameo_root_accuracy"] == 1.0
    events[1] = event(USA, RUS, "SANCTION", "174", "2021-05-20")  # wrong root, same PLOVER type given
    report = score(write_out(tmp_path, events), gold)
    assert report.parts["events"].f1 == 1.0 and report.figures["events.cameo_root_accuracy"] == 0.5


def test_aux_mode_mismatch_is_no_match(tmp_path, gold):
    events = [event(LAVROV, BLINKEN, "CONSULT", "044", "2021-05-19", aux="future"),
              event(USA, RUS, "SANCTION", "161", "2021-05-20")]
    ev = score(write_out(tmp_path, events), gold).parts["events"]
    assert (ev.tp, ev.fp, ev.fn) == (1, 1, 1)


def test_statement_without_plover_matches_on_cameo_root(tmp_path):
    g = dict(GOLD, events=[{"source": "RUS", "target": "USA", "plover": None, "cameo": "013", "date": "2021-05-19",
                            "aux_mode": None, "symmetric": False, "evidence": "Lavrov called the talks"}])
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps(g) + "\n")
    ok = score(write_out(tmp_path, [event(LAVROV, USA, None, "010", "2021-05-19")]), p).parts["events"]
    assert ok.f1 == 1.0
    bad = score(write_out(tmp_path, [event(LAVROV, USA, None, "020", "2021-05-19")]), p).parts["events"]
    assert bad.tp == 0 and bad.fp == 1


def test_igo_target_matches_by_org(tmp_path):
    g = dict(GOLD, events=[{"source": "RUS", "target": "NATO", "plover": "SANCTION", "cameo": "161", "date": None,
                            "aux_mode": None, "symmetric": False, "evidence": "Washington"}])
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps(g) + "\n")
    assert score(write_out(tmp_path, [event(LAVROV, NATO, "SANCTION", "161", None)]), p).parts["events"].f1 == 1.0


def test_optional_events_neither_reward_nor_punish(tmp_path):
    g = dict(GOLD, events=GOLD["events"] + [{"source": "RUS", "target": "USA", "plover": None, "cameo": "013",
                                             "date": None, "aux_mode": None, "symmetric": False, "optional": True,
                                             "evidence": "Lavrov called the talks"}])
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps(g) + "\n")
    assert score(write_out(tmp_path, perfect_events()), p).parts["events"].f1 == 1.0
    with_opt = perfect_events() + [event(LAVROV, USA, None, "013", "2021-05-19")]
    assert score(write_out(tmp_path, with_opt), p).parts["events"].f1 == 1.0


def test_missing_document_counts_everything_as_missed(tmp_path, gold):
    out = write_out(tmp_path, perfect_events(), doc={"url": "gold://other"})
    report = score(out, gold)
    assert report.parts["documents"].recall == 0.0 and report.parts["events"].recall == 0.0


def test_actor_resolved_wrongly_is_a_false_positive(tmp_path, gold):
    ents = [{"doc_id": "d1", "text": "Sergey Lavrov", **LAVROV}, {"doc_id": "d1", "text": "Antony Blinken", **LAVROV},
            {"doc_id": "d1", "text": "Washington", **USA}]
    a = score(write_out(tmp_path, perfect_events(), entities=ents), gold).parts["actors"]
    assert (a.tp, a.fp, a.fn) == (2, 1, 1)


def test_quote_speaker_by_country_and_text_overlap(tmp_path, gold):
    peskov = {"actor_id": "dmitry-peskov", "country": "RUS", "org": None}
    qs = [{"doc_id": "d1", "text": "the talks \"constructive\"", "speaker": peskov}]
    report = score(write_out(tmp_path, perfect_events(), quotes=qs), gold)
    assert report.parts["quotes"].f1 == 1.0 and report.figures["quotes.speaker_id_accuracy"] == 0.0
    qs = [{"doc_id": "d1", "text": "constructive", "speaker": BLINKEN}]
    assert score(write_out(tmp_path, perfect_events(), quotes=qs), gold).parts["quotes"].tp == 0


def test_check_reports_unknown_metric(tmp_path, gold):
    report = score(write_out(tmp_path, perfect_events()), gold)
    assert report.check({"cleaning.f1": 0.9}) == ["cleaning.f1: not measured by this gold file (events)"]


def test_gold_to_input(tmp_path):
    path = gold_to_input(DEV, tmp_path)
    rows = load_jsonl(path)
    gold = load_jsonl(DEV)
    assert len(rows) == len(gold)
    assert rows[0] == {"url": "gold://" + gold[0]["id"], "published": gold[0]["published"], "title": gold[0]["title"],
                       "outlet": gold[0]["outlet"], "text": gold[0]["text"]}


def test_corpus_scoring(tmp_path):
    gold = tmp_path / "corpus.jsonl"
    gold.write_text(json.dumps({"source": "examples/corpus/a.html", "status": "article", "title": "T",
                                "published": "2021-06-17", "outlet": "Alpine Tribune",
                                "removed": ["Subscribe to our newsletter"], "kept": ["Biden and Putin met."]}) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    doc = {"doc_id": "d1", "source": "/somewhere/examples/corpus/a.html", "status": "article", "title": "T",
           "published": "2021-06-17", "outlet": "The Alpine Tribune", "text": "Biden and Putin met.",
           "removed": [{"text": "Subscribe to our newsletter!", "reason": "prompt"}]}
    (out / "documents.jsonl").write_text(json.dumps(doc) + "\n")
    report = score(out, gold)
    assert report.kind == "corpus"
    for part in ("status", "title", "published", "outlet", "cleaning"):
        assert report.parts[part].f1 == 1.0, part
    doc["text"] = "Subscribe to our newsletter!"
    doc["published"] = None
    (out / "documents.jsonl").write_text(json.dumps(doc) + "\n")
    report = score(out, gold)
    c = report.parts["cleaning"]
    assert (c.tp, c.fp, c.fn) == (0, 1, 1)
    assert report.parts["published"].recall == 0.0


# ---------------------------------------------------------------- the gold files themselves

CROSSWALK_ROOTS = {"01": {None}, "02": {None}, "03": {"AGREE"}, "04": {"CONSULT"}, "05": {"SUPPORT"},
                   "06": {"COOPERATE"}, "07": {"AID"}, "08": {"CONCEDE", "RETREAT"}, "09": {"ACCUSE"},
                   "10": {"REQUEST"}, "11": {"ACCUSE"}, "12": {"REJECT"}, "13": {"THREATEN"}, "14": {"PROTEST"},
                   "15": {"MOBILIZE"}, "16": {"SANCTION", "COERCE"}, "17": {"COERCE", "ASSAULT"},
                   "18": {"ASSAULT"}, "19": {"ASSAULT", "COERCE"}, "20": {"ASSAULT"}}


def test_dev_gold_is_valid():
    assert validate_gold(DEV, min_records=40) == []
    records = load_jsonl(DEV)
    assert gold_kind(records) == "events" and len(records) >= 40
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert valid_date(r["published"]) and len(r["published"]) == 10
        for e in r["events"]:
            assert e["plover"] in PLOVER_TYPES or (e["plover"] is None and e["cameo"][:2] in ("01", "02")), e
            assert e["plover"] in CROSSWALK_ROOTS[e["cameo"][:2]], e
            assert e["plover"] in expected_plover(e["cameo"]), e
            assert valid_date(e["date"]), e
            assert e["aux_mode"] in (None, "future", "hypothetical", "negated", "historical")
            assert e["evidence"] in r["text"], (r["id"], e["evidence"])
        for q in r["quotes"]:
            assert q["text"] in r["text"], (r["id"], q["text"])
        for a in r["actors"]:
            assert a["text"] in r["text"], (r["id"], a["text"])


def test_dev_gold_covers_the_ground():
    records = load_jsonl(DEV)
    events = [e for r in records for e in r["events"] if not e.get("optional")]
    roots = {e["cameo"][:2] for e in events}
    assert len(roots) >= 17
    assert {e["aux_mode"] for e in events} >= {None, "future", "negated", "historical"}
    assert sum(1 for r in records if not r["events"]) >= 3           # distractors with no event
    assert sum(len(r["quotes"]) for r in records) >= 5


def test_dev_gold_matches_the_crosswalk_file(shared_dir):
    """Every gold CAMEO code that the OEDA crosswalk lists maps to the gold's PLOVER type."""
    table = {}
    for line in (shared_dir / "reference" / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)", line)
        if m and len(m.group(1)) > 2:
            table[m.group(1)] = m.group(2)
    codes = {row["code"] for row in __import__("csv").DictReader(open(shared_dir / "reference" / "cameo-codebook.csv"))}
    for r in load_jsonl(DEV):
        for e in r["events"]:
            assert e["cameo"] in codes, e["cameo"]
            if e["cameo"] in table:
                assert table[e["cameo"]] == e["plover"], (r["id"], e["cameo"], e["plover"])


def test_corpus_gold_is_valid():
    if not CORPUS.exists():
        pytest.skip("no corpus gold yet")
    assert validate_gold(CORPUS) == []
    for r in load_jsonl(CORPUS):
        path = REPO / r["source"].split("#", 1)[0]
        assert path.exists(), r["source"]
