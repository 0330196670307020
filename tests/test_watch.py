"""`detente watch`: feeds and folders polled into the store, politely, incrementally, with alerts.

A local HTTP server (http.server on 127.0.0.1, port 0, in a thread) serves the fixture site in
tests/fixtures/watch/site: an RSS 2.0 and an Atom feed, a malformed feed, news pages written for these tests, a
robots.txt that keeps the watch out of /private/, a page that fails with 500 once, one that answers 429 with
Retry-After once, one slower than the timeout, and a PDF. The server logs every request as it sees it (time, path,
headers, status), which is what the politeness assertions read. One end-to-end watch goes through the real
pipeline (spaCy included) and fires an alert; a folder watch runs it once more.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import typer
from typer.testing import CliRunner

from detente import pipeline
from detente import settings as S
from detente.watch import watch
from detente.watch.alerts import RuleError, parse_rule
from detente.watch.feeds import FeedError, parse_feed
from detente.watch.fetch import Disallowed, Fetcher, FetchError, NotText, TooLarge, retry_after_seconds
from detente.watch.state import WatchState

FIXTURES = Path(__file__).parent / "fixtures" / "watch"
SITE = FIXTURES / "site"
UA = "DetenteTest/1.0 (+mailto:watch-tests@example.invalid)"
DELAY = 0.2        # --per-host-delay in these tests
TIMEOUT = 0.5      # --timeout; the slow page answers after SLOW seconds
SLOW = 2.0
RETRY_AFTER = 2    # the 429's Retry-After, longer than the first backoff (BACKOFF_SECONDS), so that it shows
ETAG = '"rss-v1"'
LAST_MODIFIED = "Wed, 13 Mar 2024 18:00:00 GMT"
TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf"}


class Site:
    """The fixture site on a local server. `robots` is "file" (serve robots.txt), "missing" (404) or "error" (500);
    `pages` maps extra paths to (status, content type, body[, headers])."""

    def __init__(self, robots: str = "file", pages: dict | None = None):
        self.robots, self.pages = robots, pages or {}
        self.log: list[dict] = []
        self.counts: Counter = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client that hung up is no test failure
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Site":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def requests(self, path: str | None = None) -> list[dict]:
        return [r for r in self.log if path is None or r["path"] == path]

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = urlsplit(h.path).path
        entry = {"time": time.monotonic(), "path": path, "headers": dict(h.headers.items())}
        self.log.append(entry)
        self.counts[path] += 1
        n = self.counts[path]
        headers: dict[str, str] = {}
        if path in self.pages:
            status, ctype, body, *extra = self.pages[path]
            headers.update({"Content-Type": ctype, **(extra[0] if extra else {})})
        elif path == "/robots.txt" and self.robots != "file":
            status, body = (404 if self.robots == "missing" else 500), b"no"
        elif path == "/news/flaky.html" and n == 1:
            status, body = 500, b"server error"
        elif path == "/news/busy.html" and n == 1:
            status, body = 429, b"slow down"
            headers["Retry-After"] = str(RETRY_AFTER)
        elif path == "/rss.xml" and h.headers.get("If-None-Match") == ETAG:
            status, body = 304, b""
        elif path == "/atom.xml" and h.headers.get("If-Modified-Since") == LAST_MODIFIED:
            status, body = 304, b""
        else:
            file = SITE / path.lstrip("/")
            if not file.is_file():
                status, body = 404, b"not found"
            else:
                if path == "/news/slow.html":
                    time.sleep(SLOW)
                status, body = 200, file.read_bytes()
                headers["Content-Type"] = TYPES.get(file.suffix, "application/octet-stream")
                if path == "/rss.xml":
                    headers["ETag"] = ETAG
                if path == "/atom.xml":
                    headers["Last-Modified"] = LAST_MODIFIED
        entry["status"] = status
        try:
            h.send_response(status)
            for name, value in headers.items():
                h.send_header(name, value)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if status != 304:
                h.wfile.write(body)
        except OSError:  # the client gave up (the slow page, a refused content type)
            pass


def make_app() -> typer.Typer:
    """The command registered the way cli.py will: app.command("watch")(watch)."""
    app = typer.Typer()
    app.command("watch")(watch)

    @app.callback()
    def main():
        """A group, so that the command is called by its name as under `detente`."""

    return app


runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(make_app(), ["watch", *args], catch_exceptions=False)


@pytest.fixture
def run_calls(monkeypatch) -> list:
    """Every call of pipeline.run, passed on to the real one."""
    calls = []
    real = pipeline.run

    def spy(inputs, *args, **kwargs):
        calls.append(list(inputs))
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run", spy)
    return calls


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- the end-to-end watch -------------------------------------------------------------------------------------------

def test_two_polls_of_three_feeds_through_the_pipeline_with_an_alert(tmp_path, run_calls):
    out = tmp_path / "out"
    with Site() as site:
        result = invoke(site.url("/rss.xml"), site.url("/atom.xml"), site.url("/broken.xml"), "--out", str(out),
                        "--max-polls", "2", "--interval", "0", "--user-agent", UA, "--per-host-delay", str(DELAY),
                        "--timeout", str(TIMEOUT), "--retries", "1", "-j", "1",
                        "--alert", "dyad=UKR-RUS and goldstein<=-5",
                        "--alert", "country=FIN and goldstein<=-5")
        log = list(site.log)
    output = result.stdout + result.stderr
    # the malformed feed and the slow page are reported, so the exit code says some things could not be read
    assert result.exit_code == 3, output

    # every request names the watch, and one host gets one request per DELAY at most
    assert log and all(r["headers"].get("User-Agent") == UA for r in log)
    # (as the server saw them: on a busy machine a request may be taken up late, so one gap may look shorter;
    # without the delay the gaps would be milliseconds)
    starts = [r["time"] for r in log]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= DELAY / 2 and (starts[-1] - starts[0]) >= DELAY * len(gaps) - 0.05

    # robots.txt: read once for the host, for both polls; /private/ never asked for; the watch's own group applies
    # (the catch-all group disallows everything, so nothing would have been fetched under it)
    assert [r["path"] for r in log].count("/robots.txt") == 1
    assert not [r for r in log if r["path"].startswith("/private/")]
    state = json.loads((out / "watch-state.json").read_text())
    by_url = {item["url"]: item for item in state["items"].values()}
    assert by_url[site.url("/private/memo.html")]["status"] == "disallowed"

    # a 500 is retried after the backoff; a 429 after its Retry-After (longer than the backoff)
    flaky = [r for r in log if r["path"] == "/news/flaky.html"]
    assert [r["status"] for r in flaky] == [500, 200]
    assert flaky[1]["time"] - flaky[0]["time"] >= S.BACKOFF_SECONDS - 0.05
    busy = [r for r in log if r["path"] == "/news/busy.html"]
    assert [r["status"] for r in busy] == [429, 200]
    assert busy[1]["time"] - busy[0]["time"] >= RETRY_AFTER - 0.05

    # the slow page times out on each of its 2 attempts, is reported in one line, and waits for a later poll
    assert len([r for r in log if r["path"] == "/news/slow.html"]) == 2
    slow_lines = [line for line in output.splitlines() if "/news/slow.html" in line]
    assert len(slow_lines) == 1 and "timed out" in slow_lines[0]
    slow = by_url[site.url("/news/slow.html")]
    assert slow["status"] == "retry" and slow["attempts"] == 1 and slow["next_try"] > time.time() + 60

    # a PDF is asked for once, refused by its content type, and not asked for again
    assert len([r for r in log if r["path"] == "/files/report.pdf"]) == 1
    assert by_url[site.url("/files/report.pdf")]["status"] == "not_text"

    # the malformed feed: one clear line, and the other feeds went on
    broken = [line for line in output.splitlines() if "broken.xml" in line]
    assert len(broken) == 2 and all("not well-formed XML" in line for line in broken)  # one per poll

    # the second poll: conditional GETs answered 304, no page fetched, no run
    polls = [r for r in log if r["path"] in ("/rss.xml", "/atom.xml", "/broken.xml")]
    assert [r["path"] for r in polls].count("/rss.xml") == 2
    second_rss = [r for r in polls if r["path"] == "/rss.xml"][1]
    second_atom = [r for r in polls if r["path"] == "/atom.xml"][1]
    assert second_rss["headers"].get("If-None-Match") == ETAG and second_rss["status"] == 304
    assert second_atom["headers"].get("If-Modified-Since") == LAST_MODIFIED and second_atom["status"] == 304
    after_second_feeds = [r for r in log if r["time"] > second_rss["time"]]
    assert all(r["path"] in ("/rss.xml", "/atom.xml", "/broken.xml") for r in after_second_feeds)
    assert len(run_calls) == 1
    assert "poll 2" in output and "nothing new, no run" in output

    # the one run read one inbox file: the four pages fetched, with the feed's title, date and outlet
    (inbox,) = run_calls[0]
    records = {r["url"]: r for r in jsonl(Path(inbox))}
    assert set(records) == {site.url(p) for p in ("/news/kharkiv.html", "/news/talks.html", "/news/flaky.html",
                                                  "/news/busy.html")}
    kharkiv = records[site.url("/news/kharkiv.html")]
    assert (kharkiv["title"], kharkiv["published"], kharkiv["outlet"]) == (
        "Shelling hits Kharkiv as talks stall", "2024-03-12", "Northwind Courier")
    assert "Russian forces shelled" in kharkiv["html"]
    assert records[site.url("/news/talks.html")]["published"] == "2024-03-13"

    # the store holds the documents; the shelling fires the first rule once; the negated attack on Finland
    # ("Russia will not attack Finland") is coded but fires nothing, as it did not happen
    import duckdb
    con = duckdb.connect(str(out / "detente.duckdb"), read_only=True)
    try:
        urls = {u for (u,) in con.execute("SELECT url FROM documents").fetchall()}
    finally:
        con.close()
    assert site.url("/news/kharkiv.html") in urls and len(urls) == 4
    events = jsonl(out / "events.jsonl")
    assert any(e["aux_mode"] == "negated" and e["target"] and e["target"]["country"] == "FIN" for e in events)
    alerts = jsonl(out / "alerts.jsonl")
    assert len(alerts) == 1, alerts
    (a,) = alerts
    assert a["rule"] == "dyad=UKR-RUS and goldstein<=-5" and a["url"] == site.url("/news/kharkiv.html")
    assert (a["source"]["country"], a["target"]["country"], a["plover"]) == ("RUS", "UKR", "ASSAULT")
    assert a["goldstein"] <= -5 and a["date"] == "2024-03-12" and "Kharkiv" in a["sentence"]
    alert_lines = [line for line in result.stdout.splitlines() if line.startswith("ALERT")]
    assert len(alert_lines) == 1 and "RUS->UKR" in alert_lines[0] and "kharkiv.html" in alert_lines[0]


# --- a folder, and a store held by another run ------------------------------------------------------------------------

def test_a_folder_waits_for_a_held_store_then_runs_once(tmp_path, run_calls):
    from detente.store import StoreLock
    folder = tmp_path / "drop"
    shutil.copytree(FIXTURES / "folder", folder)
    page = folder / "minsk.txt"
    old = time.time() - 60  # written a minute ago: settled
    os.utime(page, (old, old))
    (folder / "fresh.txt").write_text("Still being written", encoding="utf-8")  # too new: the next poll's
    (folder / ".hidden.txt").write_text("Not for the watch", encoding="utf-8")
    out = tmp_path / "out"
    args = [str(folder), "--out", str(out), "--once", "-j", "1", "--alert", "country=BLR and quad_class>=3"]

    with StoreLock(out / "detente.duckdb"):
        held = invoke(*args)
    assert held.exit_code == 1, held.output
    assert "run failed" in held.stderr and "wait for the next poll" in held.stderr
    state = WatchState.load(out)
    assert state.pending == [str(page)]

    done = invoke(*args)
    assert done.exit_code == 0, done.output
    assert run_calls == [[str(page)], [str(page)]]
    assert WatchState.load(out).pending == []
    docs = jsonl(out / "documents.jsonl")
    assert len(docs) == 1 and "Minsk" in docs[0]["text"]
    (a,) = jsonl(out / "alerts.jsonl")
    assert a["source"]["country"] == "BLR" and a["plover"] in ("COERCE", "ASSAULT")

    again = invoke(*args)
    assert again.exit_code == 0 and "nothing new, no run" in again.stderr
    assert len(run_calls) == 2


# --- polite fetching, one rule at a time -----------------------------------------------------------------------------

def test_default_user_agent_names_detente_its_version_and_a_url():
    from detente import __version__
    assert S.USER_AGENT == f"Detente/{__version__} (+https://example.invalid/detente)"
    with Site(robots="missing") as site:
        Fetcher(per_host_delay=0, timeout=2).get(site.url("/news/kharkiv.html"))
        assert {r["headers"]["User-Agent"] for r in site.log} == {S.USER_AGENT}


def test_robots_404_allows_and_unreachable_robots_disallows():
    with Site(robots="missing") as site:
        fetcher = Fetcher(UA, per_host_delay=0, timeout=2, retries=0)
        assert fetcher.get(site.url("/private/memo.html")).status == 200  # no robots.txt: all allowed
    with Site(robots="error") as site:
        fetcher = Fetcher(UA, per_host_delay=0, timeout=2, retries=1, backoff=0.05)
        with pytest.raises(Disallowed):
            fetcher.get(site.url("/news/kharkiv.html"))
        with pytest.raises(Disallowed):  # cached: robots.txt is not asked again at once
            fetcher.get(site.url("/news/talks.html"))
        assert [r["path"] for r in site.log] == ["/robots.txt", "/robots.txt"]  # one retry, then disallowed


def test_caps_types_and_permanent_errors_are_not_retried():
    big = b"<html><body>" + b"x" * 5000 + b"</body></html>"
    pages = {"/big.html": (200, "text/html", big), "/gone.html": (404, "text/html", b"gone"),
             "/image.png": (200, "image/png", b"\x89PNG")}
    with Site(robots="missing", pages=pages) as site:
        fetcher = Fetcher(UA, per_host_delay=0, timeout=2, retries=3, backoff=0.05)
        with pytest.raises(TooLarge):
            fetcher.get(site.url("/big.html"), max_bytes=1000)
        with pytest.raises(FetchError) as gone:
            fetcher.get(site.url("/gone.html"))
        assert gone.value.status == 404
        with pytest.raises(NotText):
            fetcher.get(site.url("/image.png"), types=S.PAGE_TYPES)
        assert fetcher.get(site.url("/big.html"), max_bytes=10_000).body == big
        assert Counter(r["path"] for r in site.log) == {"/robots.txt": 1, "/big.html": 2, "/gone.html": 1,
                                                        "/image.png": 1}


def test_each_redirect_hop_is_checked_against_robots_and_crawl_delay_is_honoured():
    robots = b"User-agent: DetenteTest\nDisallow: /private/\nCrawl-delay: 1\n"
    with Site(pages={"/robots.txt": (200, "text/plain", robots)}) as site:
        fetcher = Fetcher(UA, per_host_delay=0, timeout=2, retries=0)
        real_handle = site.handle

        def handle(h):  # the two redirects point at a page and at the private folder
            target = {"/moved.html": "/news/kharkiv.html", "/sneaky.html": "/private/memo.html"}.get(h.path)
            if target:
                site.log.append({"time": time.monotonic(), "path": h.path, "headers": dict(h.headers.items()),
                                 "status": 301})
                h.send_response(301)
                h.send_header("Location", target)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            real_handle(h)

        site.handle = handle
        response = fetcher.get(site.url("/moved.html"))
        assert response.url == site.url("/news/kharkiv.html") and b"Kharkiv" in response.body
        with pytest.raises(Disallowed):
            fetcher.get(site.url("/sneaky.html"))
        paths = [r["path"] for r in site.log]
        assert paths == ["/robots.txt", "/moved.html", "/news/kharkiv.html", "/sneaky.html"]
        starts = [r["time"] for r in site.log]
        assert min(b - a for a, b in zip(starts, starts[1:])) >= 1 - 0.02  # Crawl-delay: 1, over --per-host-delay 0


def test_a_long_retry_after_is_not_waited_out_but_leaves_the_host_alone(tmp_path, run_calls):
    feed = (b'<rss version="2.0"><channel><title>Busy Wire</title><item><title>Later</title>'
            b'<link>/later.html</link></item></channel></rss>')
    pages = {"/feed.xml": (200, "application/rss+xml", feed),
             "/later.html": (429, "text/html", b"", {"Retry-After": "3600"})}
    with Site(robots="missing", pages=pages) as site:
        started = time.time()
        result = invoke(site.url("/feed.xml"), "--out", str(tmp_path / "out"), "--once", "--user-agent", UA,
                        "--per-host-delay", "0", "--retries", "3")
        fetcher = Fetcher(UA, per_host_delay=0, timeout=2)
        with pytest.raises(FetchError) as err:
            fetcher.get(site.url("/later.html"))
        with pytest.raises(FetchError):  # the host said to wait: not asked again
            fetcher.get(site.url("/feed.xml"))
        paths = [r["path"] for r in site.log]
    assert result.exit_code == 3 and time.time() - started < 30, result.output
    assert err.value.retry_after == 3600.0 and "Retry-After 3600 s" in str(err.value)
    assert paths == ["/robots.txt", "/feed.xml", "/later.html", "/robots.txt", "/later.html"]
    (item,) = json.loads((tmp_path / "out" / "watch-state.json").read_text())["items"].values()
    assert item["status"] == "retry" and item["next_try"] >= started + 3600
    assert run_calls == []  # nothing fetched, nothing run


def test_retry_after_as_seconds_or_a_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# --- feeds -----------------------------------------------------------------------------------------------------------

def test_rss_and_atom_items():
    rss = parse_feed((SITE / "rss.xml").read_bytes(), "http://news.invalid/rss.xml")
    assert (rss.kind, rss.title, len(rss.items)) == ("rss", "Northwind Courier", 6)
    first = rss.items[0]
    assert (first.link, first.title, first.published, first.guid) == (
        "http://news.invalid/news/kharkiv.html", "Shelling hits Kharkiv as talks stall", "2024-03-12",
        "northwind-2024-0312-001")
    atom = parse_feed((SITE / "atom.xml").read_bytes(), "http://ledger.invalid/atom.xml")
    (entry,) = atom.items
    assert (atom.kind, atom.title) == ("atom", "Baltic Ledger")
    assert (entry.link, entry.published, entry.key) == ("http://ledger.invalid/news/talks.html", "2024-03-13",
                                                        "tag:baltic-ledger.invalid,2024-03-13:talks")


def test_feeds_that_cannot_be_read_say_why_in_one_line():
    for data, why in (((SITE / "broken.xml").read_bytes(), "not well-formed XML"),
                      (b"<html><body>a page</body></html>", "not an RSS or Atom feed"),
                      (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss/>', "entities")):
        with pytest.raises(FeedError) as err:
            parse_feed(data, "http://x.invalid/feed")
        assert why in str(err.value) and "\n" not in str(err.value)


# --- the rule language -----------------------------------------------------------------------------------------------

EVENT = {"event_id": "e1", "source": {"actor_id": "RUS", "country": "RUS", "org": None},
         "target": {"actor_id": "volodymyr-zelensky", "country": "UKR", "org": None},
         "cameo": "194", "plover": "ASSAULT", "mode": "heavy-weapons", "quad_class": 4, "goldstein": -10.0,
         "confidence": 0.8, "aux_mode": None}


@pytest.mark.parametrize("rule, hit", [
    ("dyad=RUS-UKR", True), ("dyad=UKR-RUS", True), ("dyad=RUS-USA", False),
    ("source=RUS and target=volodymyr-zelensky", True), ("target=RUS", False),
    ("cameo=19", True), ("cameo=18", False), ("cameo!=19", False), ("plover=assault,coerce", True),
    ("goldstein<=-5", True), ("goldstein > -5", False), ("quad_class>=3 and confidence>=0.9", False),
    ("country=UKR", True), ("plover=CONSULT or goldstein<-9 and country=RUS", True),
    ("plover=CONSULT and goldstein<-9 or country=USA", False), ("mode=heavy-weapons", True),
])
def test_rules_match_event_rows(rule, hit):
    assert parse_rule(rule).matches(EVENT) is hit


def test_rules_take_only_events_that_happened_unless_they_name_aux_mode():
    negated = {**EVENT, "aux_mode": "negated"}
    assert not parse_rule("dyad=RUS-UKR").matches(negated)
    assert parse_rule("dyad=RUS-UKR and aux_mode=any").matches(negated)
    assert not parse_rule("dyad=RUS-UKR and aux_mode=factual").matches(negated)
    assert parse_rule("aux_mode=factual").matches({**EVENT, "aux_mode": "historical"})


@pytest.mark.parametrize("rule, why", [
    ("colour=red", "unknown field"), ("goldstein<=lots", "takes a number"), ("plover<ASSAULT", "= or != only"),
    ("dyad=RUS-USA and", "nothing after"), ("dyad=RUS-USA goldstein<0", "expected 'and' or 'or'"),
    ("dyad=RUSUSA", "two sides"), ("aux_mode=maybe", "aux_mode is one of"), ("", "give a rule"),
])
def test_bad_rules_say_why(rule, why):
    with pytest.raises(RuleError) as err:
        parse_rule(rule)
    assert why in str(err.value)


def test_a_bad_rule_or_source_exits_2_in_one_line(tmp_path):
    result = invoke(str(tmp_path), "--out", str(tmp_path / "out"), "--alert", "goldstein<=lots")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "goldstein takes a number" in result.stderr
    result = invoke("ftp://example.invalid/feed.xml", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "only http and https" in result.stderr
    assert not (tmp_path / "out").exists()


# --- state and stopping ----------------------------------------------------------------------------------------------

def test_a_second_watch_of_the_same_out_is_refused(tmp_path):
    from detente.watch.state import WatchLock
    with WatchLock(tmp_path / "out"):
        result = invoke(str(tmp_path), "--out", str(tmp_path / "out"), "--once")
    assert result.exit_code == 1 and "watched already" in result.stderr


def test_a_damaged_state_file_stops_the_watch_in_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "watch-state.json").write_text("{not json", encoding="utf-8")
    result = invoke(str(tmp_path), "--out", str(out), "--once")
    assert result.exit_code == 1 and "cannot read" in result.stderr and "move it away" in result.stderr


def test_sigterm_stops_the_loop_cleanly_with_the_state_saved(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    out = tmp_path / "out"
    code = ("import typer, sys; from detente.watch import watch; app = typer.Typer(); app.command('watch')(watch)\n"
            "@app.callback()\ndef main(): pass\napp(sys.argv[1:])")
    proc = subprocess.Popen([sys.executable, "-c", code, "watch", str(folder), "--out", str(out), "--interval", "600"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while not (out / "watch-state.json").exists() and time.time() < deadline:
            time.sleep(0.05)
        assert (out / "watch-state.json").exists()
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "poll 1" in err and "stopping" in err
    assert json.loads((out / "watch-state.json").read_text())["version"] == 1
