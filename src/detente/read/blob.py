"""One blob of bytes to one Record: size cap, emptiness, binary check, decoding, HTML sniffing."""
from __future__ import annotations

from typing import BinaryIO, Optional

from detente.read.decode import decode_text, looks_binary
from detente.read.sniff import looks_html
from detente.types import EMPTY, NOT_TEXT, Record

CHUNK = 1 << 16


def over_cap_error(size: int, cap: int, exact: bool = True) -> str:
    return f"record is {size} bytes, over the cap of {cap}" if exact else f"record is over {size} bytes, over the cap of {cap}"


def read_capped(stream: BinaryIO, cap: int, count_limit: int) -> tuple[Optional[bytes], int, bool]:
    """Read at most cap bytes. Returns (data or None when over the cap, size, size_is_exact).

    Over the cap the rest is streamed through in chunks to count it (never held in memory), up to
    count_limit bytes, so a gzip bomb costs time bounded by count_limit and no memory.
    """
    data = stream.read(cap + 1)
    if data is None:
        data = b""
    if len(data) <= cap:
        return data, len(data), True
    size = len(data)
    while size <= count_limit:
        chunk = stream.read(CHUNK)
        if not chunk:
            return None, size, True
        size += len(chunk)
    return None, size, False


def blob_record(source: str, data: bytes, *, html: Optional[bool] = None, charset: Optional[str] = None,
                url: Optional[str] = None, published: Optional[str] = None, title: Optional[str] = None,
                outlet: Optional[str] = None, max_bytes: Optional[int] = None) -> Record:
    rec = Record(source=source, url=url, published=published, title=title, outlet=outlet, size=len(data))
    if max_bytes is not None and len(data) > max_bytes:
        rec.status, rec.error = NOT_TEXT, over_cap_error(len(data), max_bytes)
        return rec
    if not data.strip():
        rec.status = EMPTY
        return rec
    if looks_binary(data[:8192]):
        rec.status, rec.error = NOT_TEXT, "binary content (NUL or control bytes), not text"
        return rec
    is_html = looks_html(data[:8192]) if html is None else html
    text, encoding, note = decode_text(data, hint=charset, is_html=is_html)
    if text is None:
        rec.status, rec.error = NOT_TEXT, "no text encoding gives readable text"
        return rec
    return text_record(rec, text, encoding, is_html, note)


def text_record(rec: Record, text: str, encoding: Optional[str], is_html: bool, note: Optional[str] = None) -> Record:
    """Fill a Record from already decoded text (JSONL fields, text streams).

    `note` is a non-fatal remark on the decoding ("utf-8: 1 invalid byte replaced"): it goes to `error` while
    the record stays readable (status None).
    """
    rec.text, rec.encoding, rec.is_html = text, encoding, is_html
    if note:
        rec.error = note
    if not text.strip():
        rec.status, rec.text = EMPTY, None
    elif "\x00" in text:
        rec.status, rec.text, rec.error = NOT_TEXT, None, "binary content (NUL characters), not text"
    return rec
