"""The brief as one self-contained HTML page: no script, no external resource. Each dyad's monthly series is an
inline SVG drawn here: the mean Goldstein weight per month above, the incidents per quad class as stacked bars below,
the months where something changed marked. Every value from input is escaped."""
from __future__ import annotations

from html import escape

from detente.brief.content import (CHANGE_RULE, QUAD_CLASSES, TREND_RULE, Brief, Change, Citation, Coverage,
                                   DyadTrend, Scope, TrendPoint, safe_url)

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em} .muted{color:#666} blockquote{margin:.3em 0 .3em 1em;color:#444;border-left:3px solid #ccc;padding-left:.6em}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:.3em .4em;text-align:left;vertical-align:top}
.tag{font:12px monospace;background:#f1f1f1;border-radius:3px;padding:0 .3em} details{margin:.4em 0}
.future{color:#a60} .historical{color:#666} svg text{font:11px sans-serif}
.months td,.months th{text-align:right;padding:.1em .5em} .changes li{margin:.4em 0}
.conflict{color:#b22} .cooperation{color:#282} #coverage{width:auto} #coverage td{text-align:right}
"""

# Quad classes 1..4: cooperation in greens, conflict in reds, material darker than verbal.
QUAD_COLOURS = {1: "#8fcf8f", 2: "#2a8a2a", 3: "#f0a0a0", 4: "#b22222"}


def _month(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def trend_svg(points: list[TrendPoint], changes: list[Change] = (), width: int = 720) -> str:
    """Two panels over one time axis (months spaced by time, a tick per year): the mean Goldstein weight per month on a
    fixed −10..+10 scale, a point per month; below it, a bar per month stacked by quad class. Months where something
    changed (what_changed) get a dashed mark. Every point and bar tells its numbers on hover."""
    e = escape
    left, right = 40, 16
    g_top, g_bottom = 12, 122          # Goldstein panel
    c_top, c_bottom = 140, 206         # counts panel
    axis, legend = 222, 244
    height = 256
    first, last = _month(points[0].period), _month(points[-1].period)
    span = max(1, last - first)
    plot = width - left - right
    x = lambda period: left + (_month(period) - first) * plot / span if last > first else left + plot / 2  # noqa: E731
    y = lambda g: g_top + (10 - g) * (g_bottom - g_top) / 20  # noqa: E731
    most = max(p.events for p in points) or 1
    h = lambda n: n * (c_bottom - c_top) / most  # noqa: E731
    bar = max(2.0, min(16.0, 0.7 * plot / (span + 1)))
    parts = [f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="mean Goldstein weight and incidents per quad class, per month">',
             f'<line x1="{left}" x2="{width - right}" y1="{y(0)}" y2="{y(0)}" stroke="#bbb" stroke-dasharray="4"/>',
             f'<line x1="{left}" x2="{width - right}" y1="{c_bottom}" y2="{c_bottom}" stroke="#999"/>',
             f'<text x="2" y="{y(10) + 4}">+10</text><text x="14" y="{y(0) + 4}">0</text>'
             f'<text x="2" y="{y(-10) + 4}">−10</text>',
             f'<text x="2" y="{c_top + 4}">{most}</text><text x="2" y="{c_bottom}">0</text>']
    for change in changes:
        cx = x(change.period)
        parts.append(f'<line class="change" data-month="{e(change.period)}" x1="{cx:.1f}" x2="{cx:.1f}" y1="{g_top}" '
                     f'y2="{c_bottom}" stroke="{"#b22" if change.toward == "conflict" else "#282"}" '
                     f'stroke-dasharray="2 3"><title>{e(change.period)}: what changed, toward {e(change.toward)}'
                     f'</title></line>')
    # a tick each January in range, thinned to keep labels apart; the first point's year only if it has room
    years = [year for year in range(first // 12, last // 12 + 1) if year * 12 >= first]
    step = max(1, len(years) * 44 // plot + 1)
    ticks = [(x(f"{year}-01"), year) for year in years[::step]]
    if not ticks or ticks[0][0] - x(points[0].period) >= 44:
        ticks.insert(0, (x(points[0].period), first // 12))
    for tick, year in ticks:
        parts.append(f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{c_bottom}" y2="{c_bottom + 4}" stroke="#999"/>'
                     f'<text x="{tick - 13:.1f}" y="{axis}">{year}</text>')
    for p in points:
        px, base = x(p.period), c_bottom
        for q, n in zip((1, 2, 3, 4), p.quads):
            if not n:
                continue
            parts.append(f'<line class="bar q{q}" data-month="{e(p.period)}" x1="{px:.1f}" x2="{px:.1f}" '
                         f'y1="{base:.1f}" y2="{base - h(n):.1f}" stroke="{QUAD_COLOURS[q]}" stroke-width="{bar:.1f}">'
                         f'<title>{e(p.period)}: {n} {QUAD_CLASSES[q]}</title></line>')
            base -= h(n)
    if len(points) > 1:
        parts.append('<polyline fill="none" stroke="#36c" stroke-width="2" points="'
                     + " ".join(f"{x(p.period):.1f},{y(p.goldstein):.1f}" for p in points) + '"/>')
    for p in points:
        colour = "#2a2" if p.goldstein >= 0 else "#c33"
        mix = ", ".join(f"{n} {QUAD_CLASSES[q]}" for q, n in zip((1, 2, 3, 4), p.quads) if n)
        parts.append(f'<circle data-month="{e(p.period)}" cx="{x(p.period):.1f}" cy="{y(p.goldstein):.1f}" r="4" '
                     f'fill="{colour}"><title>{e(p.period)}: {p.goldstein:+.1f} over {p.events} '
                     f'incident{"" if p.events == 1 else "s"} ({mix})</title></circle>')
    at = left
    for q, name in QUAD_CLASSES.items():
        parts.append(f'<line x1="{at}" x2="{at + 12}" y1="{legend - 4}" y2="{legend - 4}" stroke="{QUAD_COLOURS[q]}" '
                     f'stroke-width="8"/><text x="{at + 16}" y="{legend}">{q} {name}</text>')
        at += 40 + 6 * len(name)
    parts.append(f'<line x1="{at}" x2="{at + 12}" y1="{legend - 4}" y2="{legend - 4}" stroke="#36c" stroke-width="2"/>'
                 f'<text x="{at + 16}" y="{legend}">mean Goldstein</text>')
    parts.append("</svg>")
    return "".join(parts)


def _link(text: str, url) -> str:
    """Escaped text, linked to the page only when its URL is http or https (a javascript: URL is never a link)."""
    target = safe_url(url)
    return f"<a href='{escape(target)}' rel='noopener noreferrer'>{escape(text)}</a>" if target else escape(text)


def _cite(doc) -> str:
    rest = ", ".join(x for x in (doc.outlet, doc.published) if x)
    return (f"<span class='cite' data-doc='{escape(doc.doc_id)}'>" + _link(doc.title or doc.source, doc.url)
            + (escape(", " + rest) if rest else "") + f" <span class='tag'>{escape(doc.doc_id)}</span></span>")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _scope(scope: Scope) -> str:
    e = escape
    what = f"{e(scope.dyad)} events, either direction" if scope.dyad else "all events"
    if scope.since or scope.until:
        span = (f"from {e(scope.since)} to {e(scope.until)}" if scope.since and scope.until
                else f"from {e(scope.since)} on" if scope.since else f"up to {e(scope.until)}")
        what += (f", dated {span} (an event is kept when its whole date, a day, a month or a year, lies in that range; "
                 "undated events are left out)")
    return (f"<p id='scope'>From the store {e(scope.store)} ({_plural(scope.runs, 'run')}): {what}. Coverage counts "
            "every document of the store.</p>")


def _coverage(coverage: Coverage) -> list[str]:
    e = escape
    rows = [("documents read", coverage.documents), ("clean (article)", coverage.clean),
            ("duplicate", coverage.duplicate), ("unreadable (empty, not_text, error_page)", coverage.unreadable)]
    rows += [(f"unreadable: {s}", coverage.by_status.get(s, 0)) for s in ("empty", "not_text", "error_page")
             if coverage.by_status.get(s)]
    rows += [(f"other: {s}", n) for s, n in coverage.other.items()]
    rows.append(("lines removed in cleaning", coverage.removed_lines))
    rows += [(f"removed: {r}", n) for r, n in sorted(coverage.removed.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    return ["<h2>Coverage</h2><table id='coverage'>"]\
        + [f"<tr><th>{e(str(label))}</th><td>{n}</td></tr>" for label, n in rows] + ["</table>"]


def _citation(c: Citation) -> str:
    return f"<blockquote>{escape(c.sentence.strip())}</blockquote><span class='muted'>{_cite(c.doc)}</span>"


def _change(change: Change) -> str:
    e = escape
    p = change.point
    behind = "".join(
        f"<li data-incident='{e(m.incident_id or '')}'>{e(m.date)} {e(m.what)}, Goldstein {m.goldstein:+.1f}"
        + (f" <span class='muted'>{m.mentions} mentions</span>" if m.mentions > 1 else "")
        + "".join(_citation(c) for c in m.citations) + "</li>" for m in change.behind)
    if change.more:
        behind += f"<li class='muted'>and {_plural(change.more, 'more incident')} that pulled the same way.</li>"
    return (f"<li data-month='{e(change.period)}'><b>{e(change.period)}</b>, <span class='{e(change.toward)}'>toward "
            f"{e(change.toward)}</span>: mean Goldstein {p.goldstein:+.1f} against {change.baseline_goldstein:+.1f} in "
            f"{e(', '.join(b.period for b in change.baseline))}; conflict share {p.conflict_share:.0%} against "
            f"{change.baseline_conflict_share:.0%} ({_plural(p.events, 'incident')}).<ul>{behind}</ul></li>")


def _dyad(dyad: DyadTrend) -> list[str]:
    e = escape
    out = [f"<h3>{e(dyad.pair)}</h3>", trend_svg(dyad.points, dyad.changes),
           "<details><summary>the months as a table</summary><table class='months'><tr><th>month</th>"
           "<th>mean Goldstein</th><th>incidents</th>" + "".join(f"<th>{q}</th>" for q in QUAD_CLASSES) + "</tr>"]
    out += [f"<tr><td>{e(p.period)}</td><td>{p.goldstein:+.1f}</td><td>{p.events}</td>"
            + "".join(f"<td>{n}</td>" for n in p.quads) + "</tr>" for p in dyad.points]
    out.append("</table></details>")
    if dyad.unplaced:
        out.append(f"<p class='muted'>{_plural(dyad.unplaced, 'incident')} not dated to a month (undated, a year "
                   "only, or an unknown year) are not counted.</p>")
    out.append(f"<p><b>What changed, {e(dyad.pair)}</b></p>")
    if len(dyad.points) < 2:
        out.append("<p class='muted'>One month only: nothing to compare it with.</p>")
    elif not dyad.changes:
        out.append("<p class='muted'>No month moved by the rule.</p>")
    else:
        out.append("<ul class='changes'>" + "".join(_change(c) for c in dyad.changes) + "</ul>")
    return out


def render_html(brief: Brief) -> str:
    e = escape
    c = brief.counts
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Detente brief</title>",
           f"<style>{STYLE}</style></head><body>", "<h1>Detente brief</h1>"]
    if brief.scope is not None:
        out.append(_scope(brief.scope))
    statuses = ", ".join(f"{n} {e(s)}" for s, n in sorted(brief.status_counts.items()))
    out.append(f"<p class='muted'>{c['documents']} documents" + (f" ({statuses})" if statuses else "")
               + f"; {c['events']} events in {c['incidents']} incidents; {c['quotes']} quotes.</p>")
    if brief.scope is not None and not c["events"]:
        out.append("<p>No event in the store matches this selection.</p>")
    if brief.coverage is not None:
        out += _coverage(brief.coverage)
    if brief.timeline:
        out.append("<h2>Timeline</h2>")
        if brief.timeline_total > len(brief.timeline):
            out.append(f"<p class='muted'>The {len(brief.timeline)} most reported of {brief.timeline_total} dated incidents.</p>")
        out.append("<table id='timeline'><tr><th>date</th><th>event</th><th>evidence</th></tr>")
        for t in brief.timeline:
            mode = f" <span class='{e(t.aux_mode)}'>({e(t.aux_mode)})</span>" if t.aux_mode else ""
            seen = f" <span class='muted'>{t.mentions} mentions</span>" if t.mentions > 1 else ""
            out.append(f"<tr data-incident='{e(t.incident_id or '')}'><td>{e(t.date)}</td><td><span class='tag dyad'>"
                       f"{e(t.dyad)}</span> {e(t.what)}{mode}{seen}</td>"
                       f"<td><blockquote>{e(t.sentence.strip())}</blockquote><span class='muted'>{_cite(t.doc)}</span></td></tr>")
        out.append("</table>")
    if brief.dyads:
        legend = ", ".join(f"{q} {name}" for q, name in QUAD_CLASSES.items())
        out.append("<h2>Cooperation–conflict trend</h2>"
                   f"<p class='muted'>{e(TREND_RULE)} Above: the mean Goldstein weight per month, −10 (conflict) to "
                   f"+10 (cooperation). Below: the incidents per month by quad class ({e(legend)}). Dashed: a month "
                   f"where something changed.</p><p class='muted'>What changed: {e(CHANGE_RULE)}</p>")
        for dyad in brief.dyads:
            out += _dyad(dyad)
    if brief.quotes:
        out.append("<h2>Key quotes</h2><ul id='quotes'>")
        for q, doc in brief.quotes:
            who = f"<b>{e(q.speaker.name)}</b>" + (f", {e(q.speaker.role)}" if q.speaker.role else "") \
                if q.speaker else "<b>unattributed</b>"
            out.append(f"<li>“{e(q.text.strip())}” — {who} <span class='muted'>({e(q.cue or 'quoted')}; "
                       f"{_cite(doc)})</span></li>")
        out.append("</ul>")
    out.append("<h2>Documents</h2><table id='documents'><tr><th>status</th><th>title</th><th>published</th><th>outlet</th></tr>")
    for n, d in enumerate(brief.documents):
        if n == brief.max_document_texts:
            out.append(f"<tr><td colspan='4' class='muted'>{len(brief.documents) - n} more documents are in "
                       "documents.jsonl and the store.</td></tr>")
            break
        out.append(f"<tr data-doc='{e(d.doc_id)}'><td><span class='tag'>{e(d.status)}</span></td>"
                   f"<td>{_link(d.title or d.source, d.url)}"
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
