"""The shared lexicon (src/detente/lexicon): one format, every list read by some code, no list twice, no word twice.

A list is read when some module under src/detente calls the loader on its name (`lexicon.words("first_person")`,
`table("role_nouns")`), or, for the coder's lists, when it is in `dictionary.WORD_LISTS` and some module looks its
name up in `Dictionary.words` (`self.d.words["negators"]`, `self.w["reporting"]`, `words.get("hedge_words", ())`).
"""
from __future__ import annotations

import inspect
import itertools
import json
import re
from pathlib import Path

import pytest

from detente import lexicon
from detente.annotate import lexicons as annotate_lexicons
from detente.code.dictionary import DATA as CODE_DATA, WORD_LISTS, Dictionary

PACKAGE = Path(lexicon.__file__).resolve().parent
DATA = PACKAGE / "data"
SRC = PACKAGE.parent  # src/detente
NAMES = lexicon.names()
HEADER_CELL = re.compile(r"[a-z][a-z_]*")


def _sources(under: Path = SRC) -> dict[Path, str]:
    """Every module that may read a list: all of src/detente but the loader itself."""
    return {p: p.read_text(encoding="utf-8") for p in sorted(under.rglob("*.py")) if PACKAGE not in p.parents}


SOURCES = _sources()


def _loader_call(name: str) -> re.Pattern:
    return re.compile(rf"""\b(?:words|table)\(\s*["']{re.escape(name)}["']""")


def _key_use(name: str) -> re.Pattern:
    return re.compile(rf"""\b(?:words|w)(?:\[|\.get\()\s*["']{re.escape(name)}["']""")


def _readers(name: str) -> list[str]:
    """Where list `name` is read, as "path: how"; empty when nothing reads it."""
    out = [f"{p.relative_to(SRC)}: loader" for p, text in SOURCES.items() if _loader_call(name).search(text)]
    if name in WORD_LISTS:
        out += [f"{p.relative_to(SRC)}: Dictionary.words" for p, text in SOURCES.items() if _key_use(name).search(text)]
    return out


def _raw(name: str) -> str:
    return (DATA / f"{name}.tsv").read_text(encoding="utf-8")


def test_the_usage_scan_sees_uses_and_misses():
    # the scan itself: a list read through the loader, one read through Dictionary.words, and a name nobody reads
    assert _readers("first_person") and _readers("negators") and _readers("role_nouns")
    assert _readers("no_such_list") == []
    assert not _key_use("negators").search('words["negators_extra"]')
    assert _loader_call("first_person").search('FIRST_PERSON = lexicon.words("first_person")')


def test_there_are_lists():
    assert len(NAMES) >= 40 and "first_person" in NAMES and "reporting_verbs" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_list_is_read_by_some_code(name):
    assert _readers(name), (f"lexicon list {name!r} is read by no code: no lexicon.words/table({name!r}) call, and no "
                            f"Dictionary.words[{name!r}] use with {name!r} in WORD_LISTS. Use it or delete data/{name}.tsv.")


def test_every_coder_list_is_a_lexicon_file():
    assert sorted(set(WORD_LISTS) - set(NAMES)) == []
    assert len(WORD_LISTS) == len(set(WORD_LISTS))


def test_every_word_list_the_coder_looks_up_exists():
    # a misspelt key in `words.get("...", ())` would silently read nothing
    known = set(Dictionary.load().words)
    looked_up = {(m.group(1), p.relative_to(SRC).as_posix())
                 for p, text in _sources(SRC / "code").items()
                 for m in re.finditer(r"""\b(?:words|w)(?:\[|\.get\()\s*["']([a-z_]+)["']""", text)}
    assert sorted(x for x in looked_up if x[0] not in known) == []


def test_every_annotate_reader_is_called():
    # a reader nobody calls would make its list look used
    readers = {n: f for n, f in inspect.getmembers(annotate_lexicons, inspect.isfunction)
               if f.__module__ == annotate_lexicons.__name__ and not n.startswith("_")}
    outside = "\n".join(t for p, t in SOURCES.items() if p.name != "lexicons.py")
    used = {n for n in readers if re.search(rf"\b{n}\(", outside)}
    while True:  # readers called by used readers (crowd_nouns_by_first_word calls crowd_nouns)
        more = {n for n in readers if n not in used and any(re.search(rf"\b{n}\(", inspect.getsource(readers[u]))
                                                             for u in used)}
        if not more:
            break
        used |= more
    assert sorted(set(readers) - used) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_word_twice_in_a_list(name):
    keys = [line.split("\t")[0] for line in _raw(name).splitlines() if not line.startswith("#")][1:]  # not the header
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


def test_no_two_lists_are_the_same():
    same = [(a, b) for a, b in itertools.combinations(NAMES, 2) if lexicon.words(a) == lexicon.words(b)]
    assert same == []


@pytest.mark.parametrize("name", NAMES)
def test_every_file_has_the_one_format(name):
    text = _raw(name)
    assert text.endswith("\n") and "\r" not in text, "LF line ends, a newline at the end"
    lines = text.splitlines()
    assert all(line.strip() for line in lines), "no blank lines"
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    comments = " ".join(line.lstrip("# ") for line in lines[:first])
    assert first >= 1 and lines[0].startswith("# "), "comment lines first: what the list is for and why"
    assert "Used by:" in comments and "Columns:" in comments, "the comments say who reads the list and its columns"
    header = lines[first].split("\t")
    assert all(HEADER_CELL.fullmatch(c) for c in header) and len(set(header)) == len(header), \
        f"a header line of column names (snake_case), got {header}"
    rows = [line for line in lines[first + 1:] if not line.startswith("#")]
    assert rows, "at least one entry"
    for line in rows:
        cells = line.split("\t")
        assert len(cells) == len(header), f"{line!r}: {len(cells)} cells, the header has {len(header)}"
        assert all(c and c == c.strip() for c in cells), f"{line!r}: an empty cell or spaces around a cell"
    assert lexicon.table(name)[0] == dict(zip(header, rows[0].split("\t")))


def test_data_holds_only_lists_and_their_readme():
    assert sorted(p.name for p in DATA.iterdir() if p.suffix != ".tsv") == ["README.md"]


def test_the_readme_names_every_list():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert [n for n in NAMES if f"`{n}`" not in readme] == []
    assert sorted(set(re.findall(r"^\| `([a-z_]+)` \|", readme, re.M)) - set(NAMES)) == []


def test_frames_json_keeps_no_word_lists():
    # the coder's word lists live in the lexicon; frames.json keeps code maps and CAMEO root lists
    frames = json.loads((CODE_DATA / "frames.json").read_text(encoding="utf-8"))
    lists = {k: v for k, v in frames.items() if isinstance(v, list)}
    assert {k: v for k, v in lists.items() if not all(re.fullmatch(r"\d{2,4}", x) for x in v)} == {}


def test_loader_rejects_a_ragged_row(tmp_path, monkeypatch):
    (tmp_path / "ragged.tsv").write_text("# a list\nword\tsector\nforces\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "_data", lambda: tmp_path)
    lexicon._read.cache_clear()
    try:
        with pytest.raises(ValueError, match="ragged"):
            lexicon.table("ragged")
    finally:
        lexicon._read.cache_clear()
