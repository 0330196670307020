"""The pattern dictionary (data/patterns.csv) and the word lists around it (data/frames.json, data/demonyms.csv)."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).parent / "data"

# Roles tried when a row leaves source/target empty: a verb's actor is its subject; a noun's actors sit in
# its possessive, its modifiers ("Russian-US summit"), "between X and Y", "by X", or the governing subject.
DEFAULT_SOURCE = {"VERB": ("subj",), "NOUN": ("poss", "compound", "between", "by", "subj"), "ADJ": ("speaker",)}


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

    @property
    def root(self) -> str:
        return self.cameo[:2]


def _rows(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


class Dictionary:
    def __init__(self, patterns: list[Pattern], frames: dict, demonyms: dict[str, str]):
        self.patterns = patterns
        self.frames = frames
        self.demonyms = demonyms
        self.by_lemma: dict[str, list[Pattern]] = {}
        for p in patterns:
            self.by_lemma.setdefault(p.trigger, []).append(p)
        self.words = {k: frozenset(v) for k, v in frames.items() if isinstance(v, list)}

    @property
    def triggers(self) -> frozenset:
        return frozenset(self.by_lemma)

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
        demonyms = {r["word"].strip().lower(): r["country"].strip() for r in _rows(DATA / "demonyms.csv") if r["country"]}
        return cls(patterns, frames, demonyms)
