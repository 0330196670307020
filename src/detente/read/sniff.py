"""Guess what a blob or a file is from its first bytes: WARC, gzip, JSONL, HTML or plain text."""
from __future__ import annotations

import re

GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|h1|script|link|span|table)\b",
                         re.I | re.S)
_HTML_TAGS = re.compile(rb"</(?:p|div|a|span|body|html|li|h[1-6]|article|td|section)>|<br\s*/?>", re.I)


def looks_html(head: bytes) -> bool:
    """HTML by its opening tag, or by closing tags scattered through the first bytes."""
    if _HTML_START.match(head[:2048]):
        return True
    return len(_HTML_TAGS.findall(head[:8192])) >= 3


def looks_jsonl(head: bytes) -> bool:
    first = head.lstrip()[:1]
    return first == b"{" and b'":' in head[:4096]


def kind_of(name: str, head: bytes) -> str:
    """One of warc, warc.gz, jsonl, jsonl.gz, html, html.gz, text, text.gz (by extension, else content)."""
    lower = name.lower()
    gz = lower.endswith(".gz") or head.startswith(GZIP_MAGIC)
    stem = lower[:-3] if lower.endswith(".gz") else lower
    suffix = ".gz" if gz else ""
    for ext, kind in ((".warc", "warc"), (".arc", "warc"), (".jsonl", "jsonl"), (".ndjson", "jsonl"),
                      (".html", "html"), (".htm", "html"), (".xhtml", "html"), (".txt", "text")):
        if stem.endswith(ext):
            return kind + suffix
    if gz:
        return "gz"  # content decided after decompression
    if head.startswith(b"WARC/"):
        return "warc"
    if looks_jsonl(head):
        return "jsonl"
    if looks_html(head):
        return "html"
    return "text"
