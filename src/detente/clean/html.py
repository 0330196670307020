"""Main text and metadata from HTML with trafilatura, tuned for speed and for honest dates."""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

import lxml.etree
import lxml.html
import trafilatura

_PAGE_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
MAX_PARSER_DEPTH = 255  # libxml2's nesting limit without XML_PARSE_HUGE (it reports "Excessive depth ... 256")
_LANG_ATTR = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)", re.I)


@dataclass
class HtmlExtract:
    text: str
    title: Optional[str] = None
    date: Optional[str] = None      # YYYY-MM-DD from the page's markup (meta, JSON-LD, <time>)
    author: Optional[str] = None
    sitename: Optional[str] = None
    lang: Optional[str] = None      # the <html lang> attribute
    page_title: Optional[str] = None  # the raw <title>, often "Headline | Site"
    flat: bool = False              # the text comes from flat tag stripping, not from the parsed page
    note: Optional[str] = None      # a non-fatal remark for Document.error (why the text is flat)


def _date_params() -> dict:
    # extensive_search off: no guessing from free text; htmldate never goes past max_date
    return {"original_date": True, "extensive_search": False, "max_date": date.today().isoformat()}


def too_deep(html: str) -> bool:
    """Whether libxml2 (under lxml and trafilatura) gives up on the page's nesting and silently drops the rest.

    libxml2 stops building the tree past 256 levels without XML_PARSE_HUGE, and says so only in the parser's
    error log; everything nested deeper, and everything after it, is then missing from the tree.
    """
    parser = lxml.html.HTMLParser()
    try:
        lxml.html.fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return False
    return any(e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message for e in parser.error_log)


def extract_html(html: str, url: Optional[str] = None) -> HtmlExtract:
    m = _LANG_ATTR.search(html[:4096])
    lang = m.group(1) if m else None
    m = _PAGE_TITLE.search(html[:20000])
    page_title = _clean(htmllib.unescape(m.group(1))) if m else None
    if too_deep(html):
        meta = _metadata(html, url)
        return HtmlExtract(text=flat_text(html), title=_clean(getattr(meta, "title", None)),
                           date=getattr(meta, "date", None), author=_clean(getattr(meta, "author", None)),
                           sitename=_clean(getattr(meta, "sitename", None)), lang=lang, page_title=page_title,
                           flat=True, note=f"HTML nested over {MAX_PARSER_DEPTH} levels deep, past what the HTML "
                                           "parser reads; text taken by flat tag stripping")
    result = None
    try:
        result = trafilatura.bare_extraction(
            html, url=url, fast=True, favor_precision=False, include_comments=False, include_tables=True,
            include_images=False, include_links=False, with_metadata=True, deduplicate=False,
            date_extraction_params=_date_params())
    except Exception:  # trafilatura on broken markup: fall back to the bare text below
        result = None
    if result is not None and (result.text or "").strip():
        return HtmlExtract(text=result.text, title=_clean(result.title), date=result.date,
                           author=_clean(result.author), sitename=_clean(result.sitename), lang=lang,
                           page_title=page_title)
    # no main text found (tiny or broken page): keep every text node and let the line cleaner judge
    text = trafilatura.html2txt(html) or ""
    meta = _metadata(html, url)
    return HtmlExtract(text=text, title=_clean(getattr(meta, "title", None)), date=getattr(meta, "date", None),
                       author=_clean(getattr(meta, "author", None)), sitename=_clean(getattr(meta, "sitename", None)),
                       lang=lang, page_title=page_title)


def _metadata(html: str, url: Optional[str]):
    try:
        return trafilatura.extract_metadata(html, default_url=url, date_config={**_date_params(), "url": url})
    except Exception:  # metadata is a bonus; a page that breaks it still has its text
        return None


def _clean(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    value = " ".join(str(value).split())
    return value or None


_BLOCKS = frozenset("address article aside blockquote body button dd details dialog div dl dt fieldset figcaption figure "
                    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul br".split())
_SKIP = ("script", "style", "noscript", "template", "svg", "iframe", "select", "option")


def page_blocks(html: str) -> list[str]:
    """Every visible text block of the page, in order: what the extractor chose from."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    for el in list(tree.iter(*_SKIP)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    body = tree.find("body")
    root = body if body is not None else tree
    return [" ".join(line.split()) for line in root.text_content().split("\n") if line.strip()]


_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]{0,40})")
_FLAT_SKIP = _SKIP + ("title",)


def flat_text(html: str) -> str:
    """Visible text of a page without building a tree: one linear scan with str.find, so no nesting depth,
    unclosed comment or stray "<" can make it fail or slow down. Block tags start a new line; script, style and
    the like are skipped with their content; entities are decoded."""
    low = html.lower()
    unclosed: set[str] = set()
    out: list[str] = []
    i, n = 0, len(html)
    while i < n:
        j = html.find("<", i)
        if j < 0:
            out.append(html[i:])
            break
        out.append(html[i:j])
        if html.startswith("<!--", j):
            k = html.find("-->", j + 4)
            i = n if k < 0 else k + 3
            continue
        m = _TAG_NAME.match(html, j)
        if m is None:
            if html.startswith(("<!", "<?"), j):  # doctype, processing instruction
                k = html.find(">", j)
                i = n if k < 0 else k + 1
            else:  # a bare "<" in the text
                out.append("<")
                i = j + 1
            continue
        k = html.find(">", m.end())
        if k < 0:
            break  # a tag left open at the end of the page
        name = m.group(1).lower()
        if name in _BLOCKS:
            out.append("\n")
        i = k + 1
        if html[j + 1] != "/" and name in _FLAT_SKIP and name not in unclosed and not html[j:k].endswith("/"):
            # skip to the closing tag; one that is never closed skips nothing (better than losing the rest of the
            # page), and is not searched for again (so many unclosed <script> tags cost one scan, not one each)
            end = low.find("</" + name, i)
            close = low.find(">", end) if end >= 0 else -1
            if close < 0:
                unclosed.add(name)
            else:
                i = close + 1
    text = htmllib.unescape("".join(out))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
