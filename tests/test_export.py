"""`detente export`: the store's events as JSONL, CSV, Parquet and GDELT 2.0 event-table rows, filtered by the
--where language (values bound, never pasted into SQL), byte-identical from one export to the next."""
import csv
import json
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import REPO
from detente.cli import app
from detente.export import ExportError, export, gdelt, tables
from detente.pipeline import run
from detente.resolve.incidents import party
from detente.store import Store

runner = CliRunner()
FILES = ("alpinetribune_geneva-summit.html", "pacificledger_alaska-summit.html", "wire_feed.jsonl")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store made the production way, from three files of the example corpus; its events and incidents."""
    root = tmp_path_factory.mktemp("export")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in FILES:
        shutil.copy(REPO / "examples" / "corpus" / name, corpus / name)
    run([str(corpus)], root / "out", workers=1)
    db = root / "out" / "detente.duckdb"
    with Store(db) as s:
        events, incidents = s.events(), s.incidents()
    return db, {e.event_id: e for e in events}, {i.incident_id: i for i in incidents}


def export_rows(db, fmt, path, where=()):
    n = export(db, fmt, path, where=list(where))
    return n, path.read_text(encoding="utf-8") if fmt != "parquet" else None


def jsonl_ids(db, tmp_path, *where):
    n, text = export_rows(db, "jsonl", tmp_path / "w.jsonl", where)
    ids = [json.loads(line)["event_id"] for line in text.splitlines()]
    assert n == len(ids)
    return set(ids)


def order_key(e):
    return (e.date is None, e.date or "", e.event_id)


def test_the_store_has_what_the_tests_need(store):
    db, events, incidents = store
    assert len(events) >= 20
    assert any(e.aux_mode in ("future", "hypothetical", "negated") for e in events.values())
    assert any(i.num_articles > 1 for i in incidents.values())
    assert any(e.location for e in events.values())


def test_jsonl_rows_are_the_store_events_with_their_incident(store, tmp_path):
    db, events, incidents = store
    n, text = export_rows(db, "jsonl", tmp_path / "events.jsonl")
    rows = [json.loads(line) for line in text.splitlines()]
    assert n == len(rows) == len(events)
    assert [r["event_id"] for r in rows] == [e.event_id for e in sorted(events.values(), key=order_key)]
    for row in rows:
        event = events[row["event_id"]].to_row()
        assert {k: row[k] for k in event} == json.loads(json.dumps(event))
        incident = incidents.get(row["incident_id"])
        counts = (incident.num_mentions, incident.num_sources, incident.num_articles) if incident else (None,) * 3
        assert (row["num_mentions"], row["num_sources"], row["num_articles"]) == counts
        assert row["document_url"] or row["document_source"]


def test_csv_is_flat_and_readable(store, tmp_path):
    db, events, incidents = store
    n, text = export_rows(db, "csv", tmp_path / "events.csv")
    reader = csv.DictReader(text.splitlines())
    rows = list(reader)
    assert reader.fieldnames == [name for name, _ in tables.FLAT_COLUMNS]
    for column in ("event_id", "source_actor_id", "source_name", "source_country", "source_sector",
                   "target_actor_id", "target_name", "target_country", "target_sector", "cameo", "plover",
                   "quad_class", "goldstein", "date", "incident_id", "num_mentions", "num_sources", "num_articles"):
        assert column in reader.fieldnames
    assert n == len(rows) == len(events)
    for row in rows:
        e = events[row["event_id"]]
        assert row["source_actor_id"] == e.source.actor_id and row["source_country"] == (e.source.country or "")
        assert row["target_actor_id"] == (e.target.actor_id if e.target else "")
        assert float(row["goldstein"]) == e.goldstein and int(row["quad_class"]) == e.quad_class
        assert json.loads(row["context"]) == list(e.context)
        if e.incident_id:
            assert int(row["num_articles"]) == incidents[e.incident_id].num_articles


def test_parquet_reads_back_with_the_same_rows_and_columns(store, tmp_path):
    db, events, _ = store
    path = tmp_path / "events.parquet"
    n = export(db, "parquet", path)
    con = duckdb.connect()
    assert n == con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0] == len(events)
    names = [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
    assert names == [name for name, _ in tables.FLAT_COLUMNS]
    got = dict(con.execute("SELECT event_id, goldstein FROM read_parquet(?)", [str(path)]).fetchall())
    assert got == {e.event_id: e.goldstein for e in events.values()}


def test_gdelt_rows_have_the_61_columns_and_the_store_codes(store, tmp_path):
    db, events, incidents = store
    n, text = export_rows(db, "gdelt", tmp_path / "events.tsv")
    by_gid = {gdelt.global_event_id(i): e for i, e in events.items()}
    assert len(by_gid) == len(events)
    lines = text.splitlines()
    factual = [e for e in events.values() if e.aux_mode in (None, "historical")]
    assert n == len(lines) == len(factual) < len(events)  # the events that did not happen are left out
    col = {name: i for i, name in enumerate(gdelt.COLUMNS)}
    for line in lines:
        fields = line.split("\t")
        assert len(fields) == 61
        e = by_gid[int(fields[col["GLOBALEVENTID"]])]
        assert fields[col["EventCode"]] == e.cameo
        assert fields[col["EventRootCode"]] == e.cameo[:2] == fields[col["EventCode"]][:2]
        assert fields[col["EventBaseCode"]] == e.cameo[:3]
        assert int(fields[col["QuadClass"]]) == e.quad_class
        assert float(fields[col["GoldsteinScale"]]) == e.goldstein
        if e.incident_id:
            assert int(fields[col["NumArticles"]]) == incidents[e.incident_id].num_articles
            assert int(fields[col["NumMentions"]]) == incidents[e.incident_id].num_mentions
        if e.date and len(e.date) == 10:
            assert fields[col["SQLDATE"]] == e.date.replace("-", "")
            assert fields[col["MonthYear"]] == e.date[:7].replace("-", "") and fields[col["Year"]] == e.date[:4]
        if e.source.kind == "state" and e.source.country:
            assert fields[col["Actor1CountryCode"]] == e.source.country
            assert fields[col["Actor1Code"]].startswith(e.source.country)
        assert fields[col["AvgTone"]] == ""
        assert len(fields[col["DATEADDED"]]) == 14 and fields[col["SOURCEURL"]]
        assert fields[col["IsRootEvent"]] in ("0", "1")
    geneva = [line.split("\t") for line in lines if "\tGeneva, Switzerland\t" in line]
    assert geneva and all(f[col["ActionGeo_Type"]] == "4" and f[col["ActionGeo_CountryCode"]] == "SZ"
                          and f[col["ActionGeo_Lat"]] for f in geneva)


def test_gdelt_header_and_all_modes(store, tmp_path):
    db, events, _ = store
    n, text = export_rows(db, "gdelt", tmp_path / "all.tsv", ["aux_mode=any"])
    assert n == len(events) == len(text.splitlines())
    export(db, "gdelt", tmp_path / "h.tsv", header=True)
    first = (tmp_path / "h.tsv").read_text().splitlines()[0].split("\t")
    assert first == list(gdelt.COLUMNS) and len(first) == 61
    assert first[:5] == ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    assert first[-2:] == ["DATEADDED", "SOURCEURL"] and first[25:29] == ["IsRootEvent", "EventCode", "EventBaseCode",
                                                                          "EventRootCode"]


def test_gdelt_codes_for_actors_dates_and_places():
    assert gdelt.actor_fields({"actor_id": "NATO", "name": "NATO", "kind": "org", "org": "NATO",
                               "sector": "IGO"})[:4] == ["IGOWSTNAT", "NATO", "", "NAT"]
    assert gdelt.actor_fields({"actor_id": "RUS-EMB", "name": "Embassy of Russia", "kind": "org",
                               "country": "RUS", "sector": "DIP"})[:3] == ["RUSGOV", "Embassy of Russia", "RUS"]
    assert gdelt.actor_fields({"actor_id": "ROU", "name": "Romania", "kind": "state", "country": "ROU"})[0] == "ROM"
    assert gdelt.actor_fields(None) == [""] * 10
    assert gdelt.date_fields("2021-06-16") == ["20210616", "202106", "2021", "2021.4548"]
    assert gdelt.date_fields("2021-06") == ["", "202106", "2021", ""]
    assert gdelt.date_fields("2021") == ["", "", "2021", ""]
    assert gdelt.date_fields("XXXX-06-16") == gdelt.date_fields(None) == ["", "", "", ""]
    assert gdelt.geo_fields({"name": "Russia", "country": "RUS"})[:4] == ["1", "Russia", "RS", "RS"]
    city = gdelt.geo_fields({"name": "Geneva", "country": "CHE"})
    assert city[:3] == ["4", "Geneva, Switzerland", "SZ"] and abs(float(city[5]) - 46.2) < 0.1
    assert gdelt.geo_fields({"name": "Boston", "country": "USA"})[0] == "3"
    assert gdelt.date_added("2026-01-02T03:04:05+00:00") == "20260102030405"


def test_where_filters_return_exactly_the_matching_events(store, tmp_path):
    db, events, _ = store
    sides = {i: (party(e.source), party(e.target)) for i, e in events.items()}
    assert jsonl_ids(db, tmp_path, "dyad=RUS-USA") == {i for i, s in sides.items() if set(s) == {"RUS", "USA"}} != set()
    directed = {i for i, (a, b) in sides.items() if (a, b) == ("USA", "RUS") or
                (events[i].symmetric and (a, b) == ("RUS", "USA"))}
    assert jsonl_ids(db, tmp_path, "dyad=USA>RUS") == directed
    assert jsonl_ids(db, tmp_path, "plover=CONSULT") == {i for i, e in events.items() if e.plover == "CONSULT"} != set()
    assert jsonl_ids(db, tmp_path, "plover=CONSULT", "plover=AGREE") == jsonl_ids(db, tmp_path, "plover=consult,agree")
    in_2021 = {i for i, e in events.items() if e.date and e.date.startswith("2021")}
    assert jsonl_ids(db, tmp_path, "since=2021-01-01", "until=2021-12-31") == in_2021 != set()
    assert jsonl_ids(db, tmp_path, "since=2021", "until=2021") == in_2021
    # a date is kept when the whole of it lies in range: a month-precise event in June, not in "from June 16"
    june = {i for i, e in events.items() if e.date and e.date.startswith("2021-06")}
    assert jsonl_ids(db, tmp_path, "since=2021-06-01", "until=2021-06-30") == june != set()
    first_day = {i: (e.date + "-01-01"[len(e.date) - 4:]) for i, e in events.items() if e.date and e.date[0].isdigit()}
    from_16 = {i for i, day in first_day.items() if day >= "2021-06-16"}
    assert from_16 - june and june - from_16
    assert jsonl_ids(db, tmp_path, "since=2021-06-16") == from_16
    assert jsonl_ids(db, tmp_path, "root=04") == {i for i, e in events.items() if e.cameo[:2] == "04"}
    lavrov = {i for i, e in events.items() if "sergey-lavrov" in (e.source.actor_id, e.target and e.target.actor_id)}
    assert jsonl_ids(db, tmp_path, "actor=sergey-lavrov") == lavrov
    assert jsonl_ids(db, tmp_path, "dyad=RUS-USA", "plover=CONSULT") == (
        jsonl_ids(db, tmp_path, "dyad=RUS-USA") & jsonl_ids(db, tmp_path, "plover=CONSULT"))


def test_a_malicious_where_value_is_only_a_value(store, tmp_path):
    db, events, _ = store
    for value in ("plover=CONSULT' OR 1=1 --", "plover=x'); DROP TABLE events; --", "dyad=RUS'--USA",
                  'actor=" OR ""="', "country=RUS) OR (1=1"):
        assert jsonl_ids(db, tmp_path, value) == set()
    with Store(db) as s:
        assert s.count("events") == len(events)


def test_two_exports_are_byte_identical(store, tmp_path):
    db, _, _ = store
    for fmt in ("jsonl", "csv", "parquet", "gdelt"):
        export(db, fmt, tmp_path / f"a.{fmt}")
        export(db, fmt, tmp_path / f"b.{fmt}")
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_a_failed_export_leaves_the_old_file_and_no_temporary(store, tmp_path, monkeypatch):
    db, _, _ = store
    target = tmp_path / "events.csv"
    target.write_text("old\n")

    def broken(con, condition, params, out):
        out.write("half a row")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tables, "write_csv", broken)
    with pytest.raises(ExportError, match="No space left"):
        export(db, "csv", target)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]


def invoke(*args):
    return runner.invoke(app, ["export", *map(str, args)])


def test_cli_end_to_end(store, tmp_path):
    db, events, _ = store
    out = tmp_path / "sub" / "events.csv"
    result = invoke("--db", db, "--format", "csv", "--where", "plover=CONSULT", "--out", out)
    assert result.exit_code == 0, result.output
    consult = sum(e.plover == "CONSULT" for e in events.values())
    assert f"wrote {consult} events" in result.stderr
    assert len(list(csv.DictReader(out.read_text().splitlines()))) == consult
    result = invoke("--db", db.parent, "--format", "gdelt", "--out", "-")
    assert result.exit_code == 0 and all(len(line.split("\t")) == 61 for line in result.stdout.splitlines())
    assert "left out" in result.stderr


@pytest.mark.parametrize("args, code, words", [
    (("--format", "csv", "--where", "colour=red"), 2, ("colour", "dyad", "plover", "since")),
    (("--format", "csv", "--where", "since=last week"), 2, ("since", "YYYY")),
    (("--format", "xml"), 2, ("xml", "jsonl", "gdelt")),
    (("--format", "csv", "--header"), 2, ("--header",)),
])
def test_cli_usage_errors_are_one_line(store, tmp_path, args, code, words):
    db, _, _ = store
    result = invoke("--db", db, "--out", tmp_path / "x.out", *args)
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("detente export: ")
    assert all(w in lines[0] for w in words)
    assert not (tmp_path / "x.out").exists() and "Traceback" not in result.output


def test_cli_missing_store_is_one_line(tmp_path):
    result = invoke("--db", tmp_path / "none.duckdb", "--format", "jsonl", "--out", tmp_path / "x.jsonl")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no store at" in lines[0] and "Traceback" not in result.output
    (tmp_path / "notes.txt").write_text("not a store")
    result = invoke("--db", tmp_path / "notes.txt", "--format", "jsonl", "--out", tmp_path / "x.jsonl")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_a_store_without_the_later_columns_and_tables_still_exports(tmp_path):
    """A store from before events.context/trigger/symmetric, with only its events table: every format still works,
    and what it lacks is null (an impossible date, 2021-13, matches no date filter and fills no GDELT date)."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE events (event_id VARCHAR, doc_id VARCHAR, sentence VARCHAR, span_start INTEGER, "
                "span_end INTEGER, source VARCHAR, target VARCHAR, cameo VARCHAR, plover VARCHAR, quad_class INTEGER, "
                "goldstein DOUBLE, date VARCHAR)")
    russia = json.dumps({"actor_id": "RUS", "name": "Russia", "kind": "state", "country": "RUS"})
    con.execute("INSERT INTO events VALUES ('d-e1', 'd', 'Russia met.', 0, 11, ?, NULL, '040', 'CONSULT', 1, 1.0, "
                "'2021-13')", [russia])
    con.close()
    for fmt in ("jsonl", "csv", "parquet", "gdelt"):
        assert export(db, fmt, tmp_path / f"x.{fmt}") == 1
    row = json.loads((tmp_path / "x.jsonl").read_text())
    assert row["context"] == [] and row["symmetric"] is False and row["num_articles"] is None
    assert (tmp_path / "x.gdelt").read_text().split("\t")[1:5] == ["", "", "2021", ""]
    assert export(db, "jsonl", tmp_path / "y.jsonl", where=["since=2021"]) == 0


def test_parquet_and_gdelt_tsv_read_back_with_duckdb_with_the_stores_counts(store, tmp_path):
    """The round trip: what DuckDB reads back from each file is what the store holds."""
    db = store[0]
    export(db, "parquet", tmp_path / "e.parquet")
    export(db, "gdelt", tmp_path / "e.tsv", where=["aux_mode=any"])
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute("SELECT count(*), count(DISTINCT cameo), round(sum(goldstein), 2) FROM events").fetchone()
        parquet = con.execute("SELECT count(*), count(DISTINCT cameo), round(sum(goldstein), 2) FROM read_parquet(?)",
                              [str(tmp_path / "e.parquet")]).fetchone()
        tsv = con.execute("SELECT count(*), count(DISTINCT column26), round(sum(CAST(column30 AS DOUBLE)), 2) "
                          "FROM read_csv(?, delim='\t', header=false, all_varchar=true, quote='')",
                          [str(tmp_path / "e.tsv")]).fetchone()
        width = len(con.execute("DESCRIBE SELECT * FROM read_csv(?, delim='\t', header=false, all_varchar=true, "
                                "quote='')", [str(tmp_path / "e.tsv")]).fetchall())
    assert parquet == stored
    assert width == 61
    assert tsv == stored  # EventCode is column 27 (column26, 0-based names), GoldsteinScale column 31 (column30)
