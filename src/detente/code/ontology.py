"""The CAMEO table with Goldstein weights, quad classes and the PLOVER crosswalk (data/cameo.csv)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: Optional[str]
    plover_mode: Optional[str]
    plover_context: Optional[str]

    @property
    def root(self) -> str:
        return self.code[:2]


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    with open(DATA / "cameo.csv", newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    table = {}
    for row in csv.DictReader(lines):
        table[row["code"]] = CameoCode(row["code"], row["name"], float(row["goldstein"]), int(row["quad_class"]),
                                       row["plover"] or None, row["plover_mode"] or None, row["plover_context"] or None)
    return table


def cameo(code: str) -> CameoCode:
    return cameo_table()[code]


def specialize(table: dict[str, str], code: str) -> Optional[str]:
    """Look a code up in a {prefix: code} map, most specific prefix first ("0841" before "08")."""
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None
