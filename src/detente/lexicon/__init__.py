"""The word lists the stages share: one folder (data/), one format, one loader.

Every list is `data/<name>.tsv` (see data/README.md): `#` lines say what the list is for and where it comes
from, the first other line names the columns (tab separated), and each further line is one entry, a cell per
column. `words(name)` gives the first column as a set; `table(name)` gives the rows as dicts by column name.
Both read a file once. Like `detente.types`, this package imports no stage, so annotate and code may both use it.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["names", "table", "words"]


def _data():
    return resources.files(__name__).joinpath("data")


def names() -> list[str]:
    """Every list in data/, by name (the file name without `.tsv`)."""
    return sorted(p.name[: -len(".tsv")] for p in _data().iterdir() if p.name.endswith(".tsv"))


@lru_cache(maxsize=None)
def _read(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(header, rows) of one list; a row whose cell count differs from the header's is an error."""
    text = _data().joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise ValueError(f"lexicon {name!r}: no header line")
    header = tuple(cell.strip() for cell in lines[0].split("\t"))
    rows = []
    for line in lines[1:]:
        cells = tuple(cell.strip() for cell in line.split("\t"))
        if len(cells) != len(header):
            raise ValueError(f"lexicon {name!r}: {line!r} has {len(cells)} cells, the header {len(header)}")
        rows.append(cells)
    return header, tuple(rows)


@lru_cache(maxsize=None)
def words(name: str) -> frozenset[str]:
    """The first column of a list: `words("first_person")` -> {"we", "us", ...}. Case is kept as written."""
    return frozenset(row[0] for row in _read(name)[1])


def table(name: str) -> list[dict[str, str]]:
    """The rows of a list by column name, in file order: `table("group_nouns")[0]["sector"]` -> "MIL"."""
    header, rows = _read(name)
    return [dict(zip(header, row)) for row in rows]
