"""clean_record: one Record to one Document (text, removed lines, status, metadata). Never raises."""
from __future__ import annotations

import hashlib
from typing import Optional

from detente import settings
from detente.clean.html import HtmlExtract, extract_html, page_blocks
from detente.clean.language import guess_language
from detente.clean.dates import header_date
from detente.clean.lines import classify_dropped, clean_lines, is_error_stub, page_site
from detente.clean.metadata import (byline_author, choose_outlet, choose_published, copyright_outlet, dated_byline,
                                    tidy_author, title_site)
from detente.types import Removed
from detente.types import ARTICLE, EMPTY, ERROR_PAGE, NOT_TEXT, Document, Record

STUB_PAGE_WORDS = 80  # a page titled "404" with less text than this is an error page
ERROR_CHARS = 400     # an exception's message in `error` is cut to this (it may quote a whole page)


def describe(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= ERROR_CHARS else f"{text[:ERROR_CHARS]}… ({len(text)} characters in all)"


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
    """Never raises: a bug or a pathological page becomes this record's row, with the error, not a failed run."""
    try:
        doc = Document(doc_id=document_id(record), source=record.source, url=record.url, title=record.title,
                       outlet=record.outlet, encoding=record.encoding, error=record.error)
    except Exception as err:
        return _failed(record, err)
    if record.status in (EMPTY, NOT_TEXT) or record.text is None:
        doc.status = record.status or EMPTY
        return doc
    try:
        _clean_into(doc, record)
    except Exception as err:  # a bug or a pathological page must not stop the run
        doc.status, doc.text, doc.removed, doc.content_hash = NOT_TEXT, "", [], None
        doc.error = _joined(record.error, f"clean failed: {describe(err)}")
    return doc


def _failed(record, err: Exception) -> Document:
    """The row of a record that could not even be turned into a Document (a malformed Record)."""
    source = str(getattr(record, "source", None))
    doc_id = hashlib.sha1(f"{source}\x00failed".encode("utf-8", "replace")).hexdigest()[:16]
    return Document(doc_id=doc_id, source=source, status=NOT_TEXT, error=f"clean failed: {describe(err)}")


def _joined(*notes: Optional[str]) -> Optional[str]:
    """Notes for `error`, in order, once each: a non-fatal remark keeps the document's status."""
    kept = [n for n in dict.fromkeys(notes) if n]
    return "; ".join(kept) or None


def within_budget(paragraphs: list[str], budget: int) -> list[str]:
    """The leading paragraphs whose text ("\n"-joined) fits in `budget` characters. A first paragraph longer
    than the budget is itself cut, at the last space within it (or at the budget when it has none)."""
    kept: list[str] = []
    size = 0
    for para in paragraphs:
        need = len(para) + (1 if kept else 0)
        if size + need > budget:
            break
        kept.append(para)
        size += need
    if not kept and paragraphs:
        head = paragraphs[0][:budget]
        space = head.rfind(" ")
        kept = [head[:space].rstrip() if space > budget // 2 else head]
    return kept


def _clean_into(doc: Document, record: Record) -> None:
    extract: Optional[HtmlExtract] = extract_html(record.text, record.url) if record.is_html else None
    if extract is not None and extract.note:
        doc.error = _joined(doc.error, extract.note)
    body = extract.text if extract else record.text
    known_title = record.title or (extract.title if extract else None)
    page_title = extract.page_title if extract else None
    # a page whose title is an error stub ("404", "Page not found | Site") is an error page unless it has real text
    stub_title = is_error_stub(known_title) or (page_title is not None and is_error_stub(page_title.split(" | ")[0]))
    if is_error_stub(known_title):
        known_title = None
    lines = clean_lines(body, known_title)
    doc.text = "\n".join(lines.paragraphs)
    if len(doc.text) > settings.MAX_DOCUMENT_CHARS:
        # One record must not stall or crash the per-document stages (spaCy's time and memory grow with the text,
        # and it refuses one over its max_length): keep the leading paragraphs that fit, and say so. The status
        # stays what the text earns.
        full = len(doc.text)
        lines.paragraphs = within_budget(lines.paragraphs, settings.MAX_DOCUMENT_CHARS)
        doc.text = "\n".join(lines.paragraphs)
        doc.error = _joined(doc.error, f"truncated to {len(doc.text)} of {full} characters (MAX_DOCUMENT_CHARS)")
    doc.removed = lines.removed
    doc.title = lines.title or known_title
    if is_error_stub(doc.title):
        doc.title = None
    blocks: list[str] = []
    if extract is not None and not extract.flat:  # what the extractor left out is removed too, and must say why
        blocks = page_blocks(record.text)
        doc.removed = classify_dropped(blocks, body, doc.title) + doc.removed
    words = len(doc.text.split())
    if lines.has_article and not (stub_title and words < STUB_PAGE_WORDS):
        doc.status = ARTICLE
    elif not lines.paragraphs and not doc.removed:
        doc.status = EMPTY
    elif doc.removed or not lines.paragraphs or stub_title:
        doc.status = ERROR_PAGE  # only a stub or site furniture was there
    else:
        doc.status = ARTICLE     # short, but nothing in it looked like furniture
    if doc.status == ERROR_PAGE:
        doc.title = None if stub_title else doc.title
    header = lines.header_date
    if header is None and extract is not None and not extract.date:
        header = _dropped_date(doc.removed)
    doc.published, doc.published_basis = choose_published(
        record_field=record.published, html_date=extract.date if extract else None, url=record.url,
        header=header, paragraphs=lines.paragraphs, text=doc.text)
    site = lines.site
    if extract is not None:
        removed_texts = [r.text for r in doc.removed]
        masthead = page_site(doc.removed, removed_texts)
        site = title_site(page_title, doc.title) or masthead or site
    doc.outlet = choose_outlet(record_outlet=record.outlet, html_site=extract.sitename if extract else None,
                               paragraphs=lines.paragraphs, url=record.url, page_site=site,
                               copyright_site=copyright_outlet([r.text for r in doc.removed if r.reason == "copyright"]))
    doc.author = tidy_author((extract.author if extract else None) or lines.author or _dropped_author(doc.removed),
                             doc.outlet)
    if doc.author:
        _author_credit_lines(doc.removed, doc.author)
    doc.language = guess_language(doc.text or body, extract.lang if extract else None)
    doc.content_hash = hashlib.sha1(doc.text.encode("utf-8")).hexdigest() if doc.text else None


def _dropped_date(removed: list[Removed]):
    for r in removed:
        if r.reason == "metadata":
            found = header_date(r.text)
            when = found[0] if found else dated_byline(r.text)
            if when:
                return when
    return None


def _dropped_author(removed: list[Removed]) -> Optional[str]:
    for r in removed:
        if r.reason == "metadata" and (name := byline_author(r.text)):
            return name
    return None


def _author_credit_lines(removed: list[Removed], author: str) -> None:
    """A short furniture line that opens with the author's name ("Jane Doe · The Gazette") credits the author."""
    for r in removed:
        if r.reason == "navigation" and len(r.text.split()) <= 8 and r.text.startswith(author) \
                and r.text[len(author):len(author) + 1] in ("", " ", ",", "·", "|"):
            r.reason = "author_bio"
