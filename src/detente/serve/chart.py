"""The monthly cooperation–conflict chart, as inline SVG made here (no script, no fonts or files from elsewhere).

One column per month from the first month with events to the last (empty months keep their place, so the time
axis is honest), in two panels: the month's mean Goldstein weight as a line with points (-10 to +10, the dashed
line is 0), and below it the month's event counts stacked by quad class. Every bar part and point carries a
<title> the browser shows on hover; with `link` each month is a link to the events behind it. A table with the same
numbers goes with the chart for readers who do not see it.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

from detente.serve.filters import QUAD_CLASSES
from detente.serve.html import Html, esc, table, tag

WIDTH = 920
LEFT, RIGHT = 52, 16
GOLD_TOP, GOLD_HEIGHT = 22, 100      # the upper panel: mean Goldstein, +10 at its top, -10 at its bottom
BARS_TOP, BARS_HEIGHT = 150, 130     # the lower panel: events per quad class
HEIGHT = BARS_TOP + BARS_HEIGHT + 30
QUAD_COLOURS = {1: "#8fcf9a", 2: "#2e8b57", 3: "#f2a35e", 4: "#c8413b"}
LINE_COLOUR = "#1f3f8f"


def _nice_max(value: int) -> int:
    if value <= 4:
        return max(value, 1)
    step = 10 ** int(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return int(math.ceil(m * step))
    return value


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _axis_text(x: float, y: float, text, anchor: str = "end", cls: str = "axis", size: int = 11) -> str:
    return (f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">'
            f"{esc(text)}</text>")


def monthly_chart(months: list[dict], label: str, link: Optional[Callable[[str], str]] = None) -> Html:
    """`months` as queries.monthly gives them; `label` names the chart; `link(month)` is where a month leads.

    Two panels on one time axis: above, the month's mean Goldstein weight (a line with points, broken where a
    month has no events; the dashed line is 0); below, the month's events stacked by quad class."""
    if not months:
        return tag("p", "No dated factual events to chart.", class_="empty")
    pw = WIDTH - LEFT - RIGHT
    n = len(months)
    band = pw / n
    bar = max(1.0, band * 0.78)
    top = _nice_max(max(sum(m["quad_class"].values()) for m in months))

    def y_count(v: float) -> float:
        return BARS_TOP + BARS_HEIGHT - BARS_HEIGHT * v / top

    def y_gold(v: float) -> float:
        return GOLD_TOP + GOLD_HEIGHT / 2 - (GOLD_HEIGHT / 2) * max(-10.0, min(10.0, v)) / 10.0

    out = [f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
           f'aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">', f"<title>{esc(label)}</title>"]
    # panel frames, grids and axis labels
    out.append(_axis_text(LEFT, GOLD_TOP - 8, "mean Goldstein weight (−10 conflict, +10 cooperation)", "start",
                          "axis gold"))
    out.append(_axis_text(LEFT, BARS_TOP - 8, "events per quad class", "start"))
    for g in (10, 0, -10):
        y = y_gold(g)
        out.append(_axis_text(LEFT - 6, y + 4, f"{g:+d}" if g else "0", cls="axis gold"))
    y0 = y_gold(0)
    out.append(f'<line class="zero" x1="{LEFT}" x2="{LEFT + pw}" y1="{y0:.1f}" y2="{y0:.1f}" '
               f'stroke="{LINE_COLOUR}" stroke-dasharray="4 4" stroke-opacity="0.5"/>')
    for tick in sorted({0, top // 2, top} if top > 1 else {0, top}):
        y = y_count(tick)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        out.append(_axis_text(LEFT - 6, y + 4, tick))
    for y, h in ((GOLD_TOP, GOLD_HEIGHT), (BARS_TOP, BARS_HEIGHT)):
        out.append(f'<rect class="frame" x="{LEFT}" y="{y}" width="{pw}" height="{h}" fill="none" stroke="#bbb"/>')
    # time axis: a tick and a label per year (every few years on long ranges), months named on short ranges
    years = sorted({m["month"][:4] for m in months})
    every = max(1, math.ceil(len(years) / 12))
    base_y = BARS_TOP + BARS_HEIGHT
    last_label_x = -1e9
    for i, m in enumerate(months):
        x = LEFT + i * band
        if m["month"].endswith("-01") or i == 0:
            if (int(m["month"][:4]) - int(years[0])) % every:
                continue
            text = m["month"][:4] if n > 18 else m["month"]
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{GOLD_TOP}" y2="{base_y + 5}" stroke="#000" '
                       'stroke-opacity="0.08"/>')
            if x - last_label_x >= 7.5 * len(text):
                out.append(_axis_text(x, base_y + 18, text, "start"))
                last_label_x = x
        elif n <= 18:
            out.append(_axis_text(x, base_y + 18, m["month"][5:], "start", size=10))
    # bars, one linked group per month
    for i, m in enumerate(months):
        x = LEFT + i * band + (band - bar) / 2
        parts = []
        stacked = 0
        for quad in (1, 2, 3, 4):
            count = m["quad_class"].get(str(quad), 0)
            if not count:
                continue
            y_top, y_bottom = y_count(stacked + count), y_count(stacked)
            parts.append(f'<rect class="q{quad}" x="{x:.1f}" y="{y_top:.1f}" width="{bar:.1f}" '
                         f'height="{max(0.5, y_bottom - y_top):.1f}" fill="{QUAD_COLOURS[quad]}">'
                         f'<title>{esc(m["month"])}: {count} {esc(QUAD_CLASSES[quad])}</title></rect>')
            stacked += count
        if not parts:
            continue
        group = "".join(parts)
        if link:
            out.append(f'<a class="month" href="{esc(link(m["month"]))}">{group}</a>')
        else:
            out.append(f'<g class="month">{group}</g>')
    # the mean Goldstein line, broken across months without events
    runs, current = [], []
    for i, m in enumerate(months):
        if m["mean_goldstein"] is None:
            if current:
                runs.append(current)
            current = []
            continue
        current.append((LEFT + i * band + band / 2, y_gold(m["mean_goldstein"]), m))
    if current:
        runs.append(current)
    for run in runs:
        if len(run) > 1:
            d = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y, _) in enumerate(run))
            out.append(f'<path class="goldstein" d="{d}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"/>')
        for x, y, m in run:
            out.append(f'<circle class="goldstein" cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{LINE_COLOUR}">'
                       f'<title>{esc(m["month"])}: mean Goldstein {_fmt(m["mean_goldstein"])} over {m["events"]} '
                       f'event{"s" if m["events"] != 1 else ""}</title></circle>')
    out.append("</svg>")
    return Html("".join(out))


def legend() -> Html:
    items = [f'<li><span class="swatch q{q}"></span>{esc(name)}</li>' for q, name in QUAD_CLASSES.items()]
    items.append('<li><span class="swatch line"></span>mean Goldstein weight</li>')
    return Html('<ul class="legend">' + "".join(items) + "</ul>")


def chart_table(months: list[dict]) -> Html:
    rows = [[m["month"], m["events"], *(m["quad_class"].get(str(q), 0) for q in (1, 2, 3, 4)),
             "" if m["mean_goldstein"] is None else _fmt(m["mean_goldstein"])]
            for m in months if m["events"]]
    numbers = table(["month", "events", *QUAD_CLASSES.values(), "mean Goldstein"], rows, class_="numbers")
    return Html(f'<details class="chart-data"><summary>The numbers</summary>{numbers}</details>')
