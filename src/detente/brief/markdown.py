"""The brief as Markdown: a timeline with citations, key quotes, the trend per dyad, and every document.

Every value that came from input (titles, outlets, authors, URLs, file names, sentences, quotes, actor names and
roles, error messages) goes through `md_text`, so that it reads as the very text it was, on one line: it cannot
open a heading, a list or a code block, close the brief's own emphasis, or become live HTML in a Markdown viewer.
URLs become links only through `md_link`, and only when they are http or https.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote

from detente.brief.content import Brief, safe_url

# "&lt;", "&#60;", "&#x3c;": an entity that a renderer would decode. Its "&" is written as "&amp;" so that the
# reader sees the characters that came in, not what they stand for.
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
# Characters with an inline meaning in CommonMark or GitHub Markdown: escapes, code, emphasis, strikethrough, links
# and images, headings (also a heading's closing #s), table cells. CommonMark renders "\x" as "x" for each.
_INLINE = re.compile(r"[\\`*_~\[\]#|]")
_LINK_TEXT = re.compile(r"[\\`*_~\[\]#|()]")
# What opens a block when it starts a line: a list item (-, +, 1. or 1)) or a setext underline (=, -).
_LINE_START = re.compile(r"[-+=]|\d{1,9}(?=[.)])")
# Control characters that are not whitespace (those are collapsed instead): never text a reader should see.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# What may stay as it is in a link target; everything else is percent-encoded (spaces, <>, (), [], quotes, \).
_URL_SAFE = "!#$%&'*+,/:;=?@~"


def md_text(value: Optional[object], link_text: bool = False) -> str:
    """Any input value as Markdown inline text that renders as exactly that text, on one line.

    Control characters go; whitespace runs, line breaks included, become one space; "<" and ">" are written as
    entities, and "&" as "&amp;" where it would start one; the Markdown punctuation is backslash-escaped, and so
    is a list or underline marker at the start, since the value may open a line (a heading, a quoted paragraph).
    `link_text` escapes parentheses too, for the text of a link.
    """
    if value is None:
        return ""
    text = " ".join(_CONTROL.sub("", str(value)).split())
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    start = _LINE_START.match(text)
    text = (_LINK_TEXT if link_text else _INLINE).sub(r"\\\g<0>", text)
    if start and not start.group()[0].isdigit():
        text = "\\" + text
    elif start and text[start.end()] != "\\":  # "1." or "1)": the digits stay as they are, the mark is escaped
        text = text[:start.end()] + "\\" + text[start.end():]
    return text


def md_link(text: Optional[object], url: Optional[str]) -> str:
    """`text` linked to `url` when the URL is http or https; otherwise the text alone (a javascript: URL is shown,
    never followed). Parentheses and brackets are escaped in the text and percent-encoded in the target."""
    target = safe_url(url)
    label = md_text(text, link_text=bool(target))
    if not target or not label:
        return label
    return f"[{label}]({_ENTITY.sub('&amp;', quote(target, safe=_URL_SAFE))})"


def _code(value: Optional[str]) -> str:
    """A value of the brief's own vocabulary (a status, a removal reason, a document id) as code; anything
    else, from wherever it came, as text."""
    if value and re.fullmatch(r"[\w.:/+-]+", value):
        return f"`{value}`"
    return md_text(value)


def _cite(doc) -> str:
    """Title (linked to the page when it has a web address), outlet and date."""
    bits = [md_link(doc.title or doc.source, doc.url), md_text(doc.outlet), md_text(doc.published)]
    return ", ".join(b for b in bits if b)


def _speaker(actor) -> str:
    if actor is None:
        return "**unattributed**"
    return f"**{md_text(actor.name)}**" + (f", {md_text(actor.role)}" if actor.role else "")


def render_markdown(brief: Brief) -> str:
    t = md_text
    out = ["# Detente brief", ""]
    c = brief.counts
    statuses = ", ".join(f"{n} {_code(s)}" for s, n in sorted(brief.status_counts.items()))
    out.append(f"{c['documents']} documents ({statuses}); {c['events']} events in {c['incidents']} incidents; "
               f"{c['quotes']} quotes.")
    out.append("")
    if brief.timeline:
        out += ["## Timeline", ""]
        if brief.timeline_total > len(brief.timeline):
            out += [f"The {len(brief.timeline)} most reported of {brief.timeline_total} dated incidents.", ""]
        for e in brief.timeline:
            mode = f" *({t(e.aux_mode)})*" if e.aux_mode else ""
            seen = f" — {e.mentions} mentions" if e.mentions > 1 else ""
            out.append(f"- **{t(e.date)}** {t(e.what)}{mode}{seen}  \n  > {t(e.sentence)}  \n  — {_cite(e.doc)}")
        out.append("")
    if brief.trends:
        out += ["## Cooperation–conflict trend", "",
                "Mean Goldstein weight per month (−10 conflict … +10 cooperation).", ""]
        for pair, points in brief.trends.items():
            out.append(f"**{t(pair)}**: " + "; ".join(f"{t(p.period)} {p.goldstein:+.1f} ({p.events})" for p in points))
            out.append("")
    if brief.quotes:
        out += ["## Key quotes", ""]
        for q, doc in brief.quotes:
            out.append(f"- “{t(q.text)}” — {_speaker(q.speaker)} ({t(q.cue or 'quoted')}); {_cite(doc)}")
        out.append("")
    out += ["## Documents", ""]
    for n, d in enumerate(brief.documents):
        if n == brief.max_document_texts:
            out += [f"{len(brief.documents) - n} more documents are in documents.jsonl and the store.", ""]
            break
        out.append(f"### {t(d.title) or '(no title)'}")
        out.append("")
        out.append(f"- status: {_code(d.status)}" + (f" (duplicate of {_code(d.duplicate_of)})" if d.duplicate_of else ""))
        out.append(f"- published: {t(d.published) or 'unknown'}"
                   + (f" ({_code(d.published_basis)})" if d.published_basis else ""))
        out.append(f"- outlet: {t(d.outlet) or 'unknown'}" + (f"; author: {t(d.author)}" if d.author else "")
                   + f"; source: {t(d.source)}")
        if d.url:
            out.append(f"- url: {md_link(d.url, d.url)}")
        if d.error:
            out.append(f"- error: {t(d.error)}")
        out.append("")
        if d.text and d.status != "duplicate":
            paragraphs = [f"> {t(p)}" for p in d.text.splitlines() if p.strip()]
            if paragraphs:
                out += ["#### Clean text", "", "\n>\n".join(paragraphs), ""]
        if d.removed:
            out += ["#### Removed lines", ""]
            out += [f"- {_code(r.reason)}: {t(r.text.strip()[:160])}" for r in d.removed]
            out.append("")
    return "\n".join(out) + "\n"
