"""WARC (and .warc.gz) via warcio: HTML and text responses become records, the rest is skipped."""
from __future__ import annotations

import re
from typing import BinaryIO, Iterator, Optional

from warcio.archiveiterator import ArchiveIterator

from detente import settings
from detente.read.blob import blob_record, over_cap_error, read_capped
from detente.types import NOT_TEXT, Record

_CONTENT_RECORDS = ("response", "resource", "conversion")
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _content_type(record) -> Optional[str]:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type")
    return record.rec_headers.get_header("Content-Type")


def warc_records(stream: BinaryIO, path: str, max_bytes: int,
                 max_total: int = settings.MAX_WARC_BYTES) -> Iterator[Record]:
    """Source is path#N with N the 1-based index of the record among all records of the file.

    WARC-Date is when the page was crawled, not published, so it is not passed on as `published`.
    """
    total = 0
    for number, record in enumerate(ArchiveIterator(stream), start=1):
        source = f"{path}#{number}"
        total += record.length or 0
        if total > max_total:
            yield Record(source=source, status=NOT_TEXT,
                         error=f"WARC file is over {max_total} bytes; stopped reading at record {number}")
            return
        if record.rec_type not in _CONTENT_RECORDS:
            continue
        if record.rec_type == "response" and record.http_headers is None:
            continue  # dns: and other non-HTTP responses
        ctype = (_content_type(record) or "").lower()
        mime = ctype.split(";")[0].strip()
        if mime and mime not in _TEXT_TYPES:
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        if (record.length or 0) > max_bytes:
            yield Record(source=source, url=url, status=NOT_TEXT, size=record.length,
                         error=over_cap_error(record.length, max_bytes))
            continue
        # The payload may still be content-encoded (gzip): cap it after decoding as well.
        data, size, exact = read_capped(record.content_stream(), max_bytes, max_total)
        if data is None:
            yield Record(source=source, url=url, status=NOT_TEXT, size=size, error=over_cap_error(size, max_bytes, exact))
            continue
        match = _CHARSET.search(ctype)
        html = True if mime in ("text/html", "application/xhtml+xml") else (False if mime == "text/plain" else None)
        yield blob_record(source, data, html=html, charset=match.group(1) if match else None, url=url)
