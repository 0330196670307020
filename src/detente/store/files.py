"""Output files, written atomically: a reader never sees half a file, and a failed run leaves the old one.

Each file is created with mode 0666 less the umask, as a plain `open(path, "w")` creates one: 0644 under the
usual umask 022, like the store beside it. (tempfile.mkstemp made every output 0600, readable by its owner only;
a file that replaces such an old one gets the umask's mode too.)
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any, Iterable


def _create_temp(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, opened for writing; the kernel applies the umask to its mode 0666."""
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {path}")


def write_atomic(path: Path, text: str) -> None:
    _write_atomic(path, [text])


def _write_atomic(path: Path, pieces: Iterable[str]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(pieces)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object per line, streamed: the rows are never all in memory."""
    count = 0

    def lines():
        nonlocal count
        for r in rows:
            count += 1
            yield json.dumps(r, ensure_ascii=False) + "\n"

    _write_atomic(path, lines())
    return count
