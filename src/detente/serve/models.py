"""Response shapes of the JSON API, for /openapi.json. Items are the output contract's rows (DESIGN.md): a later
version may add fields to a row (extra fields pass through), never rename or drop these."""
from __future__ import annotations

from typing import Any, Generic, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Row(BaseModel):
    model_config = ConfigDict(extra="allow")


class ActorRef(Row):
    actor_id: Optional[str] = None
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    org: Optional[str] = None
    sector: Optional[str] = None
    role: Optional[str] = None


class Event(Row):
    event_id: str
    doc_id: str
    sentence: Optional[str] = None
    span: Optional[list[int]] = None
    source: Optional[ActorRef] = None
    target: Optional[ActorRef] = None
    cameo: Optional[str] = None
    plover: Optional[str] = None
    mode: Optional[str] = None
    quad_class: Optional[int] = None
    goldstein: Optional[float] = None
    date: Optional[str] = None
    date_text: Optional[str] = None
    date_basis: Optional[str] = None
    location: Optional[Any] = None
    aux_mode: Optional[str] = None
    confidence: Optional[float] = None
    incident_id: Optional[str] = None
    trigger: Optional[str] = None
    symmetric: Optional[bool] = None
    context: Optional[list[str]] = None


class Quote(Row):
    quote_id: str
    doc_id: str
    text: Optional[str] = None
    span: Optional[list[int]] = None
    speaker: Optional[ActorRef] = None
    cue: Optional[str] = None
    published: Optional[str] = Field(None, description="The document's publication date.")


class Lead(Row):
    event_id: Optional[str] = None
    doc_id: Optional[str] = None
    sentence: Optional[str] = None


class Incident(Row):
    incident_id: str
    date: Optional[str] = None
    source: Optional[ActorRef] = None
    target: Optional[ActorRef] = None
    cameo: Optional[str] = None
    plover: Optional[str] = None
    num_mentions: Optional[int] = None
    num_sources: Optional[int] = None
    num_articles: Optional[int] = None
    event_ids: Optional[list[str]] = None
    lead: Optional[Lead] = Field(None, description="The incident's most confident event mention.")


class DocumentSummary(Row):
    doc_id: str
    source: Optional[str] = None
    url: Optional[str] = None
    status: Optional[str] = None
    duplicate_of: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    published_basis: Optional[str] = None
    language: Optional[str] = None
    encoding: Optional[str] = None
    error: Optional[str] = None
    events: Optional[int] = None
    quotes: Optional[int] = None


class Removed(Row):
    text: Optional[str] = None
    reason: Optional[str] = None


class Entity(Row):
    doc_id: Optional[str] = None
    text: Optional[str] = None
    span: Optional[list[int]] = None
    actor_id: Optional[str] = None
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    org: Optional[str] = None
    sector: Optional[str] = None
    role: Optional[str] = None


class Document(Row):
    doc_id: str
    source: Optional[str] = None
    url: Optional[str] = None
    status: Optional[str] = None
    duplicate_of: Optional[str] = None
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None
    published_basis: Optional[str] = None
    language: Optional[str] = None
    encoding: Optional[str] = None
    text: Optional[str] = None
    removed: list[Removed] = []
    error: Optional[str] = None
    events: list[Event] = []
    quotes: list[Quote] = []
    entities: list[Entity] = []


class ActorSummary(Row):
    actor_id: str
    name: Optional[str] = None
    kind: Optional[str] = None
    country: Optional[str] = None
    org: Optional[str] = None
    sector: Optional[str] = Field(None, description="The sector its mentions most often have.")
    mentions: int = 0
    documents: int = 0
    events: int = 0


class Role(Row):
    date: Optional[str] = Field(None, description="The document's publication date.")
    role: Optional[str] = None
    doc_id: Optional[str] = None
    title: Optional[str] = None
    mentions: int = 0


class Month(Row):
    month: str
    events: int
    quad_class: dict[str, int] = Field(description="Events per quad class: 1 verbal cooperation, 2 material "
                                                   "cooperation, 3 verbal conflict, 4 material conflict.")
    mean_goldstein: Optional[float] = None


class Actor(ActorSummary):
    roles: list[Role] = Field([], description="The role the actor held in each document, by its date.")
    months: list[Month] = Field([], description="Its factual dated events per month.")


class DyadSummary(Row):
    dyad: str
    a: str
    b: str
    events: int
    incidents: int
    mean_goldstein: Optional[float] = None
    first: Optional[str] = None
    last: Optional[str] = None


class DyadSeries(Row):
    dyad: str
    events: int
    incidents: int
    mean_goldstein: Optional[float] = None
    months: list[Month]


class Paged(BaseModel, Generic[T]):
    total: int = Field(description="Every item the filters keep.")
    limit: int
    offset: int
    items: list[T]


class Counts(Row):
    documents: int
    statuses: dict[str, int]
    events: int
    incidents: int
    quotes: int
    actors: int
