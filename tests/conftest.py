"""Shared test fixtures. Tests that need ../shared (the seeds, the reference data) skip when it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"needs the shared seeds and reference data at {SHARED} (present in CI, absent in a user's clone)")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared_dir) -> dict[str, Path]:
    """Seed pages by their three-digit prefix: {"000": Path, ...}."""
    return {p.name[:3]: p for p in sorted((shared_dir / "seeds").iterdir()) if p.is_file()}
