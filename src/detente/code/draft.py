"""What the coder's passes work on: one draft event per candidate, and the document as read so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from detente.types import Annotation, Event, Sentence, TimeExpr

from .dictionary import Dictionary
from .match import Candidate, Matcher
from .parties import Parties, Party

# Shows of force and attacks: what "the launch", "the attack" or a bare "it" in a later criticism refers to.
FORCE_ROOTS = frozenset({"15", "17", "18", "19", "20"})
VERBAL_ROOTS = frozenset({"01", "02", "10", "11", "12", "13"})


@dataclass(frozen=True)
class Codebook:
    """What the passes code with: the pattern dictionary, its matcher and the CAMEO table."""
    dictionary: Dictionary
    matcher: Matcher
    table: dict

    @property
    def words(self) -> dict:
        return self.dictionary.words

    @property
    def frames(self) -> dict:
        return self.dictionary.frames


@dataclass
class DocumentState:
    """The document as read so far: what a later sentence may borrow from an earlier one."""
    annotation: Annotation
    times: list[TimeExpr]              # anchored; a dateline's date is left out
    by_index: dict[int, Sentence]
    force: list[tuple[int, Event]] = field(default_factory=list)  # shows of force and attacks, by sentence
    acts: list[tuple[int, Event]] = field(default_factory=list)   # material acts (sanctions, cuts, seizures ...)
    last_dyad: Optional[tuple[int, Party, Party]] = None          # the pair "the two governments" stands for

    def remember(self, index: int, events: list[Event]) -> None:
        """Keep what later sentences may refer back to: the pair that met, the acts that were done."""
        for e in events:
            # a meeting, a visit or a hosting sets the pair that "the two governments" will stand for
            if e.target is not None and (e.symmetric or (e.cameo[:2] == "04" and e.aux_mode is None)):
                self.last_dyad = (index, Party(e.source, "dyad", -1), Party(e.target, "dyad", -1))
        self.force.extend((index, e) for e in events if e.cameo[:2] in FORCE_ROOTS and e.aux_mode is None)
        self.acts.extend((index, e) for e in events if e.cameo[:2] >= "06" and e.aux_mode is None and e.target is not None
                         and e.cameo[:2] not in VERBAL_ROOTS)


@dataclass
class Draft:
    """One candidate on its way to event rows. Each pass decides one thing about it, or ends it (`drop`)."""
    candidate: Candidate
    sentence: Sentence
    parties: Parties
    candidates: list[Candidate]        # the sentence's other candidates, for dating against them
    roots: list                        # the sentence's times, each with the token that heads it
    sources: list[Party] = field(default_factory=list)
    targets: list[Party] = field(default_factory=list)
    dyad: Optional[tuple[int, Party, Party]] = None   # the dyad in play: set by a meeting a few sentences back
    code: str = ""
    untargeted: bool = False           # coded as the pattern's act at no one ("fired a missile": a test)
    refused: bool = False              # a negated approval: a rejection, in no mode
    unknown_act: bool = False          # criticises an act we did not code: its actor is not guessed
    basis_extra: float = 0.0           # confidence lost to sides borrowed from around the sentence
    mode: Optional[str] = None
    act_root: str = ""                 # the root before a future code replaces it: may the sides share a country
    date: Optional[str] = None
    date_text: Optional[str] = None
    date_basis: Optional[str] = None
    date_adj: float = 0.0
    place: Optional[dict] = None
    pairs: list[tuple[Party, Optional[Party]]] = field(default_factory=list)
    scored: list[tuple[Party, Optional[Party], float]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    drop: str = ""                     # why the draft is no event

    def end(self, reason: str) -> None:
        self.drop = reason
