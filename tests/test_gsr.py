"""The PLOVER gold standard records as an evaluation: the scorer on hand-made output folders, and (with
../shared) the real development sentences through `detente eval`."""
from __future__ import annotations

import json
from pathlib import Path

from detente.evaluate import is_gsr, score_gsr
from detente.evaluate.gsr import gold_type, gsr_to_input, side_codes

# Sentences written for this test in the GSR's format; the real GSR is read from ../shared only.
GSR = [
    {"id": "T-AGREE-1", "event": "AGREE", "date": "2001-03-04", "text": "Norway and Chile signed a fisheries pact on Monday.",
     "source": [{"actorText": "Norway", "code": "NOR"}, {"actorText": "Chile", "code": "CHL"}], "target": "",
     "textInfo": {"markup": ""}},
    {"id": "T-DEMAND-1", "event": "DEMAND", "date": "2001-03-04", "text": "Kenya demanded that Uganda withdraw its troops.",
     "source": [{"actorText": "Kenya", "code": "KENGOV"}], "target": [{"actorText": "Uganda", "code": "UGA"}],
     "textInfo": {"markup": ""}},
    {"id": "T-FIGHT-1", "event": "FIGHT", "date": "2001-03-04", "text": "Rebels shelled the town.",
     "source": [{"actorText": "Rebels", "code": "COLREB"}], "target": None, "textInfo": {"markup": ""}},
]
NOR = {"actor_id": "NOR", "name": "Norway", "kind": "state", "country": "NOR", "org": None, "sector": None}
CHL = {"actor_id": "CHL", "name": "Chile", "kind": "state", "country": "CHL", "org": None, "sector": None}
KEN = {"actor_id": "KEN", "name": "Kenya", "kind": "state", "country": "KEN", "org": None, "sector": None}
UGA = {"actor_id": "UGA", "name": "Uganda", "kind": "state", "country": "UGA", "org": None, "sector": None}


def _write(tmp: Path, events_by_id: dict) -> tuple[Path, Path]:
    gsr = tmp / "gsr.json"
    gsr.write_text(json.dumps(GSR), encoding="utf-8")
    out = tmp / "out"
    out.mkdir()
    docs, events = [], []
    for n, r in enumerate(GSR):
        docs.append({"doc_id": f"d{n}", "url": "gsr://" + r["id"], "status": "article"})
        for k, (src, tgt, plover, conf, sym) in enumerate(events_by_id.get(r["id"], [])):
            events.append({"event_id": f"d{n}-e{k}", "doc_id": f"d{n}", "span": [0, 10], "source": src, "target": tgt,
                           "plover": plover, "cameo": "000", "confidence": conf, "symmetric": sym})
    (out / "documents.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (out / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return gsr, out


def test_renamed_types_and_country_codes():
    assert gold_type({"event": "DEMAND"}) == "REQUEST" and gold_type({"event": "FIGHT"}) == "ASSAULT"
    assert gold_type({"event": "DISAPPROVE"}) == "ACCUSE" and gold_type({"event": "AGREE"}) == "AGREE"
    assert side_codes({"source": [{"code": "KENGOV"}, {"code": "JAP"}]}, "source") == {"KEN", "JPN"}
    assert side_codes({"target": ""}, "target") == set()


def test_found_top_and_source_country(tmp_path):
    gsr, out = _write(tmp_path, {
        # the symmetric agreement named Chile first: the source is right from either side
        "T-AGREE-1": [(CHL, NOR, "AGREE", 0.8, True)],
        # REQUEST is coded but not on top, and by the wrong side
        "T-DEMAND-1": [(UGA, KEN, "RETREAT", 0.9, False), (UGA, KEN, "REQUEST", 0.7, False)],
    })
    assert is_gsr(gsr)
    report = score_gsr(out, gsr)
    f = report.figures
    assert f["gsr.type_found"] == 2 / 3
    assert f["gsr.type_top"] == 1 / 3
    assert f["gsr.source_country"] == 1 / 2
    assert f["gsr.target_country"] == 0.0   # Kenya was coded as the target, Uganda as the source
    assert report.confusion["REQUEST"] == {"RETREAT": 1}
    assert report.confusion["ASSAULT"] == {"(none)": 1}
    assert {m["doc"] for m in report.misses} == {"T-FIGHT-1", "T-DEMAND-1"}
    assert report.check({"gsr.type_found": 0.9}) and not report.check({"gsr.type_found": 0.6})


def test_input_is_one_document_per_sentence(tmp_path):
    gsr, _ = _write(tmp_path, {})
    rows = [json.loads(l) for l in gsr_to_input(gsr, tmp_path / "in").read_text(encoding="utf-8").splitlines()]
    assert [r["url"] for r in rows] == ["gsr://T-AGREE-1", "gsr://T-DEMAND-1", "gsr://T-FIGHT-1"]
    assert rows[0]["text"] == GSR[0]["text"] and rows[0]["published"] == "2001-03-04"
    assert not is_gsr(tmp_path / "in" / "gsr-input.jsonl")
