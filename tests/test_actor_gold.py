"""The actor gold set, its scorer, and the batch form of `detente actor`."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.annotate.actors.resolver import Resolution
from detente.cli import app
from detente.evaluate import is_actor_gold, run_eval
from detente.evaluate.actors import score_actors, validate_actor_gold
from detente.types import Actor

REPO = Path(__file__).resolve().parents[1]
ACTORS_GOLD = REPO / "eval" / "gold" / "actors.jsonl"
# First look (before any tuning on this set): country 0.865, sector 0.811, resolved 0.876.
# Floors set at country 0.971, sector 0.897, resolved 0.977 (after the world office-holders and organisations).
FLOORS = {"actors.country": 0.94, "actors.sector": 0.86, "actors.resolved": 0.94}


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gold_file_validates():
    assert validate_actor_gold(ACTORS_GOLD, min_records=200) == []
    rows = [json.loads(line) for line in ACTORS_GOLD.read_text(encoding="utf-8").splitlines()]
    assert len({r["country"] for r in rows if r["country"]}) >= 60
    kinds = {r.get("kind_of_case") for r in rows}
    for kind in ("demonym_noun", "number_demonym_noun", "capital_agent", "possessive_ministry", "national_agency",
                 "party", "cartel", "fleet_command", "news_agency", "historical_org", "palestinians",
                 "head_of_government", "minister", "unsc", "former_leader", "coordination", "common_word"):
        assert kind in kinds, kind
    assert is_actor_gold(ACTORS_GOLD)
    assert not is_actor_gold(REPO / "eval" / "gold" / "dev.jsonl")


def test_validation_catches_bad_rows(tmp_path):
    gold = write_jsonl(tmp_path / "bad.jsonl", [
        {"id": "a", "text": "Kenyan police", "context": "Police in Kenya fired.", "date": "2023-03-20",
         "country": "KEN", "sector": "COP"},
        {"id": "a", "text": "x", "context": "x", "date": "2023-13-01", "country": "Kenya", "sector": None},
        {"id": "b", "text": "NATO", "context": "NATO met.", "date": "2022-01-01", "country": None, "sector": "IGO"},
    ])
    problems = " ".join(validate_actor_gold(gold))
    assert "not in its context" in problems and "duplicate id" in problems and "bad date" in problems
    assert "alpha-3" in problems and "no org" in problems


class FakeResolver:
    """Answers from a table with real Resolution objects, so the figures below do not move with the KB."""

    def __init__(self, table):
        self.table = table

    def resolve(self, text, date=None, context=None):
        actor = self.table.get(text)
        return Resolution(actor, "description") if actor else None


def test_scorer_exact_figures(tmp_path):
    gold = write_jsonl(tmp_path / "actors.jsonl", [
        {"id": "t1", "text": "Slovak soldiers", "context": "Slovak soldiers arrived.", "date": "2022-03-14",
         "country": "SVK", "sector": "MIL", "kind_of_case": "demonym_noun"},
        {"id": "t2", "text": "Kenyan police", "context": "Kenyan police fired tear gas.", "date": "2023-03-20",
         "country": "KEN", "sector": "COP", "kind_of_case": "demonym_noun"},
        {"id": "t3", "text": "the Security Council", "context": "He asked the Security Council to meet.",
         "date": "2022-10-04", "country": None, "org": "UN", "sector": "IGO", "kind_of_case": "unsc"},
        {"id": "t4", "text": "Cross", "context": "Police closed King's Cross.", "date": "2019-03-05",
         "country": None, "sector": None, "expect": "none", "kind_of_case": "common_word"},
        {"id": "t5", "text": "Likud", "context": "Likud won.", "date": "2022-12-21", "country": "ISR",
         "sector": "GOV", "kind_of_case": "party"},
    ])
    resolver = FakeResolver({
        "Slovak soldiers": Actor("SVK", "Slovakia", "state", country="SVK", sector="MIL"),
        "Kenyan police": Actor("KEN", "Kenya", "state", country="KEN", sector="GOV"),        # sector wrong
        "the Security Council": Actor("UNSC", "UN Security Council", "org", org="UN", sector="IGO"),
        "Cross": Actor("cross", "Cross", "person", country="GBR"),                           # must be none
    })
    report = score_actors(gold, resolver=resolver)
    f = report.figures
    assert report.kind == "actors"
    assert f["actors.country"] == pytest.approx(3 / 5)
    assert f["actors.sector"] == pytest.approx(2 / 5)
    assert f["actors.resolved"] == pytest.approx(3 / 4)
    assert f["actors.none_kept"] == 0.0
    assert f["actors.demonym_noun.country"] == 1.0 and f["actors.demonym_noun.sector"] == 0.5
    assert f["actors.unsc.country"] == 1.0 and f["actors.party.country"] == 0.0
    assert [m["doc"] for m in report.misses] == ["t2", "t4", "t5"]
    assert report.misses[0]["wrong"] == "sector"
    assert report.check({"actors.country": 0.6}) == []

    # an IGO given a country code is wrong at country level
    resolver.table["the Security Council"] = Actor("USA", "United States", "state", country="USA", sector="IGO")
    assert score_actors(gold, resolver=resolver).figures["actors.unsc.country"] == 0.0


def test_actor_jsonl_keeps_positions():
    lines = [
        json.dumps({"text": "Slovak soldiers", "context": "Slovak soldiers began training on Monday.",
                    "date": "2022-03-14"}),
        "{not json",
        json.dumps({"text": "Qwxzv", "context": "Qwxzv said nothing.", "date": "2022-03-14"}),
    ]
    result = CliRunner().invoke(app, ["actor", "--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    assert out[0]["country"] == "SVK" and out[0]["sector"] == "MIL" and "basis" in out[0]
    assert out[1]["line"] == 2 and "error" in out[1]
    assert out[2] == {"text": "Qwxzv", "actor_id": None, "note": "no actor found"}


def test_actor_single_form_still_works():
    result = CliRunner().invoke(app, ["actor", "Slovak soldiers", "--date", "2022-03-14"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["country"] == "SVK"
    assert CliRunner().invoke(app, ["actor"]).exit_code != 0


def test_actor_gold_floor(tmp_path):
    report = run_eval(ACTORS_GOLD, tmp_path / "eval")
    assert (tmp_path / "eval" / "eval.json").exists()
    assert report.check(FLOORS) == [], report.to_text()
