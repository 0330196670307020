"""`detente brief`: the brief of a store, kept to a dyad and a date range, read through SQL.

One store is built through the production path (detente.pipeline.run on pages of examples/corpus); every check then
reads the store on its own (duckdb, read-only) and holds the brief's claims against it.
"""
import json
import re
import shutil
from collections import Counter
from html.parser import HTMLParser

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import REPO
from detente.brief.query import Selection, load, open_store
from detente.cli import app
from detente.pipeline import run
from detente.resolve.incidents import party
from detente.types import Actor

# Pages with Russia–United States events in six different months (2016-12 … 2025-02), a page-not-found stub (an
# unreadable record) and a copy of a wire story (a duplicate).
PAGES = ["northbridge_us-expels-russian-diplomats.html", "balticobserver_inf-treaty-ends.html",
         "tass_new-start-suspension.txt", "harborline_griner-bout-exchange.html", "meridiantimes_page-not-found.html",
         "wire_feed.jsonl", "worlddesk_lavrov-blinken-reykjavik.html"]
RUS_USA = {"RUS", "USA"}
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    pages = tmp_path_factory.mktemp("pages")
    for name in PAGES:
        shutil.copy(REPO / "examples" / "corpus" / name, pages / name)
    out = tmp_path_factory.mktemp("run")
    run([str(pages)], out)
    return out


@pytest.fixture(scope="module")
def rows(stored):
    """The store's rows, read here on their own: events with their parties, incidents, documents."""
    con = duckdb.connect(str(stored / "detente.duckdb"), read_only=True)
    try:
        events = []
        for event_id, doc_id, sentence, source, target, date, aux, incident_id, quad in con.execute(
                "SELECT event_id, doc_id, sentence, source, target, date, aux_mode, incident_id, quad_class "
                "FROM events").fetchall():
            parties = {party(Actor.from_row(json.loads(source)) if source else None),
                       party(Actor.from_row(json.loads(target)) if target else None)}
            events.append(dict(event_id=event_id, doc_id=doc_id, sentence=sentence, parties=parties, date=date,
                               aux_mode=aux, incident_id=incident_id, quad_class=quad))
        incidents = dict(con.execute("SELECT incident_id, date FROM incidents").fetchall())
        documents = {doc_id: (status, json.loads(removed) if removed else []) for doc_id, status, removed
                     in con.execute("SELECT doc_id, status, removed FROM documents").fetchall()}
    finally:
        con.close()
    return {"events": events, "incidents": incidents, "documents": documents}


def rus_usa(rows):
    return [e for e in rows["events"] if e["parties"] == RUS_USA]


def brief(stored, folder, *args):
    result = CliRunner().invoke(app, ["brief", "--db", str(stored / "detente.duckdb"), *args, "--out", str(folder)])
    return result


class Page(HTMLParser):
    """The elements of a piece of brief.html, with their attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def having(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v or (v is True and k in a)
                                                                 for k, v in attrs.items())]


def section(html: str, start: str, end: str) -> str:
    """The HTML from `start` up to the next `end` after it."""
    begin = html.index(start)
    return html[begin:html.index(end, begin + len(start))]


@pytest.fixture(scope="module")
def dyad_brief(stored, tmp_path_factory):
    folder = tmp_path_factory.mktemp("brief")
    result = brief(stored, folder, "--dyad", "RUS-USA")
    assert result.exit_code == 0, result.output
    return (folder / "brief.md").read_text(encoding="utf-8"), (folder / "brief.html").read_text(encoding="utf-8")


def test_a_dyad_brief_lists_only_that_dyad_and_all_of_it(dyad_brief, rows):
    md, html = dyad_brief
    page = Page(html)
    listed = {a["data-incident"] for a in page.having("tr", **{"data-incident": True})}
    by_incident = Counter()
    for e in rows["events"]:
        if e["incident_id"] in listed:
            by_incident[e["incident_id"]] += 1
            assert e["parties"] == RUS_USA, e
    assert listed - {""} == set(by_incident)  # every listed incident is in the store
    # every dated RUS–USA incident of the store is there
    assert {e["incident_id"] for e in rus_usa(rows) if e["incident_id"] and rows["incidents"][e["incident_id"]]} \
        <= listed
    # as the reader sees it: each timeline entry names its direction, and it is one of RUS–USA's
    dyads = re.findall(r"^- \*\*[0-9X-]+\*\* (\S+) · ", md, re.M)
    assert dyads and set(dyads) <= {"RUS→USA", "USA→RUS", "RUS–USA", "USA–RUS"}
    assert "RUS–USA events, either direction" in md


def test_the_chart_has_a_point_and_a_bar_for_each_month_with_incidents(dyad_brief, rows):
    md, html = dyad_brief
    months = {rows["incidents"][e["incident_id"]][:7] for e in rus_usa(rows)
              if e["incident_id"] and MONTH.fullmatch((rows["incidents"][e["incident_id"]] or "")[:7])}
    assert len(months) >= 5
    svg = Page(section(html, "<svg class=\"trend\"", "</svg>"))
    points = [a["data-month"] for a in svg.having("circle")]
    assert sorted(points) == sorted(months)  # one point per month, no more
    assert {a["data-month"] for a in svg.having("line") if "bar" in a.get("class", "")} == months
    assert "<polyline" in html and "<script" not in html and "http" not in section(html, "<svg", "</svg>")
    # the same months in brief.md, one line each: mean Goldstein, incidents, incidents per quad class
    listed = re.findall(r"^- ([0-9]{4}-[0-9]{2}) [+-][0-9.]+ · ([0-9]+) incidents?: ([0-9 ·]+)$", md, re.M)
    assert sorted(m for m, _, _ in listed) == sorted(months)
    for _, total, quads in listed:
        assert sum(map(int, quads.split(" · "))) == int(total)


def test_what_changed_names_months_and_cites_stored_sentences(dyad_brief, rows):
    md, html = dyad_brief
    assert "compared with the mean of the (up to) 3 months before it" in md  # the rule is stated
    changed = re.findall(r"^- \*\*([0-9]{4}-[0-9]{2})\*\*, toward (conflict|cooperation): mean Goldstein", md, re.M)
    assert changed
    page = Page(section(html, "<ul class='changes'>", "</ul></li></ul>"))
    assert {a["data-month"] for a in page.having("li", **{"data-month": True})} == {m for m, _ in changed}
    cited = [a["data-doc"] for a in page.having("span", **{"data-doc": True})]
    assert cited and set(cited) <= set(rows["documents"])
    # every sentence quoted under a change is a sentence of a RUS–USA event in the document it cites
    sentences = {(e["doc_id"], " ".join(e["sentence"].split())) for e in rus_usa(rows)}
    changes = md.split("**What changed, RUS–USA**")[1]
    quoted = re.findall(r"^    - “(.*)” — .*\(doc `([0-9a-f]+)`\)$", changes, re.M)
    assert quoted
    for sentence, doc_id in quoted:
        assert (doc_id, sentence.replace("\\", "")) in sentences


def test_coverage_counts_every_document_of_the_store(dyad_brief, rows):
    md, html = dyad_brief
    statuses = Counter(status for status, _ in rows["documents"].values())
    reasons = Counter(r["reason"] for _, removed in rows["documents"].values() for r in removed)
    assert statuses["duplicate"] == 1 and statuses["error_page"] == 1  # the store has both kinds to count
    table = dict(re.findall(r"<tr><th>([^<]+)</th><td>([0-9]+)</td></tr>", section(html, "id='coverage'", "</table>")))
    assert int(table["documents read"]) == sum(statuses.values())
    assert int(table["clean (article)"]) == statuses["article"]
    assert int(table["duplicate"]) == statuses["duplicate"]
    assert int(table["unreadable (empty, not_text, error_page)"]) == sum(statuses[s] for s in ("empty", "not_text",
                                                                                              "error_page"))
    assert int(table["lines removed in cleaning"]) == sum(reasons.values())
    assert {k[len("removed: "):]: int(v) for k, v in table.items() if k.startswith("removed: ")} == reasons
    assert f"**Coverage**: {sum(statuses.values())} documents read: {statuses['article']} clean" in md


def test_since_and_until_keep_events_whose_whole_date_is_in_range(stored, rows, tmp_path):
    result = brief(stored, tmp_path, "--dyad", "USA-RUS", "--since", "2019-01-01", "--until", "2022-12-31")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    dates = re.findall(r"^- \*\*([0-9X-]+)\*\* ", md, re.M)
    assert dates
    for date in dates:
        assert "2019-01-01" <= date and date[:4] <= "2022", date
    months = re.findall(r"^- ([0-9]{4}-[0-9]{2}) [+-]", md, re.M)
    assert months and all("2019-01" <= m <= "2022-12" for m in months)
    # every incident of the range is there, and nothing from before or after it
    expected = {rows["incidents"][e["incident_id"]] for e in rus_usa(rows)
                if e["incident_id"] and within(e["date"], "2019-01-01", "2022-12-31")}
    assert expected and set(dates) >= expected
    assert not any(d.startswith("2016") or d.startswith("2023") for d in dates)
    assert "dated from 2019-01-01 to 2022-12-31" in md


def within(date, since, until):
    """The whole of a day, month or year date lies in [since, until]."""
    if not date or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", date):
        return False
    first = date + "-01-01"[len(date) - 4:] if len(date) < 10 else date
    last = date + "-12-31"[len(date) - 4:] if len(date) < 10 else date
    return since <= first and last <= until


def test_a_bounded_brief_loads_only_the_rows_it_needs(stored, rows):
    con = open_store(stored / "detente.duckdb")
    try:
        loaded = load(con, Selection.parse("RUS-USA", "2021-01-01", "2021-12-31"))
    finally:
        con.close()
    assert loaded.events and all(e.date and e.date >= "2021" and e.date[:4] == "2021" for e in loaded.events)
    assert {d.doc_id for d in loaded.documents} == {e.doc_id for e in loaded.events}
    assert len(loaded.documents) < len(rows["documents"])
    assert {i.incident_id for i in loaded.incidents} == {e.incident_id for e in loaded.events} - {None}
    assert loaded.coverage.documents == len(rows["documents"])  # counted in SQL over the whole store


@pytest.mark.parametrize("args, code, says", [
    (["--since", "2022-13-01"], 2, "has no month 13"),
    (["--until", "2021-02-30"], 2, "has no day 30"),
    (["--since", "last year"], 2, "is not a date"),
    (["--dyad", "RUSUSA"], 2, "is not a dyad"),
    (["--dyad", "RUS-XYZ"], 1, "no events of the dyad RUS-XYZ"),
    (["--db", "missing.duckdb"], 1, "no store at"),
])
def test_a_bad_value_says_why_in_one_line(stored, tmp_path, args, code, says):
    if args[0] == "--db":
        result = CliRunner().invoke(app, ["brief", "--db", str(tmp_path / args[1]), "--out", str(tmp_path / "b")])
    else:
        result = brief(stored, tmp_path / "b", *args)
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("detente brief: ") and says in lines[0], result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "b" / "brief.md").exists()


def test_the_store_brief_is_the_brief_the_run_wrote(stored, tmp_path):
    result = brief(stored, tmp_path)
    assert result.exit_code == 0, result.output
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert md.startswith("# Detente brief\n\nFrom the store ")
    run_md = (stored / "brief.md").read_text(encoding="utf-8")
    assert re.sub(r"\nFrom the store [^\n]*\n\n", "\n", md, count=1) == run_md
    assert re.sub(r"<p id='scope'>[^\n]*\n", "", html, count=1) == (stored / "brief.html").read_text(encoding="utf-8")
