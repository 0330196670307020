"""The HTML brief as a reader sees it: opened in headless Chromium (Debian's) through playwright-core.

`make test` installs both (tests/browser/package.json). Outside CI the test skips, with the reason, when
they are missing; in CI a missing browser is a failure, not a skip.
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import REPO
from detente.pipeline import run

BROWSER = REPO / "tests" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _browser_or_skip():
    missing = [what for what, ok in (("node", shutil.which("node")), ("chromium", os.path.exists(CHROMIUM)),
                                     ("playwright-core", (BROWSER / "node_modules" / "playwright-core").is_dir()))
               if not ok]
    if missing:
        reason = f"needs {', '.join(missing)} (installed by `make test`: Debian chromium, npm ci in tests/browser)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_brief_shows_timeline_trend_quotes_and_folded_documents(tmp_path):
    _browser_or_skip()
    out = tmp_path / "out"
    result = run([str(REPO / "examples" / "corpus")], out)
    shot = tmp_path / "brief.png"
    proc = subprocess.run(["node", str(BROWSER / "brief.mjs"), str(out / "brief.html"), str(shot)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["errors"] == []
    assert seen["heading"] == "Detente brief"
    assert seen["documents"] == len(result.documents)
    assert seen["timelineRows"] >= 10 and seen["quotes"] >= 5
    assert seen["trendCharts"] >= 1 and seen["trendPoints"] >= 3 and seen["trendWidth"] > 300
    assert "over" in seen["firstPointTitle"]  # each point tells its month, weight and event count
    assert seen["textHiddenBefore"] and seen["textVisibleAfter"]
    assert shot.stat().st_size > 10_000
