"""The brief as one self-contained HTML page, with the cooperation–conflict trend drawn as inline SVG."""
from __future__ import annotations

from html import escape

from detente.brief.content import Brief, TrendPoint, safe_url

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} .muted{color:#666} blockquote{margin:.3em 0 .3em 1em;color:#444;border-left:3px solid #ccc;padding-left:.6em}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.3em .4em;text-align:left;vertical-align:top}
.tag{font:12px monospace;background:#f1f1f1;border-radius:3px;padding:0 .3em} details{margin:.4em 0}
.future{color:#a60} .historical{color:#666} svg text{font:11px sans-serif}
"""


def _month(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def trend_svg(points: list[TrendPoint], width: int = 640, height: int = 170) -> str:
    """Monthly mean Goldstein weights on a fixed −10..+10 axis, months spaced by time, a tick per year."""
    pad, bottom = 34, 24
    first, last = _month(points[0].period), _month(points[-1].period)
    span = max(1, last - first)
    x = lambda period: pad + (_month(period) - first) * (width - 2 * pad) / span if last > first else width / 2  # noqa: E731
    y = lambda g: pad / 2 + (10 - g) * (height - bottom - pad / 2) / 20  # noqa: E731
    parts = [f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">',
             f'<line x1="{pad}" x2="{width - pad}" y1="{y(0)}" y2="{y(0)}" stroke="#bbb" stroke-dasharray="4"/>',
             f'<text x="2" y="{y(10) + 4}">+10</text><text x="14" y="{y(0) + 4}">0</text>'
             f'<text x="2" y="{y(-10) + 4}">−10</text>']
    # a tick each January in range, thinned to keep labels apart; the first point's year only if it has room
    years = [year for year in range(first // 12, last // 12 + 1) if year * 12 >= first]
    step = max(1, len(years) * 44 // (width - 2 * pad) + 1)
    ticks = [(x(f"{year}-01"), year) for year in years[::step]]
    if not ticks or ticks[0][0] - x(points[0].period) >= 44:
        ticks.insert(0, (x(points[0].period), first // 12))
    for tick, year in ticks:
        parts.append(f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{y(-10)}" y2="{y(-10) + 4}" stroke="#999"/>'
                     f'<text x="{tick - 13:.1f}" y="{height - 6}">{year}</text>')
    if len(points) > 1:
        parts.append('<polyline fill="none" stroke="#36c" stroke-width="2" points="'
                     + " ".join(f"{x(p.period):.1f},{y(p.goldstein):.1f}" for p in points) + '"/>')
    for p in points:
        colour = "#2a2" if p.goldstein >= 0 else "#c33"
        parts.append(f'<circle cx="{x(p.period):.1f}" cy="{y(p.goldstein):.1f}" r="4" fill="{colour}">'
                     f'<title>{p.period}: {p.goldstein:+.1f} over {p.events} events</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _link(text: str, url) -> str:
    """Escaped text, linked to the page only when its URL is http or https (a javascript: URL is never a link)."""
    target = safe_url(url)
    return f"<a href='{escape(target)}' rel='noopener noreferrer'>{escape(text)}</a>" if target else escape(text)


def _cite(doc) -> str:
    rest = ", ".join(x for x in (doc.outlet, doc.published) if x)
    return _link(doc.title or doc.source, doc.url) + (escape(", " + rest) if rest else "")


def render_html(brief: Brief) -> str:
    e = escape
    c = brief.counts
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Detente brief</title>",
           f"<style>{STYLE}</style></head><body>", "<h1>Detente brief</h1>",
           f"<p class='muted'>{c['documents']} documents ("
           + ", ".join(f"{n} {e(s)}" for s, n in sorted(brief.status_counts.items()))
           + f"); {c['events']} events in {c['incidents']} incidents; {c['quotes']} quotes.</p>"]
    if brief.timeline:
        out.append("<h2>Timeline</h2>")
        if brief.timeline_total > len(brief.timeline):
            out.append(f"<p class='muted'>The {len(brief.timeline)} most reported of {brief.timeline_total} dated incidents.</p>")
        out.append("<table id='timeline'><tr><th>date</th><th>event</th><th>evidence</th></tr>")
        for t in brief.timeline:
            mode = f" <span class='{e(t.aux_mode)}'>({e(t.aux_mode)})</span>" if t.aux_mode else ""
            seen = f" <span class='muted'>{t.mentions} mentions</span>" if t.mentions > 1 else ""
            out.append(f"<tr><td>{e(t.date)}</td><td>{e(t.what)}{mode}{seen}</td>"
                       f"<td><blockquote>{e(t.sentence.strip())}</blockquote><span class='muted'>{_cite(t.doc)}</span></td></tr>")
        out.append("</table>")
    if brief.trends:
        out.append("<h2>Cooperation–conflict trend</h2><p class='muted'>Mean Goldstein weight per month, "
                   "−10 (conflict) to +10 (cooperation).</p>")
        for pair, points in brief.trends.items():
            out.append(f"<h3>{e(pair)}</h3>{trend_svg(points)}")
    if brief.quotes:
        out.append("<h2>Key quotes</h2><ul id='quotes'>")
        for q, doc in brief.quotes:
            who = f"<b>{e(q.speaker.name)}</b>" + (f", {e(q.speaker.role)}" if q.speaker.role else "") \
                if q.speaker else "<b>unattributed</b>"
            out.append(f"<li>“{e(q.text.strip())}” — {who} <span class='muted'>({e(q.cue or 'quoted')}; "
                       f"{_link(doc.title or doc.source, doc.url)})</span></li>")
        out.append("</ul>")
    out.append("<h2>Documents</h2><table id='documents'><tr><th>status</th><th>title</th><th>published</th><th>outlet</th></tr>")
    for n, d in enumerate(brief.documents):
        if n == brief.max_document_texts:
            out.append(f"<tr><td colspan='4' class='muted'>{len(brief.documents) - n} more documents are in "
                       "documents.jsonl and the store.</td></tr>")
            break
        out.append(f"<tr><td><span class='tag'>{e(d.status)}</span></td><td>{_link(d.title or d.source, d.url)}"
                   + (f"<br><span class='muted'>by {e(d.author)}</span>" if d.author else "")
                   + (f"<br><span class='muted'>{e(d.error)}</span>" if d.error else "")
                   + (f"<details><summary>clean text</summary>{''.join(f'<p>{e(p)}</p>' for p in d.text.splitlines() if p.strip())}</details>"
                      if d.text and d.status != "duplicate" else "")
                   + (f"<details><summary>{len(d.removed)} removed lines</summary><ul>"
                      + "".join(f"<li><span class='tag'>{e(r.reason)}</span> {e(r.text.strip()[:160])}</li>" for r in d.removed)
                      + "</ul></details>" if d.removed else "")
                   + f"</td><td>{e(d.published or '')}</td><td>{e(d.outlet or '')}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"
