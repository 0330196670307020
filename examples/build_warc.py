"""Build examples/corpus/crawl.warc.gz from the HTML pages in examples/warc_src/.

Each page becomes one WARC `response` record carrying an HTTP 200 reply with a
text/html body. Target URLs and crawl dates are listed below; the crawl dates
are deliberately later than the articles' publication dates, so a reader that
takes WARC-Date as the publication date will be caught by the tests.

The output is deterministic (fixed record IDs, dates and gzip mtime), so
rebuilding it leaves the file byte-identical.

Usage:
    cd /work/main && PYTHONPATH=src .venv/bin/python examples/build_warc.py
"""
from __future__ import annotations

import io
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc_src"
OUT = HERE / "corpus" / "crawl.warc.gz"

# (source file, target URL, WARC-Date of the crawl, charset to declare)
PAGES = [
    (
        "capitalcourier_new-start-extended.html",
        "https://www.capitalcourier.example/world/us-russia-extend-new-start",
        "2021-02-05T10:12:31Z",
        "utf-8",
    ),
    (
        "worlddesk_strategic-stability-dialogue-opens.html",
        "https://worlddeskdaily.example/2021/07/28/us-russia-strategic-stability-dialogue-geneva/",
        "2021-08-02T06:40:05Z",
        "utf-8",
    ),
    (
        "balticobserver_stability-working-groups.html",
        "https://www.balticobserver.example/security/russia-us-arms-control-working-groups",
        "2021-10-04T14:03:59Z",
        "utf-8",
    ),
]


def build(out: Path = OUT) -> Path:
    raw = io.BytesIO()
    writer = WARCWriter(raw, gzip=True)
    for n, (name, url, crawl_date, charset) in enumerate(PAGES, start=1):
        body = (SRC / name).read_bytes()
        http_headers = StatusAndHeaders(
            "200 OK",
            [
                ("Content-Type", f"text/html; charset={charset}"),
                ("Content-Length", str(len(body))),
                ("Server", "nginx"),
            ],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": crawl_date,
                "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>",
            },
        )
        writer.write_record(record)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(raw.getvalue())
    return out


if __name__ == "__main__":
    path = build()
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(PAGES)} response records)")
