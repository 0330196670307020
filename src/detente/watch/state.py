"""What a watch remembers between polls and between runs of `detente watch`: OUT/watch-state.json.

    {"version": 1,
     "feeds":   {FEED_URL: {"etag", "last_modified", "checked", "status"}},
     "items":   {GUID_OR_LINK: {"url", "status", "at", "attempts", "error", "next_try", ...}},
     "files":   {ABSOLUTE_PATH: [size, mtime_ns]},
     "pending": [inputs fetched or found, not yet through a finished run],
     "alerted": {RULE + TAB + EVENT_ID: when}}

The file is replaced whole (a temporary file, then os.replace), so a watch stopped at any moment leaves the old state
or the new one, never half of one. One watch at a time holds OUT (OUT/.watch.lock).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from detente import settings as S

STATE_FILE = "watch-state.json"
LOCK_FILE = ".watch.lock"
VERSION = 1

# An item's status: only RETRY is fetched again; the others are settled.
FETCHED, RETRY, FAILED, DISALLOWED, NOT_TEXT, TOO_LARGE = ("fetched", "retry", "failed", "disallowed", "not_text",
                                                           "too_large")


class StateError(Exception):
    """The state file or its lock cannot be used; the message is one line."""


@dataclass
class WatchState:
    path: Path
    feeds: dict[str, dict] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)
    files: dict[str, list] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    alerted: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> "WatchState":
        path = Path(out_dir) / STATE_FILE
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError(f"not a version {VERSION} watch state")
            values = {k: data.get(k) or empty for k, empty in (("feeds", {}), ("items", {}), ("files", {}),
                                                                ("pending", []), ("alerted", {}))}
            wrong = [k for k, v in values.items() if not isinstance(v, list if k == "pending" else dict)]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} of the wrong type")
            return cls(path, **values)
        except (OSError, ValueError, TypeError) as err:
            raise StateError(f"cannot read {path}: {err}; move it away to start afresh "
                             f"(every item would then be fetched again)") from None

    def save(self) -> None:
        self._forget_oldest()
        data = {"version": VERSION, "feeds": self.feeds, "items": self.items, "files": self.files,
                "pending": self.pending, "alerted": self.alerted}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        finally:
            if tmp.exists():
                tmp.unlink()

    def _forget_oldest(self) -> None:
        """Keep the state file bounded: the oldest settled items, files and alerts go first (insertion order)."""
        for table in (self.items, self.files, self.alerted):
            extra = len(table) - S.MAX_REMEMBERED
            if extra > 0:
                for key in [k for k, v in table.items() if not (isinstance(v, dict) and v.get("status") == RETRY)][:extra]:
                    del table[key]

    def seen_urls(self) -> set[str]:
        return {item["url"] for item in self.items.values() if item.get("url")}

    def known(self, key: str, url: str, urls: Optional[set[str]] = None) -> bool:
        """An item is known by its guid (or link), or by its link under another guid (the same page in two feeds)."""
        return key in self.items or url in (urls if urls is not None else self.seen_urls())


class WatchLock:
    """One watch per OUT: an exclusive flock on OUT/.watch.lock, released when the process ends however it ends."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK_FILE
        self.fd: Optional[int] = None

    def __enter__(self) -> "WatchLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # no flock on this system: one watch per OUT is then up to the user
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise StateError(f"{self.path.parent} is watched already (by process {holder}); "
                             f"give another --out, or stop that watch") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock
            self.fd = None
