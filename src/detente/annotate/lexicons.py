"""Load the annotate stage's word lists from data/ (one place, cached)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional


def _rows(name: str) -> list[list[str]]:
    text = resources.files("detente.annotate").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class RoleNoun:
    phrase: tuple[str, ...]     # lower-case words
    keywords: tuple[str, ...]   # matched in Actor.role; ("*",) = any role
    sectors: tuple[str, ...]

    def fits(self, actor) -> bool:
        if actor.kind != "person":
            return False
        role = (actor.role or "").lower()
        if actor.sector and actor.sector in self.sectors:
            return True
        if "*" in self.keywords:
            return bool(role) or bool(actor.sector)
        return any(k in role for k in self.keywords)


@lru_cache(maxsize=1)
def reporting_cues() -> dict[tuple[str, ...], str]:
    return {tuple(r[0].split()): r[1].strip() for r in _rows("reporting_verbs.tsv")}


@lru_cache(maxsize=1)
def pronouns() -> dict[str, tuple[str, str]]:
    return {r[0].strip(): (r[1].strip(), r[2].strip()) for r in _rows("pronouns.tsv")}


@lru_cache(maxsize=1)
def role_nouns() -> tuple[RoleNoun, ...]:
    out = []
    for r in _rows("role_nouns.tsv"):
        sectors = () if r[2].strip() == "-" else tuple(r[2].strip().split("|"))
        out.append(RoleNoun(tuple(r[0].split()), tuple(r[1].strip().split("|")), sectors))
    return tuple(sorted(out, key=lambda n: -len(n.phrase)))  # longest phrase first


@lru_cache(maxsize=1)
def description_modifiers() -> frozenset[str]:
    return frozenset(r[0].strip() for r in _rows("description_modifiers.txt"))


@lru_cache(maxsize=1)
def metonym_nouns() -> frozenset[str]:
    return frozenset(r[0].strip() for r in _rows("metonym_nouns.txt"))


@lru_cache(maxsize=1)
def institution_keys() -> dict[str, str]:
    return {r[0].strip(): r[1].strip() for r in _rows("institutions.tsv")}


@lru_cache(maxsize=1)
def group_nouns() -> dict[str, str]:
    """noun -> sector: "forces" -> MIL, "diplomat" -> DIP (group_nouns.tsv)."""
    return {r[0].strip(): r[1].strip() for r in _rows("group_nouns.tsv")}


@lru_cache(maxsize=1)
def count_group_nouns() -> frozenset[str]:
    """Group nouns naming one member ("diplomat"): only their plural is a group."""
    return frozenset(r[0].strip() for r in _rows("group_nouns.tsv") if len(r) > 2 and r[2].strip() == "count")


@lru_cache(maxsize=1)
def group_modifiers() -> frozenset[str]:
    return frozenset(r[0].strip() for r in _rows("group_modifiers.txt"))


@dataclass(frozen=True)
class Anaphor:
    noun: str
    ids: frozenset           # actor ids the noun may refer back to
    by_name: bool            # also any organisation whose canonical name contains the noun
    sector: Optional[str]    # also any organisation of this sector

    def fits(self, actor) -> bool:
        if actor.kind == "person":
            return False
        if actor.actor_id in self.ids:
            return True
        if self.sector and actor.sector == self.sector and actor.kind == "org":
            return True
        return self.by_name and actor.kind == "org" and self.noun in actor.name.lower().replace("-", " ").split()


@lru_cache(maxsize=1)
def anaphors() -> dict[str, Anaphor]:
    out = {}
    for r in _rows("anaphors.tsv"):
        ids = frozenset() if r[1].strip() == "-" else frozenset(r[1].strip().split("|"))
        how = r[2].strip() if len(r) > 2 else "-"
        sector = how.split("=", 1)[1] if how.startswith("sector=") else None
        out[r[0].strip()] = Anaphor(r[0].strip(), ids, how == "name", sector)
    return out


@lru_cache(maxsize=1)
def place_words() -> dict[str, str]:
    """word -> "prep" | "motion" (place_prepositions.tsv)."""
    return {r[0].strip(): r[1].strip() for r in _rows("place_prepositions.tsv")}


@dataclass(frozen=True)
class CrowdNoun:
    words: tuple[str, ...]        # "security forces" -> ("security", "forces")
    sector: str
    modifiers: frozenset          # words that may precede it inside the mention


@lru_cache(maxsize=1)
def crowd_nouns() -> tuple[CrowdNoun, ...]:
    """Crowds and unnamed groups that take the state of their place (crowd_nouns.tsv), longest first."""
    out = []
    for r in _rows("crowd_nouns.tsv"):
        mods = frozenset() if len(r) < 3 or r[2].strip() == "-" else frozenset(r[2].strip().split("|"))
        out.append(CrowdNoun(tuple(r[0].strip().split()), r[1].strip(), mods))
    return tuple(sorted(out, key=lambda c: -len(c.words)))


@lru_cache(maxsize=None)
def crowd_nouns_by_first_word() -> dict[str, tuple[CrowdNoun, ...]]:
    """The crowd nouns indexed by their first word, longest first, so a token needs one look-up."""
    index: dict[str, list[CrowdNoun]] = {}
    for c in crowd_nouns():
        index.setdefault(c.words[0], []).append(c)
    return {word: tuple(entries) for word, entries in index.items()}
