"""Byte streams that never raise on damage, and short error messages.

A gzip file is decompressed here (one member or many), in bounded chunks. A cut or corrupt stream ends early
and `error` says why, so the reader above sees an ordinary end of data and can say which record was cut;
more than `max_total` decompressed bytes ends it too (a gzip bomb costs bounded time and no memory).
"""
from __future__ import annotations

import gzip
import sys
import zlib
from typing import BinaryIO, Optional

CHUNK = 1 << 16
QUOTE_CHARS = 200   # quoted input in an error message is cut to this many characters
ERROR_CHARS = 400   # a whole error message is cut to this many characters


def quote(data, limit: int = QUOTE_CHARS) -> str:
    """A short, printable quote of input bytes or text for an error message."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data[: limit * 4]).decode("utf-8", "replace")
    text = str(data)
    cut = len(text) > limit
    return repr(text[:limit]) + ("…" if cut else "")


def shorten(message, limit: int = ERROR_CHARS) -> str:
    """An error message at most about `limit` characters long (an exception may quote a whole input line)."""
    text = str(message)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters in all)"


def describe(err: BaseException) -> str:
    return shorten(f"{type(err).__name__}: {err}")


class GzipStream:
    """A readable stream over a gzip file: read(n), readline(limit), peek(n). Never raises on bad data."""

    def __init__(self, raw: BinaryIO, max_total: int):
        self._gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self._buf = b""
        self._done = False
        self.max_total = max_total
        self.total = 0                       # decompressed bytes handed out or buffered
        self.error: Optional[str] = None     # why the stream ended early, if it did

    def _chunk(self) -> bytes:
        """The next decompressed chunk (at most CHUNK bytes), b"" at the end or after damage."""
        if self._buf:
            chunk, self._buf = self._buf, b""
            return chunk
        if self._done:
            return b""
        try:
            chunk = self._gz.read1(CHUNK)  # read1 hands out what was decompressed before any error
        except EOFError:
            chunk, self.error = b"", "the gzip stream ends before its end marker (the file is cut)"
        except (OSError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
            chunk, self.error = b"", f"damaged gzip data: {describe(err)}"
        if not chunk:
            self._done = True
            return b""
        self.total += len(chunk)
        if self.total > self.max_total:
            self._done = True  # this chunk still goes out, so callers see they went past the cap
            self.error = f"over {self.max_total} bytes after decompression; stopped reading"
        return chunk

    def read(self, n: Optional[int] = -1) -> bytes:
        want = sys.maxsize if n is None or n < 0 else n
        parts, have = [], 0
        while have < want:
            chunk = self._chunk()
            if not chunk:
                break
            if len(chunk) > want - have:
                chunk, self._buf = chunk[: want - have], chunk[want - have:]
            parts.append(chunk)
            have += len(chunk)
        return b"".join(parts)

    def readline(self, limit: Optional[int] = -1) -> bytes:
        want = sys.maxsize if limit is None or limit < 0 else limit
        parts, have = [], 0
        while have < want:
            chunk = self._chunk()
            if not chunk:
                break
            stop = chunk.find(b"\n", 0, want - have)
            end = stop + 1 if stop >= 0 else min(len(chunk), want - have)
            parts.append(chunk[:end])
            self._buf = chunk[end:]
            have += end
            if stop >= 0:
                break
        return b"".join(parts)

    def peek(self, n: int) -> bytes:
        head = b""
        while len(head) < n:
            chunk = self._chunk()
            if not chunk:
                break
            head += chunk
        self._buf = head
        return head[:n]

    def close(self) -> None:
        self._gz.close()
