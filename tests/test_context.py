"""PLOVER context of an event (code/context.py): the crosswalk's for its CAMEO code, then its sentence's cue words."""
import pytest

from detente import lexicon
from detente.code.context import event_contexts
from detente.code.ontology import cameo, cameo_table
from detente.types import PLOVER_CONTEXTS


@pytest.fixture(scope="module")
def nlp():
    from detente.annotate.nlp import light
    return light()


def contexts(nlp, code, sentence):
    return event_contexts(cameo(code).plover_context, nlp(sentence))


def test_a_meeting_about_trade_is_diplomatic_and_economic(nlp):
    s = "The two foreign ministers agreed to meet in Hanoi next month to discuss cutting tariffs on rice and steel."
    assert contexts(nlp, "036", s) == ("diplomatic", "economic")


def test_a_chemical_attack_is_military_and_cbrn(nlp):
    s = "Government troops shelled the northern town with chemical weapons on Sunday, a monitoring group said."
    assert contexts(nlp, "190", s) == ("military", "cbrn")


def test_a_court_ruling_is_legal_and_says_what_the_case_was_about(nlp):
    s = "A court in Lagos found the former governor guilty of embezzling state funds and bribing a tax official."
    assert contexts(nlp, "116", s) == ("legal", "corruption")


def test_a_crackdown_on_protesters_is_repression(nlp):
    s = "Riot police cracked down on students in the capital, firing tear gas at the crowd outside parliament."
    assert contexts(nlp, "1724", s) == ("proautocracy", "legislative", "repression")


def test_hyphens_and_possessives_do_not_split_a_cue(nlp):
    s = "The ambassador blamed state-backed hackers for the cyber-attack on the ministry's election servers."
    assert contexts(nlp, "112", s) == ("cyber", "diplomatic", "election")
    assert "gender" in event_contexts(None, nlp("Activists marched for women's rights in Santiago."))


def test_the_longest_cue_wins(nlp):
    # "nuclear power plant" is technology (the manual keeps nuclear energy out of cbrn), "tear gas" no natural gas,
    # "far-right group" no rights group, "hacked to death" no hacking
    assert event_contexts(None, nlp("Engineers inspected the nuclear power plant after the strike.")) == ("technology",)
    assert event_contexts(None, nlp("Iran rejected any limits on its nuclear program.")) == ("cbrn",)
    assert "natural_resource" not in event_contexts(None, nlp("Police fired tear gas at the marchers."))
    assert "human_rights" not in event_contexts(None, nlp("The minister banned a far-right group on Friday."))
    assert event_contexts(None, nlp("The farmer was hacked to death by a gang near the village.")) == ("crime",)


def test_the_crosswalk_comes_first_then_the_sentence_sorted_each_once():
    assert event_contexts("military;legal", ["army", "commit", "war", "crime", "near", "the", "border"]) == \
        ("military", "legal", "human_rights", "territory")
    assert event_contexts("diplomatic", ["the", "ambassador", "meet", "the", "envoy"]) == ("diplomatic",)
    assert event_contexts(None, ["refugee", "seek", "asylum", "after", "the", "earthquake"]) == \
        ("asylum", "disasters", "migration")
    assert event_contexts("economic", None) == ("economic",)
    assert event_contexts(None, []) == ()


def test_a_plain_sentence_adds_nothing(nlp):
    assert contexts(nlp, "042", "The president of Kenya visited Ethiopia on Thursday.") == ()
    # words with another sense in news copy are no cues: "traded accusations", the "political climate"
    assert event_contexts(None, nlp("Both sides traded accusations as the political climate soured.")) == ()


def test_every_crosswalk_context_is_a_context():
    known = set(PLOVER_CONTEXTS) | {"humanitarian"}  # the crosswalk's context for humanitarian aid (build_ontology)
    used = {c for code in cameo_table().values() if code.plover_context for c in code.plover_context.split(";")}
    assert used - known == set()
    assert {"proautocracy", "prodemocracy"} <= used and not used & {"pro_autocracy", "democracy"}
    assert cameo("175").plover_mode is None and cameo("175").plover_context == "proautocracy;military"
    assert cameo("1382").plover_mode == "territory"  # a THREATEN mode that shares a context's name stays a mode


def test_every_cue_names_manual_contexts_and_every_context_has_cues():
    rows = lexicon.table("context_cues")
    named = {c for r in rows if r["context"] != "-" for c in r["context"].split("|")}
    assert named - set(PLOVER_CONTEXTS) == set()
    assert set(PLOVER_CONTEXTS) - named == set()
    assert all(r["cue"] == r["cue"].lower() for r in rows)
