"""JSON Lines: one record per line with `text` or `html`, plus optional url, published, title, outlet."""
from __future__ import annotations

import json
from typing import BinaryIO, Iterator, Optional

from detente.read.blob import CHUNK, over_cap_error, text_record
from detente.read.decode import decode_text
from detente.read.sniff import looks_html
from detente.read.streams import describe, shorten
from detente.types import EMPTY, NOT_TEXT, Record


def _field(obj: dict, name: str) -> Optional[str]:
    value = obj.get(name)
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def _drain_line(stream: BinaryIO) -> int:
    """Skip the rest of an over-long line, counting its bytes without holding them."""
    size = 0
    while True:
        chunk = stream.readline(CHUNK)
        size += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return size


def jsonl_records(stream: BinaryIO, path: str, max_bytes: int) -> Iterator[Record]:
    """Source is path#N with N the 1-based line number; blank lines yield nothing."""
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            break
        number += 1
        source = f"{path}#{number}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line) + _drain_line(stream)
            yield Record(source=source, status=NOT_TEXT, size=size, error=f"line {number}: " + over_cap_error(size, max_bytes))
            continue
        damage = getattr(stream, "error", None)  # a cut or corrupt .jsonl.gz (see streams.GzipStream)
        if damage and not line.endswith(b"\n"):
            yield Record(source=source, status=NOT_TEXT, size=len(line),
                         error=f"line {number}: truncated: read {len(line)} bytes, then {damage}")
            return
        if not line.strip():
            continue
        try:
            rec = _line_record(line, source, number)
        except Exception as err:  # a bug on one line must not lose the lines after it
            rec = Record(source=source, status=NOT_TEXT, size=len(line), error=f"line {number}: {describe(err)}")
        yield rec
    damage = getattr(stream, "error", None)
    if damage:
        yield Record(source=path, status=NOT_TEXT, error=f"after line {number}: {damage}")


def _line_record(line: bytes, source: str, number: int) -> Record:
    text, encoding, note = decode_text(line)
    if text is None:
        return Record(source=source, status=NOT_TEXT, size=len(line), error=f"line {number}: not decodable text")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        return Record(source=source, status=NOT_TEXT, size=len(line),
                      error=f"line {number}: invalid JSON: {shorten(err)}")
    if not isinstance(obj, dict):
        return Record(source=source, status=NOT_TEXT, size=len(line),
                      error=f"line {number}: expected a JSON object, got {type(obj).__name__}")
    rec = Record(source=source, size=len(line), url=_field(obj, "url"), published=_field(obj, "published"),
                 title=_field(obj, "title"), outlet=_field(obj, "outlet"))
    body = obj.get("text")
    is_html = False
    if not isinstance(body, str) or not body.strip():
        html = obj.get("html")
        if isinstance(html, str) and html.strip():
            body, is_html = html, True
    if body is None and "text" not in obj and "html" not in obj:
        rec.status, rec.error = NOT_TEXT, f"line {number}: no `text` or `html` field"
        return rec
    if not isinstance(body, str):
        rec.status = EMPTY if body in (None, "") else NOT_TEXT
        if rec.status == NOT_TEXT:
            rec.error = f"line {number}: `text` is a {type(body).__name__}, not a string"
        return rec
    if not is_html:
        is_html = looks_html(body[:8192].encode("utf-8", "ignore"))
    return text_record(rec, body, encoding, is_html, note)
