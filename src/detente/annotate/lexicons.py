"""Load the annotate stage's word lists from data/ (one place, cached)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


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
