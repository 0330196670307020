"""The brief: a dated timeline with citations, balanced key quotes, the trend drawn per dyad."""
from detente.brief import build_brief, render_html, render_markdown
from detente.resolve import merge_incidents
from detente.types import Actor, Document, Event, Quote

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
