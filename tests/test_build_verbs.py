"""The PETRARCH2 verb-dictionary converter, on a small invented excerpt and on the shipped tables."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from detente.code import build_verbs as bv

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DETENTE_SHARED", REPO.parent / "shared"))
REAL_SOURCE = SHARED / "reference" / "petrarch2" / "CAMEO.2.0.txt"

# Invented patterns in PETRARCH's layout (not lines of the real dictionary).
EXCERPT = """\
# A made-up dictionary in PETRARCH2 layout
####### SYNONYM SETS #######

&VEHICLE
+TANK
# a comment inside a synset does not end it
+ARMORED_CAR_
+TANK

&MODAL_
+MIGHT
+COULD

####### VERB PATTERNS #######

---  PARLEY   [040]  ---
PARLEY
CONFABULATE {CONFABS CONFABBED CONFABBING} [041:042]  # a verb's own code
+HASH_THINGS_OUT {+HASHES_THINGS_OUT +HASHED_THINGS_OUT}
+KILLED_OFF {}
DAWDLE [---]
- * (WITH +)                           [042:043]     # PARLEY
- $ * {TRUCE TALKS}                    [046]         # PARLEY
- &VEHICLE * (INTO $) (ACROSS +)       [190]
- * (ABOUT ^)                          [---]
- * PEACE_                             [045]
- * (BEFORE JUDGE)                     [:173]
- DELIVERY (OF &VEHICLE) * +           [077!]
- *_RULES                              [051]
- % &VEHICLE *                         [062:062]
- * (UNDER TREE)            TREE)[043]

---  WANDER   [---]  ---
WANDER;xx 1/1/90
ROAM
- * (TO FRONT)                         [154]
- * (TO FRONT) (FOR PICNIC)            [---]
- * AIMLESSLY                          [---]
- * &UNKNOWN                           [012]

######## TRANSFORMATIONS ##########

~ a (a b PARLEY) SAY = a b 015
~ a (b . PARLEY ) CLAIM = a b 112
~ a (_ b PARLEY) WANT = a b 138
~ a (a b Q) SAY = a b Q
#~ a (a b NOTHING) SAY = a b 999
"""

LICENSE = "The MIT License (MIT)\n\nCopyright (c) 2099 Nobody\n\nPermission text.\n"


def read_table(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.fixture()
def built(tmp_path):
    src = tmp_path / "src" / "CAMEO.test.txt"
    src.parent.mkdir()
    src.write_text(EXCERPT, encoding="utf-8")
    out = tmp_path / "out"
    summary = bv.build(src, out, license_text=LICENSE)
    return summary, out


def rows_of(out: Path) -> list[dict[str, str]]:
    return read_table(out / "petrarch_verbs.csv")


def find(rows, **want):
    hits = [r for r in rows if all(r[k] == v for k, v in want.items())]
    assert hits, want
    return hits


def test_synsets_table(built):
    _, out = built
    rows = read_table(out / "petrarch_synsets.csv")
    assert [(r["synset"], r["member"], r["exact"]) for r in rows] == [
        ("&modal_", "could", "1"), ("&modal_", "might", "1"),  # label ending in _: no plurals, so exact
        ("&vehicle", "armored car", "1"), ("&vehicle", "tank", "0"),  # duplicate TANK kept once
    ]


def test_default_rows_and_verb_codes(built):
    _, out = built
    rows = rows_of(out)
    assert list(rows[0]) == bv.VERB_COLUMNS
    defaults = {(r["verb"], r["particle"]): (r["cameo"], r["alt_cameo"]) for r in rows if not r["raw"]}
    assert defaults == {
        ("parley", ""): ("040", ""),
        ("confabulate", ""): ("041", "042"),
        ("hash", "things out"): ("040", ""),
        ("kill", "off"): ("040", ""),  # inflected head mapped to its lemma
    }  # DAWDLE [---] and the WANDER verbs have no default: no row


def test_patterns_apply_to_every_verb_of_the_block(built):
    _, out = built
    rows = rows_of(out)
    with_prep = find(rows, raw="* (WITH +)")
    assert {r["verb"] for r in with_prep} == {"parley", "confabulate", "hash", "kill", "dawdle"}
    r = with_prep[0]
    assert (r["prep"], r["prep_object"], r["target_slot"], r["cameo"], r["alt_cameo"], r["block"]) == (
        "with", "", "prep_object", "042", "043", "parley")


def test_pattern_columns(built):
    _, out = built
    rows = rows_of(out)
    r = find(rows, verb="parley", raw="$ * {TRUCE TALKS}")[0]
    assert (r["object"], r["source_slot"], r["target_slot"], r["cameo"]) == ("truce talks", "subject", "", "046")
    r = find(rows, verb="parley", raw="&VEHICLE * (INTO $) (ACROSS +)")[0]
    assert (r["before"], r["prep"], r["prep_object"], r["more"]) == ("&vehicle", "into", "", "(across +)")
    assert (r["source_slot"], r["target_slot"]) == ("prep_object", "more")
    r = find(rows, verb="parley", raw="* PEACE_")[0]
    assert (r["object"], r["exact"]) == ("peace", "1")
    r = find(rows, verb="parley", raw="* (BEFORE JUDGE)")[0]
    assert (r["cameo"], r["alt_cameo"], r["prep"], r["prep_object"]) == ("---", "173", "before", "judge")
    r = find(rows, verb="parley", raw="DELIVERY (OF &VEHICLE) * +")[0]
    assert (r["before"], r["target_slot"], r["cameo"]) == ("delivery (of &vehicle)", "object", "077")
    r = find(rows, verb="parley", raw="*_RULES")[0]
    assert r["object"] == "rules"
    r = find(rows, verb="parley", raw="% &VEHICLE *")[0]
    assert (r["source_slot"], r["target_slot"], r["cameo"], r["alt_cameo"]) == ("subject", "subject", "062", "062")
    r = find(rows, verb="parley", raw="* (ABOUT ^)")[0]  # blocks the verb's default code
    assert (r["prep"], r["prep_object"], r["cameo"]) == ("about", "", "---")
    r = find(rows, verb="parley", raw="* (UNDER TREE)")[0]  # repaired editing slip
    assert r["cameo"] == "043"


def test_null_patterns_kept_only_as_blockers(built):
    summary, out = built
    rows = rows_of(out)
    # refines the coded `* (TO FRONT)`, so it is a real blocker
    assert {r["verb"] for r in find(rows, raw="* (TO FRONT) (FOR PICNIC)")} == {"wander", "roam"}
    # nothing to block for verbs without a default: dropped
    assert not [r for r in rows if r["raw"] == "* AIMLESSLY"]
    assert not [r for r in rows if r["raw"] == "* (ABOUT ^)" and r["verb"] == "dawdle"]  # DAWDLE [---]
    assert summary.dropped_blockers == 3
    # a coded pattern with a synset nobody defined is kept, and reported
    assert find(rows, raw="* &UNKNOWN")[0]["object"] == "&unknown"
    assert any("&unknown" in w for w in summary.warnings)
    assert any("[077!]" in w for w in summary.warnings)
    assert any("repaired" in w for w in summary.warnings)


def test_transformations(built):
    _, out = built
    rows = read_table(out / "petrarch_transformations.csv")
    got = {(r["outer_verb"], r["inner_code"], r["relation"], r["result_code"]) for r in rows}
    assert got == {
        ("say", "040", "same_subject", "015"),
        ("claim", "040", "reported_subject", "112"),
        ("want", "040", "infinitive", "138"),
        ("say", "*", "same_subject", "*"),
    }
    assert all(r["raw"].startswith("~") for r in rows)


def test_outputs_carry_the_licence_and_are_deterministic(built, tmp_path):
    summary, out = built
    assert (out / "LICENSE-petrarch2.txt").read_text(encoding="utf-8") == LICENSE
    for name in ("petrarch_verbs.csv", "petrarch_synsets.csv", "petrarch_transformations.csv"):
        text = (out / name).read_text(encoding="utf-8")
        head = [ln for ln in text.splitlines() if ln.startswith("#")]
        assert any("CAMEO.2.0.txt" in ln and "petrarch2" in ln for ln in head)
        assert any("build_verbs.py" in ln for ln in head) and any("Do not edit by hand" in ln for ln in head)
        assert "# Copyright (c) 2099 Nobody" in head and "# The MIT License (MIT)" in head
    again = tmp_path / "again"
    bv.build(tmp_path / "src" / "CAMEO.test.txt", again, license_text=LICENSE)
    for f in out.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes()
    assert summary.pattern_rows + summary.default_rows == len(rows_of(out))


def test_cli_prints_a_summary(tmp_path, capsys):
    src = tmp_path / "CAMEO.test.txt"
    src.write_text(EXCERPT, encoding="utf-8")
    (tmp_path / "LICENSE").write_text(LICENSE, encoding="utf-8")
    assert bv.main(["--source", str(src), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "verb rows:" in printed and "synsets: 2" in printed and "transformations: 4" in printed


def test_malformed_structure_is_an_error():
    with pytest.raises(ValueError, match="outside a synset"):
        bv.parse("####### SYNONYM SETS #######\n+ORPHAN\n")
    with pytest.raises(ValueError, match="before the first verb block"):
        bv.parse("####### VERB PATTERNS #######\n- * THING [010]\n")


# -- the real dictionary -----------------------------------------------------------------------------------------


def test_shipped_tables_are_what_the_converter_makes(tmp_path):
    if not REAL_SOURCE.is_file():
        pytest.skip(f"needs PETRARCH2's CAMEO.2.0.txt at {REAL_SOURCE} (../shared, present in CI, absent in a clone)")
    bv.build(REAL_SOURCE, tmp_path)
    for name in ("petrarch_verbs.csv", "petrarch_synsets.csv", "petrarch_transformations.csv",
                 "LICENSE-petrarch2.txt"):
        assert (tmp_path / name).read_bytes() == (bv.DATA / name).read_bytes(), name


def test_shipped_tables_sanity():
    rows = read_table(bv.DATA / "petrarch_verbs.csv")
    assert list(rows[0]) == bv.VERB_COLUMNS
    patterns = [r for r in rows if r["raw"]]
    assert len({(r["block"], r["raw"], r["cameo"]) for r in patterns}) > 4000  # the source has ~4,700
    roots = {r["cameo"][:2] for r in rows if r["cameo"] != "---"}
    assert roots >= {f"{i:02d}" for i in range(1, 21)}
    for r in rows:
        assert r["cameo"] == "---" or r["cameo"].isdigit() and len(r["cameo"]) in (3, 4), r
        assert r["alt_cameo"] == "" or r["alt_cameo"].isdigit(), r
        assert r["verb"] == r["verb"].lower() and r["verb"], r
        assert r["source_slot"] in ("", "subject", "object", "prep_object", "more"), r
        assert r["exact"] in ("0", "1")
    defaults = {(r["verb"], r["particle"], r["cameo"]) for r in rows if not r["raw"]}
    assert ("call", "off", "160") in defaults and ("beef", "up", "174") in defaults
    synsets = read_table(bv.DATA / "petrarch_synsets.csv")
    assert len({r["synset"] for r in synsets}) >= 40 and {"&military", "&weapon"} <= {r["synset"] for r in synsets}
    transforms = read_table(bv.DATA / "petrarch_transformations.csv")
    assert ("say", "190", "reported_subject", "112") in {
        (r["outer_verb"], r["inner_code"], r["relation"], r["result_code"]) for r in transforms}
    assert "Permission is hereby granted" in (bv.DATA / "LICENSE-petrarch2.txt").read_text(encoding="utf-8")
