"""What a brief says, computed once from documents, events, quotes and incidents; markdown.py and html.py only lay
it out. `detente run` builds it from the run's rows, `detente brief` (query.py) from a store, through the same
`build_brief`, so the two agree.

The brief holds:
- a timeline: one entry per dated incident, plus planned ("future") mentions, each citing its sentence and document;
- per dyad (the two parties as incidents count them: a state's country, or an organisation such as NATO), a monthly
  series: incidents per quad class and their mean Goldstein weight, and "what changed" (CHANGE_RULE), each move
  with the incidents behind it, cited;
- key quotes, taken in turns from the documents;
- coverage: the documents read by status, and the lines cleaning removed, by reason;
- the documents, with their clean text.
Nothing here depends on the order its inputs come in, so a brief of the same rows is the same text.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

from detente.resolve.incidents import FACTUAL, party
from detente.types import ARTICLE, DUPLICATE, EMPTY, ERROR_PAGE, NOT_TEXT, Document, Event, Incident, Quote

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
UNREADABLE = (EMPTY, NOT_TEXT, ERROR_PAGE)

# "What changed": a month is set against the months before it in which the dyad has incidents.
CHANGE_BASELINE = 3          # months with incidents before the month
CHANGE_GOLDSTEIN = 2.0       # a move of the mean Goldstein weight this large (of the −10..+10 scale) counts
CHANGE_CONFLICT_SHARE = 0.25  # so does a move of the conflict share (quad classes 3 and 4) this large
CHANGE_LIMIT = 3             # moves listed each way
CHANGE_RULE = (f"A month is compared with the mean of the (up to) {CHANGE_BASELINE} months before it in which the "
               f"dyad has incidents in this brief, however far back they lie: it moved when its mean Goldstein weight "
               f"differs by {CHANGE_GOLDSTEIN:g} points or more, or its conflict share (incidents of quad classes 3 and "
               f"4) by {CHANGE_CONFLICT_SHARE:.0%} or more. The {CHANGE_LIMIT} largest moves toward conflict and the "
               f"{CHANGE_LIMIT} largest toward cooperation (by Goldstein weight, then conflict share) are listed in "
               f"time order, each with the month's incidents that pulled it that way.")
TREND_RULE = ("Factual events (not planned, hypothetical or negated) dated to a month or a day, counted once per "
              "incident: a real-world event reported by several articles counts once, with the weight of its most "
              "confident mention.")

_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@dataclass
class Citation:
    """One piece of evidence: the sentence an event was coded from, and its document."""
    sentence: str
    doc: Document
    event_id: str


@dataclass
class TimelineEntry:
    date: str
    dyad: str
    what: str
    aux_mode: Optional[str]
    sentence: str
    doc: Document
    mentions: int = 1
    incident_id: Optional[str] = None


@dataclass
class TrendPoint:
    period: str        # YYYY-MM
    goldstein: float   # mean Goldstein weight of the period's incidents
    events: int        # incidents in the period (each counted once, however often reported)
    quads: tuple[int, int, int, int] = (0, 0, 0, 0)  # incidents per quad class 1..4

    @property
    def conflict_share(self) -> float:
        return (self.quads[2] + self.quads[3]) / self.events if self.events else 0.0


@dataclass
class Moment:
    """An incident (or a lone event) in a dyad's series, with every sentence that reports it."""
    key: str                  # incident id, or the event id of an event in no incident
    incident_id: Optional[str]
    date: str
    period: str
    dyad: str
    what: str
    quad_class: int
    goldstein: float
    mentions: int
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Change:
    """A month whose cooperation or conflict moved against the months before it (CHANGE_RULE)."""
    period: str
    toward: str                   # "conflict" | "cooperation"
    point: TrendPoint
    baseline: list[TrendPoint]    # the months it is compared with
    baseline_goldstein: float
    baseline_conflict_share: float
    behind: list[Moment]          # the incidents that pulled it that way, strongest first
    more: int = 0                 # such incidents not listed

    @property
    def goldstein_move(self) -> float:
        return self.point.goldstein - self.baseline_goldstein

    @property
    def conflict_share_move(self) -> float:
        return self.point.conflict_share - self.baseline_conflict_share


@dataclass
class DyadTrend:
    pair: str                     # "RUS–USA": the two parties, sorted
    points: list[TrendPoint]
    changes: list[Change] = field(default_factory=list)
    unplaced: int = 0             # factual events of the dyad with no month (undated, year only, unknown year)


@dataclass
class Coverage:
    """What was read: documents by status, and the lines cleaning removed, by reason."""
    by_status: Counter
    removed: Counter

    @property
    def documents(self) -> int:
        return sum(self.by_status.values())

    @property
    def clean(self) -> int:
        return self.by_status.get(ARTICLE, 0)

    @property
    def duplicate(self) -> int:
        return self.by_status.get(DUPLICATE, 0)

    @property
    def unreadable(self) -> int:
        return sum(self.by_status.get(s, 0) for s in UNREADABLE)

    @property
    def other(self) -> dict[str, int]:
        """Statuses outside the contract's (a damaged or newer store)."""
        known = (ARTICLE, DUPLICATE, *UNREADABLE)
        return {s: n for s, n in sorted(self.by_status.items(), key=lambda kv: str(kv[0])) if s not in known}

    @property
    def removed_lines(self) -> int:
        return sum(self.removed.values())

    @classmethod
    def of(cls, docs: list[Document]) -> "Coverage":
        return cls(Counter(d.status for d in docs), Counter(r.reason for d in docs for r in d.removed))


@dataclass
class Scope:
    """Where a brief read from and what it kept: set by `detente brief` (query.py); a run's brief has none."""
    store: str
    runs: int = 0
    dyad: Optional[str] = None      # "RUS–USA"
    since: Optional[str] = None     # YYYY-MM-DD
    until: Optional[str] = None


@dataclass
class Brief:
    documents: list[Document]
    status_counts: Counter
    timeline: list[TimelineEntry] = field(default_factory=list)
    quotes: list[tuple[Quote, Document]] = field(default_factory=list)
    dyads: list[DyadTrend] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timeline_total: int = 0
    max_document_texts: int = 100
    coverage: Optional[Coverage] = None
    scope: Optional[Scope] = None

    @property
    def trends(self) -> dict[str, list[TrendPoint]]:
        return {d.pair: d.points for d in self.dyads}


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
    """The event's parties as incidents and `--dyad` count them (resolve.incidents.party), in its direction."""
    if e.target is None:
        return party(e.source)
    return f"{party(e.source)}{'–' if e.symmetric else '→'}{party(e.target)}"


def pair_of(e: Event) -> Optional[str]:
    """The dyad an event belongs to, either direction: its two parties as incidents count them, sorted."""
    if e.source is None or e.target is None:
        return None
    return "–".join(sorted((party(e.source), party(e.target))))


def build_brief(docs: list[Document], events: list[Event], quotes: list[Quote], incidents: list[Incident],
                max_quotes: int = 30, max_timeline: int = 200, max_document_texts: int = 100,
                max_dyads: int = 12, coverage: Optional[Coverage] = None, scope: Optional[Scope] = None,
                max_changes: int = CHANGE_LIMIT, max_behind: int = 5) -> Brief:
    """A brief stays readable for an archive: the most reported incidents, the busiest dyads, and the clean
    text of the first documents only. `coverage` defaults to that of `docs`; a brief of a store passes the store's."""
    by_id = {d.doc_id: d for d in docs}
    docs = sorted(docs, key=lambda d: (d.published is None, str(d.published or ""), str(d.source), d.doc_id))
    brief = Brief(documents=docs, status_counts=Counter(d.status for d in docs), scope=scope,
                  coverage=coverage if coverage is not None else Coverage.of(docs))
    brief.counts = {"documents": len(docs), "articles": brief.status_counts.get(ARTICLE, 0), "events": len(events),
                    "quotes": len(quotes), "incidents": len(incidents)}
    doc_of = lambda doc_id: by_id.get(doc_id) or _missing(doc_id)  # noqa: E731

    # Timeline: one entry per incident (factual events), plus planned mentions marked as such.
    events_by_id = {e.event_id: e for e in events}
    for inc in incidents:
        if not inc.date:
            continue
        lead = _lead(events_by_id[i] for i in inc.event_ids if i in events_by_id)
        if lead is None:
            continue
        brief.timeline.append(TimelineEntry(inc.date, dyad_label(lead), _what(lead), lead.aux_mode, lead.sentence,
                                            doc_of(lead.doc_id), inc.num_mentions, inc.incident_id))
    for e in events:
        if e.incident_id is None and e.date and e.aux_mode in ("future",):
            brief.timeline.append(TimelineEntry(e.date, dyad_label(e), _what(e), e.aux_mode, e.sentence,
                                                doc_of(e.doc_id)))
    brief.timeline_total = len(brief.timeline)
    brief.timeline = sorted(brief.timeline, key=lambda t: (-t.mentions, *_entry_key(t)))[:max_timeline]
    # dates with an unknown year ("XXXX-06") go last: they cannot be placed among the others
    brief.timeline.sort(key=_entry_key)
    brief.max_document_texts = max_document_texts
    brief.quotes = key_quotes(quotes, by_id, max_quotes)
    brief.dyads = dyad_trends(events, incidents, doc_of, max_dyads, max_changes, max_behind)
    return brief


def _entry_key(t: TimelineEntry) -> tuple:
    return (t.date.startswith("X"), t.date, t.dyad, t.what, t.doc.doc_id, t.sentence, t.incident_id or "")


def _lead(events) -> Optional[Event]:
    """The most confident mention (then the first id): it speaks for its incident."""
    return min(events, key=lambda e: (-(e.confidence or 0.0), e.event_id), default=None)


def _missing(doc_id: str) -> Document:
    """A stand-in for a document a damaged store lost: the claim still names the id it cites."""
    return Document(doc_id, f"document {doc_id} (not in the store)", status="missing")


def key_quotes(quotes: list[Quote], by_id: dict[str, Document], limit: int, per_document: int = 3):
    """Attributed quotes, the longest of each document first, taken in turns so that no one article fills the list."""
    per_doc: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        if q.speaker is not None and q.doc_id in by_id and len(q.text.split()) >= 4:
            per_doc[q.doc_id].append(q)
    queues = [sorted(qs, key=lambda q: (-len(q.text), q.quote_id))[:per_document] for _, qs in sorted(per_doc.items())]
    chosen = []
    for rank in range(per_document):
        chosen += [(qs[rank], by_id[qs[rank].doc_id]) for qs in queues if rank < len(qs)]
    return chosen[:limit]


# --- the cooperation–conflict series per dyad, and what changed -------------------------------------------------
def dyad_moments(events: list[Event], incidents: list[Incident], doc_of) -> dict[str, list[Moment]]:
    """Per dyad, its factual events grouped into incidents (an event in none stands alone), each with its date, the
    weight and class of its most confident mention, and the sentences of all its mentions among `events`."""
    dates = {i.incident_id: i.date for i in incidents}
    mentions = {i.incident_id: i.num_mentions for i in incidents}
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.aux_mode in FACTUAL and pair_of(e):
            groups[e.incident_id or e.event_id].append(e)
    per: dict[str, list[Moment]] = defaultdict(list)
    for key, evs in groups.items():
        lead = _lead(evs)
        incident_id = lead.incident_id
        date = dates.get(incident_id) if incident_id else None
        date = date or max((e.date for e in evs if e.date), key=len, default=None)
        cited = sorted({(e.doc_id, e.sentence): e for e in evs}.values(), key=lambda e: (e is not lead, e.doc_id,
                                                                                           e.event_id))
        per[pair_of(lead)].append(Moment(
            key, incident_id, date or "", (date or "")[:7], pair_of(lead), _what(lead), lead.quad_class,
            float(lead.goldstein), mentions.get(incident_id, len(evs)) if incident_id else len(evs),
            [Citation(e.sentence, doc_of(e.doc_id), e.event_id) for e in cited]))
    return per


def dyad_trends(events: list[Event], incidents: list[Incident], doc_of, max_dyads: int = 12, max_changes: int = 3,
                max_behind: int = 5) -> list[DyadTrend]:
    """The busiest dyads (by incidents placed in a month), each with its monthly series and what changed."""
    trends = []
    for pair, moments in dyad_moments(events, incidents, doc_of).items():
        placed = [m for m in moments if _PERIOD.fullmatch(m.period)]
        if placed:
            points = monthly(placed)
            trends.append(DyadTrend(pair, points, what_changed(points, placed, max_changes, max_behind),
                                    len(moments) - len(placed)))
    trends.sort(key=lambda t: (-sum(p.events for p in t.points), t.pair))
    return trends[:max_dyads]


def monthly(moments: list[Moment]) -> list[TrendPoint]:
    months: dict[str, list[Moment]] = defaultdict(list)
    for m in moments:
        months[m.period].append(m)
    points = []
    for period, ms in sorted(months.items()):
        quads = Counter(m.quad_class for m in ms)
        points.append(TrendPoint(period, sum(m.goldstein for m in ms) / len(ms), len(ms),
                                 tuple(quads.get(q, 0) for q in (1, 2, 3, 4))))
    return points


def what_changed(points: list[TrendPoint], moments: list[Moment], limit: int = 3,
                 max_behind: int = 5) -> list[Change]:
    """The months that moved most against the months before them (CHANGE_RULE): the `limit` largest moves toward
    conflict and the `limit` largest toward cooperation, in time order."""
    changes = []
    for n, point in enumerate(points):
        baseline = points[max(0, n - CHANGE_BASELINE):n]
        if not baseline:
            continue
        base_g = sum(p.goldstein for p in baseline) / len(baseline)
        base_c = sum(p.conflict_share for p in baseline) / len(baseline)
        move_g, move_c = point.goldstein - base_g, point.conflict_share - base_c
        by_weight = abs(move_g) >= CHANGE_GOLDSTEIN - 1e-9
        if not by_weight and abs(move_c) < CHANGE_CONFLICT_SHARE - 1e-9:
            continue
        toward = ("conflict" if move_g < 0 else "cooperation") if by_weight else \
            ("conflict" if move_c > 0 else "cooperation")
        month = [m for m in moments if m.period == point.period]
        # behind a move toward conflict: the month's incidents below the baseline's weight and below zero (else below
        # the baseline alone; else its conflict incidents), the most hostile first; toward cooperation the reverse
        sign = -1 if toward == "conflict" else 1
        pulled = [m for m in month if sign * (m.goldstein - base_g) > 0]
        behind = ([m for m in pulled if sign * m.goldstein > 0] or pulled
                  or [m for m in month if (m.quad_class in (3, 4)) == (toward == "conflict")])
        behind.sort(key=lambda m: (-sign * m.goldstein, -m.mentions, m.key))
        changes.append(Change(point.period, toward, point, baseline, base_g, base_c, behind[:max_behind],
                              max(0, len(behind) - max_behind)))
    chosen = []
    for toward in ("conflict", "cooperation"):
        way = [c for c in changes if c.toward == toward]
        way.sort(key=lambda c: (-round(abs(c.goldstein_move), 9), -round(abs(c.conflict_share_move), 9), c.period))
        chosen += way[:limit]
    return sorted(chosen, key=lambda c: c.period)


def _what(e: Event) -> str:
    return f"{e.plover or 'STATEMENT/APPEAL'} (CAMEO {e.cameo}) {actor_label(e.source)} → {actor_label(e.target)}"
