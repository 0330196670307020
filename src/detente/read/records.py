"""iter_records: every input (file, folder, glob, stdin) to Records, one bad record never stopping the rest."""
from __future__ import annotations

import os
import sys
from typing import BinaryIO, Iterator, Optional

from detente import settings
from detente.read.blob import blob_record, over_cap_error, read_capped
from detente.read.jsonl import jsonl_records
from detente.read.sniff import GZIP_MAGIC, kind_of
from detente.read.sources import STDIN, Unreadable, expand
from detente.read.streams import GzipStream, describe
from detente.read.warc import warc_records
from detente.types import NOT_TEXT, Record


def iter_records(inputs: list[str], max_bytes: int = settings.MAX_RECORD_BYTES, stdin=None) -> Iterator[Record]:
    """Yield one Record per input record, in input order. Never raises for bad input."""
    for path in expand(list(inputs)):
        if isinstance(path, Unreadable):
            yield Record(source=path.path, status=NOT_TEXT, error=path.error)
            continue
        if path == STDIN:
            try:
                rec = _stdin_record(stdin if stdin is not None else sys.stdin, max_bytes)
            except Exception as err:
                rec = Record(source=STDIN, status=NOT_TEXT, error=f"could not read standard input: {describe(err)}")
            yield rec
            continue
        count = 0
        try:
            for rec in _file_records(path, max_bytes):
                count += 1
                yield rec
        except Exception as err:  # a damaged container: report it and go on with the next input
            after = f" after {count} records" if count else ""
            yield Record(source=path, status=NOT_TEXT, error=f"could not read {path}{after}: {describe(err)}")


def _stdin_record(stream, max_bytes: int) -> Record:
    raw = getattr(stream, "buffer", stream)
    data, size, exact = read_capped(raw, max_bytes, settings.MAX_WARC_BYTES)
    if data is None:
        return Record(source=STDIN, status=NOT_TEXT, size=size, error=over_cap_error(size, max_bytes, exact))
    if isinstance(data, str):  # a text stream without a byte buffer
        data = data.encode("utf-8")
    return blob_record(STDIN, data)


def _file_records(path: str, max_bytes: int) -> Iterator[Record]:
    if not os.path.exists(path):
        yield Record(source=path, status=NOT_TEXT, error=f"no such file or folder: {path}")
        return
    if not os.path.isfile(path):
        yield Record(source=path, status=NOT_TEXT, error=f"not a regular file: {path}")
        return
    with open(path, "rb") as raw:
        head = raw.read(8192)
        raw.seek(0)
        stream: BinaryIO = raw
        kind = kind_of(path, head)
        if head.startswith(GZIP_MAGIC):
            # streamed, in bounded chunks; damage ends the stream with a note instead of an exception
            stream = GzipStream(raw, settings.MAX_WARC_BYTES)  # type: ignore[assignment]
            if kind == "gz":
                kind = kind_of(path[:-3] if path.lower().endswith(".gz") else path, stream.peek(8192))
        kind = kind.removesuffix(".gz")
        if kind == "warc":
            yield from warc_records(stream, path, max_bytes)
        elif kind == "jsonl":
            yield from jsonl_records(stream, path, max_bytes)
        else:
            yield _single_record(stream, path, max_bytes, html=True if kind == "html" else None,
                                 size_hint=None if stream is not raw else os.path.getsize(path))


def _single_record(stream: BinaryIO, path: str, max_bytes: int, html: Optional[bool], size_hint: Optional[int]) -> Record:
    if size_hint is not None and size_hint > max_bytes:
        return Record(source=path, status=NOT_TEXT, size=size_hint, error=over_cap_error(size_hint, max_bytes))
    data, size, exact = read_capped(stream, max_bytes, settings.MAX_WARC_BYTES)
    if data is None:
        return Record(source=path, status=NOT_TEXT, size=size, error=over_cap_error(size, max_bytes, exact))
    damage = getattr(stream, "error", None)
    if damage:
        # a cut or corrupt gzip file: what came out may be part of a page only (see warc.py on truncated records)
        return Record(source=path, status=NOT_TEXT, size=size, error=f"read {size} bytes, then {damage}")
    return blob_record(path, data, html=html)
