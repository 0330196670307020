"""The read stage on real seeds and on broken input generated here (no binaries committed)."""
from __future__ import annotations

import gzip
import io
import json

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from detente.read import iter_records
from detente.types import EMPTY, NOT_TEXT


def _warc(path, records, gz=True):
    """records: (kind, url, content_type, payload bytes)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for kind, url, ctype, payload in records:
            if kind == "request":
                headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=headers))
            else:
                headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers))


def test_seeds_read_as_utf8_text(seeds):
    records = list(iter_records([str(seeds["002"].parent)]))
    assert [r.source for r in records] == [str(p) for p in sorted(seeds.values())]
    for r in records:
        assert r.status is None and r.error is None
        assert r.encoding == "utf-8" and not r.is_html and r.size > 1000
    assert "’" in records[0].text  # curly quotes survive


def test_broken_inputs_each_get_their_own_record(tmp_path):
    (tmp_path / "a_binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 2)
    (tmp_path / "b_empty.txt").write_bytes(b"  \n\t\n")
    (tmp_path / "c_russian.txt").write_bytes("Министр иностранных дел России заявил, что переговоры о стратегической стабильности продолжатся.".encode("cp1251"))
    (tmp_path / "d_western.txt").write_bytes("The envoy called the “détente” fragile, a café-table truce.".encode("cp1252"))
    (tmp_path / "e_truncated.html").write_bytes(b"<html><head><title>Talks resume</title></head><body><article><p>Diplomats from both capitals met for a long session on arms control and agreed to meet again next month in Vienna.</p><p>The second round will")
    (tmp_path / "f_big.txt").write_bytes(b"word " * 400)
    (tmp_path / ".hidden.txt").write_bytes(b"never read")
    records = {r.source.rsplit("/", 1)[-1]: r for r in iter_records([str(tmp_path)], max_bytes=1000)}
    assert set(records) == {"a_binary.bin", "b_empty.txt", "c_russian.txt", "d_western.txt", "e_truncated.html", "f_big.txt"}
    assert records["a_binary.bin"].status == NOT_TEXT and "binary" in records["a_binary.bin"].error
    assert records["b_empty.txt"].status == EMPTY
    ru = records["c_russian.txt"]
    assert ru.status is None and ru.encoding == "cp1251" and ru.text.startswith("Министр иностранных дел")
    west = records["d_western.txt"]
    assert west.encoding == "cp1252" and "“détente”" in west.text and "café" in west.text
    trunc = records["e_truncated.html"]
    assert trunc.status is None and trunc.is_html and "second round" in trunc.text
    big = records["f_big.txt"]
    assert big.status == NOT_TEXT and big.error == "record is 2000 bytes, over the cap of 1000" and big.text is None


def test_missing_path_and_glob(tmp_path):
    (tmp_path / "one.txt").write_text("Moscow and Washington held talks.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("A second short report on the talks.", encoding="utf-8")
    records = list(iter_records([str(tmp_path / "*.txt"), str(tmp_path / "missing.txt")]))
    assert [r.source.rsplit("/", 1)[-1] for r in records] == ["one.txt", "two.txt", "missing.txt"]
    assert records[2].status == NOT_TEXT and "no such file" in records[2].error


def test_jsonl_with_a_malformed_line(tmp_path):
    lines = [
        json.dumps({"text": "Envoys met in Geneva on Tuesday.", "url": "https://example.org/a", "published": "2021-07-13",
                    "title": "Envoys meet", "outlet": "Example News"}),
        '{"text": "broken line, no closing brace"',
        json.dumps({"html": "<html><body><p>Second story in markup.</p></body></html>"}),
        "",
        json.dumps({"text": "   "}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = list(iter_records([str(path)]))
    assert [r.source for r in records] == [f"{path}#{n}" for n in (1, 2, 3, 5, 6)]
    good, bad, html, blank, notobj = records
    assert good.status is None and good.url == "https://example.org/a" and good.published == "2021-07-13"
    assert good.title == "Envoys meet" and good.outlet == "Example News"
    assert bad.status == NOT_TEXT and bad.error.startswith("line 2: invalid JSON")
    assert html.is_html and "Second story" in html.text
    assert blank.status == EMPTY
    assert notobj.status == NOT_TEXT and "object" in notobj.error


def test_oversized_jsonl_line_is_reported_and_skipped(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "x " * 5000}) + "\n" + json.dumps({"text": "A normal record."}) + "\n")
    first, second = iter_records([str(path)], max_bytes=2000)
    assert first.status == NOT_TEXT and "over the cap of 2000" in first.error
    assert second.text == "A normal record."


def test_warc_gz_keeps_html_responses_only(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    page = "<html><head><meta charset='windows-1251'></head><body><p>Переговоры в Женеве.</p></body></html>".encode("cp1251")
    _warc(path, [
        ("request", "https://example.org/news/1", "", b""),
        ("response", "https://example.org/news/1", "text/html", page),
        ("response", "https://example.org/logo.png", "image/png", b"\x89PNG\x00\x00binary"),
        ("response", "https://example.org/news/2", "text/plain; charset=utf-8", "Plain story about talks.".encode()),
    ])
    records = list(iter_records([str(path)]))
    assert [r.url for r in records] == ["https://example.org/news/1", "https://example.org/news/2"]
    assert records[0].source == f"{path}#3" and records[0].is_html and records[0].encoding == "cp1251"
    assert "Переговоры в Женеве" in records[0].text
    assert records[0].published is None  # WARC-Date is the crawl date
    assert records[1].text == "Plain story about talks." and not records[1].is_html


def test_warc_record_over_the_cap_after_decompression(tmp_path):
    path = tmp_path / "bomb.warc.gz"
    huge = b"<p>" + b"a" * 3_000_000 + b"</p>"  # compresses to a few kB
    _warc(path, [("response", "https://example.org/huge", "text/html", huge),
                 ("response", "https://example.org/ok", "text/html", b"<p>Small page after the big one.</p>")])
    assert path.stat().st_size < 50_000
    big, ok = iter_records([str(path)], max_bytes=100_000)
    assert big.status == NOT_TEXT and "over the cap of 100000" in big.error and big.text is None
    assert ok.status is None and "Small page" in ok.text


def test_gzip_text_bomb_is_capped(tmp_path):
    path = tmp_path / "story.txt.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"talks " * 200_000)
    (rec,) = iter_records([str(path)], max_bytes=10_000)
    assert rec.status == NOT_TEXT and rec.error == "record is 1200000 bytes, over the cap of 10000"


def test_stdin_sniffs_html_and_text():
    (rec,) = iter_records(["-"], stdin=io.BytesIO(b"<!doctype html><html><body><p>Hi there.</p></body></html>"))
    assert rec.source == "-" and rec.is_html
    (rec,) = iter_records(["-"], stdin=io.BytesIO("Plain words, “quoted”.".encode("utf-8")))
    assert not rec.is_html and rec.encoding == "utf-8" and "“quoted”" in rec.text


def test_unknown_extension_is_sniffed(tmp_path):
    (tmp_path / "page.dat").write_bytes(b"<html><body><div><p>One.</p><p>Two.</p><p>Three.</p></div></body></html>")
    (tmp_path / "rows.dump").write_text(json.dumps({"text": "From a JSONL file."}) + "\n")
    page, row = iter_records([str(tmp_path / "page.dat"), str(tmp_path / "rows.dump")])
    assert page.is_html
    assert row.source.endswith("rows.dump#1") and row.text == "From a JSONL file."
