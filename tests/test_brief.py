"""The brief: a dated timeline with citations, balanced key quotes, the trend drawn per dyad."""
import pytest

from detente.brief import build_brief, render_html, render_markdown
from detente.resolve import merge_incidents
from detente.types import Actor, Document, Event, Quote, Removed

RUS = Actor("RUS", "Russia", "state", country="RUS")
USA = Actor("USA", "United States", "state", country="USA")


def event(eid, doc, date, cameo="040", plover="CONSULT", goldstein=1.0, aux=None):
    return Event(eid, doc, f"Sentence of {eid}.", (0, 10), RUS, USA, cameo, plover, None, 1, goldstein,
                 date=date, aux_mode=aux, confidence=0.8, symmetric=True)


def make_brief():
    docs = [Document("a", "a.txt", title="Talks in Geneva", outlet="Wire", published="2021-06-17", text="x"),
            Document("b", "b.txt", title="Sanctions", outlet="Daily", published="2021-04-16", text="y")]
    events = [event("a-e1", "a", "2021-06-16"), event("a-e2", "a", "XXXX-06"),
              event("b-e1", "b", "2021-04-15", "163", "COERCE", -8.0), event("b-e2", "b", "2021-09", aux="future")]
    quotes = [Quote(f"a-q{i}", "a", "We had a useful and frank conversation " * i, (0, 5), RUS, "said") for i in range(1, 6)]
    quotes.append(Quote("b-q1", "b", "These measures answer hostile actions by Moscow", (0, 5), USA, "said"))
    incidents = merge_incidents(events, {"a": "Wire", "b": "Daily"})
    return build_brief(docs, events, quotes, incidents)


def test_timeline_is_in_date_order_with_unknown_years_last():
    dates = [t.date for t in make_brief().timeline]
    assert dates == ["2021-04-15", "2021-06-16", "2021-09", "XXXX-06"]


def test_key_quotes_take_turns_between_documents():
    quotes = make_brief().quotes
    assert [q.doc_id for q, _ in quotes[:2]] == ["a", "b"]
    assert sum(q.doc_id == "a" for q, _ in quotes) == 3


def test_trend_is_plotted_per_dyad():
    brief = make_brief()
    points = brief.trends["RUS–USA"]
    assert [(p.period, p.goldstein) for p in points] == [("2021-04", -8.0), ("2021-06", 1.0)]
    html = render_html(brief)
    assert html.count("<circle") == 2 and "<polyline" in html
    md = render_markdown(brief)
    assert "2021-04 -8.0" in md and "Talks in Geneva, Wire, 2021-06-17" in md


def test_a_large_run_keeps_the_most_reported_incidents():
    docs = [Document(f"d{i}", f"d{i}.txt", title=f"Story {i}", text="t") for i in range(5)]
    events = [event(f"d{i}-e1", f"d{i}", f"2021-0{1 + i}-01") for i in range(5)]
    events += [event("d0-e2", "d0", "2021-01-01")]  # a second mention of the first incident
    incidents = merge_incidents(events, {})
    brief = build_brief(docs, events, [], incidents, max_timeline=2, max_document_texts=3)
    assert brief.timeline_total == 5 and len(brief.timeline) == 2
    assert brief.timeline[0].date == "2021-01-01" and brief.timeline[0].mentions == 2
    md = render_markdown(brief)
    assert "The 2 most reported of 5 dated incidents." in md and "2 more documents" in md


# --- the monthly series per dyad and "what changed" ---------------------------------------------------------------
def month_events(spec):
    """spec: [(date, cameo, quad_class, goldstein)] -> RUS–USA events, one document each."""
    docs, events = [], []
    for n, (date, cameo, quad, weight) in enumerate(spec):
        docs.append(Document(f"d{n}", f"d{n}.txt", title=f"Story {n}", published=date[:7] + "-28", text="t"))
        events.append(Event(f"d{n}-e1", f"d{n}", f"Sentence {n}.", (0, 5), RUS, USA, cameo, None, None, quad, weight,
                            date=date, confidence=0.8))
    return docs, events


def test_each_month_counts_incidents_per_quad_class_once_however_often_reported():
    docs, events = month_events([("2021-01-05", "040", 1, 1.0), ("2021-01-20", "163", 4, -8.0),
                                 ("2021-03-02", "112", 3, -2.0)])
    docs.append(Document("copy", "copy.txt", title="Copy", text="t"))
    events.append(Event("copy-e1", "copy", "Sentence 0 again.", (0, 5), RUS, USA, "040", None, None, 1, 1.0,
                        date="2021-01-05", confidence=0.5))  # a second report of the first incident
    brief = build_brief(docs, events, [], merge_incidents(events, {}))
    points = brief.trends["RUS–USA"]
    assert [(p.period, p.events, p.quads, p.goldstein) for p in points] == [
        ("2021-01", 2, (1, 0, 0, 1), -3.5), ("2021-03", 1, (0, 0, 1, 0), -2.0)]
    svg = render_html(brief)
    assert svg.count('<circle data-month="2021-01"') == 1 and 'class="bar q4" data-month="2021-01"' in svg
    assert "- 2021-01 -3.5 · 2 incidents: 1 · 0 · 0 · 1" in render_markdown(brief)


def test_what_changed_sets_a_month_against_the_three_months_before_it_with_incidents():
    docs, events = month_events([("2020-01-10", "040", 1, 1.0), ("2020-05-10", "040", 1, 2.2),
                                 ("2020-06-10", "040", 1, 2.0), ("2020-07-10", "043", 1, 2.8),  # small moves
                                 ("2020-09-10", "163", 4, -8.0), ("2020-09-11", "040", 1, 1.0),  # sanctions
                                 ("2021-02-10", "057", 1, 8.0)])
    brief = build_brief(docs, events, [], merge_incidents(events, {}))
    changes = brief.dyads[0].changes
    assert [(c.period, c.toward) for c in changes] == [("2020-09", "conflict"), ("2021-02", "cooperation")]
    sanctions = changes[0]
    assert [p.period for p in sanctions.baseline] == ["2020-05", "2020-06", "2020-07"]
    assert sanctions.baseline_goldstein == pytest.approx(7 / 3) and sanctions.point.goldstein == pytest.approx(-3.5)
    assert sanctions.conflict_share_move == pytest.approx(0.5)
    # behind it: the sanction, not the meeting that month, cited with its sentence and document
    assert [("CAMEO 163" in m.what, [c.doc.doc_id for c in m.citations]) for m in sanctions.behind] == [(True, ["d4"])]
    md = render_markdown(brief)
    assert "- **2020-09**, toward conflict: mean Goldstein -3.5 against +2.3 in 2020-05, 2020-06, 2020-07" in md
    assert "    - “Sentence 4.” — Story 4, 2020-09-28 (doc `d4`)" in md
    assert "<li data-month='2020-09'>" in render_html(brief)


def test_a_small_move_is_no_change_and_one_month_has_nothing_to_compare():
    docs, events = month_events([("2020-01-10", "040", 1, 1.0), ("2020-02-10", "043", 1, 2.8)])
    brief = build_brief(docs, events, [], merge_incidents(events, {}))
    assert brief.dyads[0].changes == [] and "No month moved by the rule above." in render_markdown(brief)
    brief = build_brief(docs[:1], events[:1], [], merge_incidents(events[:1], {}))
    assert "One month only: nothing to compare it with." in render_markdown(brief)


def test_coverage_counts_documents_by_status_and_removed_lines_by_reason():
    docs = [Document("a", "a.html", removed=[Removed("Menu", "navigation"), Removed("Home", "navigation")]),
            Document("b", "b.html", status="duplicate", duplicate_of="a", removed=[Removed("© 2021", "copyright")]),
            Document("c", "c.html", status="error_page"), Document("d", "d.bin", status="not_text", error="binary")]
    brief = build_brief(docs, [], [], [])
    cov = brief.coverage
    assert (cov.documents, cov.clean, cov.duplicate, cov.unreadable, cov.removed_lines) == (4, 1, 1, 2, 3)
    md = render_markdown(brief)
    assert ("**Coverage**: 4 documents read: 1 clean (`article`), 1 `duplicate`, 2 unreadable (1 `error_page`, "
            "1 `not_text`). 3 lines removed in cleaning, by reason: 2 `navigation`; 1 `copyright`.") in md
    assert "<tr><th>removed: navigation</th><td>2</td></tr>" in render_html(brief)


def test_a_brief_does_not_depend_on_the_order_of_its_rows():
    docs, events = month_events([("2021-01-05", "040", 1, 1.0), ("2021-01-05", "041", 1, 1.0),
                                 ("2021-02-01", "163", 4, -8.0), ("2021-02-01", "036", 1, 4.0)])
    events[1].aux_mode = "future"
    one = build_brief(docs, events, [], merge_incidents(events, {}))
    events.reverse()
    two = build_brief(docs[::-1], events, [], merge_incidents(events, {}))
    assert render_markdown(one) == render_markdown(two) and render_html(one) == render_html(two)
