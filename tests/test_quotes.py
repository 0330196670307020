"""Direct quotes: pairing of quotation marks, scare quotes, and speakers for each attribution form.

Fixture paragraphs are written for these tests; the actors in them come from a small fake resolver so
that the tests do not depend on the knowledge base.
"""
from __future__ import annotations


import pytest

from detente.annotate.quotes import find_quote_spans
from detente.annotate.actors.resolver import Resolution
from detente.types import Actor, Document

NOR = Actor("NOR", "Norway", "state", "NOR", sector="GOV")
NOR_MFA = Actor("NOR-MFA", "Ministry of Foreign Affairs of Norway", "org", "NOR", sector="GOV")
BERG = Actor("tomas-berg", "Tomas Berg", "person", "NOR", sector="GOV", role="Minister of Foreign Affairs")
KORHONEN = Actor("anna-korhonen", "Anna Korhonen", "person", "FIN", sector="GOV", role="President")
TABLE = {"norway": NOR, "norwegian": NOR, "oslo": NOR, "tomas berg": BERG, "berg": BERG,
         "anna korhonen": KORHONEN, "korhonen": KORHONEN, "norwegian foreign ministry": NOR_MFA}


class FakeResolver:
    def resolve(self, text, date=None, context=None):
        key = text.strip().lower().removeprefix("the ")
        return Resolution(TABLE[key], "name") if key in TABLE else None


@pytest.fixture(scope="module")
def annotator():
    from detente.annotate import Annotator
    return Annotator(resolver=FakeResolver(), surface_forms=[], find_times=lambda text, published: [],
                     genders={"tomas-berg": "m", "anna-korhonen": "f"})


def quotes_of(annotator, text):
    doc = Document(doc_id="t", source="test", text=text, published="2021-06-01")
    return annotator.annotate_one(doc).quotes


def only(quotes):
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


# -- pairing marks, text only

def test_straight_and_curly_marks():
    text = 'A "first quoted clause with five words" here.\nThen “a second one in curly marks” there.'
    spans = find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["first quoted clause with five words",
                                                    "a second one in curly marks"]


def test_scare_quotes_are_not_quotes():
    text = 'The ministry called the move "provocative" and a “clear mistake” on "strategic stability".'
    assert find_quote_spans(text) == []


def test_unclosed_quote_stops_at_paragraph_end():
    text = 'Berg said "the talks will resume in spring and go on for weeks\nA new paragraph about "other things entirely" here.'
    spans = find_quote_spans(text)
    assert text[spans[0].start:spans[0].end] == "the talks will resume in spring and go on for weeks"
    assert "\n" not in text[spans[0].start:spans[0].end]


def test_unclosed_quote_ends_where_next_opens():
    text = 'He spoke of "ending the dispute over the border. "We hope this works for both sides," he said.'
    spans = find_quote_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["ending the dispute over the border.",
                                                    "We hope this works for both sides"]


def test_odd_text_does_not_crash():
    assert find_quote_spans("") == []
    assert find_quote_spans('""""“”„«»') == []
    long = "“" + "word " * 5000
    spans = find_quote_spans(long)
    assert spans and all(s.end - s.start <= 1500 for s in spans)


# -- speakers and cues

def test_quote_then_name_said(annotator):
    q = only(quotes_of(annotator, '"We will keep talking to our neighbours," Berg said.'))
    assert q.text == "We will keep talking to our neighbours"
    assert q.speaker == BERG and q.cue == "said"


def test_name_said_colon_quote(annotator):
    q = only(quotes_of(annotator, 'Tomas Berg said: "The talks were useful and we expect another round soon."'))
    assert q.speaker == BERG and q.cue == "said"


def test_pronoun_added(annotator):
    text = ('Norwegian Foreign Minister Tomas Berg spoke in Oslo on Monday.\n'
            '"The door stays open for further talks," he added.')
    q = only(quotes_of(annotator, text))
    assert q.speaker == BERG and q.cue == "added"


def test_according_to(annotator):
    q = only(quotes_of(annotator, '"The sanctions must go before any deal is signed", according to Tomas Berg.'))
    assert q.speaker == BERG and q.cue == "according to"


def test_partial_quote_after_that(annotator):
    q = only(quotes_of(annotator, 'Berg noted that "the treaty still binds both parties in full" and left.'))
    assert q.text == "the treaty still binds both parties in full"
    assert q.speaker == BERG and q.cue == "noted"


def test_split_quote_keeps_speaker(annotator):
    text = '“The first round went well,” Berg said. “The second will be much harder for everyone.”'
    quotes = quotes_of(annotator, text)
    assert [q.text for q in quotes] == ["The first round went well", "The second will be much harder for everyone."]
    assert all(q.speaker == BERG for q in quotes)
    assert [q.quote_id for q in quotes] == ["t-q1", "t-q2"]


def test_multi_sentence_quote(annotator):
    q = only(quotes_of(annotator, '"We came here to listen. We also came to be heard. Both happened," Berg said.'))
    assert q.text.count(".") == 2 and q.speaker == BERG


def test_institution_and_capital_speak(annotator):
    text = ('"Nothing has changed in our position on the talks," the Norwegian Foreign Ministry said.\n'
            '"Our offer remains on the table for now," says Oslo.')
    quotes = quotes_of(annotator, text)
    assert [q.speaker for q in quotes] == [NOR_MFA, NOR]
    assert quotes[1].cue == "says"


def test_indirect_speech_is_not_a_quote(annotator):
    assert quotes_of(annotator, "Berg said that the first meeting had taken place in Oslo.") == []


def test_female_pronoun_links_to_female_speaker(annotator):
    text = ('Tomas Berg met Finnish President Anna Korhonen on Monday. Korhonen said the meeting went well.\n'
            '“We agreed to meet again before the summer,” she said.')
    q = only(quotes_of(annotator, text))
    assert q.speaker == KORHONEN


def test_quote_spans_point_into_text(annotator):
    text = 'Intro line.\n“Words inside the marks stay exactly as written,” Berg said.'
    q = only(quotes_of(annotator, text))
    assert text[q.span[0]:q.span[1]] == q.text


# -- short quotes: attributed fragments are quotes, scare quotes are not

def test_short_quote_called(annotator):
    q = only(quotes_of(annotator, 'Tomas Berg called the proposal "premature and unhelpful" on Monday.'))
    assert q.text == "premature and unhelpful" and q.speaker == BERG and q.cue == "called"


def test_short_quote_after_said_that(annotator):
    q = only(quotes_of(annotator, 'Berg told reporters that the first round had been "useful".'))
    assert q.text == "useful" and q.speaker == BERG and q.cue == "told"


def test_short_quote_with_pronoun_speaker(annotator):
    q = only(quotes_of(annotator, 'Anna Korhonen rejected what she called an "unfriendly" step.'))
    assert q.speaker == KORHONEN


def test_scare_quotes_without_a_speaker_stay_out(annotator):
    assert quotes_of(annotator, 'The "border formula" came up again at the talks on Monday.') == []
    assert quotes_of(annotator, 'Berg flew home after the "grain corridor" meeting.') == []


def test_speaker_before_an_aside(annotator):
    q = only(quotes_of(annotator, 'Berg, speaking in Oslo, said the plan was "a step forward".'))
    assert q.speaker == BERG and q.cue == "said"


def test_speaker_of_a_participle_clause(annotator):
    text = 'Anna Korhonen met Berg in Oslo, telling him: "We will meet again before the summer is over."'
    q = only(quotes_of(annotator, text))
    assert q.speaker == KORHONEN and q.cue == "telling"


def test_appeal_with_colon(annotator):
    q = only(quotes_of(annotator, 'Tomas Berg appealed to both sides: "Stop the shelling and talk."'))
    assert q.speaker == BERG


# -- vows, verdicts and absolute clauses (sentences written for these tests)

def test_vowed_short_quote_has_its_speaker(annotator):
    q = only(quotes_of(annotator, 'Tomas Berg vowed "a firm answer" to the cyber attack on Tuesday.'))
    assert q.text == "a firm answer" and q.speaker == BERG and q.cue == "vowed"


def test_denounced_as_quote(annotator):
    q = only(quotes_of(annotator, 'Anna Korhonen denounced the verdict as "a dark day for the rule of law".'))
    assert q.speaker == KORHONEN and q.cue == "denounced"


def test_verdict_verbs_need_a_quote(annotator):
    # "condemned", "praised" are cues only for the words they quote: no quote here, nothing to attribute
    assert quotes_of(annotator, "Anna Korhonen condemned the strike and praised the rescuers.") == []


def test_absolute_clause_with_participle(annotator):
    text = ('The meeting ended early on Friday, with Berg accusing his host of "playing games with the '
            'future of the region".')
    q = only(quotes_of(annotator, text))
    assert q.speaker == BERG and q.cue == "accusing"


def test_participle_without_subject_is_not_absolute(annotator):
    text = 'Accusing nobody by name, the report spoke of "a pattern of deliberate obstruction" in the talks.'
    q = quotes_of(annotator, text)
    assert all(x.speaker is None for x in q)
