"""iter_records: every input (file, folder, glob, stdin) to Records, one bad record never stopping the rest."""
from __future__ import annotations

import gzip
import os
import sys
from typing import BinaryIO, Iterator, Optional

from detente import settings
from detente.read.blob import blob_record, over_cap_error, read_capped
from detente.read.jsonl import jsonl_records
from detente.read.sniff import GZIP_MAGIC, kind_of
from detente.read.sources import STDIN, expand
from detente.read.warc import warc_records
from detente.types import NOT_TEXT, Record


def iter_records(inputs: list[str], max_bytes: int = settings.MAX_RECORD_BYTES, stdin=None) -> Iterator[Record]:
    """Yield one Record per input record, in input order. Never raises for bad input."""
    for path in expand(list(inputs)):
        if path == STDIN:
            yield _stdin_record(stdin if stdin is not None else sys.stdin, max_bytes)
            continue
        try:
            yield from _file_records(path, max_bytes)
        except Exception as err:  # a damaged container: report it and go on with the next input
            yield Record(source=path, status=NOT_TEXT, error=f"could not read {path}: {type(err).__name__}: {err}")


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
            stream = gzip.GzipFile(fileobj=raw)  # streamed: decompressed bytes are capped below
            if kind == "gz":
                inner = stream.peek(8192)[:8192] if hasattr(stream, "peek") else b""
                kind = kind_of(path[:-3] if path.lower().endswith(".gz") else path, inner)
        kind = kind.removesuffix(".gz")
        if kind == "warc":
            yield from warc_records(raw if stream is raw else _rewind(raw), path, max_bytes)
        elif kind == "jsonl":
            yield from jsonl_records(stream, path, max_bytes)
        else:
            yield _single_record(stream, path, max_bytes, html=True if kind == "html" else None,
                                 size_hint=None if stream is not raw else os.path.getsize(path))


def _rewind(raw: BinaryIO) -> BinaryIO:
    raw.seek(0)  # warcio does its own (per-member) decompression
    return raw


def _single_record(stream: BinaryIO, path: str, max_bytes: int, html: Optional[bool], size_hint: Optional[int]) -> Record:
    if size_hint is not None and size_hint > max_bytes:
        return Record(source=path, status=NOT_TEXT, size=size_hint, error=over_cap_error(size_hint, max_bytes))
    data, size, exact = read_capped(stream, max_bytes, settings.MAX_WARC_BYTES)
    if data is None:
        return Record(source=path, status=NOT_TEXT, size=size, error=over_cap_error(size, max_bytes, exact))
    return blob_record(path, data, html=html)
