"""Shared test fixtures. Tests that need ../shared (the seeds, the reference data) skip when it is absent."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
# The headless Chromium of the browser tests: Debian's chromium driven by playwright-core (both from `make test`)
BROWSER = REPO / "tests" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def browser_or_skip() -> None:
    """Skip a browser test, saying what is missing; in CI (where `make test` installs them) fail instead."""
    missing = [what for what, ok in (("node", shutil.which("node")), ("chromium", os.path.exists(CHROMIUM)),
                                     ("playwright-core", (BROWSER / "node_modules" / "playwright-core").is_dir()))
               if not ok]
    if missing:
        reason = f"needs {', '.join(missing)} (installed by `make test`: Debian chromium, npm ci in tests/browser)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"needs the shared seeds and reference data at {SHARED} (present in CI, absent in a user's clone)")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared_dir) -> dict[str, Path]:
    """Seed pages by their three-digit prefix: {"000": Path, ...}."""
    return {p.name[:3]: p for p in sorted((shared_dir / "seeds").iterdir()) if p.is_file()}
