"""Expand the user's inputs (files, folders, globs, "-") into an ordered list of paths."""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterator

STDIN = "-"


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: str) -> Iterator[str]:
    """Every non-hidden file under a folder, in a stable sorted order, hidden folders skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(files):
            if not _hidden(name):
                yield os.path.join(root, name)


def expand(inputs: list[str]) -> Iterator[str]:
    """Paths as given (folder members as joined paths); a missing path is yielded too, to be reported."""
    for item in inputs:
        if item == STDIN:
            yield item
        elif os.path.isdir(item):
            yield from _walk(item)
        elif os.path.exists(item):
            yield item
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                yield item
            for match in matches:
                if os.path.isdir(match):
                    yield from _walk(match)
                elif not _hidden(Path(match).name):
                    yield match
        else:
            yield item
