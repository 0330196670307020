"""`detente serve`: the JSON API and the dashboard over a store built the production way (detente.pipeline.run on
pages from examples/corpus), driven in-process through FastAPI's TestClient."""
from __future__ import annotations

import html
import json
import re
import shutil
import threading
import time
import warnings
from pathlib import Path

import duckdb
import pytest

from conftest import REPO

pytest.importorskip("fastapi")

# Two pages with Russia–United States consultations (Geneva 2021, Istanbul 2025), one with removed lines and quotes.
CORPUS_FILES = ("alpinetribune_geneva-summit.html", "novayaline_istanbul-embassy-talks.txt")

# A page whose every part carries a payload that, if it ran, would set window.__pwned or document.title. The
# pipeline keeps them: the first line becomes the title (and a removed repeated headline), the sentences events
# and a quote, the link a removed line.
PAYLOAD_PAGE = (
    "Lavrov and Blinken <script>window.__pwned='title'</script> meet in Geneva\n\n"
    "Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva on Friday "
    "<script>window.__pwned='script'; document.title='pwned'</script> the ministry said.\n\n"
    "\"The talks were useful <img src=x onerror=\"window.__pwned='img'\"> and frank,\" Lavrov told reporters after "
    "the meeting.\n\n"
    "Washington and Moscow agreed to keep talking <svg onload=\"window.__pwned='svg'\"></svg> about strategic "
    "stability, officials said.\n\n"
    "<a href=\"javascript:window.__pwned='link'\">Read more about the talks</a>\n")

_BUILT: dict = {}


def built_store(tmp_path_factory) -> dict:
    """The store, built once per test session through the production path: {db, payload_doc, documents}."""
    if "db" not in _BUILT:
        from detente.pipeline import run

        folder = tmp_path_factory.mktemp("serve-corpus")
        for name in CORPUS_FILES:
            shutil.copy(REPO / "examples" / "corpus" / name, folder / name)
        (folder / "payload.txt").write_text(PAYLOAD_PAGE, encoding="utf-8")
        out = tmp_path_factory.mktemp("serve-out")
        result = run([str(folder)], out)
        payload = [d.doc_id for d in result.documents if d.source.endswith("payload.txt")]
        _BUILT.update(db=out / "detente.duckdb", payload_doc=payload[0],
                      documents={Path(d.source).name: d.doc_id for d in result.documents})
    return _BUILT


def store_copy(tmp_path_factory, label: str) -> Path:
    """A copy of the built store of one's own, so that ingests elsewhere do not change it."""
    folder = tmp_path_factory.mktemp(label)
    target = folder / "detente.duckdb"
    shutil.copy(built_store(tmp_path_factory)["db"], target)
    return target


def make_client(app):
    with warnings.catch_warnings():  # starlette's TestClient would rather have httpx2 than httpx
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app)



@pytest.fixture(scope="module")
def store(tmp_path_factory) -> dict:
    return {**built_store(tmp_path_factory), "db": store_copy(tmp_path_factory, "serve-api")}


@pytest.fixture(scope="module")
def client(store):
    from detente.serve import create_app
    return make_client(create_app(store["db"]))


def _sql(db: Path, query: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


# --- the API -----------------------------------------------------------------------------------------------
def test_openapi_lists_every_endpoint_and_docs_need_no_cdn(client):
    schema = client.get("/openapi.json").json()
    for p in ("/api/events", "/api/events/{event_id}", "/api/documents", "/api/documents/{doc_id}", "/api/incidents",
              "/api/quotes", "/api/actors", "/api/actors/{actor_id}", "/api/dyads", "/api/dyads/{dyad}", "/ingest"):
        assert p in schema["paths"], p
    names = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"actor", "country", "dyad", "plover", "cameo", "mode", "since", "until", "q", "limit", "offset"} <= names
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/events" in docs.text
    # the app's own docs page: no Swagger UI, nothing from elsewhere
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", docs.text)


def test_events_filtered_to_a_dyad_and_type_with_total_and_stable_pages(client, store):
    expected = {row[0] for row in _sql(store["db"], """
        SELECT event_id FROM events WHERE plover = 'CONSULT' AND ((source_country = 'RUS' AND target_country = 'USA')
        OR (source_country = 'USA' AND target_country = 'RUS'))""")}
    assert len(expected) >= 3  # Geneva, Istanbul and the payload page's Lavrov–Blinken meeting
    # either direction, either spelling of the dyad
    for dyad in ("RUS-USA", "usa-rus"):
        body = client.get("/api/events", params={"dyad": dyad, "plover": "CONSULT", "limit": 500}).json()
        assert body["total"] == len(expected)
        assert {e["event_id"] for e in body["items"]} == expected
        for e in body["items"]:
            assert e["plover"] == "CONSULT"
            assert {e["source"]["country"], e["target"]["country"]} == {"RUS", "USA"}
    whole = [e["event_id"] for e in client.get("/api/events", params={"dyad": "RUS-USA", "plover": "CONSULT"}).json()[
        "items"]]
    paged = []
    for offset in range(0, len(expected) + 1):
        page = client.get("/api/events", params={"dyad": "RUS-USA", "plover": "CONSULT", "limit": 1,
                                                 "offset": offset}).json()
        assert page["total"] == len(expected) and page["limit"] == 1 and page["offset"] == offset
        paged += [e["event_id"] for e in page["items"]]
    assert paged == whole  # each event once, in the same order as one page
    dated = [e["date"] for e in client.get("/api/events", params={"limit": 500}).json()["items"]]
    known = [d for d in dated if d and not d.startswith("X")]
    assert known == sorted(known) and dated[:len(known)] == known  # by date, the undated last


def test_filters_by_actor_country_cameo_text_and_dates(client, store):
    def ids(**params):
        return {e["event_id"] for e in client.get("/api/events", params={**params, "limit": 500}).json()["items"]}

    everything = ids()
    lavrov = ids(actor="sergey-lavrov")
    assert lavrov and lavrov < everything
    assert ids(country="rus") >= lavrov
    consult = ids(cameo="04")
    assert consult and all(
        client.get(f"/api/events/{i}").json()["cameo"].startswith("04") for i in consult)
    geneva = ids(q="villa la grange")
    assert geneva and all("Villa La Grange" in client.get(f"/api/events/{i}").json()["sentence"] for i in geneva)
    june_2021 = ids(since="2021-06", until="2021-06-30")
    assert june_2021 and all(client.get(f"/api/events/{i}").json()["date"].startswith("2021-06") for i in june_2021)
    assert ids(since="2030") == set()


def test_single_items_and_404s(client, store):
    doc_id = store["documents"]["alpinetribune_geneva-summit.html"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["title"] and doc["events"] and doc["removed"] and doc["text"]
    event = doc["events"][0]
    assert client.get(f"/api/events/{event['event_id']}").json()["sentence"] == event["sentence"]
    assert doc["text"][event["span"][0]:event["span"][1]] == event["sentence"]
    for url in ("/api/documents/nope", "/api/events/nope", "/api/actors/nope", "/documents/nope", "/actors/nope"):
        assert client.get(url).status_code == 404, url
    quotes = client.get("/api/quotes", params={"doc_id": doc_id}).json()
    assert quotes["total"] >= 1 and all(q["doc_id"] == doc_id for q in quotes["items"])
    incidents = client.get("/api/incidents", params={"dyad": "RUS-USA"}).json()
    assert incidents["total"] >= 1 and incidents["items"][0]["lead"]["sentence"]
    actors = client.get("/api/actors", params={"kind": "person", "country": "RUS"}).json()
    assert "sergey-lavrov" in {a["actor_id"] for a in actors["items"]}


@pytest.mark.parametrize("url, name", [
    ("/api/events?since=2022-13-45", "since"),
    ("/api/events?until=2021-02-30", "until"),
    ("/api/events?since=yesterday", "since"),
    ("/api/events?plover=PARTY", "plover"),
    ("/api/events?dyad=RUSUSA", "dyad"),
    ("/api/events?country=Russia", "country"),
    ("/api/events?cameo=99", "cameo"),
    ("/api/events?aux=maybe", "aux"),
    ("/api/events?order=sideways", "order"),
    ("/api/events?limit=0", "limit"),
    ("/api/events?limit=100000", "limit"),
    ("/api/events?offset=-5", "offset"),
    ("/api/events?limit=ten", "limit"),
    ("/api/events?since=2022&until=2021", "until"),
    ("/api/events?plovr=CONSULT", "plovr"),  # a typo is not "no filter"
    ("/api/incidents?plover=nope", "plover"),
    ("/api/documents?status=lost", "status"),
    ("/api/actors?kind=robot", "kind"),
    ("/api/dyads?since=2021-00", "since"),
    ("/api/dyads/RUS", "dyad"),
    ("/api/quotes?country=R", "country"),
    ("/api/events?q=" + "x" * 201, "q"),
    ("/api/events?q=a%00b", "q"),
])
def test_bad_parameters_are_4xx_naming_the_parameter(client, url, name):
    response = client.get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert any(e["loc"][-1] == name for e in body["detail"]), body
    assert name in body["error"]


def test_blank_parameters_are_no_filter_and_nothing_is_a_500(client):
    everything = client.get("/api/events").json()["total"]
    blank = client.get("/api/events", params={"q": "\t", "plover": "", "dyad": " ", "since": ""}).json()
    assert blank["total"] == everything
    nasty = ["' OR 1=1 --", "%_\\", "9999-12-31", "NaN", "\u202e<script>", "x" * 300, "RUS-RUS", "-1"]
    for path in ("/api/events", "/api/incidents", "/api/documents", "/api/quotes", "/api/actors", "/events"):
        for name in ("q", "actor", "dyad", "since", "limit", "status"):
            for value in nasty:
                status = client.get(path, params={name: value}).status_code
                assert status in (200, 422), (path, name, value, status)


def test_bad_parameters_on_pages_are_4xx_pages_naming_them(client):
    for url, name in (("/events?since=2022-13-45", "since"), ("/events?plover=PARTY", "plover"),
                      ("/dyad/nope", "dyad"), ("/documents?until=2021-99", "until")):
        response = client.get(url)
        assert response.status_code == 422, url
        assert "text/html" in response.headers["content-type"]
        assert name in response.text and "Bad parameter" in response.text


# --- pages --------------------------------------------------------------------------------------------------
def _marked(page: str) -> str:
    """The text inside <mark> elements, unescaped and joined."""
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", m)) for m in marks)


def test_document_page_highlights_evidence_marks_quotes_and_strikes_removed_lines(client, store):
    doc_id = store["documents"]["alpinetribune_geneva-summit.html"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    page = client.get(f"/documents/{doc_id}").text
    marked = _marked(page)
    for event in doc["events"]:
        assert event["sentence"][:60] in marked
        assert f'id="ev-{event["event_id"]}"' in page
    for quote in doc["quotes"]:
        assert f'id="q-{quote["quote_id"]}"' in page
    assert '<q class="quote"' in page
    deleted = [html.unescape(d) for d in re.findall(r"<del>(.*?)</del>", page, re.S)]
    assert deleted == [r["text"] for r in doc["removed"]]
    for reason in {r["reason"] for r in doc["removed"]}:
        assert f">{reason}</span>" in page
    # the event asked for is the one in focus
    focus = doc["events"][0]["event_id"]
    assert 'class="ev focus"' in client.get(f"/documents/{doc_id}", params={"event": focus}).text


def test_pages_render_and_load_nothing_from_elsewhere(client, store):
    doc_id = store["documents"]["novayaline_istanbul-embassy-talks.txt"]
    for url in ("/", "/events", "/events?dyad=RUS-USA&plover=CONSULT", "/incidents", "/dyads", "/dyad/RUS-USA",
                "/documents", f"/documents/{doc_id}", "/actors", "/actors/sergey-lavrov", "/ingest", "/docs"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        text = response.text
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", text), url
        assert not re.search(r"<script(?![^>]*\bsrc=\"/static/app\.js\")", text), url  # no inline script
        # no markup of the app's own shown as text (escaped twice)
        assert not re.search(r"&lt;(a href=&quot;/|span class=&quot;|mark class=&quot;|/?td&gt;|/?tr&gt;|"
                             r"rect class=&quot;|/?details&gt;|/?div&gt;)", text), url
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_events_page_keeps_the_filters_in_its_links(client):
    page = client.get("/events", params={"dyad": "RUS-USA", "plover": "CONSULT", "limit": 1}).text
    total = int(re.search(r'<strong id="total">(\d+)</strong>', page).group(1))
    assert total >= 3
    assert 'value="RUS-USA"' in page and '<option value="CONSULT" selected>' in page
    assert re.search(r'href="\?[^"]*dyad=RUS-USA[^"]*plover=CONSULT[^"]*offset=1"|'
                     r'href="/events\?[^"]*dyad=RUS-USA[^"]*plover=CONSULT[^"]*offset=1"', page)
    assert '/api/events?dyad=RUS-USA&amp;plover=CONSULT' in page  # the same view as JSON


def test_dyad_page_and_series(client, store):
    page = client.get("/dyad/RUS-USA").text
    assert '<svg class="trend"' in page and "<rect class=\"q1\"" in page and "<circle" in page
    assert 'class="timeline"' in page
    assert client.get("/dyad/usa-rus", follow_redirects=False).headers["location"] == "/dyad/RUS-USA"
    series = client.get("/api/dyads/RUS-USA").json()
    factual = _sql(store["db"], """
        SELECT count(*) FROM events WHERE (aux_mode IS NULL OR aux_mode = 'historical') AND date IS NOT NULL
        AND date NOT LIKE 'X%' AND length(date) >= 7 AND ((source_country = 'RUS' AND target_country = 'USA')
        OR (source_country = 'USA' AND target_country = 'RUS'))""")[0][0]
    assert sum(m["events"] for m in series["months"]) == factual
    assert all(sum(m["quad_class"].values()) == m["events"] for m in series["months"])
    dyads = client.get("/api/dyads").json()
    assert dyads["items"][0]["dyad"] == "RUS-USA"


def test_actor_page_shows_the_role_at_each_date(client, store):
    actor = client.get("/api/actors/joe-biden").json()
    assert {"date": "2021-06-16", "role": "President"}.items() <= actor["roles"][0].items()
    page = client.get("/actors/joe-biden").text
    assert re.search(r"2021-06-16</td><td><span class=\"role\">President</span>", page)
    assert '<svg class="trend"' in page


# --- ingest -------------------------------------------------------------------------------------------------
INJECTED = ("Sergey Lavrov met Antony Blinken in Geneva on Friday <script>alert(1)</script> and they talked.\n"
            "Moscow and Washington agreed to keep talking <img src=x onerror=alert(2)> about arms control.\n"
            '<a href="javascript:alert(3)">Read more</a> about the Geneva talks with Lavrov and Blinken.\n')


@pytest.fixture(scope="module")
def ingest_client(tmp_path_factory):
    from detente.serve import create_app
    return make_client(create_app(store_copy(tmp_path_factory, "serve-ingest")))


def test_ingest_pasted_text_lands_on_the_new_document_rendered_escaped(ingest_client):
    response = ingest_client.post("/ingest", data={"text": INJECTED, "format": "text",
                                                   "title": "Talks <script>alert(4)</script>",
                                                   "url": "https://example.org/a?<b>=1", "published": "2022-01-21"},
                                  follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/documents/[0-9a-f]+", location)
    page = ingest_client.get(location).text
    assert "<script>alert" not in page and "<img" not in page and "onerror=alert" not in page.replace(
        "onerror=alert(2)&gt;", "")
    assert not re.search(r"href=\"\s*javascript:", page, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "Talks &lt;script&gt;alert(4)&lt;/script&gt;" in page
    assert 'href="https://example.org/a?&lt;b&gt;=1"' in page  # a web link, its text escaped
    assert "<mark" in page  # the pipeline coded it, and the evidence shows
    # the same text again is the same document
    again = ingest_client.post("/ingest", data={"text": INJECTED, "format": "text",
                                                "title": "Talks <script>alert(4)</script>",
                                                "url": "https://example.org/a?<b>=1", "published": "2022-01-21"},
                               follow_redirects=False)
    assert again.headers["location"] == location
    # and every other page that shows its sentences escapes them too
    for url in ("/events?q=alert", "/incidents", "/", "/actors/sergey-lavrov"):
        text = ingest_client.get(url).text
        assert "<script>alert" not in text and "<img src=x" not in text, url


def test_ingest_html_upload_never_links_javascript(ingest_client):
    page = ("<html><head><title>&lt;script&gt;alert(5)&lt;/script&gt; Lavrov meets Blinken</title></head><body>"
            "<article><p>Russian Foreign Minister Sergey Lavrov met US Secretary of State Antony Blinken in Geneva on "
            "Friday, the ministry said.</p><p><a href=\"javascript:alert(6)\">javascript:alert(6)</a> Both sides "
            "agreed to meet again.</p></article></body></html>")
    response = ingest_client.post("/ingest", files={"file": ("page.html", page.encode(), "text/html")})
    assert response.status_code == 200 and str(response.url).split("/documents/")[1]
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in response.text and "<script>alert" not in response.text
    assert not re.search(r"href=\"\s*javascript:", response.text, re.I)


def test_ingest_refuses_what_it_cannot_take(ingest_client, tmp_path_factory):
    cases = [({"text": "  "}, None, 422, "text"),
             ({"text": "Some text.", "url": "javascript:alert(1)"}, None, 422, "url"),
             ({"text": "Some text.", "published": "2021-02-30"}, None, 422, "published"),
             ({"text": "Some text.", "format": "pdf"}, None, 422, "format"),
             ({"text": "Some text."}, {"file": ("a.txt", b"Other text.", "text/plain")}, 422, "file")]
    for data, files, status, name in cases:
        response = ingest_client.post("/ingest", data=data, files=files, headers={"accept": "application/json"})
        assert response.status_code == status, (data, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", name]
    # a post from another site (or from an opaque origin) is refused
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}, {"origin": "null"},
                    {"sec-fetch-site": "same-site", "origin": "http://testserver"}):
        response = ingest_client.post("/ingest", data={"text": "Lavrov met Blinken."}, headers=headers)
        assert response.status_code == 403, headers


def test_ingest_over_the_size_cap_is_413_with_a_clear_message(ingest_client):
    cap = 5 * 1024 * 1024
    just_over = ingest_client.post("/ingest", files={"file": ("big.txt", b"a" * (cap + 1), "text/plain")},
                                   headers={"accept": "text/html"})
    assert just_over.status_code == 413
    assert "5,242,880 bytes" in just_over.text and "--max-upload" in just_over.text
    far_over = ingest_client.post("/ingest", files={"file": ("big.txt", b"a" * (cap * 2), "text/plain")})
    assert far_over.status_code == 413
    assert "the cap is 5,242,880 bytes" in far_over.json()["error"]
    pasted = ingest_client.post("/ingest", data={"text": "a" * (cap + 1)}, headers={"accept": "application/json"})
    assert pasted.status_code == 413 and "cap" in pasted.json()["error"]


def test_a_smaller_cap_is_a_setting(tmp_path_factory):
    from detente.serve import create_app
    small = make_client(create_app(store_copy(tmp_path_factory, "serve-cap"), max_upload_bytes=1000))
    response = small.post("/ingest", files={"file": ("a.txt", b"word " * 300, "text/plain")},
                          headers={"accept": "application/json"})
    assert response.status_code == 413 and "1,000 bytes" in response.json()["error"]
    assert "1,000 bytes" in small.get("/ingest").text


# --- reading while a writer holds the store ------------------------------------------------------------------
def test_readers_wait_for_the_writer_and_then_read(store):
    from detente.serve.store import StoreBusy, StoreGate

    gate = StoreGate(timeout=0.2)
    gate.hold()
    with pytest.raises(StoreBusy):
        with gate.reading():
            pass
    gate.timeout = 5
    seen = []

    def reader():
        with gate.reading():
            seen.append(time.monotonic())

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.2)
    released = time.monotonic()
    gate.release()
    thread.join(5)
    assert seen and seen[0] >= released


def test_host_check_and_a_missing_store(store, tmp_path):
    from detente.serve import StoreMissing, allowed_hosts, create_app

    app = create_app(store["db"], allowed_hosts=allowed_hosts("127.0.0.1", 8000))
    client = make_client(app)
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    with pytest.raises(StoreMissing):
        create_app(tmp_path / "none.duckdb")
    (tmp_path / "other.duckdb").write_bytes(b"")
    con = duckdb.connect(str(tmp_path / "plain.duckdb"))
    con.execute("CREATE TABLE t (a INT)")
    con.close()
    with pytest.raises(StoreMissing, match="not a Detente store"):
        create_app(tmp_path / "plain.duckdb")
    assert json.loads(json.dumps(allowed_hosts("0.0.0.0", 80))) is None


def test_reads_go_on_while_an_ingest_runs(ingest_client, monkeypatch):
    """The pipeline has the store to itself only while it opens it; readers are let in while it annotates and codes,
    and nobody gets an error."""
    import detente.pipeline

    runs = []
    real_run = detente.pipeline.run
    monkeypatch.setattr(detente.pipeline, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))
    answers, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            answers.append((time.monotonic(), ingest_client.get("/api/events", params={"limit": 5}).status_code))

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    text = (REPO / "examples" / "corpus" / "harborline_ankara-prisoner-exchange.txt").read_text(encoding="utf-8")
    response = ingest_client.post("/ingest", data={"text": text}, follow_redirects=False)
    finished = time.monotonic()
    stop.set()
    for thread in readers:
        thread.join(30)
    assert response.status_code == 303, response.text
    assert runs == [1]  # one run: the readers never stood in its way
    assert answers and {code for _, code in answers} == {200}
    assert any(started < t < finished for t, _ in answers)  # some were answered during the ingest
