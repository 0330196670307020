"""WARC (and .warc.gz) via warcio: HTML and text responses become records, the rest is skipped.

The stream handed in is already decompressed (records.py wraps gzip files in a GzipStream), so one code
path reads per-record gzip members, whole-file gzip and plain WARC alike. Every line warcio reads goes
through a reader that caps its length, so a file with no line breaks (a gzip bomb of one letter) is an error
after MAX_HEADER_LINE_BYTES, never a line that grows in memory. A record whose bytes end before its
Content-Length is reported as truncated, and a file with no record at all still gets its row.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Iterator, Optional

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.limitreader import LimitReader
from warcio.utils import BUFF_SIZE

from detente import settings
from detente.read.blob import blob_record, over_cap_error, read_capped
from detente.read.streams import CHUNK, describe, quote
from detente.types import EMPTY, NOT_TEXT, Record

_CONTENT_RECORDS = ("response", "resource", "conversion")
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


class WarcFormatError(Exception):
    """The bytes cannot be read as WARC records any further."""


class _LineCappedReader(BufferedReader):
    """warcio's line reader, with every line bounded: a line (or a run of blank lines) over the cap is an error.

    Blank lines before the first record are skipped here (warcio would read them as a record with no headers
    and no length, and swallow the whole file as its body). `header_bytes` counts the non-blank bytes of lines
    read since it was last reset, so the caller can tell a file that ends cleanly between records from one
    that ends inside a record's headers.
    """

    def __init__(self, stream: BinaryIO, cap: int):
        super().__init__(stream, block_size=BUFF_SIZE, decomp_type=None)
        self.cap = cap
        self.blank_run = 0
        self.header_bytes = 0
        self.started = False
        self.eof = False  # a read wanted more bytes than the file has

    def _fillbuff(self, block_size=None):
        super()._fillbuff(block_size)
        if self.empty():
            self.eof = True

    def _line(self, bound: int) -> bytes:
        parts, have = [], 0
        while have < bound:
            self._fillbuff()
            if self.empty():
                break
            piece = self.buff.readline(bound - have)
            parts.append(piece)
            have += len(piece)
            if piece.endswith(b"\n"):
                break
        return b"".join(parts)

    def readline(self, length=None):
        bound = self.cap + 1 if length is None or length > self.cap else length
        while True:
            line = self._line(bound)
            if len(line) > self.cap and not line.endswith(b"\n"):
                raise WarcFormatError(f"a line runs over {self.cap} bytes without a line break (starts {quote(line)})")
            if line.strip():
                self.blank_run = 0
                self.header_bytes += len(line)
                self.started = True
                return line
            self.blank_run += len(line)
            if self.blank_run > self.cap:
                raise WarcFormatError(f"over {self.cap} bytes of blank lines where a WARC record should start")
            if self.started or not line:
                return line

    def read(self, length=None):
        data = super().read(length)
        if data:
            self.blank_run = 0
            self.started = True
        return data


class _Archive(ArchiveIterator):
    def __init__(self, stream: BinaryIO, line_cap: int):
        super().__init__(stream)
        self.reader = _LineCappedReader(self.fh, line_cap)  # replaces warcio's unbounded, decompressing reader


def _content_type(record) -> Optional[str]:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type")
    return record.rec_headers.get_header("Content-Type")


def _stream_note(stream) -> str:
    """The decompressor's reason the data ended early, if it had one (see streams.GzipStream)."""
    error = getattr(stream, "error", None)
    return f" ({error})" if error else ""


def _missing(record) -> Optional[int]:
    """Bytes of the record block that were never there: the file ended before its Content-Length."""
    raw = record.raw_stream
    while raw.read(CHUNK):  # drain what is left (bounded chunks; warcio would drain it the same way)
        pass
    return raw.limit if isinstance(raw, LimitReader) and raw.limit > 0 else None


def warc_records(stream: BinaryIO, path: str, max_bytes: int,
                 max_total: int = settings.MAX_WARC_BYTES,
                 line_cap: int = settings.MAX_HEADER_LINE_BYTES) -> Iterator[Record]:
    """Source is path#N with N the 1-based index of the record among all records of the file.

    WARC-Date is when the page was crawled, not published, so it is not passed on as `published`.
    A record that cannot be parsed gets its own row and ends the file (the records after it cannot be found
    reliably); a file with no record at all gets one row for the file.
    """
    archive = _Archive(stream, line_cap)
    reader = archive.reader  # warcio drops its reference when the file ends
    records = iter(archive)
    total = number = shown = 0
    while True:
        reader.header_bytes = 0
        try:
            record = next(records)
        except StopIteration:
            if reader.header_bytes:  # the file ended inside the headers of a record
                yield Record(source=f"{path}#{number + 1}", status=NOT_TEXT,
                             error=f"truncated: the file ends inside the headers of record {number + 1}"
                                   + _stream_note(stream))
                return
            break
        except Exception as err:  # not WARC, a line over the cap, a damaged header: this record and the rest are lost
            if reader.eof:  # the parse ran into the end of the data: most likely cut there
                error = f"truncated: the file ends inside the headers of record {number + 1} ({describe(err)})"
            else:
                error = f"could not read WARC record {number + 1}: {describe(err)}"
            yield Record(source=f"{path}#{number + 1}", status=NOT_TEXT, error=error + _stream_note(stream))
            return
        number += 1
        source = f"{path}#{number}"
        if reader.eof:  # parsing the headers already wanted more than the file holds: it was cut there
            yield Record(source=source, status=NOT_TEXT,
                         error=f"truncated: the file ends inside the headers of record {number}" + _stream_note(stream))
            return
        if record.length is None:  # warcio then reads the rest of the file as this record's body
            yield Record(source=source, url=record.rec_headers.get_header("WARC-Target-URI"), status=NOT_TEXT,
                         error=f"WARC record {number} has no Content-Length; the rest of the file cannot be split "
                               "into records" + _stream_note(stream))
            return
        total += record.length
        if total > max_total:
            yield Record(source=source, status=NOT_TEXT,
                         error=f"WARC file is over {max_total} bytes; stopped reading at record {number}")
            return
        try:
            rec = _record(record, source, max_bytes, max_total)
            missing = _missing(record)
        except Exception as err:  # a bug or damage inside one record: that record's row, then go on
            rec, missing = Record(source=source, status=NOT_TEXT,
                                  error=f"could not read WARC record {number}: {describe(err)}"), None
        if missing:
            length = record.length
            # A cut record is not a document: its text stops mid-page, and the contract's `error` is for records
            # that could not be read. not_text is the status the read stage gives every such record (over the cap,
            # binary, undecodable); `empty` would claim there was nothing there.
            rec = Record(source=source, url=record.rec_headers.get_header("WARC-Target-URI"), status=NOT_TEXT,
                         size=length - missing,
                         error=f"truncated: read {length - missing} of {length} bytes" + _stream_note(stream))
            yield rec
            return  # a record can only be cut where the data ends
        if rec is not None:
            shown += 1
            yield rec
    if getattr(stream, "error", None):  # damage after the last whole record, or before any
        where = f"after WARC record {number}" if number else "no WARC record could be read"
        yield Record(source=path, status=NOT_TEXT, error=f"{where}: {stream.error}")
    elif number == 0:
        yield Record(source=path, status=EMPTY, error="the WARC file holds no records")
    elif shown == 0:
        yield Record(source=path, status=NOT_TEXT,
                     error=f"the WARC file holds {number} records, none of them an HTML or text page")


def _record(record, source: str, max_bytes: int, max_total: int) -> Optional[Record]:
    """One WARC record to a Record, or None for records that are not pages (requests, metadata, images)."""
    if record.rec_type not in _CONTENT_RECORDS:
        return None
    if record.rec_type == "response" and record.http_headers is None:
        return None  # dns: and other non-HTTP responses
    ctype = (_content_type(record) or "").lower()
    mime = ctype.split(";")[0].strip()
    if mime and mime not in _TEXT_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.length > max_bytes:
        return Record(source=source, url=url, status=NOT_TEXT, size=record.length,
                      error=over_cap_error(record.length, max_bytes))
    # The payload may still be content-encoded (gzip): cap it after decoding as well.
    data, size, exact = read_capped(record.content_stream(), max_bytes, max_total)
    if data is None:
        return Record(source=source, url=url, status=NOT_TEXT, size=size, error=over_cap_error(size, max_bytes, exact))
    match = _CHARSET.search(ctype)
    html = True if mime in ("text/html", "application/xhtml+xml") else (False if mime == "text/plain" else None)
    return blob_record(source, data, html=html, charset=match.group(1) if match else None, url=url)
