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


def _date_params() -> dict:
    # extensive_search off: no guessing from free text; htmldate never goes past max_date
    return {"original_date": True, "extensive_search": False, "max_date": date.today().isoformat()}


def extract_html(html: str, url: Optional[str] = None) -> HtmlExtract:
    m = _LANG_ATTR.search(html[:4096])
    lang = m.group(1) if m else None
    m = _PAGE_TITLE.search(html[:20000])
    page_title = _clean(htmllib.unescape(m.group(1))) if m else None
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
    meta = None
    try:
        meta = trafilatura.extract_metadata(html, default_url=url, date_config={**_date_params(), "url": url})
    except Exception:
        meta = None
    return HtmlExtract(text=text, title=_clean(getattr(meta, "title", None)), date=getattr(meta, "date", None),
                       author=_clean(getattr(meta, "author", None)), sitename=_clean(getattr(meta, "sitename", None)),
                       lang=lang, page_title=page_title)


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
