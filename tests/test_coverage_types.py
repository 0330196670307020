"""Every CAMEO root (01-20) and every PLOVER type of the crosswalk: the pattern data covers it, and one
wire-style sentence per root (plus one per PLOVER type no root stands for) is coded to it through the real
annotate -> code stages of `detente run` (detente.pipeline.annotate_and_code).

The sentences are written for these tests: real states and leaders, events phrased the way a wire service
would, all read as published on one fixed day.
"""
from __future__ import annotations

from collections import Counter

import pytest

from detente import settings
from detente.code.dictionary import STATEMENT_ROOTS, Dictionary
from detente.code.ontology import cameo_table
from detente.types import Document

PUBLISHED = "2023-03-14"  # a Tuesday
ROOTS = [f"{n:02d}" for n in range(1, 21)]


def crosswalk_types() -> set[str]:
    return {c.plover for c in cameo_table().values() if c.plover}


# (id, sentence, CAMEO root, PLOVER type, source country, target country)
CASES = [
    ("root-01-statement", "China's foreign ministry said on Monday its talks with Japan had been constructive.",
     "01", None, "CHN", "JPN"),
    ("root-02-appeal", "German Foreign Minister Annalena Baerbock appealed to Serbia on Monday to ease tensions "
                       "with Kosovo.",
     "02", None, "DEU", "SRB"),
    ("root-03-intent", "Japan pledged on Monday to provide the Philippines with coastal radar systems.",
     "03", "AGREE", "JPN", "PHL"),
    ("root-04-consult", "Chinese President Xi Jinping met Brazilian President Luiz Inacio Lula da Silva in Beijing "
                        "on Friday.",
     "04", "CONSULT", "CHN", "BRA"),
    ("root-05-diplomatic", "Honduras established diplomatic relations with China on Sunday.",
     "05", "SUPPORT", "HND", "CHN"),
    ("root-06-material", "South Korea and the United States began joint military drills on Monday.",
     "06", "COOPERATE", "KOR", "USA"),
    ("root-07-aid", "Germany sent humanitarian aid to Turkey on Monday after the earthquake.",
     "07", "AID", "DEU", "TUR"),
    ("root-08-yield", "Turkey dropped its objections to Finland's NATO membership on Friday.",
     "08", "CONCEDE", "TUR", "FIN"),
    ("root-09-investigate", "Dutch prosecutors opened an investigation into Russia's role in the downing of "
                            "Malaysia Airlines flight MH17.",
     "09", "ACCUSE", "NLD", "RUS"),
    ("root-10-demand", "Ukraine demanded on Monday that Russia withdraw its troops from the Zaporizhzhia nuclear "
                       "plant.",
     "10", "REQUEST", "UKR", "RUS"),
    ("root-11-disapprove", "South Korea's foreign ministry condemned North Korea's missile launch on Monday.",
     "11", "ACCUSE", "KOR", "PRK"),
    ("root-12-reject", "Hungary rejected Ukraine's request for weapons on Monday.",
     "12", "REJECT", "HUN", "UKR"),
    ("root-13-threaten", "Russia threatened on Monday to retaliate against Finland if it joined NATO.",
     "13", "THREATEN", "RUS", "FIN"),
    ("root-14-protest", "Thousands of Armenians demonstrated against Azerbaijan in Yerevan on Monday.",
     "14", "PROTEST", "ARM", "AZE"),
    ("root-15-force-posture", "China deployed warships near Taiwan on Monday.",
     "15", "MOBILIZE", "CHN", "TWN"),
    ("root-16-reduce-relations", "Nicaragua broke off diplomatic relations with Taiwan on Thursday.",
     "16", "SANCTION", "NIC", "TWN"),
    ("root-17-coerce", "Iran seized a Greek oil tanker in the Gulf on Friday.",
     "17", "COERCE", "IRN", "GRC"),
    ("root-18-assault", "Israel assassinated an Iranian nuclear scientist near Tehran on Friday.",
     "18", "ASSAULT", "ISR", "IRN"),
    ("root-19-fight", "Azerbaijani troops attacked Armenian positions on Tuesday.",
     "19", "ASSAULT", "AZE", "ARM"),
    ("root-20-mass-violence", "Iraqi forces used chemical weapons against Iranian troops in 1988.",
     "20", "ASSAULT", "IRQ", "IRN"),
    # PLOVER types that no root maps to as a whole (RETREAT is 0813/0814 and 084-087 inside root 08)
    ("plover-retreat", "Iran released two French nationals on Friday.",
     "08", "RETREAT", "IRN", "FRA"),
    # a domestic attack: root 20 is one of the coder's DOMESTIC_ROOTS, yet both sides resolve to the actor id SYR
    ("root-20-domestic", "Syrian government forces used chemical weapons against civilians in eastern Ghouta, the "
                         "inspectors said.",
     "20", "ASSAULT", "SYR", "SYR"),
]


# Normal sentences the coder does not code yet: {case id: what goes wrong}.
EXPECTED_FAILURES: dict[str, str] = {}

PARAMS = [pytest.param(*c, id=c[0], marks=[pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[c[0]])]
                       if c[0] in EXPECTED_FAILURES else []) for c in CASES]


def side(actor) -> str | None:
    """The side an actor stands for, as the coder compares parties: its state, else its organisation or id."""
    return actor and (actor.country or actor.org or actor.actor_id)


@pytest.fixture(scope="module")
def coded() -> dict[str, list]:
    """Events per case id: all sentences in one batch through the annotate + code stages of a run."""
    from detente.pipeline import annotate_and_code
    docs = [Document(doc_id=case_id, source="test", text=text, published=PUBLISHED) for case_id, text, *_ in CASES]
    events: dict[str, list] = {d.doc_id: [] for d in docs}
    for _mentions, _quotes, chunk_events, _stats in annotate_and_code(docs, workers=1):
        for e in chunk_events:
            events[e.doc_id].append(e)
    return events


# -- the pattern data ------------------------------------------------------------------------------------------

def test_coder_loads_both_pattern_sources():
    assert set(settings.PATTERN_SOURCES) == {"detente", "petrarch"}
    assert {p.origin for p in Dictionary.load().patterns} == {"detente", "petrarch"}


# PETRARCH2 codes every "said" as a statement (010); its 01 and 02 rows are loaded as `---` senses (no event),
# since PLOVER has no type for statements and appeals (dictionary.petrarch_patterns). Detente's own patterns
# carry those two roots.
EXEMPT_ROOTS = {"detente": frozenset(), "petrarch": STATEMENT_ROOTS}


@pytest.mark.parametrize("origin", ["detente", "petrarch"])
def test_every_cameo_root_has_patterns(origin):
    """The dictionary the coder loads (Coder() uses Dictionary.load()) has, from each source, an event pattern
    for every root 01-20 (`---` senses code no event and do not count)."""
    table = cameo_table()
    per_root = Counter(p.root for p in Dictionary.load().patterns if p.origin == origin and p.cameo in table)
    missing = {r for r in ROOTS if per_root[r] == 0}
    assert missing <= EXEMPT_ROOTS[origin], \
        f"{origin} patterns: no pattern for roots {sorted(missing)} ({dict(sorted(per_root.items()))})"


def test_every_cameo_root_has_patterns_from_either_source():
    per_root = Counter(p.root for p in Dictionary.load().patterns if p.cameo in cameo_table())
    assert all(per_root[r] for r in ROOTS), dict(sorted(per_root.items()))


def test_every_plover_type_has_patterns():
    table = cameo_table()
    types = crosswalk_types()
    assert len(types) == 16, sorted(types)
    per_type = Counter(table[p.cameo].plover for p in Dictionary.load().patterns if p.cameo in table)
    missing = sorted(t for t in types if per_type[t] == 0)
    assert not missing, f"no pattern codes to {missing}"


def test_cases_cover_every_root_and_every_plover_type():
    """The sentence cases below stand for every root and every PLOVER type (not counting the expected failure)."""
    passing = [c for c in CASES if c[0] not in EXPECTED_FAILURES]
    assert {root for _, _, root, *_ in passing} == set(ROOTS)
    assert {plover for _, _, _, plover, *_ in passing if plover} == crosswalk_types()
    for case_id, _, root, plover, *_ in passing:  # each case's type is its root's, but for RETREAT inside 08
        assert cameo_table()[root].plover == plover or (root, plover) == ("08", "RETREAT"), case_id


# -- one sentence per root and per PLOVER type, coded ------------------------------------------------------------

@pytest.mark.parametrize("case_id, sentence, root, plover, source, target", PARAMS)
def test_sentence_is_coded(coded, case_id, sentence, root, plover, source, target):
    events = coded[case_id]

    def fits(e) -> bool:
        if e.cameo[:2] != root or e.plover != plover:
            return False
        pair = (side(e.source), side(e.target))
        return pair == (source, target) or (e.symmetric and pair == (target, source))

    produced = [(e.cameo, e.plover, side(e.source), side(e.target), e.trigger) for e in events]
    assert any(fits(e) for e in events), \
        f"{sentence!r}: want root {root} {plover} {source}->{target}, coded {produced}"
