"""The annotate stage's readings of its word lists, which live in the shared lexicon (detente/lexicon/data)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from detente.lexicon import table, words


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
    return {tuple(r["cue"].split()): r["kind"] for r in table("reporting_verbs")}


@lru_cache(maxsize=1)
def pronouns() -> dict[str, tuple[str, str]]:
    return {r["pronoun"]: (r["gender"], r["refers_to"]) for r in table("pronouns")}


@lru_cache(maxsize=1)
def role_nouns() -> tuple[RoleNoun, ...]:
    out = []
    for r in table("role_nouns"):
        sectors = () if r["sectors"] == "-" else tuple(r["sectors"].split("|"))
        out.append(RoleNoun(tuple(r["phrase"].split()), tuple(r["keywords"].split("|")), sectors))
    return tuple(sorted(out, key=lambda n: -len(n.phrase)))  # longest phrase first


@lru_cache(maxsize=1)
def description_modifiers() -> frozenset[str]:
    return words("description_modifiers")


@lru_cache(maxsize=1)
def metonym_nouns() -> frozenset[str]:
    return words("metonym_nouns")


@lru_cache(maxsize=1)
def institution_keys() -> dict[str, str]:
    return {r["word"]: r["key"] for r in table("institutions")}


@lru_cache(maxsize=1)
def group_nouns() -> dict[str, str]:
    """noun -> sector: "forces" -> MIL, "diplomat" -> DIP (group_nouns.tsv)."""
    return {r["noun"]: r["sector"] for r in table("group_nouns")}


@lru_cache(maxsize=1)
def count_group_nouns() -> frozenset[str]:
    """Group nouns naming one member ("diplomat"): only their plural is a group."""
    return frozenset(r["noun"] for r in table("group_nouns") if r["count"] == "count")


@lru_cache(maxsize=1)
def group_modifiers() -> frozenset[str]:
    return words("group_modifiers")


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
    for r in table("anaphors"):
        ids = frozenset() if r["referents"] == "-" else frozenset(r["referents"].split("|"))
        how = r["also"]
        sector = how.split("=", 1)[1] if how.startswith("sector=") else None
        out[r["noun"]] = Anaphor(r["noun"], ids, how == "name", sector)
    return out


@lru_cache(maxsize=1)
def place_words() -> dict[str, str]:
    """word -> "prep" | "motion" (place_prepositions.tsv)."""
    return {r["word"]: r["kind"] for r in table("place_prepositions")}


@dataclass(frozen=True)
class CrowdNoun:
    words: tuple[str, ...]        # "security forces" -> ("security", "forces")
    sector: str
    modifiers: frozenset          # words that may precede it inside the mention


@lru_cache(maxsize=1)
def crowd_nouns() -> tuple[CrowdNoun, ...]:
    """Crowds and unnamed groups that take the state of their place (crowd_nouns.tsv), longest first."""
    out = []
    for r in table("crowd_nouns"):
        mods = frozenset() if r["modifiers"] == "-" else frozenset(r["modifiers"].split("|"))
        out.append(CrowdNoun(tuple(r["noun"].split()), r["sector"], mods))
    return tuple(sorted(out, key=lambda c: -len(c.words)))


@lru_cache(maxsize=None)
def crowd_nouns_by_first_word() -> dict[str, tuple[CrowdNoun, ...]]:
    """The crowd nouns indexed by their first word, longest first, so a token needs one look-up."""
    index: dict[str, list[CrowdNoun]] = {}
    for c in crowd_nouns():
        index.setdefault(c.words[0], []).append(c)
    return {word: tuple(entries) for word, entries in index.items()}


@lru_cache(maxsize=1)
def lemma_fixes() -> dict[str, str]:
    return {r["form"]: r["lemma"] for r in table("lemma_fixes")}
