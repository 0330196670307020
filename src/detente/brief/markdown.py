"""The brief as Markdown: a timeline with citations, key quotes, the trend per dyad, and every document."""
from __future__ import annotations

from detente.brief.content import Brief


def _cite(doc) -> str:
    bits = [doc.title or doc.source, doc.outlet, doc.published]
    return ", ".join(b for b in bits if b)


def render_markdown(brief: Brief) -> str:
    out = ["# Detente brief", ""]
    c = brief.counts
    out.append(f"{c['documents']} documents ({', '.join(f'{n} {s}' for s, n in sorted(brief.status_counts.items()))}); "
               f"{c['events']} events in {c['incidents']} incidents; {c['quotes']} quotes.")
    out.append("")
    if brief.timeline:
        out += ["## Timeline", ""]
        if brief.timeline_total > len(brief.timeline):
            out += [f"The {len(brief.timeline)} most reported of {brief.timeline_total} dated incidents.", ""]
        for t in brief.timeline:
            mode = f" *({t.aux_mode})*" if t.aux_mode else ""
            seen = f" — {t.mentions} mentions" if t.mentions > 1 else ""
            out.append(f"- **{t.date}** {t.what}{mode}{seen}  \n  > {t.sentence.strip()}  \n  — {_cite(t.doc)}")
        out.append("")
    if brief.trends:
        out += ["## Cooperation–conflict trend", "",
                "Mean Goldstein weight per month (−10 conflict … +10 cooperation).", ""]
        for pair, points in brief.trends.items():
            out.append(f"**{pair}**: " + "; ".join(f"{p.period} {p.goldstein:+.1f} ({p.events})" for p in points))
            out.append("")
    if brief.quotes:
        out += ["## Key quotes", ""]
        for q, doc in brief.quotes:
            who = q.speaker.name if q.speaker else "unattributed"
            out.append(f"- “{q.text.strip()}” — **{who}** ({q.cue or 'quoted'}); {_cite(doc)}")
        out.append("")
    out += ["## Documents", ""]
    for n, d in enumerate(brief.documents):
        if n == brief.max_document_texts:
            out += [f"{len(brief.documents) - n} more documents are in documents.jsonl and the store.", ""]
            break
        out.append(f"### {d.title or '(no title)'}")
        out.append("")
        out.append(f"- status: `{d.status}`" + (f" (duplicate of `{d.duplicate_of}`)" if d.duplicate_of else ""))
        out.append(f"- published: {d.published or 'unknown'}" + (f" ({d.published_basis})" if d.published_basis else ""))
        out.append(f"- outlet: {d.outlet or 'unknown'}; source: `{d.source}`")
        if d.error:
            out.append(f"- error: {d.error}")
        out.append("")
        if d.text and d.status != "duplicate":
            out += ["#### Clean text", ""] + [f"> {p}" for p in d.text.splitlines() if p.strip()] + [""]
        if d.removed:
            out += ["#### Removed lines", ""]
            out += [f"- `{r.reason}`: {r.text.strip()[:160]}" for r in d.removed]
            out.append("")
    return "\n".join(out) + "\n"
