"""The shared vocabulary of Detente.

Every stage of the flow (read -> clean -> dedupe -> annotate -> code -> resolve -> store -> brief)
takes and returns these types. Field names follow the output contract in DESIGN.md, so a row of
`documents.jsonl`, `entities.jsonl`, `events.jsonl`, `quotes.jsonl` or `incidents.jsonl` is just
`to_row()` of the matching object, and `from_row()` reads one back.

`to_row()` is the one serialisation of each type: the JSONL files are written from it, and the store
(store/database.py) derives its columns from it (spans split into start and end, objects and lists as JSON text),
so that a row read back from the store and a line of a JSONL file are the same dict.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Optional


def _known(cls, row: dict[str, Any]) -> dict[str, Any]:
    """The keys of `row` that are fields of `cls`: a row written by a later version may carry more."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in row.items() if k in names}


_FIELDS: dict[type, tuple[str, ...]] = {}


def _shallow(obj) -> dict[str, Any]:
    """The object's fields as a dict, one level deep: dataclasses.asdict copies every nested value, which made
    writing rows the largest cost of a run's main process."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in fields(obj))
    return {name: getattr(obj, name) for name in names}


def _span(value) -> Span:
    return (int(value[0]), int(value[1]))

Span = tuple[int, int]  # [start, end) character offsets into Document.text

# Document.status values (output contract)
ARTICLE, DUPLICATE, ERROR_PAGE, EMPTY, NOT_TEXT = "article", "duplicate", "error_page", "empty", "not_text"

# Reasons a line is removed by the clean stage: a small fixed set, so users can filter on them.
REMOVAL_REASONS = (
    "navigation",          # menus, logos, search boxes, "Back to top", breadcrumbs
    "error_stub",          # "403", "Sorry!!", "page not found" before or instead of the article
    "related_link",        # "Read also:", "Also on rt.com ...", "Related Articles", "Read more"
    "disclaimer",          # legal disclaimers, "has not verified", translation notes
    "author_bio",          # the author's name line and biography
    "prompt",              # comment, share, newsletter, subscribe, "Leave a Reply"
    "cookie_banner",       # cookie and consent banners
    "copyright",           # "(c) 2021 ...", "All rights reserved"
    "metadata",            # "ID : 603416", "Auther :", timestamps that the metadata step consumed
    "repeated_headline",   # the title again
    "duplicate_paragraph", # a paragraph already kept earlier in the same document
    "tagline",             # site slogans and section labels
)

# Event.context values: the PLOVER manual's general contexts (Table 2.1; spaces as underscores), the "why" of an
# event. Events may also carry "humanitarian", a context the CAMEO->PLOVER crosswalk uses for humanitarian aid.
PLOVER_CONTEXTS = (
    "military", "intelligence", "executive", "legislative", "election", "political_institutions", "prodemocracy",
    "proautocracy", "economic", "legal", "reparations", "human_rights", "rights_freedoms", "repression",
    "human_security", "gender", "lgbt", "religion_ethnicity", "inequality", "diplomatic", "territory", "peacekeeping",
    "health", "asylum", "migration", "disasters", "natural_resource", "environment", "technology", "terrorism", "cbrn",
    "cyber", "misinformation", "crime", "corruption", "illegal_drugs", "trafficking",
)


@dataclass
class Record:
    """One raw input record, as the read stage found it. Nothing here is cleaned yet."""
    source: str                      # input path as given, plus "#N" for record N of a JSONL/WARC file
    text: Optional[str] = None       # decoded content (HTML or plain text); None if unreadable
    is_html: bool = False
    encoding: Optional[str] = None   # the encoding the bytes were decoded with
    url: Optional[str] = None
    published: Optional[str] = None  # as supplied by the container (JSONL field, WARC date), unparsed
    title: Optional[str] = None
    outlet: Optional[str] = None
    status: Optional[str] = None     # EMPTY / NOT_TEXT when the record could not be read
    error: Optional[str] = None
    size: int = 0                    # bytes of the raw record


@dataclass
class Removed:
    text: str
    reason: str  # one of REMOVAL_REASONS


@dataclass
class Document:
    """A record after cleaning: one row of documents.jsonl."""
    doc_id: str
    source: str
    url: Optional[str] = None
    status: str = ARTICLE
    duplicate_of: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None        # YYYY-MM-DD or None, never "today"
    published_basis: Optional[str] = None  # html_meta | record_field | text_header | dateline | dateline+weekday (inferred) | url
    language: Optional[str] = None
    encoding: Optional[str] = None
    text: str = ""                         # clean body, one paragraph per line, each paragraph once
    removed: list[Removed] = field(default_factory=list)
    error: Optional[str] = None
    content_hash: Optional[str] = None     # sha1 of the clean text; used by dedupe and the store
    origin: Optional[str] = None           # where the record really comes from (pipeline.canonical_source): the store
                                           # replaces an earlier version of the same record; not in the contract

    def to_row(self) -> dict[str, Any]:
        row = _shallow(self)
        row.pop("content_hash")
        row.pop("origin")
        row["removed"] = [{"text": r.text, "reason": r.reason} for r in self.removed]
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Document":
        """A row of documents.jsonl (or of the store, which may add content_hash) back to a Document."""
        values = _known(cls, row)
        values["removed"] = [r if isinstance(r, Removed) else Removed(r["text"], r["reason"])
                             for r in values.get("removed") or []]
        return cls(**values)


@dataclass(frozen=True)
class Actor:
    """A canonical actor, with the role valid at the date it was resolved for."""
    actor_id: str                  # "RUS", "NATO", "UNSC", "sergey-lavrov", "RUS-MFA"
    name: str
    kind: str                      # person | state | org
    country: Optional[str] = None  # ISO 3166-1 alpha-3
    org: Optional[str] = None      # NATO, UN, EU, ... when the actor is or belongs to one
    sector: Optional[str] = None   # GOV, MIL, DIP, LEG, JUD, COP, BUS, MED, CVL, REB, IGO, ...
    role: Optional[str] = None     # "Minister of Foreign Affairs" at that date

    def to_row(self) -> dict[str, Any]:
        return _shallow(self)

    @classmethod
    def from_row(cls, row: Optional[dict[str, Any]]) -> Optional["Actor"]:
        return None if row is None else cls(**_known(cls, row))


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class Mention:
    """One resolved actor mention: a row of entities.jsonl (with the actor's fields inlined)."""
    doc_id: str
    text: str
    span: Span
    actor: Actor
    sentence: int = -1
    basis: str = ""  # how it was resolved: name | alias | title+name | description | metonym | coref | context

    def to_row(self) -> dict[str, Any]:
        row = {"doc_id": self.doc_id, "text": self.text, "span": list(self.span)}
        row.update(self.actor.to_row())
        row["basis"] = self.basis
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Mention":
        """A row of entities.jsonl back to a Mention (the sentence index is not part of the row)."""
        return cls(doc_id=row["doc_id"], text=row["text"], span=_span(row["span"]), actor=Actor.from_row(row),
                   basis=row.get("basis") or "")


@dataclass
class TimeExpr:
    """A time expression normalised against the publication date."""
    text: str
    span: Span
    value: Optional[str]            # YYYY-MM-DD | YYYY-MM | YYYY | XXXX-MM-DD | XXXX-MM | None
    basis: str = "explicit"         # explicit | relative
    tense: Optional[str] = None     # past | future | None (unknown / present)
    kind: str = "date"              # date | since | duration


@dataclass
class Quote:
    quote_id: str
    doc_id: str
    text: str
    span: Span
    speaker: Optional[Actor] = None
    cue: Optional[str] = None       # the reporting verb: said, noted, stressed, according to

    def to_row(self) -> dict[str, Any]:
        return {"quote_id": self.quote_id, "doc_id": self.doc_id, "text": self.text, "span": list(self.span),
                "speaker": self.speaker.to_row() if self.speaker else None, "cue": self.cue}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Quote":
        values = _known(cls, row)
        values.update(span=_span(row["span"]), speaker=Actor.from_row(row.get("speaker")))
        return cls(**values)


@dataclass
class Event:
    """One coded event mention: a row of events.jsonl."""
    event_id: str
    doc_id: str
    sentence: str
    span: Span                      # the sentence's span in Document.text
    source: Actor
    target: Optional[Actor]
    cameo: str
    plover: Optional[str]
    mode: Optional[str]
    quad_class: int
    goldstein: float
    date: Optional[str] = None
    date_text: Optional[str] = None
    date_basis: Optional[str] = None  # explicit | relative | publication
    location: Optional[dict[str, Any]] = None  # {"name", "country"}
    aux_mode: Optional[str] = None    # None | future | hypothetical | negated | historical
    confidence: float = 0.5
    incident_id: Optional[str] = None
    trigger: Optional[str] = None     # the word or phrase that evoked the event (for audit)
    symmetric: bool = False           # meet/talk/agree between A and B: same event either way
    context: tuple[str, ...] = ()     # PLOVER contexts (the "why"): the crosswalk's for the code first, then cue words'

    def to_row(self) -> dict[str, Any]:
        row = _shallow(self)
        row["span"] = list(self.span)
        row["location"] = dict(self.location) if self.location is not None else None
        row["context"] = list(self.context)
        row["source"] = self.source.to_row() if self.source else None  # None only in rows of damaged stores
        row["target"] = self.target.to_row() if self.target else None
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Event":
        values = _known(cls, row)
        values.update(span=_span(row["span"]), source=Actor.from_row(row.get("source")),
                      target=Actor.from_row(row.get("target")), context=tuple(row.get("context") or ()),
                      symmetric=bool(row.get("symmetric")))
        return cls(**values)


@dataclass
class Incident:
    """One real-world event merged across documents: a row of incidents.jsonl."""
    incident_id: str
    date: Optional[str]
    source: Actor
    target: Optional[Actor]
    cameo: str
    plover: Optional[str]
    num_mentions: int
    num_sources: int
    num_articles: int
    event_ids: list[str]

    def to_row(self) -> dict[str, Any]:
        row = _shallow(self)
        row["event_ids"] = list(self.event_ids)
        row["source"] = self.source.to_row() if self.source else None  # None only in rows of damaged stores
        row["target"] = self.target.to_row() if self.target else None
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Incident":
        values = _known(cls, row)
        values.update(source=Actor.from_row(row.get("source")), target=Actor.from_row(row.get("target")),
                      event_ids=list(row.get("event_ids") or []))
        return cls(**values)


@dataclass
class Annotation:
    """A clean document with its language layer: what the annotate stage hands to the code stage."""
    doc: Document
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)   # sorted by span start
    times: list[TimeExpr] = field(default_factory=list)     # sorted by span start
    quotes: list[Quote] = field(default_factory=list)
    tokens: Any = None  # the light spaCy Doc over doc.text (tokens, lemmas, tags, entities, sentences; no parse)
