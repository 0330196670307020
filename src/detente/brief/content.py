"""What a brief says, computed once from a run's results; markdown.py and html.py only lay it out."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

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
    timeline_total: int = 0
    max_document_texts: int = 100


# Link schemes a brief follows. A URL from input is anything a page said it was ("javascript:…", "data:…"); a brief
# links it only when it is plain web, and shows anything else as text.
LINK_SCHEMES = ("http", "https")
_URL_CONTROL = "".join(map(chr, range(0x21)))  # C0 controls and space, which browsers strip from a URL's ends


def safe_url(url: Optional[str]) -> Optional[str]:
    """The URL as a reader may follow it (http or https, with a host), or None.

    Browsers drop tabs and line breaks anywhere in a URL ("java\tscript:" is "javascript:"), so they are dropped
    here too before the scheme is read."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip(_URL_CONTROL).replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an invalid port or IPv6 host
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    return url


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


def build_brief(docs: list[Document], events: list[Event], quotes: list[Quote], incidents: list[Incident],
                max_quotes: int = 30, max_timeline: int = 200, max_document_texts: int = 100,
                max_dyads: int = 12) -> Brief:
    """A brief stays readable for an archive: the most reported incidents, the busiest dyads, and the clean
    text of the first documents only (every document is still listed)."""
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
    brief.timeline_total = len(brief.timeline)
    brief.timeline = sorted(brief.timeline, key=lambda t: -t.mentions)[:max_timeline]
    # dates with an unknown year ("XXXX-06") go last: they cannot be placed among the others
    brief.timeline.sort(key=lambda t: (t.date.startswith("X"), t.date, t.dyad))
    brief.max_document_texts = max_document_texts
    brief.quotes = key_quotes(quotes, by_id, max_quotes)

    # Cooperation–conflict trend per dyad: mean Goldstein weight per month of factual, dated events.
    per = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.aux_mode in (None, "historical") and e.date and not e.date.startswith("X") and len(e.date) >= 7 and e.target:
            pair = "–".join(sorted((e.source.country or e.source.org or "?", e.target.country or e.target.org or "?")))
            per[pair][e.date[:7]].append(e.goldstein)
    for pair, months in sorted(per.items(), key=lambda kv: -sum(len(v) for v in kv[1].values()))[:max_dyads]:
        brief.trends[pair] = [TrendPoint(m, sum(v) / len(v), len(v)) for m, v in sorted(months.items())]
    return brief


def key_quotes(quotes: list[Quote], by_id: dict[str, Document], limit: int, per_document: int = 3):
    """Attributed quotes, the longest of each document first, taken in turns so that no one article fills the list."""
    per_doc: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        if q.speaker is not None and q.doc_id in by_id and len(q.text.split()) >= 4:
            per_doc[q.doc_id].append(q)
    queues = [sorted(qs, key=lambda q: -len(q.text))[:per_document] for _, qs in sorted(per_doc.items())]
    chosen = []
    for rank in range(per_document):
        chosen += [(qs[rank], by_id[qs[rank].doc_id]) for qs in queues if rank < len(qs)]
    return chosen[:limit]


def _what(e: Event) -> str:
    return f"{e.plover or 'STATEMENT/APPEAL'} (CAMEO {e.cameo}) {actor_label(e.source)} → {actor_label(e.target)}"
