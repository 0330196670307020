"""The brief as Markdown: coverage, a timeline with citations, the monthly trend and what changed per dyad, key
quotes, and the documents.

Every value that came from input (titles, outlets, authors, URLs, file names, sentences, quotes, actor names and
roles, error messages) goes through `md_text`, so that it reads as the very text it was, on one line: it cannot
open a heading, a list or a code block, close the brief's own emphasis, or become live HTML in a Markdown viewer.
URLs become links only through `md_link`, and only when they are http or https.

The headings are the brief's own and fixed: # Detente brief; ## Timeline, Cooperation–conflict trend, Key quotes,
Documents; ### one per document; #### Clean text, Removed lines. So a reader (and tests/test_brief_browser.py) can
tell them from anything an input smuggles in. Coverage, each dyad and its "what changed" are bold labels, not headings.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote

from detente.brief.content import (CHANGE_RULE, QUAD_CLASSES, TREND_RULE, Brief, Change, Citation, Coverage, DyadTrend,
                                    Scope, safe_url)

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
    """Title (linked to the page when it has a web address), outlet, date, and the document's id in the store."""
    bits = [md_link(doc.title or doc.source, doc.url), md_text(doc.outlet), md_text(doc.published)]
    return ", ".join(b for b in bits if b) + f" (doc {_code(doc.doc_id)})"


def _speaker(actor) -> str:
    if actor is None:
        return "**unattributed**"
    return f"**{md_text(actor.name)}**" + (f", {md_text(actor.role)}" if actor.role else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def scope_line(scope: Scope) -> str:
    """Where the brief was read from and what it kept: one paragraph, starting "From the store"."""
    t = md_text
    what = f"{t(scope.dyad)} events, either direction" if scope.dyad else "all events"
    if scope.since or scope.until:
        span = (f"from {t(scope.since)} to {t(scope.until)}" if scope.since and scope.until
                else f"from {t(scope.since)} on" if scope.since else f"up to {t(scope.until)}")
        what += (f", dated {span} (an event is kept when its whole date, a day, a month or a year, lies in that "
                 f"range; undated events are left out)")
    return (f"From the store {t(scope.store)} ({_plural(scope.runs, 'run')}): {what}. Coverage counts every "
            f"document of the store.")


def coverage_lines(coverage: Coverage) -> list[str]:
    parts = [f"{coverage.clean} clean ({_code('article')})", f"{coverage.duplicate} {_code('duplicate')}"]
    unreadable = ", ".join(f"{n} {_code(s)}" for s, n in sorted(coverage.by_status.items(), key=lambda kv: str(kv[0]))
                           if s in ("empty", "not_text", "error_page") and n)
    parts.append(f"{coverage.unreadable} unreadable" + (f" ({unreadable})" if unreadable else ""))
    parts += [f"{n} {_code(s)}" for s, n in coverage.other.items()]
    reasons = "; ".join(f"{n} {_code(r)}"
                        for r, n in sorted(coverage.removed.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return [f"**Coverage**: {_plural(coverage.documents, 'document')} read: {', '.join(parts)}. "
            f"{_plural(coverage.removed_lines, 'line')} removed in cleaning"
            + (f", by reason: {reasons}." if reasons else "."), ""]


def _month_line(p) -> str:
    return (f"- {md_text(p.period)} {p.goldstein:+.1f} · {_plural(p.events, 'incident')}: "
            + " · ".join(str(n) for n in p.quads))


def _citation(c: Citation) -> str:
    return f"“{md_text(c.sentence)}” — {_cite(c.doc)}"


def change_lines(change: Change) -> list[str]:
    t = md_text
    p = change.point
    since = ", ".join(t(b.period) for b in change.baseline)
    out = [f"- **{t(change.period)}**, toward {change.toward}: mean Goldstein {p.goldstein:+.1f} against "
           f"{change.baseline_goldstein:+.1f} in {since}; conflict share {p.conflict_share:.0%} against "
           f"{change.baseline_conflict_share:.0%} ({_plural(p.events, 'incident')})."]
    for m in change.behind:
        seen = f" — {m.mentions} mentions" if m.mentions > 1 else ""
        out.append(f"  - **{t(m.date)}** {t(m.what)}, Goldstein {m.goldstein:+.1f}{seen}")
        out += [f"    - {_citation(c)}" for c in m.citations]
    if change.more:
        out.append(f"  - and {_plural(change.more, 'more incident')} that pulled the same way.")
    return out


def dyad_lines(dyad: DyadTrend) -> list[str]:
    t = md_text
    out = [f"**{t(dyad.pair)}**", ""]
    out += [_month_line(p) for p in dyad.points]
    out.append("")
    if dyad.unplaced:
        out += [f"{_plural(dyad.unplaced, 'incident')} of {t(dyad.pair)} not dated to a month "
                "(undated, a year only, or an unknown year) are not counted above.", ""]
    out.append(f"**What changed, {t(dyad.pair)}**")
    out.append("")
    if len(dyad.points) < 2:
        out += ["One month only: nothing to compare it with.", ""]
    elif not dyad.changes:
        out += ["No month moved by the rule above.", ""]
    else:
        for change in dyad.changes:
            out += change_lines(change)
        out.append("")
    return out


def render_markdown(brief: Brief) -> str:
    t = md_text
    out = ["# Detente brief", ""]
    if brief.scope is not None:
        out += [scope_line(brief.scope), ""]
    c = brief.counts
    statuses = ", ".join(f"{n} {_code(s)}" for s, n in sorted(brief.status_counts.items()))
    out.append(f"{c['documents']} documents" + (f" ({statuses})" if statuses else "")
               + f"; {c['events']} events in {c['incidents']} incidents; {c['quotes']} quotes.")
    out.append("")
    if brief.scope is not None and not c["events"]:
        out += ["No event in the store matches this selection.", ""]
    if brief.coverage is not None:
        out += coverage_lines(brief.coverage)
    if brief.timeline:
        out += ["## Timeline", ""]
        if brief.timeline_total > len(brief.timeline):
            out += [f"The {len(brief.timeline)} most reported of {brief.timeline_total} dated incidents.", ""]
        for e in brief.timeline:
            mode = f" *({t(e.aux_mode)})*" if e.aux_mode else ""
            seen = f" — {e.mentions} mentions" if e.mentions > 1 else ""
            out.append(f"- **{t(e.date)}** {t(e.dyad)} · {t(e.what)}{mode}{seen}  \n  > {t(e.sentence)}  \n"
                       f"  — {_cite(e.doc)}")
        out.append("")
    if brief.dyads:
        legend = " · ".join(f"{q} {name}" for q, name in QUAD_CLASSES.items())
        out += ["## Cooperation–conflict trend", "",
                f"{TREND_RULE} Each month: the mean Goldstein weight (−10 conflict … +10 cooperation), the "
                f"incidents, and the incidents by quad class ({legend}).", "",
                f"What changed: {CHANGE_RULE}", ""]
        for dyad in brief.dyads:
            out += dyad_lines(dyad)
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
                   + f"; source: {t(d.source)}; doc {_code(d.doc_id)}")
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
