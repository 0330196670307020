"""What a brief says, computed once from a run's results; markdown.py and html.py only lay it out."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

from detente.types import ARTICLE, Document, Event, Incident, Quote


@dataclass
class TimelineEntry:
    date: str
    dyad: str
    what: str
    aux_mode: Optional[str]
    sentence: str
    doc: Document
    mentions: int = 1


@dataclass
class TrendPoint:
    period: str        # YYYY-MM
    goldstein: float   # mean Goldstein weight of the period's events
    events: int


@dataclass
class Brief:
    documents: list[Document]
    status_counts: Counter
    timeline: list[TimelineEntry] = field(default_factory=list)
    quotes: list[tuple[Quote, Document]] = field(default_factory=list)
    trends: dict[str, list[TrendPoint]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def actor_label(actor) -> str:
    if actor is None:
        return "—"
    if actor.kind == "person":
        return f"{actor.name} ({actor.country or actor.org or '?'})"
    return actor.name


def dyad_label(e: Event) -> str:
    src = e.source.country or e.source.org or e.source.actor_id
    if e.target is None:
        return src
    tgt = e.target.country or e.target.org or e.target.actor_id
    return f"{src}–{tgt}" if e.symmetric else f"{src}→{tgt}"


def build_brief(docs: list[Document], events: list[Event], quotes: list[Quote],
                incidents: list[Incident], max_quotes: int = 30) -> Brief:
    by_id = {d.doc_id: d for d in docs}
    brief = Brief(documents=docs, status_counts=Counter(d.status for d in docs))
    brief.counts = {"documents": len(docs), "articles": brief.status_counts.get(ARTICLE, 0), "events": len(events),
                    "quotes": len(quotes), "incidents": len(incidents)}

    # Timeline: one entry per incident (factual events), plus planned/negated mentions marked as such.
    events_by_id = {e.event_id: e for e in events}
    for inc in incidents:
        if not inc.date:
            continue
        lead = max((events_by_id[i] for i in inc.event_ids if i in events_by_id),
                   key=lambda e: e.confidence, default=None)
        if lead is None:
            continue
        brief.timeline.append(TimelineEntry(inc.date, dyad_label(lead), _what(lead), lead.aux_mode, lead.sentence,
                                            by_id[lead.doc_id], inc.num_mentions))
    for e in events:
        if e.incident_id is None and e.date and e.aux_mode in ("future",):
            brief.timeline.append(TimelineEntry(e.date, dyad_label(e), _what(e), e.aux_mode, e.sentence, by_id[e.doc_id]))
    brief.timeline.sort(key=lambda t: (t.date.replace("X", "0"), t.dyad))

    ranked = sorted(quotes, key=lambda q: (q.speaker is None, -len(q.text)))
    brief.quotes = [(q, by_id[q.doc_id]) for q in ranked[:max_quotes] if q.doc_id in by_id]

    # Cooperation–conflict trend per dyad: mean Goldstein weight per month of factual, dated events.
    per = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.aux_mode in (None, "historical") and e.date and not e.date.startswith("X") and len(e.date) >= 7 and e.target:
            pair = "–".join(sorted((e.source.country or e.source.org or "?", e.target.country or e.target.org or "?")))
            per[pair][e.date[:7]].append(e.goldstein)
    for pair, months in sorted(per.items(), key=lambda kv: -sum(len(v) for v in kv[1].values())):
        brief.trends[pair] = [TrendPoint(m, sum(v) / len(v), len(v)) for m, v in sorted(months.items())]
    return brief


def _what(e: Event) -> str:
    return f"{e.plover or 'STATEMENT/APPEAL'} (CAMEO {e.cameo}) {actor_label(e.source)} → {actor_label(e.target)}"
