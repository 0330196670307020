"""bench/REPORT.md and bench/scaling.svg from a scaling run of bench/run.py.

`write(report, svg, rows, meta)`: rows are {"n": N, "result": {...}} for a size that was run (the JSON of
`run.py --json`) or {"n": N, "skipped": "why"} for one that was not; a size not run is said so, never filled in.
The plot is drawn here as plain SVG: time per document and peak memory against N, on a log axis.
"""
from __future__ import annotations

import math
from html import escape
from pathlib import Path

W, H = 380, 270                              # one panel
LEFT, RIGHT, TOP, BOTTOM = 62, 16, 34, 46    # its margins
COLORS = {"rss": "#1f5fa8", "pss": "#1f5fa8", "time": "#b8461b", "target": "#6b6b6b", "axis": "#333", "grid": "#e3e3e3"}


def _fmt_n(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _ticks(top: float) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 5
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def _label(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 or v == int(v) else f"{v:.1f}"


def _panel(x0: float, title: str, unit: str, sizes: list[int], series: list[dict], target: tuple[float, str] | None,
           skipped: list[int]) -> list[str]:
    """One chart at horizontal offset x0. series: {"points": [(n, y)], "color", "dash", "name"}."""
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    lo = math.floor(math.log10(min(sizes)))
    hi = max(lo + 1, math.ceil(math.log10(max(sizes))))
    ymax = max([y for s in series for _, y in s["points"]] + ([target[0]] if target else []) + [0]) * 1.15
    yt = _ticks(ymax or 1)
    ymax = yt[-1]

    def px(n: float) -> float:
        return x0 + LEFT + (math.log10(n) - lo) / (hi - lo) * pw

    def py(y: float) -> float:
        return TOP + ph - y / ymax * ph

    out = [f'<text x="{x0 + LEFT}" y="20" font-size="13" font-weight="bold">{escape(title)}</text>']
    for y in yt:
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
                   f'stroke="{COLORS["grid"]}"/>')
        out.append(f'<text x="{x0 + LEFT - 6}" y="{py(y) + 4:.1f}" font-size="10" text-anchor="end">{_label(y)}</text>')
    for e in range(lo, hi + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + ph}" stroke="{COLORS["grid"]}"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + ph + 15}" font-size="10" text-anchor="middle">{_fmt_n(10 ** e)}</text>')
        if e < hi:  # minor ticks at 2..9 x 10^e
            for m in range(2, 10):
                xm = px(m * 10 ** e)
                out.append(f'<line x1="{xm:.1f}" x2="{xm:.1f}" y1="{TOP + ph}" y2="{TOP + ph + 4}" '
                           f'stroke="{COLORS["axis"]}"/>')
    out.append(f'<rect x="{x0 + LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="{COLORS["axis"]}"/>')
    out.append(f'<text x="{x0 + LEFT + pw / 2}" y="{H - 8}" font-size="11" text-anchor="middle">'
               f'documents in the corpus (log scale)</text>')
    out.append(f'<text x="{x0 + 14}" y="{TOP + ph / 2}" font-size="11" text-anchor="middle" '
               f'transform="rotate(-90 {x0 + 14} {TOP + ph / 2})">{escape(unit)}</text>')
    if target:
        y = py(target[0])
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="{COLORS["target"]}" '
                   f'stroke-dasharray="6 4"/>')
        out.append(f'<text x="{x0 + LEFT + pw - 4}" y="{y - 5:.1f}" font-size="10" text-anchor="end" '
                   f'fill="{COLORS["target"]}">{escape(target[1])}</text>')
    for k, s in enumerate(series):
        pts = sorted(s["points"])
        if len(pts) > 1:
            path = " ".join(f"{px(n):.1f},{py(y):.1f}" for n, y in pts)
            dash = ' stroke-dasharray="3 3"' if s.get("dash") else ""
            out.append(f'<polyline points="{path}" fill="none" stroke="{s["color"]}" stroke-width="2"{dash}/>')
        for n, y in pts:
            fill = "white" if s.get("dash") else s["color"]
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(y):.1f}" r="3.5" fill="{fill}" stroke="{s["color"]}" '
                       f'stroke-width="1.5"><title>{_fmt_n(n)}: {_label(y)} {escape(unit)}</title></circle>')
        if len(series) > 1:  # legend
            ly = TOP + 14 + 14 * k
            dash = ' stroke-dasharray="3 3"' if s.get("dash") else ""
            out.append(f'<line x1="{x0 + LEFT + 8}" x2="{x0 + LEFT + 26}" y1="{ly - 4}" y2="{ly - 4}" '
                       f'stroke="{s["color"]}" stroke-width="2"{dash}/>')
            out.append(f'<text x="{x0 + LEFT + 30}" y="{ly}" font-size="10">{escape(s["name"])}</text>')
    for n in skipped:  # a tick and a word at the top, where the legend and the target lines are not
        x = px(n)
        anchor = "end" if x > x0 + LEFT + pw - 25 else "middle"
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + 6}" stroke="{COLORS["target"]}"/>')
        out.append(f'<text x="{x - (3 if anchor == "end" else 0):.1f}" y="{TOP + 17}" font-size="10" '
                   f'text-anchor="{anchor}" fill="{COLORS["target"]}">not run</text>')
    if not any(s["points"] for s in series):
        out.append(f'<text x="{x0 + LEFT + pw / 2}" y="{TOP + ph / 2}" font-size="12" text-anchor="middle">'
                   f'no size was run</text>')
    return out


def svg(rows: list[dict], meta: dict) -> str:
    done = [r for r in rows if "result" in r]
    sizes = [r["n"] for r in rows]
    skipped = [r["n"] for r in rows if "result" not in r]
    ms = [(r["n"], r["result"]["ms_per_doc"]) for r in done]
    rss = [(r["n"], r["result"]["peak_rss_mb"]) for r in done]
    pss = [(r["n"], r["result"]["peak_pss_mb"]) for r in done]
    targets = meta.get("targets", {})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H}" viewBox="0 0 {2 * W} {H}" '
             f'font-family="Helvetica, Arial, sans-serif">', f'<rect width="{2 * W}" height="{H}" fill="white"/>']
    parts += _panel(0, "Time per document, end to end", "ms per document", sizes,
                    [{"points": ms, "color": COLORS["time"], "name": "detente run"}],
                    (1000 / targets["docs_per_s"], f"target: {targets['docs_per_s']:.0f} docs/s")
                    if targets.get("docs_per_s") else None, skipped)
    parts += _panel(W, "Peak memory of the run (all processes)", "MB", sizes,
                    [{"points": rss, "color": COLORS["rss"], "name": "RSS summed"},
                     {"points": pss, "color": COLORS["pss"], "dash": True, "name": "PSS (shared pages split)"}],
                    (targets["peak_rss_mb"], f"target: {targets['peak_rss_mb']:,.0f} MB")
                    if targets.get("peak_rss_mb") else None, skipped)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _flatness(done: dict[int, dict]) -> str:
    """The memory target is about growth between 10k and 100k documents: say what the run can say of it."""
    large = [n for n in done if n >= 10_000]
    if len(large) < 2 or max(large) < 100_000:
        return ("Memory flat from 10k to 100k documents: **not measured** (needs runs at 10,000 and 100,000 "
                "documents; " + (f"the largest run here is {max(done):,}" if done else "no size was run") + ").")
    a, b = min(large), max(large)
    ra, rb = done[a]["peak_rss_mb"], done[b]["peak_rss_mb"]
    return f"Memory from {a:,} to {b:,} documents: {ra:,.0f} MB to {rb:,.0f} MB RSS (x{rb / ra:.2f})."


def markdown(rows: list[dict], meta: dict, svg_name: str) -> str:
    m = meta.get("machine", {})
    targets = meta.get("targets", {})
    lines = ["# Detente benchmark: scaling", "",
             "Generated by `bench/run.py`; do not edit by hand. Each size is one `detente run` over a generated corpus of "
             "about 500-word news articles (real paragraphs recombined, page clutter, .html, .txt, JSONL and WARC, "
             "about 7% planted duplicates; bench/corpus.py), timed from outside, with the peak memory of its whole "
             "process tree sampled every 0.2 s.", "",
             f"- command: `{meta.get('command', '')}`",
             f"- date: {meta.get('date', '')}, commit {meta.get('commit') or 'unknown'}",
             f"- machine: {m.get('cpu', 'unknown CPU')}, {m.get('cpus')} cores, {m.get('memory_gb')} GB RAM, "
             f"Python {m.get('python')}, {m.get('platform')}",
             f"- workers: {meta.get('workers')}; corpus seed {meta.get('seed')}; time limit per size "
             f"{meta.get('time_limit') or 'none'} s", "",
             "| documents | articles | seconds | ms / doc | docs / s | words / s | peak RSS MB (all processes) | "
             "peak PSS MB | largest process MB | vs spaCy | load avg |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    done: dict[int, dict] = {}
    for row in rows:
        r = row.get("result")
        if r is None:
            lines.append(f"| {row['n']:,} | {row['skipped']} | | | | | | | | | |")
            continue
        done[row["n"]] = r
        ratio = f"{r['baseline_ratio']:.2f}" if r.get("baseline_ratio") is not None else "not run"
        lines.append(f"| {r['docs']:,} | {r['articles']:,} | {r['seconds']:,.1f} | {r['ms_per_doc']:,.1f} | "
                     f"{r['docs_per_s']:,.1f} | {r['words_per_s']:,.0f} | {r['peak_rss_mb']:,.0f} | "
                     f"{r['peak_pss_mb']:,.0f} | {r['peak_rss_single_mb']:,.0f} | {ratio} | "
                     f"{r['loadavg_before']} |")
    lines += ["", f"![time per document and peak memory against corpus size]({svg_name})", ""]
    if done:
        stages = {n: r.get("stages") or {} for n, r in done.items()}
        if any(stages.values()):
            lines += ["Stage seconds, as `detente run` prints them:", ""]
            for n, s in stages.items():
                lines.append(f"- {n:,}: " + (", ".join(f"{k} {v:.1f}" for k, v in s.items()) or "not reported"))
            lines.append("")
    lines.append("Against the targets:")
    lines.append("")
    if targets.get("docs_per_s"):
        rates = ", ".join(f"{r['docs_per_s']:.1f} at {n:,}" for n, r in done.items()) or "no size was run"
        lines.append(f"- at least {targets['docs_per_s']:.0f} documents/s end to end: {rates}.")
    lines.append(f"- peak memory under {targets.get('peak_rss_mb', 1500):,.0f} MB: " +
                 (", ".join(f"{r['peak_rss_mb']:,.0f} MB at {n:,}" for n, r in done.items()) or "no size was run") + ".")
    lines.append(f"- {_flatness(done)}")
    lines.append("")
    lines.append("RSS summed over the processes counts the model pages that forked workers share with the parent once "
                 "per process; PSS divides shared pages among their sharers, so it is the tree's real footprint. "
                 "`load avg` is the machine's one-minute load before the run: other work on the machine slows a run.")
    return "\n".join(lines) + "\n"


def write(report: Path, svg_path: Path, rows: list[dict], meta: dict) -> None:
    svg_path.write_text(svg(rows, meta), encoding="utf-8")
    report.write_text(markdown(rows, meta, svg_path.name), encoding="utf-8")
