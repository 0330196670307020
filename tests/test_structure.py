"""Structural behaviours of the coder: where a target comes from (the thing acted on, the place of the act, the
purpose of force), what never fills a slot (a meeting's place, a span of time, a possessive bound by the subject),
PETRARCH2 overrides, announced force as a threat, protests at home, coordinated nationality groups, abbreviated
titles, lemma fixes and PLOVER contexts.

Every sentence is run through the real annotate -> code stages of `detente run`
(detente.pipeline.annotate_and_code) in one batch, as in tests/test_coverage_types.py. The sentences are written
for these tests: real states, groups and people, phrased the way a wire service would, read as published on one
fixed day.
"""
from __future__ import annotations

import pytest

from detente.types import Document

PUBLISHED = "2023-03-14"  # a Tuesday

# {case id: text}; a text may hold more than one sentence
TEXTS = {
    # 1. the target from the thing acted on ("positions of", "a camp for", "an offer from")
    "thing-of": "Turkish artillery shelled positions of the Syrian army near Afrin on Sunday.",
    "thing-for-active": "Ethiopian troops attacked a camp for Eritrean refugees in Tigray on Monday.",
    "thing-for-passive": "A camp for Sudanese refugees was attacked by Chadian militiamen on Saturday, aid workers "
                         "said.",
    "thing-from": "Armenia rejected a new proposal from Azerbaijan on Tuesday.",
    # 2. the target from the place of a material act when no other side is named
    "place-curfew": "Israel lifted the night curfew in Hebron on Friday.",
    "place-attack-shabaab": "Al-Shabaab gunmen killed 12 people in Nairobi on Tuesday.",
    "place-attack-is": "Islamic State gunmen killed 15 people in Kabul on Friday.",
    # 3. a meeting's place is never its target
    "meet-geneva": "Russian Foreign Minister Sergei Lavrov and U.S. Secretary of State Antony Blinken met in Geneva "
                   "on Friday.",
    "meet-istanbul": "Ukrainian and Russian negotiators met in Istanbul on Tuesday.",
    "meet-brussels": "NATO defence ministers met in Brussels on Thursday.",
    # 4. force aimed by its purpose ("opened fire to disperse X"), at home
    "disperse-iran": "Iranian security forces opened fire to disperse protesters in Tehran on Friday.",
    "disperse-sri-lanka": "Sri Lankan troops opened fire to disperse protesters in Colombo on Saturday.",
    # 5. a possessive on the object is bound by the subject
    "poss-commission": "After the European Commission cut its growth forecast for Turkey, Turkey's central bank said "
                       "it would use its reserves to defend the lira.",
    "poss-imf": "Following a warning from the International Monetary Fund, Egypt's central bank said it would use its "
                "reserves to support the pound.",
    "poss-sanctions": "The United States sanctioned the Russian central bank, which said it would use its reserves "
                      "to support the rouble.",
    # 6. a span of time fills no preposition's slot ("lead ... for" is PETRARCH's visit, 042)
    "span-annan": "Kofi Annan led the United Nations for ten years.",
    "span-juncker": "Former Luxembourg Prime Minister Jean-Claude Juncker headed the European Commission for five "
                    "years.",
    # 7. PETRARCH2 overrides: "fly to" is blocked; a complaint is filed with a forum against the one complained of
    "fly-erdogan": "Turkish President Recep Tayyip Erdogan flew to Moscow on Thursday.",
    "fly-netanyahu": "Israeli Prime Minister Benjamin Netanyahu flew to Washington on Sunday.",
    "complaint-lumber": "Canada filed a complaint with the World Trade Organization on Friday over U.S. duties on "
                        "softwood lumber.",
    "complaint-duties": "China filed a complaint with the World Trade Organization over Australia's anti-dumping "
                        "duties.",
    # 8. force announced by its own side is a threat
    "threat-guam": "North Korea said it would strike U.S. bases in Guam.",
    "threat-hezbollah": "Israel said it would strike Hezbollah positions in Lebanon.",
    # 9. a protest at home is aimed at the government of the place
    "home-tbilisi": "Thousands of opposition supporters marched in Tbilisi on Sunday.",
    "home-belgrade": "Tens of thousands of protesters rallied in Belgrade on Saturday.",
    # 10. nobody follows suit in a country's act at home; following suit in an act on another still codes
    "follow-home": "Tens of thousands of protesters rallied in Belgrade on Saturday. Montenegro and North Macedonia "
                   "quickly followed suit.",
    "follow-expulsion": "Germany expelled four Russian diplomats on Monday. France and Italy quickly followed suit.",
    # 11. coordinated nationality groups are two actors
    "coord-warplanes": "Russian and Syrian warplanes bombed Turkish troops in Idlib on Thursday.",
    "coord-warships": "Chinese and Russian warships held joint exercises in the Sea of Japan on Monday.",
    # 13. lemma fixes ("staged" is not "stag")
    "lemma-dhaka": "Opposition supporters staged a rally in Dhaka on Saturday.",
    "lemma-jakarta": "University students staged demonstrations in Jakarta on Monday.",
    # 14. PLOVER contexts
    "cbrn-bakhmut": "Russian forces attacked Ukrainian troops with chemical weapons near Bakhmut, Kyiv said.",
    "cbrn-basra": "Iraqi warplanes bombed Iranian troops with chemical weapons near Basra in 1987.",
    # 15. the place of an attack told in its "when" clause
    "when-place-kabul": "Taliban fighters killed nine people on Monday when they stormed a hotel in Kabul.",
    "when-place-mogadishu": "Al-Shabaab militants killed six soldiers when they attacked a base in Mogadishu.",
    # 16. police who arrest no one named act on their own country's people
    "police-arrest-dhaka": "Bangladeshi police arrested 40 people after the rally on Friday.",
    "police-detain-minsk": "Belarusian police detained more than 100 people on Sunday.",
    # 17. "up to N" is a quantity, not a particle and a preposition
    "up-to-kidnap": "Boko Haram militants have kidnapped up to 20 Nigerian schoolgirls from a village in Borno.",
    "up-to-detain": "Iranian authorities detained up to 30 British-Iranian dual nationals, officials said.",
    # 18. those who come to a gathering for a purpose pursue it
    "rally-for-protest": "Thousands of Kenyans gathered for a rally in Nairobi to protest the new finance bill.",
    # 19. force by a thing with no one named behind it: an unidentified armed group of the place
    "unknown-bomb-kandahar": "A roadside bomb near the city of Kandahar killed four Canadian soldiers on Sunday.",
    "unknown-ied-mosul": "Two British soldiers were killed by an explosive device outside of Mosul, the army said.",
    "unknown-bomb-no-victim": "A car bomb exploded in Kabul on Monday.",
    # 20. a statement's participle tells what its issuer says; talks one travels to are held by the traveller;
    # a rebel group's words about its own government are aimed at it
    "statement-demanding": "The Houthi movement issued a statement demanding that Saudi Arabia lift the blockade.",
    "return-for-talks": "Iranian and American negotiators returned to Vienna on Monday for talks on the nuclear deal.",
    "rebels-demand-own-government": "Houthi rebels demanded that the Yemeni government release 2,000 prisoners.",
    # 21. an act a purpose infinitive names is not done, nor is one conjoined to it
    "aims-to-conj": "Japan said it would back a UN resolution that aims to tighten sanctions and impose an arms "
                    "embargo on North Korea.",
    # 22. an expectation others hold is no one's intent
    "expected-to-be-joined": "Chinese and Russian warships began joint drills in the Sea of Japan last week, "
                             "expected to be joined later by Iranian vessels.",
    # 23. a complaint to a forum is aimed at the one complained of
    "complain-to-forum": "Armenia complained to the United Nations on Friday over Azerbaijani drone strikes near "
                         "its border.",
    # 24. evacuating settlements or positions is a withdrawal, not aid
    "evacuate-positions": "Russian troops evacuated their positions in Kherson on Friday.",
    "evacuate-wounded": "UN helicopters evacuated the wounded from the Syrian town of Douma on Sunday.",
    # 25. a participle that describes what a thing underwent tells background
    "seized-background": "The ministry said Moscow had again raised the return of six Russian diplomatic properties seized "
                         "by the United States.",
    # 26. a vow not to yield is a refusal
    "vow-not-to-release": "Iran vowed not to release the detained British sailors.",
    # 27. an attack set as a condition is not an attack reported
    "if-attacks": "The European Union warned of severe sanctions if Belarus attacks Lithuania.",
    # 28. PETRARCH2 override: bare "serve" is a role or a sentence
    "serve-sentence": "Krasikov, a Russian citizen, was serving a life sentence in Germany for a killing in Berlin.",
    "serve-role": "Lavrov served as Russia's ambassador to the United Nations for ten years.",
    # 29. an ethnic group belongs to the state its sentence names, not to its nationality word's
    "ethnic-albanians": "Serbian police arrested five ethnic Albanians in southern Serbia on Monday.",
    # 31. a side's own forces are what it mobilises, not whom at
    "alert-own-troops": "Defence Minister Sebastien Lecornu placed 2,000 French troops on high alert on Monday.",
    # 32. receiving inspectors or peacekeepers is allowing international involvement, not hosting a visit
    "receive-inspectors": "Iran received a team of IAEA inspectors on Tuesday.",
    # 33. a threat of coercion at home is aimed at its own country's people
    "threat-home-ban": "President Alexander Lukashenko threatened to ban Belarusian opposition parties.",
    "march-for-demand": "Hundreds of Chileans assembled for a march in Santiago to protest the pension reform.",
    # 34. a preposition the parser leaves without its object ("to five officers holed up ...")
    "stranded-to": "Ecuador granted political asylum to three Venezuelan opposition leaders sheltering in its "
                   "embassy in Caracas, the foreign ministry said on Monday.",
    # 35. a pattern that names a place slot takes the country of the place ("opened an embassy in Hanoi")
    "embassy-in-capital": "Chile opened an embassy in Hanoi on Monday.",
    # 36. a PETRARCH2 reading dropped ("beat ... with" as a threat) leaves the verb's other readings standing
    "beat-with-knowledge": "Indian border guards beat Bangladeshi farmers with the knowledge of their commanders, "
                           "a rights group said.",
    "capture-part": "Ukrainian troops captured part of a Russian stronghold near Bakhmut on Monday.",
    # 37. a dictionary verb on a framing noun frames its clause, aimed at the one asked
    "reiterated-demand": "France reiterated its demand on Monday that Israel lift restrictions on Palestinian "
                         "fishermen.",
    # 38. a concession answers whoever made the demand
    "bowed-to-demands": "Serbia bowed to demands from the European Union on Friday.",
    # 39. an announced act held over the target until it complies is an ultimatum
    "unless-ultimatum": "Turkey said on Monday it would close its airspace to Israeli aircraft unless Israel halted "
                        "the offensive.",
    # 40. a vow not to do what we have no pattern for is still a refusal
    "vow-not-unknown": "Turkey vowed on Monday not to let Sweden into NATO.",
    # 41. what a claim says is asserted, not established
    "claim-content": "Britain repeated its claim that Russia attacked Ukrainian grain ports.",
    # 42. the one warned, unnamed, is not whoever the warning's content mentions
    "warned-unnamed": "Turkey warned Kurdish militias not to rely on American protection.",
    "warned-named": "Turkey warned Greece not to rely on American protection.",
    # 43. a part of a programme: what kind of programme it is
    "part-of-aid": "The European Union suspended part of its aid programme for Niger on Monday.",
    "part-of-nuclear": "Iran suspended part of its nuclear programme on Monday.",
    # 44. an event noun that qualifies another ("a mediation effort") takes that noun's place in the clause
    "mediation-effort": "Qatar launched a mediation effort on Saturday between Ethiopia and Eritrea.",
    # 46. an obligation with no reporter named is nobody's demand; a participle the parser makes a subject
    "obliged-speaker": "The Red Cross working in Yemen said Saudi and Emirati forces must ensure safe passage for "
                       "aid convoys.",
    # 47. what a demand's maker does "before" it is not the demand's addressee
    "demand-before": "Armenia demanded a ceasefire with Karabakh militias before allowing EU monitors into the "
                     "region.",
    # 48. "anti-", "pro-": a stance, not a nationality; a sentence never starts inside a word
    "anti-stance": "An anti-Iran blogger was arrested in Baku on Monday.",
    # 49. a relative clause names no side of the act ("a plan that will bar X")
    "plan-relcl": "Lithuania's government decided on Monday to adopt a plan that will bar Russian trucks from its roads.",
    # 50. a PETRARCH2 reading dropped: refugees forced from their homes are coerced, not denied aid
    "forced-refugees": "Myanmar troops forced more than 2,000 Bangladeshi refugees from their camps on Monday.",
    # 51. a target preposition on the last of a list of weapons ("artillery, mortar and rocket fire against X")
    "fire-list": "Azerbaijani forces launched artillery, mortar, and rocket fire against Armenian positions near "
                 "Lachin on Monday.",
    # 52. people are from what they flee
    "fleeing-war": "Chad sent food aid on Monday to refugees fleeing the fighting in Sudan.",
    # 53. a rebel group's refusal of a meeting of its own country's factions
    "reject-factions": "Hamas rejected an invitation to attend talks of Palestinian factions in Cairo next week.",
    # 54. a call for an act is a request of those who would do it, not the act; for action against X, a rally
    "call-for-truce": "Qatar called for a truce between Israel and Hezbollah on Monday.",
    "call-for-clause": "Sweden called for Russia to withdraw its troops from Georgia.",
    "push-for-clause": "Japan is pushing for China to join the talks on North Korea.",
    "call-for-sanctions": "The Netherlands called for sanctions against Myanmar on Sunday.",
    "urge-sanctions": "Lithuania urged tougher sanctions on Belarus on Friday.",
    # 55. "sanction" a move is to approve it; a side a cooperation is against is not its partner
    "sanctioned-move": "The operation was quietly sanctioned by Washington, which gave Kenya a free hand.",
    "sanctioned-offensive": "Moscow quietly sanctioned Turkey's offensive.",
    "coalition-against": "Nigeria has led a coalition against Boko Haram since 2015.",
    # 56. where an act in what is said would happen is not whom it is aimed at
    "content-place": "Villagers said they were harassed by Taliban members who were threatening to punish them in "
                     "a sharia court in Afghanistan.",
    "content-place-camp": "Boko Haram fighters threatened to marry the girls off in a camp in Nigeria.",
    # 57. a question is no event; a forecast told by people we cannot name is not the actor's word
    "question": "Will Azerbaijan invade Armenia before the winter?",
    "quoted-question": "\"Why did Israel bomb our hospital?\" the Hamas official asked reporters in Doha.",
    "analysts-forecast": "Analysts say Russia could attack Moldova next year.",
    # 58. the writer's guess or condition, and a standing habit, are no events
    "writer-may": "Russia may attack Moldova next year.",
    "writer-if": "If Belarus attacks Lithuania, NATO will respond.",
    "habit-usually": "Iran usually arms Houthi rebels through Oman.",
    "habit-long": "Iran has long supported Hezbollah.",
    "quoted-could": "\"We could strike Hezbollah's arsenals,\" the Israeli defence minister said on Monday.",
    # 59. a subject pronoun opening its sentence carries on the subject before it
    "pronoun-subject": "Saudi Arabia has bought billions of dollars of weapons from the United States. It has also "
                       "blockaded Qatar.",
    "pronoun-person": "The Kremlin said Putin had spoken with Erdogan on Monday. He also called Macron.",
    # 60. who says it is not whom it is said to; "it" in what a speaker says is the speaker; a role in apposition
    # renames the person
    "speaker-group": "Hamas's leader, Ismail Haniyeh, warned that any Israeli raid on Jenin would be met with force.",
    "reporter-it": "Iran, which backs the Syrian government, said on Monday it opposed Turkey's offensive.",
    "appos-role": "Russia's Federal Security Service said on Thursday it had detained Evan Gershkovich, a Moscow "
                  "correspondent for The Wall Street Journal, in Yekaterinburg.",
    # 61. a state's rulers and its people face each other at home
    "home-demand": "Armenian farmers demanded compensation from the Armenian government on Monday.",
    "home-accuse": "Striking Nigerian teachers accused the Nigerian government of breaking its promises.",
    "home-not-self": "Georgian diplomats urged the Georgian government to act.",
    # 62. asked for an act, the one who would do it is the one asked; what is acted on is not a side at home
    "demand-withdrawal": "EU foreign ministers demanded the withdrawal of Russian forces from Moldova on Monday.",
    "demand-release-own": "Iran demanded the release of Iranian prisoners held by the United States.",
    "pressure-workers": "Iranian authorities have been pressuring workers of the state bus company of Tehran to "
                        "cancel their strike.",
    # 63. a protest is aimed at whom its demand is made of
    "protest-demand": "Thousands of Kenyans protested in Nairobi to demand the resignation of President William Ruto.",
    "hunger-strike-demand": "Opposition activists continued their hunger strike to demand the resignation of Prime "
                            "Minister Nikol Pashinyan.",
    # 64. what a speaker only senses or believes of another side is not that side's act
    "felt-ready": "Turkey's foreign minister said he felt that Athens was ready for talks with Ankara.",
    "saw-willingness": "The Greek minister said he saw willingness from the Turkish delegation to resume talks.",
    # 65. a fronted participle's pronoun looks ahead to the subject of the clause it opens
    "fronted-his": "Blinken arrived in Reykjavik on Tuesday. Speaking after his meeting with Blinken on Wednesday, "
                   "Lavrov struck an optimistic tone.",
    # 66. steps taken are the act, done; the one acted on in a passive is the subject of a verb joined to it
    "took-steps": "Sudan's government has taken several steps to lift the curfew in Darfur, officials said.",
    "passive-conj": "Serbia's prime minister has been indicted by the Hague tribunal and will meet EU envoys on "
                    "Friday.",
    # 67. a sentence the parser roots on a noun: the participle is its verb; two verbs sharing one object share its
    # recipient
    "noun-root": "Doctors from two German aid groups donated and personally delivered $40,000 worth of medicine to "
                 "Iraqi hospitals.",
    # 45. an attack still to come, told by another side, is not that side's accusation
    "told-future-act": "Poland said on Monday it would back a NATO plan that aims to impose a naval blockade on "
                      "Libya.",
}


def side(actor) -> str | None:
    """The side an actor stands for, as the coder compares parties: its state, else its organisation or id."""
    return actor and (actor.country or actor.org or actor.actor_id)


@pytest.fixture(scope="module")
def coded() -> dict[str, tuple[list, list]]:
    """(mentions, events) per case id: all texts in one batch through the annotate + code stages of a run."""
    from detente.pipeline import annotate_and_code
    docs = [Document(doc_id=case_id, source="test", text=text, published=PUBLISHED) for case_id, text in TEXTS.items()]
    out: dict[str, tuple[list, list]] = {d.doc_id: ([], []) for d in docs}
    for mentions, _quotes, events, _stats in annotate_and_code(docs, workers=1):
        for m in mentions:
            out[m.doc_id][0].append(m)
        for e in events:
            out[e.doc_id][1].append(e)
    return out


def events_of(coded, case_id) -> list:
    return coded[case_id][1]


def produced(events) -> list[tuple]:
    return [(e.cameo, e.plover, side(e.source), side(e.target), e.aux_mode, e.trigger) for e in events]


def find(events, *, root=None, cameo=None, plover=None, source=None, target=None, symmetric_ok=True) -> list:
    """The events of this code (root, CAMEO prefix) and type between these sides (target None: no target)."""
    def fits(e) -> bool:
        if root is not None and e.cameo[:2] != root:
            return False
        if cameo is not None and not e.cameo.startswith(cameo):
            return False
        if plover is not None and e.plover != plover:
            return False
        pair = (side(e.source), side(e.target))
        return pair == (source, target) or (symmetric_ok and e.symmetric and pair == (target, source))
    return [e for e in events if fits(e)]


def assert_coded(coded, case_id, **want):
    events = events_of(coded, case_id)
    assert find(events, **want), f"{TEXTS[case_id]!r}: want {want}, coded {produced(events)}"


# -- 1. the target from the thing acted on --------------------------------------------------------------------

@pytest.mark.parametrize("case_id, plover, source, target", [
    ("thing-of", "ASSAULT", "TUR", "SYR"),            # shelled positions OF the Syrian army
    ("thing-for-active", "ASSAULT", "ETH", "ERI"),    # attacked a camp FOR Eritrean refugees
    ("thing-for-passive", "ASSAULT", "TCD", "SDN"),   # a camp FOR Sudanese refugees was attacked BY ...
    ("thing-from", "REJECT", "ARM", "AZE"),           # rejected a proposal FROM Azerbaijan
])
def test_target_from_the_thing_acted_on(coded, case_id, plover, source, target):
    assert_coded(coded, case_id, plover=plover, source=source, target=target)


# -- 2. the target from the place of a material act ------------------------------------------------------------

def test_target_from_the_place_of_lifting_a_curfew(coded):
    assert_coded(coded, "place-curfew", cameo="0813", plover="RETREAT", source="ISR", target="PSE")


@pytest.mark.parametrize("case_id, source, target", [
    ("place-attack-shabaab", "SOM", "KEN"),  # Al-Shabaab, a Somali group, in Nairobi
    ("place-attack-is", "ISIS", "AFG"),      # the Islamic State (no state of its own) in Kabul
])
def test_target_from_the_place_of_an_attack_by_a_named_group(coded, case_id, source, target):
    assert_coded(coded, case_id, plover="ASSAULT", source=source, target=target)


# -- 3. a meeting's place is never its target ------------------------------------------------------------------

@pytest.mark.parametrize("case_id, place", [("meet-geneva", "CHE"), ("meet-istanbul", "TUR"), ("meet-brussels", "BEL")])
def test_meeting_place_is_not_the_target(coded, case_id, place):
    events = events_of(coded, case_id)
    assert not [e for e in events if e.target is not None and place in (e.target.country, side(e.target))], \
        f"{TEXTS[case_id]!r}: the meeting's place {place} taken for a target: {produced(events)}"


@pytest.mark.parametrize("case_id, a, b", [("meet-geneva", "RUS", "USA"), ("meet-istanbul", "UKR", "RUS")])
def test_meeting_between_two_sides_is_coded_between_them(coded, case_id, a, b):
    assert_coded(coded, case_id, root="04", plover="CONSULT", source=a, target=b)


# -- 4. force aimed by its purpose ------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id, state", [("disperse-iran", "IRN"), ("disperse-sri-lanka", "LKA")])
def test_fire_to_disperse_protesters_is_an_assault_at_home(coded, case_id, state):
    assert_coded(coded, case_id, plover="ASSAULT", source=state, target=state)


# -- 5. a possessive on the object is bound by the subject -----------------------------------------------------

@pytest.mark.parametrize("case_id, subject, earlier", [
    ("poss-commission", "TUR", "EU"),   # "its reserves" is Turkey's central bank's, not the Commission's
    ("poss-imf", "EGY", "IMF"),
    ("poss-sanctions", "RUS", "USA"),
])
def test_possessive_on_the_object_is_bound_by_the_subject(coded, case_id, subject, earlier):
    events = events_of(coded, case_id)
    wrong = [e for e in events if side(e.source) == subject and side(e.target) == earlier]
    assert not wrong, f"{TEXTS[case_id]!r}: 'its' taken for an actor named earlier: {produced(wrong)}"


# -- 6. a span of time fills no preposition's slot -------------------------------------------------------------

@pytest.mark.parametrize("case_id", ["span-annan", "span-juncker"])
def test_span_of_time_is_not_a_visit(coded, case_id):
    events = events_of(coded, case_id)
    assert not [e for e in events if e.cameo[:2] == "04" or e.plover == "CONSULT"], \
        f"{TEXTS[case_id]!r}: 'for N years' read as a visit: {produced(events)}"


# -- 7. PETRARCH2 overrides --------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id", ["fly-erdogan", "fly-netanyahu"])
def test_a_flight_to_a_capital_is_no_intent_to_meet(coded, case_id):
    events = events_of(coded, case_id)
    assert not [e for e in events if e.cameo.startswith("036") or e.plover == "AGREE"], \
        f"{TEXTS[case_id]!r}: {produced(events)}"


@pytest.mark.parametrize("case_id", ["complaint-lumber", "complaint-duties"])
def test_a_complaint_is_not_aimed_at_the_forum(coded, case_id):
    events = events_of(coded, case_id)
    assert not [e for e in events if side(e.target) == "WTO"], f"{TEXTS[case_id]!r}: {produced(events)}"


@pytest.mark.parametrize("case_id, source, target", [
    ("complaint-lumber", "CAN", "USA"),
    ("complaint-duties", "CHN", "AUS"),  # "over ..." hangs on the forum's name in the parse
])
def test_a_complaint_is_aimed_at_the_one_complained_of(coded, case_id, source, target):
    assert_coded(coded, case_id, plover="ACCUSE", source=source, target=target)


# -- 8. announced force by its own side is a threat ------------------------------------------------------------

@pytest.mark.parametrize("case_id, source, target", [("threat-guam", "PRK", "USA"), ("threat-hezbollah", "ISR", "LBN")])
def test_announced_strike_is_a_threat(coded, case_id, source, target):
    events = events_of(coded, case_id)
    threats = [e for e in find(events, root="13", plover="THREATEN", source=source, target=target)
               if e.aux_mode is None]
    assert threats, f"{TEXTS[case_id]!r}: want a threat (13x, aux_mode None) {source}->{target}, coded {produced(events)}"
    assert not [e for e in events if e.plover == "ASSAULT"], \
        f"{TEXTS[case_id]!r}: an announced strike coded as an assault: {produced(events)}"


# -- 9. a protest at home is aimed at the government of the place ----------------------------------------------

@pytest.mark.parametrize("case_id, state", [("home-tbilisi", "GEO"), ("home-belgrade", "SRB")])
def test_protest_at_home_targets_the_government_of_the_place(coded, case_id, state):
    assert_coded(coded, case_id, plover="PROTEST", source=state, target=state)


# -- 10. nobody follows suit in a country's act at home --------------------------------------------------------

def test_nobody_follows_suit_in_a_protest_at_home(coded):
    events = events_of(coded, "follow-home")
    assert find(events, plover="PROTEST", source="SRB", target="SRB"), produced(events)
    followers = [e for e in events if side(e.source) in ("MNE", "MKD")]
    assert not followers, f"neighbours coded as following a protest at home: {produced(followers)}"


def test_following_suit_in_an_act_on_another_still_codes(coded):
    for follower in ("DEU", "FRA", "ITA"):
        assert_coded(coded, "follow-expulsion", plover="SANCTION", source=follower, target="RUS")


# -- 11. coordinated nationality groups are two actors ---------------------------------------------------------

@pytest.mark.parametrize("case_id, states", [("coord-warplanes", ("RUS", "SYR")), ("coord-warships", ("CHN", "RUS"))])
def test_coordinated_nationality_groups_are_two_military_actors(coded, case_id, states):
    mentions = coded[case_id][0]
    found = {(m.actor.country, m.actor.sector) for m in mentions}
    for state in states:
        assert (state, "MIL") in found, f"{TEXTS[case_id]!r}: want {state}/MIL among {sorted(found, key=str)}"


def test_coordinated_nationality_groups_are_both_sources(coded):
    for source in ("RUS", "SYR"):
        assert_coded(coded, "coord-warplanes", plover="ASSAULT", source=source, target="TUR")


# -- 12. abbreviated titles don't split sentences -------------------------------------------------------------

@pytest.fixture(scope="module")
def annotator():
    from detente.annotate import Annotator
    return Annotator()


@pytest.mark.parametrize("text, first, words", [
    ("Lt. Gen. Raoul Cedras resigned on Monday as commander of the Haitian army.", 1, ("Lt.", "Gen.", "resigned")),
    ("Brig. Gen. Sitiveni Rabuka resigned from the army on Tuesday. He said he would run for parliament.", 2,
     ("Brig.", "Gen.", "resigned")),
])
def test_abbreviated_title_does_not_split_a_sentence(annotator, text, first, words):
    a = annotator.annotate_one(Document(doc_id="t", source="test", text=text, published=PUBLISHED))
    sentences = [s.text for s in a.sentences]
    assert len(sentences) == first, sentences
    assert all(w in sentences[0] for w in words), sentences


# -- 13. lemma fixes ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id, state", [("lemma-dhaka", "BGD"), ("lemma-jakarta", "IDN")])
def test_staged_protest_is_coded(coded, case_id, state):
    events = events_of(coded, case_id)
    protests = [e for e in events if e.plover == "PROTEST" and side(e.source) == state]
    assert protests, f"{TEXTS[case_id]!r}: want PROTEST by {state}, coded {produced(events)}"
    assert any("staged" in (e.trigger or "") for e in protests), produced(protests)


# -- 14. PLOVER contexts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id, source, target", [("cbrn-bakhmut", "RUS", "UKR"), ("cbrn-basra", "IRQ", "IRN")])
def test_chemical_attack_carries_cbrn_context(coded, case_id, source, target):
    events = find(events_of(coded, case_id), plover="ASSAULT", source=source, target=target)
    assert events, f"{TEXTS[case_id]!r}: coded {produced(events_of(coded, case_id))}"
    assert all("cbrn" in e.context for e in events), [(e.cameo, e.context) for e in events]


def test_conventional_attack_carries_no_cbrn_context(coded):
    events = find(events_of(coded, "thing-of"), plover="ASSAULT", source="TUR", target="SYR")
    assert events and not any("cbrn" in e.context for e in events), [(e.cameo, e.context) for e in events]


# -- 15-18. the place of an attack in its "when" clause; police at home; "up to N"; a gathering's purpose -----

@pytest.mark.parametrize("case_id, source, target", [
    ("when-place-kabul", "AFG", "AFG"),          # the Taliban (Afghan) in Kabul: at home, at its people
    ("when-place-mogadishu", "SOM", "SOM"),
])
def test_place_of_an_attack_in_its_when_clause(coded, case_id, source, target):
    assert_coded(coded, case_id, plover="ASSAULT", source=source, target=target)


@pytest.mark.parametrize("case_id, state", [("police-arrest-dhaka", "BGD"), ("police-detain-minsk", "BLR")])
def test_police_who_arrest_no_one_named_act_at_home(coded, case_id, state):
    assert_coded(coded, case_id, plover="COERCE", source=state, target=state)


@pytest.mark.parametrize("case_id, plover, source, target", [
    ("up-to-kidnap", "ASSAULT", None, "NGA"),
    ("up-to-detain", "COERCE", "IRN", "GBR"),
])
def test_up_to_a_number_is_the_object(coded, case_id, plover, source, target):
    events = [e for e in events_of(coded, case_id) if e.plover == plover and side(e.target) == target]
    assert events, f"{TEXTS[case_id]!r}: {produced(events_of(coded, case_id))}"
    assert source is None or side(events[0].source) == source


@pytest.mark.parametrize("case_id, plover, state", [("rally-for-protest", "PROTEST", "KEN"),
                                                    ("march-for-demand", "PROTEST", "CHL")])
def test_a_gathering_for_a_purpose_is_pursued_by_those_who_come(coded, case_id, plover, state):
    events = [e for e in events_of(coded, case_id) if side(e.source) == state]
    assert events, f"{TEXTS[case_id]!r}: nobody came: {produced(events_of(coded, case_id))}"


# -- 19. force by a thing with no one named behind it ------------------------------------------------------------

@pytest.mark.parametrize("case_id, place, target", [("unknown-bomb-kandahar", "AFG", "CAN"),
                                                    ("unknown-ied-mosul", "IRQ", "GBR")])
def test_a_bomb_with_no_one_named_behind_it_is_an_unidentified_group_of_the_place(coded, case_id, place, target):
    assert_coded(coded, case_id, plover="ASSAULT", source=place, target=target)
    attackers = [e.source for e in events_of(coded, case_id) if e.plover == "ASSAULT"]
    assert all(a.sector == "UAF" and a.actor_id == f"{place}-UAF" for a in attackers), attackers


def test_a_bomb_with_no_victim_named_codes_nothing(coded):
    assert not events_of(coded, "unknown-bomb-no-victim"), produced(events_of(coded, "unknown-bomb-no-victim"))


# -- 20. a statement's participle; talks travelled to; rebels' words about their own government -------------------

@pytest.mark.parametrize("case_id, plover, source, target", [
    ("statement-demanding", "REQUEST", "YEM", "SAU"),
    ("return-for-talks", "CONSULT", "IRN", "USA"),
    ("rebels-demand-own-government", "REQUEST", "YEM", "YEM"),
])
def test_sides_of_statements_travels_and_rebel_demands(coded, case_id, plover, source, target):
    assert_coded(coded, case_id, plover=plover, source=source, target=target)


# -- 21. a purpose infinitive's conjunct shares its "to" --------------------------------------------------------

def test_an_act_conjoined_to_a_purpose_infinitive_is_not_done(coded):
    done = [e for e in events_of(coded, "aims-to-conj") if e.plover in ("COERCE", "SANCTION") and e.aux_mode is None]
    assert not done, f"{TEXTS['aims-to-conj']!r}: coded as done: {produced(done)}"


# -- 22. an expectation others hold is no one's intent ------------------------------------------------------------

def test_an_expectation_is_no_intent(coded):
    intents = [e for e in events_of(coded, "expected-to-be-joined") if e.plover == "AGREE"]
    assert not intents, f"{TEXTS['expected-to-be-joined']!r}: {produced(intents)}"


# -- 23. a complaint to a forum is aimed at the one complained of --------------------------------------------------

def test_a_complaint_to_a_forum_is_aimed_at_the_one_complained_of(coded):
    assert_coded(coded, "complain-to-forum", plover="ACCUSE", source="ARM", target="AZE")


# -- 24. evacuating settlements or positions is a withdrawal, not aid -------------------------------------------

def test_evacuating_positions_is_a_withdrawal(coded):
    events = events_of(coded, "evacuate-positions")
    assert find(events, plover="RETREAT", source="RUS", target="UKR"), produced(events)
    assert not [e for e in events if e.plover == "AID"], produced(events)


# -- 25. a participle that describes what a thing underwent tells background -------------------------------------

def test_a_descriptive_participle_is_background(coded):
    seized = [e for e in events_of(coded, "seized-background") if e.cameo.startswith("17")]
    assert seized and all(e.aux_mode == "historical" for e in seized), produced(events_of(coded, "seized-background"))


# -- 26. a vow not to yield is a refusal -------------------------------------------------------------------------

def test_a_vow_not_to_yield_is_a_refusal(coded):
    events = events_of(coded, "vow-not-to-release")
    assert find(events, plover="REJECT", source="IRN", target="GBR"), produced(events)
    assert not [e for e in events if e.plover == "AGREE"], produced(events)


# -- 27. an attack set as a condition is not an attack reported ----------------------------------------------------

def test_an_attack_set_as_a_condition_is_not_reported(coded):
    events = events_of(coded, "if-attacks")
    assert [e for e in events if e.plover == "THREATEN" and side(e.source) == "EU"], produced(events)
    assert not [e for e in events if e.cameo.startswith("138") or e.plover == "ASSAULT" and e.aux_mode is None], \
        produced(events)


# -- 28. bare "serve" is a role or a sentence ---------------------------------------------------------------------

@pytest.mark.parametrize("case_id", ["serve-sentence", "serve-role"])
def test_serving_a_sentence_or_a_term_is_no_cooperation(coded, case_id):
    events = [e for e in events_of(coded, case_id) if e.plover == "COOPERATE"]
    assert not events, f"{TEXTS[case_id]!r}: {produced(events)}"


def test_evacuating_the_wounded_is_still_aid(coded):
    assert_coded(coded, "evacuate-wounded", plover="AID", source="UN", target="SYR")


# -- 29. an ethnic group belongs to the state its sentence names ---------------------------------------------------

def test_an_ethnic_group_belongs_to_the_state_of_its_sentence(coded):
    events = events_of(coded, "ethnic-albanians")
    assert find(events, plover="COERCE", source="SRB", target="SRB"), produced(events)
    assert not [e for e in events if side(e.target) == "ALB"], produced(events)


# -- 31. a side's own forces are what it mobilises, not whom at ----------------------------------------------------

def test_own_troops_put_on_alert_are_no_target(coded):
    events = [e for e in events_of(coded, "alert-own-troops") if e.plover == "MOBILIZE"]
    assert events and all(e.target is None or side(e.target) != "FRA" for e in events), \
        produced(events_of(coded, "alert-own-troops"))


# -- 32. receiving inspectors is allowing international involvement ----------------------------------------------

def test_receiving_inspectors_is_allowing_involvement(coded):
    assert_coded(coded, "receive-inspectors", cameo="0862", plover="RETREAT", source="IRN", target="IAEA")


# -- 33. a threat of coercion at home --------------------------------------------------------------------------------

def test_a_threat_of_coercion_at_home_is_aimed_at_its_own_country(coded):
    assert_coded(coded, "threat-home-ban", plover="THREATEN", source="BLR", target="BLR")


# -- 30. a place is in the state it was in on the day -------------------------------------------------------------

def test_a_place_is_in_the_state_it_was_in_on_the_day():
    """Juba was in Sudan until South Sudan's independence (2011-07-09): a meeting there in 1995 was at home for
    Sudan's president (040), in 2015 it was abroad for both (044)."""
    from detente.pipeline import annotate_and_code
    text = "Sudanese President Omar al-Bashir met Ugandan President Yoweri Museveni in Juba on Monday."
    docs = [Document(doc_id=f"juba-{year}", source="test", text=text, published=f"{year}-03-07") for year in (1995, 2015)]
    events = [e for _m, _q, evs, _s in annotate_and_code(docs, workers=1) for e in evs if e.plover == "CONSULT"]
    where = {e.doc_id: (e.location or {}).get("country") for e in events}
    assert where == {"juba-1995": "SDN", "juba-2015": "SSD"}, where


# -- 34-36. a stranded preposition's object, a place slot, a dropped PETRARCH2 reading -----------------------------

@pytest.mark.parametrize("case_id, cameo, plover, source, target", [
    ("stranded-to", "075", "AID", "ECU", "VEN"),          # asylum TO leaders the parser made a participle's subject
    ("embassy-in-capital", "054", "SUPPORT", "CHL", "VNM"),  # an embassy IN Hanoi: with Vietnam
    ("beat-with-knowledge", "18", "ASSAULT", "IND", "BGD"),  # a beating, whoever knew of it
    ("capture-part", "19", "COERCE", "UKR", "RUS"),          # capturing part of a stronghold, not taking part
])
def test_targets_from_structure_the_parse_leaves_loose(coded, case_id, cameo, plover, source, target):
    assert_coded(coded, case_id, cameo=cameo, plover=plover, source=source, target=target)


# -- 37-40. frames inherited, demands answered, ultimatums, refusals vowed ------------------------------------------

@pytest.mark.parametrize("case_id, cameo, plover, source, target", [
    ("reiterated-demand", "10", "REQUEST", "FRA", "ISR"),   # the one asked, not the one the asked act would help
    ("bowed-to-demands", "08", "CONCEDE", "SRB", "EU"),     # demands FROM the EU
    ("unless-ultimatum", "139", "THREATEN", "TUR", "ISR"),  # would close ... UNLESS
    ("vow-not-unknown", "12", "REJECT", "TUR", "SWE"),      # vowed NOT to let ...
])
def test_frames_demands_and_conditions(coded, case_id, cameo, plover, source, target):
    assert_coded(coded, case_id, cameo=cameo, plover=plover, source=source, target=target)


def test_a_reiterated_demand_is_not_the_act_demanded(coded):
    assert not find(events_of(coded, "reiterated-demand"), root="08"), produced(events_of(coded, "reiterated-demand"))


# -- 41-42. claims and unnamed addressees ---------------------------------------------------------------------------

def test_an_act_inside_a_claim_is_not_coded_as_done(coded):
    assert not find(events_of(coded, "claim-content"), root="19", source="RUS", target="UKR"), \
        produced(events_of(coded, "claim-content"))


def test_the_content_of_a_warning_does_not_stand_for_the_one_warned(coded):
    assert not find(events_of(coded, "warned-unnamed"), root="13", source="TUR", target="USA"), \
        produced(events_of(coded, "warned-unnamed"))
    assert_coded(coded, "warned-named", root="13", source="TUR", target="GRC")


def test_part_of_a_programme_is_read_by_its_kind(coded):
    assert_coded(coded, "part-of-aid", cameo="162", plover="SANCTION", source="EU", target="NER")
    assert not find(events_of(coded, "part-of-nuclear"), root="16", source="IRN", target=None), \
        produced(events_of(coded, "part-of-nuclear"))


def test_an_event_noun_qualifying_another_takes_its_place_in_the_clause(coded):
    assert_coded(coded, "mediation-effort", cameo="045", plover="CONSULT", source="QAT", target="ETH")
    assert_coded(coded, "mediation-effort", cameo="045", plover="CONSULT", source="QAT", target="ERI")


def test_an_act_still_to_come_told_by_another_side_is_no_accusation(coded):
    events = events_of(coded, "told-future-act")
    assert not [e for e in events if side(e.source) == "POL" and e.cameo[:2] in ("11", "13", "19")], produced(events)


def test_an_obligation_is_the_reporters_demand_not_the_obligeds(coded):
    events = events_of(coded, "obliged-speaker")
    assert not [e for e in events if side(e.source) in ("SAU", "ARE")], produced(events)
    assert [e for e in events if e.cameo.startswith("10") and e.source.actor_id in ("RED-CROSS", "ICRC")
            and side(e.target) in ("SAU", "ARE")], produced(events)


def test_a_condition_of_ones_own_is_not_the_addressee(coded):
    events = events_of(coded, "demand-before")
    assert not [e for e in events if e.cameo.startswith("10") and side(e.target) == "EU"], produced(events)


def test_a_stance_word_is_no_nationality(coded):
    mentions, events = coded["anti-stance"]
    assert not [m for m in mentions if m.actor.country == "IRN"], [(m.text, m.actor.actor_id) for m in mentions]
    assert not [e for e in events if "IRN" in (side(e.source), side(e.target))], produced(events)



def test_a_relative_clause_names_no_side_of_the_act(coded):
    events = events_of(coded, "plan-relcl")
    assert not [e for e in events if e.cameo.startswith("03")], produced(events)


def test_refugees_forced_out_are_coerced_not_denied_aid(coded):
    events = events_of(coded, "forced-refugees")
    assert not [e for e in events if e.cameo.startswith("16")], produced(events)
    assert_coded(coded, "forced-refugees", cameo="17", plover="COERCE", source="MMR", target="BGD")


def test_a_target_on_the_last_weapon_of_a_list_aims_the_attack(coded):
    assert_coded(coded, "fire-list", plover="ASSAULT", source="AZE", target="ARM")


def test_refugees_are_from_what_they_flee(coded):
    assert_coded(coded, "fleeing-war", plover="AID", source="TCD", target="SDN")


def test_a_rebel_groups_refusal_is_aimed_at_its_own_countrys_factions(coded):
    assert_coded(coded, "reject-factions", plover="REJECT", source="PSE", target="PSE")


def test_a_call_for_an_act_is_a_request_not_the_act(coded):
    events = events_of(coded, "call-for-truce")
    assert not [e for e in events if e.plover == "RETREAT"], produced(events)
    assert_coded(coded, "call-for-truce", plover="REQUEST", source="QAT", target="ISR")
    assert_coded(coded, "call-for-truce", plover="REQUEST", source="QAT", target="LBN")


@pytest.mark.parametrize("case_id, source, target", [("call-for-clause", "SWE", "RUS"), ("push-for-clause", "JPN", "CHN")])
def test_the_subject_of_a_clause_after_for_is_the_one_asked(coded, case_id, source, target):
    assert_coded(coded, case_id, plover="REQUEST", source=source, target=target)


@pytest.mark.parametrize("case_id, source, target", [("call-for-sanctions", "NLD", "MMR"), ("urge-sanctions", "LTU", "BLR")])
def test_a_call_for_action_against_a_side_rallies_opposition_to_it(coded, case_id, source, target):
    assert_coded(coded, case_id, cameo="113", plover="ACCUSE", source=source, target=target)


def test_sanctioning_a_move_approves_it(coded):
    events = events_of(coded, "sanctioned-move")
    assert not [e for e in events if e.cameo.startswith("16")], produced(events)
    assert_coded(coded, "sanctioned-offensive", cameo="051", plover="SUPPORT", source="RUS", target="TUR")


def test_whom_a_cooperation_is_against_is_not_its_partner(coded):
    events = events_of(coded, "coalition-against")
    assert not [e for e in events if e.plover in ("COOPERATE", "SUPPORT", "AGREE")], produced(events)


@pytest.mark.parametrize("case_id, place", [("content-place", "AFG"), ("content-place-camp", "NGA")])
def test_a_place_in_what_is_said_is_not_its_target(coded, case_id, place):
    events = events_of(coded, case_id)
    assert not [e for e in events if side(e.target) == place and e.plover == "THREATEN"], produced(events)


@pytest.mark.parametrize("case_id", ["question", "quoted-question", "analysts-forecast"])
def test_questions_and_forecasts_by_unnamed_people_are_no_events(coded, case_id):
    events = events_of(coded, case_id)
    assert not [e for e in events if e.cameo[:2] in ("13", "18", "19", "20")], produced(events)


@pytest.mark.parametrize("case_id", ["writer-may", "writer-if", "habit-usually", "habit-long"])
def test_a_guess_a_condition_or_a_habit_is_no_event(coded, case_id):
    assert not events_of(coded, case_id), produced(events_of(coded, case_id))


def test_a_possibility_in_the_actors_own_words_is_a_threat(coded):
    assert_coded(coded, "quoted-could", plover="THREATEN", source="ISR", target="LBN")


@pytest.mark.parametrize("case_id, source, target", [("pronoun-subject", "SAU", "QAT"), ("pronoun-person", "RUS", "FRA")])
def test_a_subject_pronoun_carries_on_the_subject_before_it(coded, case_id, source, target):
    events = events_of(coded, case_id)
    last = [e for e in events if side(e.target) == target]
    assert last and all(side(e.source) == source for e in last), produced(events)


def test_the_speakers_own_group_is_not_whom_a_warning_is_aimed_at(coded):
    events = events_of(coded, "speaker-group")
    assert not [e for e in events if e.plover == "THREATEN" and e.target and e.target.actor_id.upper() == "HAMAS"], \
        produced(events)
    assert_coded(coded, "speaker-group", plover="THREATEN", source="PSE", target="ISR")


def test_it_in_what_a_speaker_says_is_the_speaker(coded):
    events = events_of(coded, "reporter-it")
    assert not [e for e in events if side(e.source) == "SYR"], produced(events)
    assert_coded(coded, "reporter-it", plover="ACCUSE", source="IRN", target="TUR")


def test_a_role_in_apposition_renames_the_person(coded):
    events = events_of(coded, "appos-role")
    assert [e for e in events if e.cameo == "173" and e.target and e.target.actor_id == "evan-gershkovich"], produced(events)
    assert not [e for e in events if e.cameo == "173" and side(e.target) == "RUS"], produced(events)


@pytest.mark.parametrize("case_id, plover, state", [("home-demand", "REQUEST", "ARM"), ("home-accuse", "ACCUSE", "NGA")])
def test_rulers_and_people_face_each_other_at_home(coded, case_id, plover, state):
    assert_coded(coded, case_id, plover=plover, source=state, target=state)


def test_a_states_own_officials_do_not_face_its_government(coded):
    events = events_of(coded, "home-not-self")
    assert not [e for e in events if side(e.source) == "GEO" and side(e.target) == "GEO"], produced(events)


def test_asked_for_an_act_the_doer_is_the_one_asked(coded):
    events = events_of(coded, "demand-withdrawal")
    assert not [e for e in events if e.plover == "REQUEST" and side(e.target) == "MDA"], produced(events)
    assert_coded(coded, "demand-withdrawal", plover="REQUEST", source="EU", target="RUS")


def test_what_is_acted_on_is_no_side_at_home(coded):
    events = events_of(coded, "demand-release-own")
    assert not [e for e in events if side(e.source) == "IRN" and side(e.target) == "IRN"], produced(events)
    assert_coded(coded, "pressure-workers", plover="REQUEST", source="IRN", target="IRN")


@pytest.mark.parametrize("case_id, source, target", [("protest-demand", "KEN", "william-ruto"),
                                                     ("hunger-strike-demand", "ARM", "nikol-pashinyan")])
def test_a_protest_is_aimed_at_whom_its_demand_is_made_of(coded, case_id, source, target):
    events = events_of(coded, case_id)
    assert [e for e in events if e.plover == "PROTEST" and side(e.source) == source and e.target
            and e.target.actor_id == target], produced(events)


@pytest.mark.parametrize("case_id, actor", [("felt-ready", "GRC"), ("saw-willingness", "TUR")])
def test_what_a_speaker_only_senses_is_not_the_others_act(coded, case_id, actor):
    events = events_of(coded, case_id)
    assert not [e for e in events if side(e.source) == actor], produced(events)


def test_a_fronted_participles_pronoun_is_the_clause_subject(coded):
    events = events_of(coded, "fronted-his")
    assert [e for e in events if e.plover == "CONSULT" and e.source.actor_id == "sergey-lavrov"
            and e.target and e.target.actor_id == "antony-blinken"], produced(events)


def test_steps_taken_are_the_act_done(coded):
    events = events_of(coded, "took-steps")
    assert [e for e in events if e.plover == "RETREAT" and e.aux_mode is None and side(e.source) == "SDN"], \
        produced(events)


def test_the_one_acted_on_in_a_passive_is_the_subject_of_a_joined_verb(coded):
    events = events_of(coded, "passive-conj")
    assert not [e for e in events if e.cameo.startswith("03") and e.source.actor_id not in ("SRB",)
                and side(e.source) != "SRB"], produced(events)


def test_a_participle_the_parser_hangs_on_the_root_noun_is_the_verb(coded):
    assert_coded(coded, "noun-root", plover="AID", source="DEU", target="IRQ")
