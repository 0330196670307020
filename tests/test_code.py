"""The code stage: ontology, pattern dictionary, and events from annotated sentences.

The sentences below are written for these tests (invented names, invented events); the seed pages are only
read through the `seeds` fixture, through the real read -> clean -> annotate chain.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from detente.code import Coder
from detente.code.dictionary import Dictionary
from detente.code.ontology import cameo, cameo_table
from detente.code.places import resolve_place
from detente.types import Actor, Annotation, Document, Mention, Quote, Sentence, TimeExpr

RUS = Actor("RUS", "Russia", "state", "RUS")
USA = Actor("USA", "United States", "state", "USA")
POL = Actor("POL", "Poland", "state", "POL")
JPN = Actor("JPN", "Japan", "state", "JPN")
NATO = Actor("NATO", "NATO", "org", None, "NATO", "IGO")
IVANOV = Actor("ivan-ivanov", "Ivan Ivanov", "person", "RUS", None, "GOV", "Minister of Foreign Affairs")
SMITH = Actor("john-smith", "John Smith", "person", "USA", None, "GOV", "Secretary of State")

# an invented rebel movement of Russia: a side of its own against its state's government
FRONT = Actor("NORTH-FRONT", "Northern Liberation Front", "org", "RUS", None, "REB")

SURFACES = {"Foreign Minister Ivan Ivanov": IVANOV, "Ivanov": IVANOV, "Secretary John Smith": SMITH, "Smith": SMITH,
            "Russia": RUS, "Moscow": RUS, "the United States": USA, "Washington": USA, "Poland": POL,
            "Japan": JPN, "NATO": NATO, "the Northern Liberation Front": FRONT, "WARSAW": POL}


def annotate(lines: list[str], published: str = "2021-06-10", times: dict[str, str] | None = None,
             quotes: list[tuple[str, Actor]] = ()) -> Annotation:
    """One sentence per line; mentions by exact surface (longest first); times as {text: value}."""
    text = "\n".join(lines)
    doc = Document(doc_id="t1", source="test", text=text, published=published)
    sentences, pos = [], 0
    for i, line in enumerate(lines):
        sentences.append(Sentence(i, pos, pos + len(line), line))
        pos += len(line) + 1
    taken, mentions = set(), []
    for surface in sorted(SURFACES, key=len, reverse=True):
        start = text.find(surface)
        while start >= 0:
            span = range(start, start + len(surface))
            if not taken & set(span):
                taken |= set(span)
                sent = next(s.index for s in sentences if s.start <= start < s.end)
                mentions.append(Mention("t1", surface, (start, start + len(surface)), SURFACES[surface], sent, "name"))
            start = text.find(surface, start + 1)
    tx = []
    for t, value in (times or {}).items():
        start = text.find(t)
        tense = "future" if "next" in t else "past"
        tx.append(TimeExpr(t, (start, start + len(t)), value, "explicit" if t[-1].isdigit() else "relative", tense))
    qs = []
    for n, (q, speaker) in enumerate(quotes):
        start = text.find(q)
        qs.append(Quote(f"t1-q{n}", "t1", q, (start, start + len(q)), speaker, "said"))
    return Annotation(doc=doc, sentences=sentences, mentions=sorted(mentions, key=lambda m: m.span),
                      times=sorted(tx, key=lambda t: t.span), quotes=qs)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder()


def only(events, **want):
    hits = [e for e in events if all(getattr(e, k) == v for k, v in want.items())]
    assert hits, f"no event with {want} in {[(e.cameo, e.source.actor_id, e.target and e.target.actor_id, e.aux_mode) for e in events]}"
    return hits[0]


# -- ontology ------------------------------------------------------------------------------------------------

def test_ontology_quad_classes_and_plover():
    t = cameo_table()
    assert len(t) > 300
    assert cameo("036").plover == "AGREE" and cameo("036").quad_class == 1
    assert cameo("013").plover is None and cameo("020").plover is None
    assert cameo("041").plover == "CONSULT" and cameo("041").plover_mode == "phone"
    assert cameo("057").quad_class == 1 and cameo("064").quad_class == 2 and cameo("0841").plover == "RETREAT"
    assert cameo("081").plover == "CONCEDE"
    assert cameo("100").plover == "REQUEST" and cameo("112").plover == "ACCUSE" and cameo("112").quad_class == 3
    assert cameo("154").plover == "MOBILIZE" and cameo("154").quad_class == 4
    assert cameo("161").plover == "SANCTION" and cameo("163").plover == "COERCE"
    assert cameo("190").goldstein == -10


def test_ontology_rebuilds_identically(shared_dir, tmp_path):
    from detente.code.build_ontology import OUT, build
    out = tmp_path / "cameo.csv"
    build(shared_dir / "reference", out)
    assert out.read_text(encoding="utf-8") == OUT.read_text(encoding="utf-8")


def test_every_pattern_codes_to_a_known_cameo_code():
    d = Dictionary.load()
    table = cameo_table()
    for p in d.patterns:
        if p.slots is not None and p.slots.blocks:
            assert p.origin == "petrarch" and p.cameo == "---", p  # a sense that is no event
            continue
        assert p.cameo in table, p
        assert p.future is None or p.future in table, p
    for name in ("intent_code", "request_code", "appeal_code", "reject_code", "threat_code", "accuse_code"):
        assert all(v in table for v in d.frames[name].values()), name
    roots = {p.root for p in d.patterns}
    assert {"01", "02", "03", "04", "05", "08", "10", "11", "12", "13", "15", "16", "17", "19"} <= roots


def test_places_resolve_to_iso3():
    assert resolve_place("Geneva") == {"name": "Geneva", "country": "CHE"}
    assert resolve_place("Reykjavik")["country"] == "ISL"
    assert resolve_place("Ukraine") == {"name": "Ukraine", "country": "UKR"}
    assert resolve_place("Nowhereville Xq") is None


# -- events from constructed annotations -----------------------------------------------------------------------

def test_meeting_at_a_third_place_is_symmetric_consult(coder):
    a = annotate(["Foreign Minister Ivan Ivanov met Secretary John Smith in Vienna on Monday."],
                 times={"on Monday": "2021-06-07"})
    e = only(coder.code(a), plover="CONSULT")
    assert (e.source.actor_id, e.target.actor_id) == ("ivan-ivanov", "john-smith")
    assert e.symmetric and e.cameo == "044" and e.location == {"name": "Vienna", "country": "AUT"}
    assert (e.date, e.date_basis, e.date_text) == ("2021-06-07", "relative", "on Monday")
    assert e.event_id == "t1-e0" and e.span == (0, len(a.doc.text)) and e.quad_class == 1


def test_conjoined_subjects_agreeing_to_launch_dialogue(coder):
    a = annotate(["Russia and the United States agreed to launch a dialogue on cyber security."])
    e = only(coder.code(a), cameo="036")
    assert e.plover == "AGREE" and e.symmetric and {e.source.actor_id, e.target.actor_id} == {"RUS", "USA"}
    assert e.aux_mode is None and e.date == "2021-06-10" and e.date_basis == "publication"


def test_demand_from_two_targets(coder):
    events = coder.code(annotate(["Russia demanded security guarantees from the United States and NATO."]))
    assert {(e.source.actor_id, e.target.actor_id) for e in events if e.plover == "REQUEST"} == {("RUS", "USA"), ("RUS", "NATO")}


def test_passive_expulsion_takes_the_agent_as_source(coder):
    events = coder.code(annotate(["Two Russian diplomats were expelled by Poland."]))
    e = only(events, plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id, e.cameo) == ("POL", "RUS", "161")


def test_reporting_verb_codes_its_content(coder):
    events = coder.code(annotate(["Ivanov said the talks with Washington were constructive."]))
    e = only(events, cameo="013")
    assert (e.source.actor_id, e.target.actor_id) == ("ivan-ivanov", "USA") and e.plover is None
    assert not [x for x in events if x.trigger and x.trigger.lower().startswith("said")]


def test_conditional_threat_in_a_quote(coder):
    line = '"If NATO goes ahead with the deployment, we will oppose it firmly," Ivanov said.'
    a = annotate([line], quotes=[(line[1:line.index(',"') + 1], IVANOV)])
    e = only(coder.code(a), plover="THREATEN")
    assert e.source.actor_id == "RUS" and e.target.actor_id == "NATO" and e.aux_mode == "hypothetical"


def test_planned_talks_are_future_intent(coder):
    a = annotate(["Russia expects to hold talks with Japan next month."], times={"next month": "2021-07"})
    e = only(coder.code(a), cameo="036")
    assert (e.source.actor_id, e.target.actor_id, e.aux_mode) == ("RUS", "JPN", "future")


def test_negated_meeting_is_marked(coder):
    e = only(coder.code(annotate(["Ivanov did not meet Smith."])), plover="CONSULT")
    assert e.aux_mode == "negated"


def test_background_expulsion_is_historical(coder):
    a = annotate(["The crisis, which began in March 2014 when Poland expelled Russian diplomats, goes on."],
                 times={"in March 2014": "2014-03"})
    e = only(coder.code(a), plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id) == ("POL", "RUS")
    assert (e.date, e.aux_mode) == ("2014-03", "historical")


def test_reported_attack_is_an_accusation_not_an_attack(coder):
    line = '"Most of these attacks are carried out from American territory," Ivanov said.'
    a = annotate([line], quotes=[(line[1:line.index(',"') + 1], IVANOV)])
    events = coder.code(a)
    e = only(events, plover="ACCUSE")
    assert e.source.actor_id == "ivan-ivanov" and e.target.actor_id == "USA"
    assert not [x for x in events if x.plover == "ASSAULT"]


def test_troops_deployed_near_a_border(coder):
    e = only(coder.code(annotate(["Russia has deployed 50,000 troops near the Ukrainian border."])), plover="MOBILIZE")
    assert (e.source.actor_id, e.target.actor_id, e.cameo) == ("RUS", "UKR", "154")


def test_feared_attacks_and_actorless_sentences_are_not_events(coder):
    before = coder.stats.sentences_parsed
    events = coder.code(annotate(["Analysts fear an attack by Russia on Poland.",
                                  "The weather in the capital was dangerous and difficult."]))
    assert events == []
    assert coder.stats.sentences_parsed - before == 1  # the actorless sentence is never parsed


def test_code_many_batches_and_counts(coder):
    docs = [annotate(["Russia and Japan held talks in Tokyo."]), annotate(["Nothing happened here."])]
    out = list(coder.code_many(docs))
    assert [len(ev) for _, ev in out] == [1, 0]
    e = out[0][1][0]
    assert e.cameo == "040" and e.location == {"name": "Tokyo", "country": "JPN"}
    assert coder.stats.sentences_seen >= 2


def test_conjoined_subjects_meet_each_other_not_a_their_antecedent(coder):
    a = annotate(["Foreign Minister Ivan Ivanov and Secretary John Smith met in Vienna on Monday at a NATO forum, "
                  "their first talks in a year."], times={"on Monday": "2021-06-07"})
    events = [e for e in coder.code(a) if e.plover == "CONSULT"]
    assert len(events) == 1 and {events[0].source.actor_id, events[0].target.actor_id} == {"ivan-ivanov", "john-smith"}


def test_conjoined_sides_and_conjoined_partners_give_every_pair(coder):
    events = coder.code(annotate(["Russia and Japan signed agreements with Poland and NATO in Vienna."]))
    pairs = {frozenset((e.source.actor_id, e.target.actor_id)) for e in events if e.plover == "SUPPORT"}
    assert pairs == {frozenset(p) for p in (("RUS", "POL"), ("RUS", "NATO"), ("JPN", "POL"), ("JPN", "NATO"))}


def test_calling_a_decision_irresponsible_is_criticism(coder):
    e = only(coder.code(annotate(["Secretary John Smith called Russia's decision irresponsible."])), plover="ACCUSE")
    assert (e.source.actor_id, e.target.actor_id, e.cameo) == ("john-smith", "RUS", "111")


def test_ordering_diplomats_to_leave_is_an_expulsion(coder):
    e = only(coder.code(annotate(["Poland ordered twelve Russian diplomats to leave the country."])), plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id, e.cameo) == ("POL", "RUS", "161")


def test_announced_decision_to_expel_is_the_act(coder):
    e = only(coder.code(annotate(["Poland decided to expel three Russian diplomats."])), plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id, e.cameo, e.aux_mode) == ("POL", "RUS", "161", None)


def test_striking_a_city_is_an_attack_but_striking_a_tone_is_not(coder):
    e = only(coder.code(annotate(["Russia struck the Ukrainian city of Kharkiv with missiles."])), plover="ASSAULT")
    assert (e.source.actor_id, e.target.actor_id) == ("RUS", "UKR")
    assert not [x for x in coder.code(annotate(["Ivanov struck a conciliatory tone with Japan."])) if x.plover == "ASSAULT"]


def test_treaty_withdrawal_takes_the_named_partner(coder):
    e = only(coder.code(annotate(["Russia withdrew from the treaty with the United States."])), plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id, e.cameo) == ("RUS", "USA", "160")


def test_denial_targets_the_accuser_named_before(coder):
    a = annotate(["Poland accused Russia of sabotage.", "Russia denied the accusation."])
    e = only(coder.code(a), cameo="016")
    assert (e.source.actor_id, e.target.actor_id) == ("RUS", "POL")


def test_the_two_sides_and_they_take_the_dyad(coder):
    a = annotate(["Russia and Japan held talks in Tokyo on Monday.", "They agreed to resume consultations."],
                 times={"on Monday": "2021-06-07"})
    e = only(coder.code(a), plover="AGREE")
    assert {e.source.actor_id, e.target.actor_id} == {"RUS", "JPN"} and e.symmetric
    assert e.date == "2021-06-07"  # no time of its own: the day the report is about


def test_would_in_a_report_is_future_not_hypothetical(coder):
    a = annotate(["Smith said the United States would hold talks with Russia."])
    e = only(coder.code(a), plover="AGREE")
    assert (e.cameo, e.aux_mode) == ("036", "future")


def test_a_year_naming_a_treaty_does_not_date_the_event(coder):
    a = annotate(["Russia withdrew from the 1987 treaty with the United States on Friday."],
                 times={"1987": "1987", "on Friday": "2021-06-04"})
    e = only(coder.code(a), plover="SANCTION")
    assert e.date == "2021-06-04" and e.aux_mode is None


def test_a_condition_still_to_be_met_is_not_an_event(coder):
    a = annotate(["The aid pause stays until Smith decides that Russia is ready to meet Japan."])
    assert not [e for e in coder.code(a) if e.plover in ("AGREE", "CONSULT")]


# -- the seeds, through the real chain ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_events(seeds):
    try:
        from detente.annotate import Annotator
        from detente.clean import clean_record
        from detente.read import iter_records
        annotator = Annotator()
    except ImportError as exc:
        pytest.skip(f"the annotate chain is not complete yet: {exc}")
    docs = {k: clean_record(next(iter(iter_records([str(p)])))) for k, p in seeds.items()}
    coder = Coder()
    return {k: ev for k, (_, ev) in zip(docs, coder.code_many(annotator.annotate(list(docs.values()))))}


def sides(e):
    side = lambda a: a.country or a.actor_id
    return side(e.source), side(e.target) if e.target else None


def test_seed_reykjavik_meeting(seed_events):
    assert any(e.plover == "CONSULT" and set(sides(e)) == {"RUS", "USA"} for e in seed_events["004"])


def test_seed_geneva_summit_and_its_outcomes(seed_events):
    ev = seed_events["002"]
    assert any(e.plover == "CONSULT" and e.date == "2021-06-16" and set(sides(e)) == {"RUS", "USA"} for e in ev)
    assert any(e.plover == "AGREE" and "decision" in (e.trigger or "") for e in ev)
    assert any(e.plover == "ACCUSE" and sides(e) == ("RUS", "USA") for e in ev)
    assert any(e.plover == "AGREE" and e.date == "2021-07-09" for e in ev)
    assert any(e.cameo == "036" and e.aux_mode == "future" for e in ev)


def test_seed_security_guarantees_threat_and_troops(seed_events):
    ev = seed_events["003"]
    assert {sides(e) for e in ev if e.plover == "REQUEST"} >= {("RUS", "USA"), ("RUS", "NATO")}
    assert any(e.plover == "THREATEN" and e.aux_mode == "hypothetical" for e in ev)
    assert any(e.plover == "MOBILIZE" and sides(e)[0] == "RUS" for e in ev)


def test_seed_2016_expulsion_is_historical(seed_events):
    assert any(e.plover == "SANCTION" and e.date == "2016-12" and e.aux_mode == "historical"
               and sides(e) == ("USA", "RUS") for e in seed_events["004"])


def test_seed_events_cite_their_sentence(seed_events, seeds):
    for key, ev in seed_events.items():
        for e in ev:
            assert e.sentence and e.span[1] > e.span[0] and 0.0 < e.confidence <= 1.0
            assert e.source is not None


# -- wider vocabulary and target finding (sentences written for these tests) -------------------------------------

@pytest.mark.parametrize("line, cameo, src, tgt", [
    ("Poland imposed travel bans and asset freezes on nine Russian officials.", "163", "POL", "RUS"),
    ("Japan slapped tariffs on Russian steel.", "163", "JPN", "RUS"),
    ("Poland struck dozens of targets across Russia.", "190", "POL", "RUS"),
    ("Russia fired ballistic missiles at Polish bases.", "190", "RUS", "POL"),
    ("Japan and Poland signed a joint declaration on trade.", "057", "JPN", "POL"),
    ("Poland recognised the Japanese claim.", "054", "POL", "JPN"),
    ("Poland broke off diplomatic relations with Russia.", "161", "POL", "RUS"),
    ("Japan hosted Polish leaders in Tokyo.", "043", "JPN", "POL"),
    ("Smith signed a large aid package for Poland.", "070", "john-smith", "POL"),
    ("Russia convicted a Polish citizen of espionage.", "116", "RUS", "POL"),
    ("Russia sentenced a Polish citizen to ten years.", "173", "RUS", "POL"),
    ("Russia vowed severe revenge against Poland.", "138", "RUS", "POL"),
    ("Russia withdrew most-favoured-nation trade status from Japan.", "163", "RUS", "JPN"),
    ("Russia blew up the liaison office with Japan.", "1712", "RUS", "JPN"),
    ("Japan hailed Poland's decision.", "051", "JPN", "POL"),
    ("Poland slammed Russia's stance.", "111", "POL", "RUS"),
    ("Japan granted asylum to two Russian officers.", "075", "JPN", "RUS"),
    ("Russia and Japan swapped prisoners on Monday.", "0841", "RUS", "JPN"),
    ("Russia halted gas supplies to Poland.", "163", "RUS", "POL"),
])
def test_common_news_wordings(coder, line, cameo, src, tgt):
    events = coder.code(annotate([line]))
    assert any(e.cameo == cameo and e.source.actor_id == src and e.target and e.target.actor_id == tgt
               for e in events), [(e.cameo, e.source.actor_id, e.target and e.target.actor_id) for e in events]


def test_an_order_to_close_a_consulate_is_the_sanction_itself(coder):
    e = only(coder.code(annotate(["Washington ordered Russia to close its consulate."])), plover="SANCTION")
    assert (e.source.actor_id, e.target.actor_id, e.cameo, e.aux_mode) == ("USA", "RUS", "161", None)


def test_agreeing_to_stop_firing_is_intent_to_deescalate(coder):
    e = only(coder.code(annotate(["Russia and Japan agreed to stop all firing along the border."])), plover="AGREE")
    assert e.cameo == "0356" and {e.source.actor_id, e.target.actor_id} == {"RUS", "JPN"}


def test_passive_shootdown_takes_a_demonym_agent(coder):
    e = only(coder.code(annotate(["A Japanese jet was shot down by Russian jets."])), plover="ASSAULT")
    assert (e.source.actor_id, e.target.actor_id) == ("RUS", "JPN")


def test_a_missile_fired_at_no_one_is_a_show_of_force_not_an_attack(coder):
    events = coder.code(annotate(["Russia fired an intercontinental ballistic missile on Friday."]))
    assert [(e.cameo, e.target) for e in events] == [("150", None)]


def test_criticising_the_attack_targets_the_attacker(coder):
    a = annotate(["Russia struck the Polish city of Lublin.", "Japan called the attack unjustified.", "Smith condemned it."])
    pairs = {(e.source.actor_id, e.target.actor_id) for e in coder.code(a) if e.plover == "ACCUSE"}
    assert pairs == {("JPN", "RUS"), ("john-smith", "RUS")}


def test_coordinated_sources_each_get_an_event(coder):
    events = coder.code(annotate(["Japan, Poland and the United States expelled Russian diplomats."]))
    assert {e.source.actor_id for e in events if e.cameo == "161"} == {"JPN", "POL", "USA"}


def test_places_lookup_is_indexed():
    import time
    from detente.code.places import _resolve_place
    resolve_place("Tokyo")
    t = time.perf_counter()
    for name in ("Kyiv", "Ankara", "Helsinki", "Tbilisi", "Dnipro", "Lublin"):
        _resolve_place.__wrapped__(name)  # the gazetteer lookup itself, past its cache
    assert time.perf_counter() - t < 0.05


# -- generalising rules (dev2 review) ----------------------------------------------------------------------------
# Invented sentences; each checks one general rule of docs/coding-rules.md.

HERALD = Actor("EVENING-HERALD", "The Evening Herald", "org", "POL", None, "MED")
TRIBUNAL = Actor("ICJ", "International Court of Justice", "org", None, "UN", "JUD")
FRA = Actor("FRA", "France", "state", "FRA")
SURFACES.update({"the Evening Herald": HERALD, "the World Court": TRIBUNAL, "France": FRA})


@pytest.mark.parametrize("line,plover,cameo_root", [
    ("Poland urged Russia to pull its troops out of the border area.", "REQUEST", "10"),
    ("Japan called on Russia to resume talks with the United States.", "REQUEST", "10"),
    ("Japan asked Russia to resume talks with the United States.", None, "02"),
])
def test_urging_and_calling_on_are_requests_asking_is_an_appeal(coder, line, plover, cameo_root):
    e = only(coder.code(annotate([line])), source=(JPN if line.startswith("Japan") else POL), target=RUS)
    assert e.plover == plover and e.cameo[:2] == cameo_root


def test_a_negated_approval_is_a_rejection(coder):
    ev = coder.code(annotate(["Poland said it would not approve Russia's membership bid.",
                              "Russia did not recognise NATO's authority over the dispute."]))
    assert only(ev, source=POL, target=RUS).cameo == "120"
    e = only(ev, source=RUS, target=NATO)
    assert e.plover == "REJECT" and e.aux_mode is None


def test_a_warning_hanging_on_a_condition_is_a_hypothetical_threat(coder):
    ev = coder.code(annotate(["Ivanov warned that Russia could cut off gas supplies to Poland if NATO expanded further.",
                              "Smith warned that the United States would take countermeasures against Russia."]))
    assert only(ev, plover="THREATEN", target=POL).aux_mode == "hypothetical"
    assert only(ev, plover="THREATEN", target=RUS).aux_mode is None


def test_a_vow_of_punishment_is_a_threat_not_an_intent(coder):
    e = only(coder.code(annotate(["Russia vowed that the United States would receive a fitting punishment."])), source=RUS)
    assert e.plover == "THREATEN" and e.cameo == "138" and e.target == USA


def test_a_media_outlet_is_not_the_source_of_what_it_reports(coder):
    ev = coder.code(annotate(["Ivanov said talks with Washington were encouraging, according to the Evening Herald."]))
    assert ev and all(e.source != HERALD for e in ev)
    assert only(ev, cameo="013").source == IVANOV


def test_a_dateline_dates_the_report_not_the_event(coder):
    a = annotate(["MOSCOW, June 9 (Herald) - Russia and the United States held talks in Geneva."],
                 published="2021-06-10", times={"June 9": "2021-06-09"})
    e = only(coder.code(a), plover="CONSULT")
    assert e.date == "2021-06-10" and e.date_basis == "publication"


def test_by_agents_of_participles_and_relative_passives(coder):
    ev = coder.code(annotate(["Japan and Poland agreed to restore relations in a deal brokered by France."]))
    assert {e.target.actor_id for e in ev if e.cameo == "045" and e.source == FRA} == {"JPN", "POL"}
    ev = coder.code(annotate(["Police arrested Ivanov, who had been granted asylum by Japan a week before."]))
    assert only(ev, source=JPN, cameo="075").target == IVANOV


def test_they_after_a_conjoined_reporter_is_each_of_them(coder):
    ev = coder.code(annotate(["Japan and Poland said they held Russia responsible for the explosion."]))
    assert {e.source.actor_id for e in ev if e.plover == "ACCUSE" and e.target == RUS} == {"JPN", "POL"}


def test_a_trailing_attribution_dates_the_act(coder):
    a = annotate(["Japan expelled two Russian diplomats, the foreign ministry said on Friday."],
                 published="2021-06-13", times={"on Friday": "2021-06-11"})
    assert only(coder.code(a), source=JPN, target=RUS).date == "2021-06-11"


def test_a_stated_aid_package_is_aid_not_an_intent(coder):
    e = only(coder.code(annotate(["Washington will send tanks to Poland as part of a $500 million package."])),
             source=USA, target=POL)
    assert e.plover == "AID" and e.aux_mode is None


def test_following_suit_repeats_the_act(coder):
    ev = coder.code(annotate(["Poland expelled three Russian diplomats, and Japan followed suit."]))
    assert only(ev, source=JPN, target=RUS).cameo == only(ev, source=POL, target=RUS).cameo


def test_responding_by_doing_is_the_act_and_without_doing_is_negated(coder):
    ev = coder.code(annotate(["Russia responded by suspending trade with Japan.",
                              "Smith left Moscow without signing the agreement with Russia."]))
    assert only(ev, source=RUS, target=JPN).plover == "COERCE"
    assert only(ev, cameo="057").aux_mode == "negated"


def test_support_from_a_third_party_is_cooperation_with_the_lead_actor(coder):
    ev = coder.code(annotate(["Washington and France struck targets in Russia with support from Poland."]))
    assert only(ev, source=POL).target == USA and only(ev, source=POL).plover == "COOPERATE"


def test_a_denied_habit_in_a_quote_is_not_an_attack(coder):
    line = '"We do not attack civilians in Poland," Ivanov said.'
    ev = coder.code(annotate([line], quotes=[("We do not attack civilians in Poland", IVANOV)]))
    assert not [e for e in ev if e.plover == "ASSAULT"]


def test_a_court_order_is_a_request(coder):
    ev = coder.code(annotate(["The ruling came after the World Court ordered Russia to halt its offensive against Poland."]))
    assert only(ev, target=RUS).plover == "REQUEST"


def test_a_criticised_move_nobody_coded_gets_no_guessed_target(coder):
    ev = coder.code(annotate(["Poland opened a new pipeline on Monday.", "Japan called the move an act of blackmail."]))
    assert not [e for e in ev if e.source == JPN]


def test_a_month_more_than_a_year_back_is_historical(coder):
    a = annotate(["Japan had expelled a Russian diplomat in March 2020."], published="2021-03-20",
                 times={"March 2020": "2020-03"})
    assert only(coder.code(a), source=JPN).aux_mode == "historical"


def test_an_agreements_content_and_an_adjunct_deal_are_not_events(coder):
    ev = coder.code(annotate(["Russia and Japan signed an agreement to halt attacks on each other.",
                              "Ivanov will leave for Japan under a deal with Poland."]))
    assert not [e for e in ev if e.cameo[:3] == "087" or e.cameo == "160"]
    assert only(ev, cameo="057").target == JPN


# -- round 17: calls, ultimatums, domestic sides, "both", relative days -------------------------------------------

def test_a_plain_call_to_a_leader_is_a_phone_consultation(coder):
    ev = coder.code(annotate(["Secretary John Smith called Foreign Minister Ivan Ivanov on Tuesday to offer his condolences after the floods."]))
    e = only(ev, cameo="041")
    assert (e.source, e.target, e.symmetric) == (SMITH, IVANOV, True)
    assert only(ev, cameo="018").source == SMITH          # the condolence is the act, not an offer to act
    assert not [x for x in ev if x.plover == "AGREE"]
    named = coder.code(annotate(["Secretary John Smith called Foreign Minister Ivan Ivanov a liar.",
                                 "Japan called for calm in Poland."]))
    assert not [x for x in named if x.cameo == "041"]


def test_an_ultimatum_is_a_threat_and_a_deadline_to_leave_an_expulsion(coder):
    ev = coder.code(annotate(["Poland gave Russia 48 hours to withdraw its warships from the bay."]))
    assert only(ev, source=POL, target=RUS).cameo == "139"
    ev = coder.code(annotate(["Japan gave twenty Russian diplomats three days to leave the country."]))
    assert only(ev, source=JPN, target=RUS).cameo == "161"


def test_a_rebel_group_and_its_own_government_are_two_sides(coder):
    ev = coder.code(annotate(["Russia and the Northern Liberation Front signed a ceasefire agreement in Vienna on Monday."]))
    e = only(ev, plover="SUPPORT")
    assert {e.source, e.target} == {RUS, FRONT} and e.symmetric
    ev = coder.code(annotate(["Russia accused the Northern Liberation Front of shelling a school."]))
    assert only(ev, plover="ACCUSE").target == FRONT
    ev = coder.code(annotate(["Fighting broke out on Sunday between Russia and the Northern Liberation Front."]))
    assert {only(ev, plover="ASSAULT").source, only(ev, plover="ASSAULT").target} == {RUS, FRONT}
    # people of one state are still one side
    assert not coder.code(annotate(["Foreign Minister Ivan Ivanov praised Russia."]))


def test_both_points_back_at_the_list_just_named(coder):
    a = annotate(["Russia cut oil deliveries to Poland and Japan on Friday after both refused to pay in roubles."],
                 times={"on Friday": "2021-06-04"})
    ev = coder.code(a)
    assert only(ev, source=POL, plover="REJECT").target == RUS and only(ev, source=JPN, plover="REJECT").target == RUS
    assert only(ev, source=POL, plover="REJECT").date == "2021-06"   # before Friday: only the month is known
    ev = coder.code(annotate(["Storms hit Poland and Japan on Monday.",
                              "Washington announced $40 million in relief aid for both countries."]))
    assert {e.target for e in ev if e.source == USA and e.plover == "AID"} == {POL, JPN}


def test_a_clause_n_days_after_another_is_dated_back_from_it(coder):
    a = annotate(["Poland expelled three Russian diplomats on Friday, two days after Russia expelled two Polish diplomats."],
                 times={"on Friday": "2021-06-04"})
    ev = coder.code(a)
    assert only(ev, source=POL).date == "2021-06-04" and only(ev, source=RUS).date == "2021-06-02"


def test_a_side_named_only_after_a_criticism_is_not_its_target(coder):
    ev = coder.code(annotate(["Foreign Minister Ivan Ivanov called the proposal unacceptable on Monday, while Japan stayed silent."]))
    assert not [e for e in ev if e.target == JPN]


def test_a_dateline_city_is_not_an_actor(coder):
    ev = coder.code(annotate(["WARSAW - Russia released two Japanese fishermen on Monday."]))
    assert only(ev, source=RUS).target == JPN
    assert not [e for e in ev if e.source == POL]


def test_drills_lodged_protests_and_participles_of_other_acts(coder):
    ev = coder.code(annotate(["Japan began three days of naval drills near Russia on Monday."]))
    assert only(ev, source=JPN, target=RUS).cameo == "150"
    ev = coder.code(annotate(["Japan lodged a formal protest with Russia on Monday."]))
    assert only(ev, source=JPN, target=RUS).cameo == "114"
    ev = coder.code(annotate(["NATO agreed on Monday to widen sanctions against Russia, accusing Moscow of sabotage."]))
    assert only(ev, source=NATO, plover="ACCUSE").target == RUS and only(ev, source=NATO, plover="COERCE").target == RUS
    ev = coder.code(annotate(["Russia refused to release the tanker, prompting the United States to impose sanctions on Russia."]))
    e = only(ev, source=USA, plover="COERCE")
    assert e.target == RUS and e.aux_mode is None


def test_a_hosted_visit_sets_the_pair_and_a_recommendation_is_no_act(coder):
    ev = coder.code(annotate(["Ivanov hosted Secretary John Smith in Moscow on Monday, and the two governments signed five agreements."]))
    e = only(ev, plover="SUPPORT")
    assert {e.source.country, e.target.country} == {"RUS", "USA"}
    ev = coder.code(annotate(["Ivanov proposed a response, recommending that Russia expel twenty Polish diplomats."]))
    assert not [e for e in ev if e.plover == "SANCTION"]


def test_counted_deliveries_and_possibilities_weighed(coder):
    ev = coder.code(annotate(["Japan will send 12 tanks to Poland, Ivanov said on Monday."]))
    e = only(ev, source=JPN, target=POL)
    assert e.plover == "AID" and e.aux_mode is None      # a counted delivery is announced aid
    ev = coder.code(annotate(["Secretary John Smith said he could not rule out sending troops to Poland."]))
    assert not [e for e in ev if e.plover == "MOBILIZE"]


# -- wire copy: precision rules -------------------------------------------------------------------------------

def test_terms_of_a_mutual_agreement_are_not_acts(coder):
    ev = coder.code(annotate(["Russia and Japan agreed on Monday that neither country would attack the other."]))
    e = only(ev, plover="AGREE")
    assert e.symmetric and {e.source.country, e.target.country} == {"RUS", "JPN"}
    assert not [x for x in ev if x.plover in ("ASSAULT", "THREATEN")]
    # one side's decision is still the act
    ev = coder.code(annotate(["NATO agreed on Monday to widen sanctions against Russia."]))
    assert only(ev, source=NATO, target=RUS).plover == "COERCE"


def test_unnamed_members_hedged_acts_and_open_questions_give_nothing(coder):
    ev = coder.code(annotate(["The Northern Liberation Front has not been recognised by any NATO member state."]))
    assert not [e for e in ev if e.source == NATO]
    ev = coder.code(annotate(["A rocket that hit Poland was most likely fired by Russia, Smith said on Monday."]))
    assert not [e for e in ev if e.source == RUS and e.cameo[:2] in ("15", "19")]
    ev = coder.code(annotate(["Japan said it would decide with Poland by March whether to keep its troops in the region."]))
    assert not [e for e in ev if e.plover == "AGREE"]


def test_context_targets_are_not_guessed_from_parallel_actors_or_unknown_addressees(coder):
    ev = coder.code(annotate(["Smith threatened sanctions on the generals, and NATO condemned the arrests."]))
    assert not [e for e in ev if e.source == NATO and e.target == USA]
    ev = coder.code(annotate(["Japan was urging the group to free the sailors held near Russia."]))
    assert not [e for e in ev if e.source == JPN and e.plover == "REQUEST" and e.target == RUS]


def test_orders_to_own_forces_and_shared_auxiliaries(coder):
    ev = coder.code(annotate(["Ivanov ordered the army to respond with strikes on Poland."]))
    assert only(ev, source=IVANOV, target=POL).cameo == "138"
    assert not [e for e in ev if e.plover == "ASSAULT"]
    ev = coder.code(annotate(["Under the deal, Japan will free the prisoners and withdraw its troops from Russia."]))
    assert only(ev, source=JPN, target=RUS, plover="AGREE").aux_mode == "future"


def test_dates_measured_back_lasting_events_and_effective_dates(coder):
    ev = coder.code(annotate(["Russia shelled Poland on Tuesday. The shelling came days after Poland accused Russia of sabotage."],
                             times={"on Tuesday": "2021-06-08"}))
    assert only(ev, source=POL, target=RUS, plover="ACCUSE").date == "2021-06"
    ev = coder.code(annotate(["Russia and Japan reached an agreement, Ivanov said on Tuesday, after weeks of talks mediated by Poland."],
                             times={"on Tuesday": "2021-06-08"}))
    assert only(ev, source=POL, cameo="045").date == "2021-06"
    ev = coder.code(annotate(["Japan on Monday imposed new sanctions on Russia, banning imports of Russian coal from January."],
                             times={"on Monday": "2021-06-07", "from January": "2022-01"}))
    assert {e.date for e in ev if e.source == JPN} == {"2021-06-07"}


def test_lists_of_three_sides_and_groups_counted_back(coder):
    ev = coder.code(annotate(["Japan, Poland and the United States on Tuesday began sharing intelligence on missile tests."]))
    pairs = {frozenset((e.source.actor_id, e.target.actor_id)) for e in ev if e.cameo == "064"}
    assert pairs == {frozenset(("JPN", "POL")), frozenset(("JPN", "USA")), frozenset(("POL", "USA"))}
    ev = coder.code(annotate(["Japan, Poland and the United States held naval exercises last week.",
                              "Russia condemned the three countries' exercises as provocative."]))
    assert {e.target.actor_id for e in ev if e.source == RUS and e.plover == "ACCUSE"} == {"JPN", "POL", "USA"}


def test_persona_non_grata_is_an_expulsion_by_the_declaring_side(coder):
    ev = coder.code(annotate(["Poland on Monday declared Russia's ambassador persona non grata and gave him 48 hours to leave."]))
    assert only(ev, source=POL, target=RUS).cameo == "161"
    assert not [e for e in ev if e.source.country == "RUS"]


def test_hosts_and_brokers_face_each_party(coder):
    ev = coder.code(annotate(["Poland hosted talks between Russia and Japan on Friday."]))
    assert {e.target.actor_id for e in ev if e.source == POL and e.cameo == "043"} == {"RUS", "JPN"}
    ev = coder.code(annotate(["Russia and Japan signed a truce on Monday under a plan brokered by Poland."]))
    assert {e.target.actor_id for e in ev if e.source == POL and e.cameo == "045"} == {"RUS", "JPN"}


def test_an_act_called_a_sign_of_good_faith_is_praise_of_its_actor(coder):
    ev = coder.code(annotate(["Russia freed two Japanese fishermen on Monday.",
                              "Washington called the release a sign of good faith."]))
    assert only(ev, source=USA, target=RUS).cameo == "051"
