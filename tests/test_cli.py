"""The command line: `detente actor` resolves by date; `detente run` writes the contract's files."""
import json

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
    result = runner.invoke(app, ["run", str(page), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl", "incidents.jsonl",
                 "detente.duckdb", "brief.md", "brief.html"):
        assert (out / name).exists(), name
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert doc["status"] == "article" and "Share this story" not in doc["text"]


def test_run_reads_standard_input(tmp_path):
    page = ("<html><head><title>Envoys meet</title></head><body><nav>Home | World</nav><article>"
            "<p>Chinese Foreign Minister Wang Yi met US Secretary of State Antony Blinken in Bali on Thursday, "
            "the first talks between the two since the G20 summit.</p></article></body></html>")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "-", "--out", str(out)], input=page.encode("utf-8"))
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert doc["source"] == "-" and doc["status"] == "article" and "Wang Yi" in doc["text"]
