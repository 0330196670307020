"""clean_record: one Record to one Document (text, removed lines, status, metadata). Never raises."""
from __future__ import annotations

import hashlib
from typing import Optional

from detente.clean.html import HtmlExtract, extract_html, page_blocks
from detente.clean.language import guess_language
from detente.clean.lines import classify_dropped, clean_lines
from detente.clean.metadata import choose_outlet, choose_published
from detente.types import ARTICLE, EMPTY, ERROR_PAGE, NOT_TEXT, Document, Record


def document_id(record: Record) -> str:
    """Stable across runs, different for different records: source plus raw content."""
    h = hashlib.sha1()
    h.update(record.source.encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    if record.text is not None:
        h.update(record.text.encode("utf-8", "surrogatepass"))
    else:
        h.update(f"{record.status}|{record.error}|{record.size}".encode("utf-8"))
    return h.hexdigest()[:16]


def clean_record(record: Record) -> Document:
    doc = Document(doc_id=document_id(record), source=record.source, url=record.url, title=record.title,
                   outlet=record.outlet, encoding=record.encoding, error=record.error)
    if record.status in (EMPTY, NOT_TEXT) or record.text is None:
        doc.status = record.status or EMPTY
        return doc
    try:
        _clean_into(doc, record)
    except Exception as err:  # a bug or a pathological page must not stop the run
        doc.status, doc.text, doc.removed = NOT_TEXT, "", []
        doc.error = f"clean failed: {type(err).__name__}: {err}"
    return doc


def _clean_into(doc: Document, record: Record) -> None:
    extract: Optional[HtmlExtract] = extract_html(record.text, record.url) if record.is_html else None
    body = extract.text if extract else record.text
    known_title = record.title or (extract.title if extract else None)
    lines = clean_lines(body, known_title)
    doc.text = "\n".join(lines.paragraphs)
    doc.removed = lines.removed
    if extract is not None:  # what the extractor left out is removed too, and must say why
        doc.removed = classify_dropped(page_blocks(record.text), body) + doc.removed
    doc.title = lines.title or known_title
    if lines.has_article:
        doc.status = ARTICLE
    elif not lines.paragraphs and not lines.removed:
        doc.status = EMPTY
    elif lines.removed or not lines.paragraphs:
        doc.status = ERROR_PAGE  # only a stub or site furniture was there
    else:
        doc.status = ARTICLE     # short, but nothing in it looked like furniture
    doc.published, doc.published_basis = choose_published(
        record_field=record.published, html_date=extract.date if extract else None, url=record.url,
        header=lines.header_date, paragraphs=lines.paragraphs, text=doc.text)
    doc.outlet = choose_outlet(record_outlet=record.outlet, html_site=extract.sitename if extract else None,
                               paragraphs=lines.paragraphs, url=record.url)
    doc.author = (extract.author if extract else None) or lines.author
    doc.language = guess_language(doc.text or body, extract.lang if extract else None)
    doc.content_hash = hashlib.sha1(doc.text.encode("utf-8")).hexdigest() if doc.text else None
