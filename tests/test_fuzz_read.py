"""Hostile input, built here in tmp_path (no binaries committed), through the real read and clean code.

Issue: no input may crash, hang or poison a run. Every input record gets exactly one row, with a reason when
it fails, and nothing is lost silently: each test checks the hostile record's row, its reason, and that the
records around it are still there.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from detente import settings
from detente.clean import clean_record
from detente.clean.html import flat_text
from detente.pipeline import read_clean
from detente.read import iter_records
from detente.types import ARTICLE, DUPLICATE, EMPTY, ERROR_PAGE, NOT_TEXT, Record

STATUSES = {ARTICLE, DUPLICATE, ERROR_PAGE, EMPTY, NOT_TEXT}
GZIP_CUT = "the gzip stream ends before its end marker (the file is cut)"


def _page(n: int, words: int = 400) -> bytes:
    """A plain-text story, different for each n, with a few paragraphs."""
    paras = [f"Story {n}, paragraph {p}: envoys from Moscow and Washington met in Geneva for round {n * 10 + p} of "
             f"talks on strategic stability, and " + " ".join(f"point{n}x{p}x{w}" for w in range(words // 4)) + "."
             for p in range(4)]
    return "\n\n".join(paras).encode("utf-8")


def _warc(pages: list[bytes], gz: bool, ctype: str = "text/plain; charset=utf-8") -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for n, payload in enumerate(pages, start=1):
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.org/story/{n}", "response",
                                                      payload=io.BytesIO(payload), http_headers=headers))
    return out.getvalue()


def _spans(data: bytes) -> list[tuple[int, int, int]]:
    """(record start, block start, block end) of each record of an uncompressed WARC."""
    spans = []
    it = ArchiveIterator(io.BytesIO(data))
    for rec in it:
        offset = it.get_record_offset()
        block = data.index(b"\r\n\r\n", offset) + 4
        spans.append((offset, block, block + int(rec.rec_headers.get_header("Content-Length"))))
    return spans


def _inflate(prefix: bytes) -> bytes:
    """What a decompressor gets out of the first bytes of a gzip stream (one member)."""
    return zlib.decompressobj(31).decompress(prefix)


def _docs(paths) -> list:
    return list(read_clean([str(p) for p in paths]))


def _story_text(n: int, words: int = 400) -> str:
    (doc,) = (clean_record(r) for r in iter_records(["-"], stdin=io.BytesIO(_page(n, words))))
    return doc.text


# 1 -- a .warc.gz that is no WARC and has no line break: a gzip bomb of one letter ------------------------------

BOMB_RUN = """
import json, re, resource, sys
from detente.clean import clean_record
from detente.clean.html import flat_text
from detente.read import iter_records
rows = [clean_record(r) for r in iter_records(sys.argv[1:])]
try:  # this process's own peak: ru_maxrss would also count the parent it was forked from (Linux keeps it over exec)
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
except OSError:  # no /proc: ru_maxrss is in kB, on macOS in bytes
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform == "darwin" else 1)
print(json.dumps({"rows": [{"source": d.source, "status": d.status, "error": d.error, "text": d.text[:200]}
                           for d in rows], "peak_mb": peak_kb / 1024}))
"""


def test_gzip_bomb_without_line_breaks_is_one_short_row_in_little_memory(tmp_path):
    bomb = tmp_path / "a_bomb.warc.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        for _ in range(50):
            out.write(b"A" * 1_000_000)  # 50 MB, no "\n"
    assert bomb.stat().st_size < 1_000_000
    # a good record, then a record whose header line is 50 MB long
    mixed = tmp_path / "b_mixed.warc.gz"
    head = _warc([_page(1)], gz=False)
    with gzip.open(mixed, "wb", compresslevel=1) as out:
        out.write(head + b"WARC/1.0\r\nWARC-Type: response\r\nX-Junk: ")
        for _ in range(50):
            out.write(b"B" * 1_000_000)
    ok = tmp_path / "c_ok.txt"
    ok.write_bytes(_page(2))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    done = subprocess.run([sys.executable, "-c", BOMB_RUN, str(bomb), str(mixed), str(ok)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    rows = {r["source"].rsplit("/", 1)[-1]: r for r in result["rows"]}
    assert list(rows) == ["a_bomb.warc.gz#1", "b_mixed.warc.gz#1", "b_mixed.warc.gz#2", "c_ok.txt"]
    bomb_row = rows["a_bomb.warc.gz#1"]
    assert bomb_row["status"] == NOT_TEXT
    assert f"a line runs over {settings.MAX_HEADER_LINE_BYTES} bytes without a line break" in bomb_row["error"]
    assert len(bomb_row["error"]) < 500 and bomb_row["error"].count("A") < 210  # the quote is cut to ~200 chars
    assert rows["b_mixed.warc.gz#1"]["status"] == ARTICLE and rows["b_mixed.warc.gz#1"]["text"].startswith("Story 1")
    cut = rows["b_mixed.warc.gz#2"]
    assert cut["status"] == NOT_TEXT and "without a line break" in cut["error"] and len(cut["error"]) < 500
    assert rows["c_ok.txt"]["status"] == ARTICLE
    assert result["peak_mb"] < 200, result["peak_mb"]  # before: the line grew in memory (0.5 MB gz -> 6.8 GB)


# 2 -- truncated WARC: the cut record is reported, the records before it are intact -----------------------------

def test_warc_cut_in_the_second_body_reports_it_truncated(tmp_path):
    data = _warc([_page(1), _page(2), _page(3)], gz=False)
    (_, _, end1), (_, block2, end2), _ = _spans(data)
    cut = (block2 + end2) // 2
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:cut])
    first, second = _docs([path])
    assert first.source == f"{path}#1" and first.status == ARTICLE and first.text == _story_text(1)
    assert first.error is None
    assert second.source == f"{path}#2" and second.url == "https://example.org/story/2"
    assert second.status == NOT_TEXT and second.text == ""
    assert second.error == f"truncated: read {cut - block2} of {end2 - block2} bytes"


def test_warc_gz_cut_in_the_second_member_reports_it_truncated(tmp_path):
    members = [_warc([_page(n)], gz=True) for n in (1, 2, 3)]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(members[0] + members[1][: len(members[1]) // 2])
    first, second = _docs([path])
    assert first.status == ARTICLE and first.text == _story_text(1)
    assert second.source == f"{path}#2" and second.status == NOT_TEXT
    m = re.fullmatch(r"truncated: read (\d+) of (\d+) bytes \((.*)\)", second.error)
    assert m and 0 < int(m[1]) < int(m[2]) and m[3] == GZIP_CUT


def test_whole_file_gzip_warc_reads_every_record_and_a_cut_one_is_reported(tmp_path):
    plain = _warc([_page(1), _page(2), _page(3)], gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain))  # one gzip member for the file (before: an error after record 1)
    docs = _docs([whole])
    got = [(d.source.rsplit("#", 1)[-1], d.status, d.error) for d in docs]
    assert got == [(str(n), ARTICLE, None) for n in (1, 2, 3)]
    assert [d.text for d in docs] == [_story_text(n) for n in (1, 2, 3)]
    packed = gzip.compress(plain)
    _, (_, block2, end2), _ = _spans(plain)
    # cut the compressed bytes at a point that falls inside record 2's block
    cut = next(c for c in range(len(packed) // 3, len(packed), 64)
               if block2 + 100 < len(_inflate(packed[:c])) < end2 - 100)
    cutpath = tmp_path / "whole_cut.warc.gz"
    cutpath.write_bytes(packed[:cut])
    first, second = _docs([cutpath])
    assert first.status == ARTICLE and first.text == _story_text(1)
    assert second.source == f"{cutpath}#2" and second.status == NOT_TEXT
    assert second.error.startswith("truncated: read ") and second.error.endswith(f"({GZIP_CUT})")




def test_truncated_gzip_text_and_jsonl_give_rows_not_crashes(tmp_path):
    text = tmp_path / "story.txt.gz"
    packed = gzip.compress(_page(1, words=4000))
    text.write_bytes(packed[: len(packed) // 2])
    lines = b"".join(json.dumps({"text": _page(n).decode(), "url": f"https://example.org/{n}"}).encode() + b"\n"
                     for n in (1, 2, 3))
    jsonl = tmp_path / "feed.jsonl.gz"
    packed = gzip.compress(lines)
    jsonl.write_bytes(packed[: len(packed) * 3 // 4])  # inside line 3
    ok = tmp_path / "zz_ok.txt"
    ok.write_bytes(_page(9))
    docs = _docs([text, jsonl, ok])
    got = [(d.source.rsplit("/", 1)[-1], d.status) for d in docs]
    assert got == [("story.txt.gz", NOT_TEXT), ("feed.jsonl.gz#1", ARTICLE), ("feed.jsonl.gz#2", ARTICLE),
                   ("feed.jsonl.gz#3", NOT_TEXT), ("zz_ok.txt", ARTICLE)]
    assert re.fullmatch(r"read \d+ bytes, then " + re.escape(GZIP_CUT), docs[0].error)
    assert docs[3].error.startswith("line 3: truncated: read ") and docs[3].error.endswith(GZIP_CUT)
    assert docs[1].text == _story_text(1) and docs[2].text == _story_text(2)


@pytest.mark.parametrize("gz", [False, True])
def test_warc_cut_anywhere_never_crashes_nor_loses_a_record_silently(tmp_path, gz):
    pages = [_page(1, 120), _page(2, 120), _page(3, 120)]
    plain = _warc(pages, gz=False)
    spans = _spans(plain)
    texts = [_story_text(n, 120) for n in (1, 2, 3)]
    data = gzip.compress(plain) if gz else plain
    cuts = set(range(1, len(data), len(data) // 40))
    if not gz:  # and every byte around the places where a record, its block or its end marker starts
        cuts |= {c + d for start, block, end in spans for c in (start, block, end) for d in range(-3, 12)}
    for i, cut in enumerate(sorted(c for c in cuts if 0 < c < len(data))):
        path = tmp_path / f"cut{i}.warc{'.gz' if gz else ''}"
        path.write_bytes(data[:cut])
        docs = [clean_record(r) for r in iter_records([str(path)])]
        assert docs, cut
        for d in docs:
            assert d.status in STATUSES
            assert d.status == ARTICLE or d.error, (cut, d)
        have = len(_inflate(data[:cut])) if gz else cut
        by_number = {int(d.source.rsplit("#", 1)[1]): d for d in docs if "#" in d.source}
        for n, (start, block, end) in enumerate(spans, start=1):
            if have >= end:  # whole: read as it was written
                assert by_number[n].status == ARTICLE and by_number[n].text == texts[n - 1], (cut, n)
            elif have > start:  # cut inside: a row that says so, and nothing after it
                assert by_number[n].status == NOT_TEXT, (cut, n)
                assert "truncated" in by_number[n].error or "could not read" in by_number[n].error, (cut, n)
                assert max(by_number) == n
        if not have:  # nothing came out of the gzip stream: one row says why
            assert len(docs) == 1 and docs[0].status == NOT_TEXT and docs[0].error, (cut, docs)


# 3 -- a WARC with no records ---------------------------------------------------------------------------------

def test_warc_with_no_records_gets_one_row_saying_so(tmp_path):
    (tmp_path / "a_newlines.warc").write_bytes(b"\n" * 1000)
    (tmp_path / "b_crlf.warc.gz").write_bytes(gzip.compress(b"\r\n" * 1000))
    (tmp_path / "c_zero.warc").write_bytes(b"")
    (tmp_path / "d_many_newlines.warc.gz").write_bytes(gzip.compress(b"\n" * 5_000_000))
    (tmp_path / "e_leading_blank_lines.warc").write_bytes(b"\r\n\r\n\n" + _warc([_page(1), _page(2)], gz=False))
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    writer.write_record(writer.create_warcinfo_record("f.warc", {"software": "test"}))
    (tmp_path / "f_no_pages.warc").write_bytes(out.getvalue())
    (tmp_path / "g_ok.txt").write_bytes(_page(7))
    docs = {d.source.rsplit("/", 1)[-1]: d for d in _docs([tmp_path])}
    assert list(docs) == ["a_newlines.warc", "b_crlf.warc.gz", "c_zero.warc", "d_many_newlines.warc.gz#1",
                          "e_leading_blank_lines.warc#1", "e_leading_blank_lines.warc#2", "f_no_pages.warc", "g_ok.txt"]
    for name in ("a_newlines.warc", "b_crlf.warc.gz", "c_zero.warc"):
        assert docs[name].status == EMPTY and docs[name].error == "the WARC file holds no records", name
    many = docs["d_many_newlines.warc.gz#1"]  # bounded: not five million empty lines read one by one
    assert many.status == NOT_TEXT and "bytes of blank lines where a WARC record should start" in many.error
    assert docs["e_leading_blank_lines.warc#2"].text == _story_text(2)  # before: warcio swallowed the whole file
    assert docs["f_no_pages.warc"].status == NOT_TEXT
    assert docs["f_no_pages.warc"].error == "the WARC file holds 1 records, none of them an HTML or text page"
    assert docs["g_ok.txt"].status == ARTICLE


# 4 -- UTF-8 with a bad byte stays UTF-8, per document, and says how many bytes were replaced ---------------------

RUSSIAN = ("Министр иностранных дел России заявил, что переговоры о стратегической стабильности продолжатся "
           "в Женеве на следующей неделе. ")


def test_utf8_with_one_bad_byte_stays_utf8_and_says_so(tmp_path):
    good = (RUSSIAN * 6 + "The “détente” talks resumed.").encode("utf-8")
    cut = good.index(b" ", 200)  # between two characters
    (tmp_path / "a_bad_byte.txt").write_bytes(good[:cut] + b"\xff" + good[cut:])
    english = ("Diplomats met in Geneva on Tuesday to discuss strategic stability and arms control. " * 8
               + "The café talks were called a “détente”.").encode("utf-8")
    (tmp_path / "b_bad_byte_english.txt").write_bytes(english[:100] + b"\x9d" + english[100:])
    (tmp_path / "c_cp1252.txt").write_bytes("The envoy called the “détente” fragile, a café-table truce.".encode("cp1252"))
    (tmp_path / "d_cp1251.txt").write_bytes(RUSSIAN.encode("cp1251"))
    rows = [json.dumps({"text": RUSSIAN + " Первая."}).encode(),
            json.dumps({"text": RUSSIAN + " Вторая."}, ensure_ascii=False).encode()
            .replace(b"\xd0\x92", b"\xd0\x92\xfe", 1),  # a stray byte after the first "В"
            json.dumps({"text": RUSSIAN + " Третья."}, ensure_ascii=False).encode()]
    (tmp_path / "e_feed.jsonl").write_bytes(b"\n".join(rows) + b"\n")
    docs = {d.source.rsplit("/", 1)[-1]: d for d in _docs([tmp_path])}
    assert len(docs) == 7
    bad = docs["a_bad_byte.txt"]
    assert bad.status == ARTICLE and bad.encoding == "utf-8" and bad.error == "utf-8: 1 invalid byte replaced"
    assert bad.text.count("\ufffd") == 1 and "Министр иностранных дел" in bad.text and "“détente”" in bad.text
    eng = docs["b_bad_byte_english.txt"]
    assert eng.encoding == "utf-8" and eng.error == "utf-8: 1 invalid byte replaced" and "“détente”" in eng.text
    assert docs["c_cp1252.txt"].encoding == "cp1252" and "café" in docs["c_cp1252.txt"].text
    assert docs["c_cp1252.txt"].error is None
    assert docs["d_cp1251.txt"].encoding == "cp1251" and docs["d_cp1251.txt"].text.startswith("Министр")
    # per document: only the JSONL line with the bad byte carries the note
    assert [docs[f"e_feed.jsonl#{n}"].error for n in (1, 2, 3)] == [None, "utf-8: 1 invalid byte replaced", None]
    assert all(docs[f"e_feed.jsonl#{n}"].status == ARTICLE for n in (1, 2, 3))


# 5 -- HTML nested deeper than the parser goes ------------------------------------------------------------------

def _deep_page(depth: int) -> str:
    return ("<html><head><title>Talks in Geneva</title></head><body><p>Opening paragraph of the report on the talks "
            "between the delegations, long enough to be prose.</p>" + "<div>" * depth
            + "<p>Deep paragraph: the envoys agreed to extend the treaty by five years and to meet again.</p>"
            + "</div>" * depth + "<p>Closing paragraph: both sides called the round constructive and useful.</p>"
              "</body></html>")


def test_html_nested_too_deep_keeps_its_text_by_flat_extraction(tmp_path):
    (tmp_path / "a_deep.html").write_text(_deep_page(10_000), encoding="utf-8")
    (tmp_path / "b_shallow.html").write_text(_deep_page(100), encoding="utf-8")
    deep, shallow = _docs([tmp_path])
    assert deep.status == ARTICLE  # before: `empty`, with no reason
    assert "the envoys agreed to extend the treaty" in deep.text and "Closing paragraph" in deep.text
    assert "flat tag stripping" in deep.error and "255" in deep.error
    assert shallow.status == ARTICLE and shallow.error is None and "the envoys agreed" in shallow.text


@pytest.mark.parametrize("depth,flat", [(240, False), (300, True), (2000, True)])
def test_depth_threshold(depth, flat):
    doc = clean_record(Record(source="p.html", text=_deep_page(depth), is_html=True))
    assert "the envoys agreed to extend the treaty" in doc.text
    assert ("flat tag stripping" in (doc.error or "")) is flat


# 6 -- a folder that cannot be read -----------------------------------------------------------------------------

def _folder(tmp_path) -> Path:
    root = tmp_path / "in"
    (root / "b_locked").mkdir(parents=True)
    (root / "a.txt").write_bytes(_page(1))
    (root / "b_locked" / "hidden_story.txt").write_bytes(_page(2))
    (root / "c").mkdir()
    (root / "c" / "c.txt").write_bytes(_page(3))
    return root


def test_unreadable_folder_gets_a_row_with_the_os_error(tmp_path, monkeypatch):
    root = _folder(tmp_path)
    locked = str(root / "b_locked")
    real_scandir = os.scandir

    def scandir(path="."):  # what chmod 000 does for a user other than root
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    docs = _docs([root])
    assert [d.source for d in docs] == [str(root / "a.txt"), locked, str(root / "c" / "c.txt")]
    assert docs[1].status == NOT_TEXT and "Permission denied" in docs[1].error and locked in docs[1].error
    assert docs[0].status == ARTICLE and docs[2].status == ARTICLE


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a chmod 000 folder anyway; the monkeypatched test above covers this case")
def test_chmod_000_folder_gets_a_row(tmp_path):
    root = _folder(tmp_path)
    locked = root / "b_locked"
    locked.chmod(0)
    try:
        docs = _docs([root])
    finally:
        locked.chmod(0o755)
    assert [d.source for d in docs] == [str(root / "a.txt"), str(locked), str(root / "c" / "c.txt")]
    assert docs[1].status == NOT_TEXT and "Permission denied" in docs[1].error


# 7 -- a document over the character budget ----------------------------------------------------------------------

def test_text_over_the_budget_is_cut_at_a_paragraph(tmp_path):
    paras = [f"Paragraph {i}: the delegations met again in Geneva on day {i} and went through verification, "
             f"inspections and the count of deployed warheads ({i * 7919 % 100_003}) in long detail."
             for i in range(8000)]
    big = "\n\n".join(paras)
    assert 1_000_000 < len(big) < settings.MAX_RECORD_BYTES
    (tmp_path / "a_big.txt").write_text(big, encoding="utf-8")
    (tmp_path / "b_one_paragraph.txt").write_text(" ".join(paras), encoding="utf-8")
    (tmp_path / "c_small.txt").write_bytes(_page(5))
    big_doc, one, small = _docs([tmp_path])
    budget = settings.MAX_DOCUMENT_CHARS
    assert big_doc.status == ARTICLE and len(big_doc.text) <= budget
    lines = big_doc.text.split("\n")
    assert lines == paras[: len(lines)]  # whole paragraphs, from the start
    assert len(big_doc.text) + len(paras[len(lines)]) + 1 > budget  # as many as fit
    full = len("\n".join(paras))
    assert big_doc.error == f"truncated to {len(big_doc.text)} of {full} characters (MAX_DOCUMENT_CHARS)"
    assert one.status == ARTICLE and budget // 2 < len(one.text) <= budget and " ".join(paras).startswith(one.text)
    assert one.error.startswith(f"truncated to {len(one.text)} of ")
    assert small.status == ARTICLE and small.error is None


# 8 -- a bug on one record stays on that record ----------------------------------------------------------------

def _three(tmp_path) -> Path:
    (tmp_path / "a.txt").write_bytes(_page(1))
    (tmp_path / "b_poison.txt").write_bytes(_page(2) + b"\n\nPOISON")
    (tmp_path / "c.txt").write_bytes(_page(3))
    return tmp_path


def test_exception_while_cleaning_one_record_is_that_records_row(tmp_path, monkeypatch):
    import detente.clean.record as record_module
    real = record_module.clean_lines

    def clean_lines(text, *args, **kwargs):
        if "POISON" in text:
            raise RuntimeError("boom " + "x" * 5000)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(record_module, "clean_lines", clean_lines)
    docs = _docs([_three(tmp_path)])
    assert [d.status for d in docs] == [ARTICLE, NOT_TEXT, ARTICLE]
    assert docs[1].error.startswith("clean failed: RuntimeError: boom") and len(docs[1].error) < 500
    assert docs[1].text == ""


def test_exception_building_the_document_is_that_records_row(tmp_path, monkeypatch):
    import detente.clean.record as record_module
    real = record_module.document_id

    def document_id(record):
        if record.text and "POISON" in record.text:
            raise ValueError("bad id")
        return real(record)

    monkeypatch.setattr(record_module, "document_id", document_id)
    docs = _docs([_three(tmp_path)])
    assert [d.status for d in docs] == [ARTICLE, NOT_TEXT, ARTICLE]
    assert docs[1].source.endswith("b_poison.txt") and docs[1].error == "clean failed: ValueError: bad id"
    assert len(docs[1].doc_id) == 16


def test_exception_while_reading_one_record_is_that_records_row(tmp_path, monkeypatch):
    import detente.read.records as records_module
    import detente.read.warc as warc_module
    real_blob = records_module.blob_record

    def blob_record(source, data, **kwargs):
        if b"POISON" in data:
            raise RuntimeError("read bug " + "y" * 5000)
        return real_blob(source, data, **kwargs)

    monkeypatch.setattr(records_module, "blob_record", blob_record)
    monkeypatch.setattr(warc_module, "blob_record", blob_record)
    _three(tmp_path)
    (tmp_path / "d.warc").write_bytes(_warc([_page(4), _page(5) + b"\n\nPOISON", _page(6)], gz=False))
    docs = _docs([tmp_path])
    assert [(d.source.rsplit("/", 1)[-1], d.status) for d in docs] == [
        ("a.txt", ARTICLE), ("b_poison.txt", NOT_TEXT), ("c.txt", ARTICLE),
        ("d.warc#1", ARTICLE), ("d.warc#2", NOT_TEXT), ("d.warc#3", ARTICLE)]
    assert "RuntimeError: read bug" in docs[1].error and len(docs[1].error) < 600
    assert docs[4].error.startswith("could not read WARC record 2: RuntimeError: read bug") and len(docs[4].error) < 600
    assert docs[5].text == _story_text(6)


def test_gzip_with_trailing_garbage_keeps_its_records_and_reports_the_damage(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    lines = b"".join(json.dumps({"text": _page(n).decode()}).encode() + b"\n" for n in (1, 2))
    path.write_bytes(gzip.compress(lines) + b"this is not gzip")
    first, second, damage = _docs([path])
    assert first.status == ARTICLE and second.status == ARTICLE and second.text == _story_text(2)
    assert damage.source == str(path) and damage.status == NOT_TEXT
    assert damage.error.startswith("after line 2: damaged gzip data: BadGzipFile")


@pytest.mark.parametrize("markup", ["<script>" * 20_000, "<!--" * 20_000, "<" * 100_000, "<a" * 50_000,
                                    "<div>" * 50_000 + "text", "<style>" + "x" * 100_000, "&" * 100_000])
def test_flat_text_is_fast_on_pathological_markup(markup):
    start = time.perf_counter()
    flat_text(markup)
    assert time.perf_counter() - start < 2.0  # linear: milliseconds here; a quadratic scan would take minutes
