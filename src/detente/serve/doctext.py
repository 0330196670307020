"""A document's clean text with its evidence marked: each event's sentence in <mark>, each quote in <q>.

Spans are character offsets into the clean text (one paragraph per line). Spans overlap (several events share one
sentence; a quote lies inside a sentence), so the text is cut at every span boundary and each piece is wrapped in
the marks that cover it, which keeps the HTML well nested. Each event gets an anchor (#ev-EVENT_ID) where its
evidence starts, and each quote one (#q-QUOTE_ID). Spans outside the text are ignored, never trusted.
"""
from __future__ import annotations

from typing import Optional

from detente.serve.html import Html, esc


def _what(e: dict) -> str:
    src = (e.get("source") or {}).get("name") or "?"
    tgt = (e.get("target") or {}).get("name") or "—"
    kind = e.get("plover") or "STATEMENT"
    aux = f" [{e['aux_mode']}]" if e.get("aux_mode") else ""
    return f"{kind} (CAMEO {e.get('cameo')}) {src} → {tgt}{aux}"


def _span(item: dict, size: int) -> Optional[tuple[int, int]]:
    span = item.get("span")
    try:
        start, end = int(span[0]), int(span[1])
    except (TypeError, ValueError, IndexError):
        return None
    start, end = max(0, start), min(size, end)
    return (start, end) if start < end else None


def annotated_text(text: str, events: list[dict], quotes: list[dict], focus: Optional[str] = None) -> Html:
    text = text or ""
    size = len(text)
    marks = []  # (start, end, kind, item)
    for e in events:
        span = _span(e, size)
        if span:
            marks.append((*span, "event", e))
    for q in quotes:
        span = _span(q, size)
        if span:
            marks.append((*span, "quote", q))
    paragraphs = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        paragraphs.append(_paragraph(text, start, end, marks, focus))
    return Html("".join(paragraphs))


def _paragraph(text: str, start: int, end: int, marks: list, focus: Optional[str]) -> str:
    inside = [m for m in marks if m[0] < end and m[1] > start]
    cuts = sorted({start, end} | {max(start, min(end, p)) for m in inside for p in m[:2]})
    out = []
    started: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        covering = [m for m in inside if m[0] <= a and m[1] >= b]
        events = [m[3] for m in covering if m[2] == "event"]
        quotes = [m[3] for m in covering if m[2] == "quote"]
        anchors = ""
        for m in covering:
            if m[0] == a and id(m) not in started:
                started.add(id(m))
                prefix = "ev" if m[2] == "event" else "q"
                key = m[3].get("event_id") if m[2] == "event" else m[3].get("quote_id")
                anchors += f'<span class="anchor" id="{esc(prefix)}-{esc(key)}"></span>'
        piece = str(esc(text[a:b]))
        if quotes:
            speaker = (quotes[0].get("speaker") or {}).get("name") or "unattributed"
            cue = quotes[0].get("cue")
            title = f"quote: {speaker}" + (f" ({cue})" if cue else "")
            piece = f'<q class="quote" title="{esc(title)}">{piece}</q>'
        if events:
            ids = " ".join(str(e.get("event_id")) for e in events)
            classes = "ev focus" if focus and any(e.get("event_id") == focus for e in events) else "ev"
            title = "\n".join(_what(e) for e in events)
            piece = f'<mark class="{classes}" data-events="{esc(ids)}" title="{esc(title)}">{piece}</mark>'
        out.append(anchors + piece)
    return "<p>" + "".join(out) + "</p>"
