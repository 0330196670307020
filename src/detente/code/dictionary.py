"""The pattern dictionary and the word lists around it: one loader for the coder's lexicon.

- data/patterns.csv: Detente's own verb, noun and adjective patterns;
- data/petrarch_verbs.csv, data/petrarch_synsets.csv: PETRARCH2's verb dictionary (MIT), converted by
  build_verbs.py; its patterns are tried after Detente's own for the same word;
- data/frames.json, data/demonyms.csv: code maps and root lists;
- the word lists (reporting verbs, negators, support verbs, ...) in the shared lexicon (detente/lexicon/data),
  one file per name in WORD_LISTS, read as `Dictionary.words[name]`.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

from detente import lexicon, settings

from .ontology import cameo_table, specialize

DATA = Path(__file__).parent / "data"

# The coder's word lists in the lexicon, by name: `Dictionary.words["support_verbs"]`. frames.json keeps the code
# maps and the CAMEO root lists (context_target_roots, later_context_roots), which also land in `words`.
WORD_LISTS = ("reporting", "mediation_verbs", "speculation", "object_control", "future_words", "hypothetical_marks", "hypothetical_modals",
              "negators", "support_verbs", "occur_verbs", "relational_nouns", "pair_nouns", "bare_intent",
              "member_nouns", "appraisal_verbs", "meeting_nouns", "motion_verbs", "act_nouns", "approval_verbs",
              "culprit_nouns", "retribution_words", "policy_act_nouns", "leave_verbs", "causative_verbs", "kind_nouns",
              "hedge_words", "attack_instruments", "statement_nouns", "demand_nouns", "claim_nouns", "habit_words",
              "impression_words", "measure_nouns")

# Roles tried when a row leaves source/target empty: a verb's actor is its subject; a noun's actors sit in
# its possessive, its modifiers ("Russian-US summit"), "between X and Y", "by X", or the governing subject.
DEFAULT_SOURCE = {"VERB": ("subj",), "NOUN": ("poss", "compound", "between", "by", "subj"), "ADJ": ("speaker",),
                  "AUX": ("speaker",)}


@dataclass(frozen=True)
class Pattern:
    trigger: str
    pos: str
    needs: frozenset
    cameo: str
    source: tuple
    target: tuple
    symmetric: bool
    needs_target: bool
    future: Optional[str]
    frame: Optional[str]
    example: str
    untargeted: Optional[str] = None  # the code when no target is found (a missile fired at no one: a test, 150)
    origin: str = "detente"           # detente | petrarch
    slots: Optional["Slots"] = None   # a PETRARCH pattern's argument constraints

    @property
    def root(self) -> str:
        return self.cameo[:2]

    @property
    def specificity(self) -> int:
        # own patterns: one that needs a word before one that does not, else in file order (the table is ordered)
        return self.slots.specificity if self.slots is not None else int(bool(self.needs))


# A phrase is a tuple of word alternatives, head last: ("arms", "shipment"), or a synset's members at one place.
Phrase = tuple  # tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Slots:
    """Where a PETRARCH pattern's words must sit around its verb on the dependency parse."""
    particle: str = ""
    before: Phrase = ()        # words in the verb's subject
    object: Phrase = ()        # the direct object (a passive's subject), head last
    prep: str = ""
    prep_object: Phrase = ()   # the object of `prep`, on the verb or on its object
    blocks: bool = False       # a `---` pattern: this sense is not an event
    # how much of the parse the pattern pins down; kept, as the matcher asks for every pattern of every verb
    specificity: int = field(init=False, compare=False, repr=False)
    # the words the sentence must hold for the pattern to fit: (alternatives, stems among them) per word
    words: tuple = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "specificity", bool(self.particle) + len(self.before) + 2 * len(self.object)
                           + bool(self.prep) + len(self.prep_object))
        alternatives = [frozenset((self.particle,))] * bool(self.particle) + [frozenset((self.prep,))] * bool(self.prep)
        alternatives += [w for phrase in (self.before, self.object, self.prep_object) for w in phrase]
        object.__setattr__(self, "words", tuple(required(w) for w in alternatives))


@lru_cache(maxsize=None)  # the same synsets recur over thousands of patterns
def required(alternatives: frozenset) -> tuple[frozenset, frozenset]:
    """A word a pattern needs, as (its alternatives, those of five letters or more, which PETRARCH also writes as
    stems that begin a word: see match._word_fits)."""
    return alternatives, frozenset(w for w in alternatives if len(w) >= 5)


def _rows(path: Path):
    """Rows by column name; plain csv.reader and zip, as csv.DictReader's per-row work shows on the PETRARCH2 verb
    table (49,000 rows)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(line for line in f if not line.startswith("#"))
        header = next(reader)
        for row in reader:
            yield dict(zip(header, row))


class Dictionary:
    def __init__(self, patterns: list[Pattern], frames: dict, demonyms: dict[str, str]):
        self.patterns = patterns
        self.frames = frames
        self.demonyms = demonyms
        self.by_lemma: dict[str, list[Pattern]] = {}
        for p in patterns:
            self.by_lemma.setdefault(p.trigger, []).append(p)
        # per word: own patterns first, then the most specific PETRARCH pattern first
        for options in self.by_lemma.values():
            options.sort(key=lambda p: (p.origin != "detente", -p.specificity))
        self.words = {name: lexicon.words(name) for name in WORD_LISTS}
        self.words.update((k, frozenset(v)) for k, v in frames.items() if isinstance(v, list))

    @cached_property
    def triggers(self) -> frozenset:
        return frozenset(self.by_lemma)

    @cached_property
    def demonym_words(self) -> frozenset:
        return frozenset(self.demonyms)

    def lookup(self, lemma: str, pos: str) -> list[Pattern]:
        if pos in ("PROPN",):
            pos = "NOUN"
        return [p for p in self.by_lemma.get(lemma, ()) if p.pos == pos]

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Dictionary":
        patterns = []
        for r in _rows(DATA / "patterns.csv"):
            pos = r["pos"].strip()
            split = lambda s: tuple(x.strip() for x in (s or "").split(";") if x.strip())
            patterns.append(Pattern(
                trigger=r["trigger"].strip().lower(), pos=pos,
                needs=frozenset(x for x in (r["needs"] or "").split("|") if x),
                cameo=r["cameo"].strip(),
                source=split(r["source"]) or DEFAULT_SOURCE[pos],
                target=split(r["target"]),
                symmetric=r["symmetric"].strip() == "1",
                needs_target=r["needs_target"].strip() != "0",
                future=(r["future"] or "").strip() or None,
                frame=(r["frame"] or "").strip() or None,
                example=r.get("example") or "",
                untargeted=(r.get("untargeted") or "").strip() or None))
        frames = json.loads((DATA / "frames.json").read_text(encoding="utf-8"))
        if "petrarch" in settings.PATTERN_SOURCES:
            patterns.extend(petrarch_patterns(frames["intent_code"], frozenset(cameo_table())))
        demonyms = {r["word"].strip().lower(): r["country"].strip() for r in _rows(DATA / "demonyms.csv") if r["country"]}
        return cls(patterns, frames, demonyms)


# Roots whose acts stand without a target: a protest, a show of force, an attack on no one named.
UNTARGETED_ROOTS = frozenset({"14", "15"})
# Announced acts coded as the intent to do them (033 for aid to come, as PLOVER codes it AGREE): for diplomatic and
# material cooperation, where the intent codes are as specific as the act; a meeting or an attack to come is
# left to the coder's own frames.
INTENT_ROOTS = frozenset({"05", "06", "07", "08"})
STATEMENT_ROOTS = frozenset({"01", "02"})
# Where a PETRARCH pattern's target is looked for when the pattern does not mark it: the object, then the
# prepositions that name whom an act is aimed at.
PETRARCH_TARGETS = ("obj", "against", "on", "to", "with", "at", "into", "from", "for", "upon")


def _synsets() -> dict[str, frozenset]:
    members: dict[str, set] = {}
    for r in _rows(DATA / "petrarch_synsets.csv"):
        members.setdefault(r["synset"].strip(), set()).add(r["member"].strip().split()[-1])
    return {k: frozenset(v) for k, v in members.items()}


def _phrase(text: str, synsets: dict[str, frozenset]) -> Phrase:
    words = []
    for w in (text or "").replace("_", " ").split():
        if w.startswith("&"):
            words.append(synsets.get(w, frozenset()))
        elif w not in ("*", "$", "+", "%", "^"):
            words.append(frozenset({w.strip("$+%^")}))
    return tuple(x for x in words if x)


def petrarch_patterns(intent_code: dict[str, str], known: frozenset) -> list[Pattern]:
    """PETRARCH2's verb patterns as Patterns whose arguments are checked by `Slots` (see match.fits).

    Rows with further phrases (`more`) are left out: their extra words cannot be placed on a parse with
    confidence, and a pattern read without them would be looser than its authors meant. An act only
    announced ("will provide aid") takes the intent code of its kind (033), as PLOVER codes it AGREE."""
    path = DATA / "petrarch_verbs.csv"
    if not path.exists():
        return []
    synsets = _synsets()
    phrases: dict[str, Phrase] = {}

    def phrase(text: str) -> Phrase:
        # the same few thousand phrases recur over 49,000 rows: read each once
        if text not in phrases:
            phrases[text] = _phrase(text, synsets)
        return phrases[text]

    overrides = {(o["verb"].strip(), o["object"].strip(), o["prep"].strip()): o
                 for o in _rows(DATA / "petrarch_overrides.csv")}
    out = []
    for r in _rows(path):
        code = (r["cameo"] or "").strip()
        override = overrides.get((r["verb"].strip(), (r["object"] or "").strip(), (r["prep"] or "").strip()))
        if override is not None and override["action"].strip() == "block":
            code = "---"
        if override is not None and override["action"].strip() == "drop":
            continue  # this reading is wrong, the verb's other patterns stand
        if not code or (code != "---" and not code.isdigit()) or (r.get("more") or "").strip():
            continue
        if code != "---" and code not in known:
            # codes the codebook lacks: PETRARCH's 1952 (drone strike) is 195, its 176 (hacking) the root's 170
            code = next((c for c in [code[:n] for n in range(len(code) - 1, 2, -1)] + [code[:2] + "0"] if c in known), "---")
        if code[:2] in STATEMENT_ROOTS:
            # PETRARCH codes every "said" as a statement (010); PLOVER has no type for statements and appeals
            code = "---"
        slots = Slots(particle=(r["particle"] or "").strip(), before=phrase(r["before"]),
                      object=phrase(r["object"]), prep=(r["prep"] or "").strip(),
                      prep_object=phrase(r["prep_object"]), blocks=code == "---")
        target = {"object": ("obj",), "prep_object": ((r["prep"] or "").strip() or "obj",)}.get(
            (r["target_slot"] or "").strip(), PETRARCH_TARGETS)
        if override is not None and override["action"].strip() == "targets":
            target = tuple(t.strip() for t in override["targets"].split(";") if t.strip())
        out.append(Pattern(trigger=r["verb"].strip(), pos="VERB", needs=frozenset(), cameo=code,
                           source=("subj",), target=target, symmetric=False,
                           needs_target=code[:2] not in UNTARGETED_ROOTS,
                           future=specialize(intent_code, code) if code[:2] in INTENT_ROOTS else None, frame=None,
                           example=r["raw"], origin="petrarch", slots=slots))
    return out
