"""Expand the user's inputs (files, folders, globs, "-") into an ordered list of paths."""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

from detente.read.streams import describe

STDIN = "-"


@dataclass(frozen=True)
class Unreadable:
    """A folder (or input) that could not be listed: it gets a row of its own instead of vanishing."""
    path: str
    error: str


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_error(err: OSError) -> Unreadable:
    where = err.filename if err.filename is not None else "?"
    return Unreadable(str(where), f"could not read folder {where}: {describe(err)}")


def _walk(folder: str) -> Iterator[Union[str, Unreadable]]:
    """Every non-hidden file under a folder, in a stable sorted order, hidden folders skipped.

    A folder that cannot be listed (no permission, gone, an I/O error) is yielded as Unreadable where it
    would have been walked.
    """
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        while errors:
            yield _folder_error(errors.pop(0))
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(files):
            if not _hidden(name):
                yield os.path.join(root, name)
    while errors:
        yield _folder_error(errors.pop(0))


def _expand_one(item: str) -> Iterator[Union[str, Unreadable]]:
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


def expand(inputs: list[str]) -> Iterator[Union[str, Unreadable]]:
    """Paths as given (folder members as joined paths); a missing path is yielded too, to be reported."""
    for item in inputs:
        try:
            yield from _expand_one(item)
        except Exception as err:  # an input that cannot even be listed still gets its row
            yield Unreadable(str(item), f"could not list {item}: {describe(err)}")
