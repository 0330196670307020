"""`detente serve` as a reader meets it: the real command (uvicorn) in a subprocess on a free port of 127.0.0.1,
over a store built through the pipeline, driven by headless Chromium (Debian's) through playwright-core
(tests/browser/serve.mjs).

`make test` installs both (tests/browser/package.json). Outside CI the test skips, with the reason, when they are
missing; in CI a missing browser is a failure, not a skip.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import BROWSER, browser_or_skip
from test_serve import PAYLOAD_PAGE, built_store, store_copy

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

# Screenshots of the overview, dyad and document views, kept after the run as test artifacts (git ignores them)
SHOTS = BROWSER / "artifacts"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _detente() -> list[str]:
    script = Path(sys.executable).parent / "detente"
    return [str(script)] if script.exists() else [sys.executable, "-m", "detente.cli"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    browser_or_skip()
    built = built_store(tmp_path_factory)
    db = store_copy(tmp_path_factory, "serve-browser")
    port = _free_port()
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen([*_detente(), "serve", "--db", str(db), "--port", str(port)], stdout=sink,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"detente serve exited with {proc.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/api/counts", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"detente serve did not answer within 30 s: {log.read_text()}")
            time.sleep(0.2)
        yield {"base": base, "payload_doc": built["payload_doc"], "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_a_reader_filters_follows_evidence_sees_the_chart_and_no_payload_runs(server, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["node", str(BROWSER / "serve.mjs"), server["base"], server["payload_doc"], str(SHOTS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr + server["log"].read_text()
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["errors"] == [] and seen["csp"] == []
    assert seen["external"] == []  # nothing from a CDN or anywhere else

    assert seen["overview"]["heading"] == "Overview"
    assert seen["overview"]["dyadLinks"] >= 1 and seen["overview"]["timeline"] >= 1

    filtered = seen["filtered"]
    assert filtered["search"] == "?dyad=RUS-USA&plover=CONSULT"  # a shareable URL with just these filters
    assert filtered["total"] >= 3 and filtered["rows"] == filtered["total"]
    assert all("CONSULT" in t for t in filtered["types"])
    assert all(d.strip() == "RUS–USA" for d in filtered["dyads"])

    document = seen["document"]
    assert document["path"].startswith("/documents/")
    assert document["focusMarks"] >= 1 and document["focusVisible"]
    assert document["focusText"].startswith(document["excerpt"][:40])
    assert document["focusBackground"] not in (None, "rgba(0, 0, 0, 0)", "transparent")
    assert document["marks"] >= document["focusMarks"]

    dyad = seen["dyad"]
    assert dyad["heading"] == "RUS–USA" and dyad["charts"] == 1 and dyad["width"] > 300
    assert dyad["bars"] >= 2 and dyad["points"] >= 2 and dyad["monthLinks"] >= 2
    assert "mean Goldstein" in dyad["firstPointTitle"]
    assert dyad["incidents"] >= 2
    for view in ("overview", "dyad", "document"):
        assert (SHOTS / f"{view}.png").stat().st_size > 10_000, view

    ingested = seen["ingested"]
    assert ingested["heading"] == "Pasted <script>document.title='pwned'</script> talks"
    assert ingested["marks"] >= 1

    pages = {p["path"]: p for p in seen["payloadPages"]}
    assert len(pages) == 7
    for path, p in pages.items():
        assert p["pwned"] is None, (path, p["pwned"])
        assert p["title"] != "pwned" and p["title"].endswith("· Detente"), path  # the page's own title stands
        assert p["scripts"] == ["/static/app.js"], path
        assert p["live"] == [] and p["handlers"] == [] and p["jsLinks"] == [], path
    # not dropped: the payloads read as the text that came in
    doc_text = pages[f"/documents/{server['payload_doc']}"]["text"]
    for payload in ("<script>window.__pwned='script'; document.title='pwned'</script>",
                    "<svg onload=\"window.__pwned='svg'\"></svg>",
                    "<a href=\"javascript:window.__pwned='link'\">Read more about the talks</a>",
                    "Lavrov and Blinken <script>window.__pwned='title'</script> meet in Geneva"):
        assert payload in PAYLOAD_PAGE and payload in doc_text, payload
    assert "<script>window.__pwned='script'" in pages["/events?q=ministry"]["text"]
    assert "<script>window.__pwned='pasted'</script>" in pages[ingested["path"]]["text"]
