"""Selective NER and parsing: the light pass runs on every sentence; NER only where a sentence may need it (an event
cue, or a word that may be a name: `Annotator.needs_entities`); the parser only where an actor and a cue that could
fit a pattern (`gate.EventCues`) both are. The paragraphs are written for these tests, in the style of wire copy, and
run through the real knowledge base, patterns and model.

The other speed-ups of the light pass must change nothing: the attribute rules by table (`nlp.FastAttributes`), the
sentence copies the parser reads (`nlp._copies`), and numpy's BLAS for the networks."""
from __future__ import annotations

import pytest

from detente.types import Document

EVENTS = ("Russian Foreign Minister Sergei Lavrov met his Turkish counterpart Hakan Fidan in Ankara on Tuesday. "
          "The two ministers agreed to resume talks on grain shipments through the Black Sea.")
# no name, no event cue: the sentences NER and the parser skip
PLAIN = ("It rained for most of the afternoon. The hall was cold and the windows were dirty. "
         "There were about forty people in the room. A few of them were students from the technical college.")
# a person the knowledge base does not know, named with his office, in a sentence without an event cue
UNKNOWN = "Latvian Deputy Prime Minister Janis Ozolkalns said on Monday that the water had reached the second floor."
QUOTE = ("\u201cWe will not accept these demands,\u201d Kremlin spokesman Dmitry Peskov told reporters, adding that "
         "Moscow would respond to any new sanctions imposed by Washington.")
MORE = ("Poland expelled three Belarusian diplomats on Thursday after a drone crashed near the border town of Hrubieszow. "
        "The Belarusian foreign ministry summoned the Polish charge d'affaires in Minsk and called the expulsions "
        "a provocation.")
TEXT = "\n".join((EVENTS, PLAIN, UNKNOWN, PLAIN, QUOTE, MORE))


def document(text: str = TEXT, doc_id: str = "selective-1") -> Document:
    return Document(doc_id=doc_id, source="test", text=text, published="2024-03-12")


@pytest.fixture(scope="module")
def stages():
    from detente.annotate import Annotator
    from detente.code import Coder
    return Annotator(), Coder()


def sentence_spans(annotation, text: str) -> list:
    """The token spans of the annotation's sentences that lie inside `text` (a paragraph of the document), wherever
    it occurs."""
    full, starts, k = annotation.doc.text, [], 0
    while (k := full.find(text, k)) >= 0:
        starts.append(k)
        k += len(text)
    sdoc = annotation.tokens
    return [sdoc.char_span(s.start, s.end, alignment_mode="expand") for s in annotation.sentences
            if any(a <= s.start < a + len(text) for a in starts)]


def test_plain_sentences_get_neither_ner_nor_parse(stages, monkeypatch):
    from detente.annotate import nlp
    annotator, coder = stages
    ner_ranges, parsed = [], []
    entities, parse = nlp.entities, nlp.parse

    def spy_entities(docs, ranges, **kw):
        ner_ranges.extend(ranges)
        return entities(docs, ranges, **kw)

    def spy_parse(spans, **kw):
        spans = list(spans)
        parsed.extend(s.text for s in spans)
        return parse(spans, **kw)

    monkeypatch.setattr(nlp, "entities", spy_entities)
    monkeypatch.setattr(nlp, "parse", spy_parse)
    annotation = annotator.annotate_one(document())
    events = coder.code(annotation)

    assert len(ner_ranges) == 1 and ner_ranges[0] is not None
    chosen = {i for a, b in ner_ranges[0] for i in range(a, b)}
    plain = sentence_spans(annotation, PLAIN)
    assert len(plain) == 8  # the plain paragraph, twice
    for span in plain:
        assert not chosen & set(range(span.start, span.end)), span.text
        assert all(t.ent_iob_ == "O" for t in span), span.text  # outside every entity, as NER would have it
        assert span.text not in parsed
    # the others keep NER and, where an actor and a cue are, the parse
    for paragraph in (EVENTS, UNKNOWN, QUOTE, MORE):
        for span in sentence_spans(annotation, paragraph):
            assert set(range(span.start, span.end)) <= chosen, span.text
    assert any(s.startswith("Russian Foreign Minister Sergei Lavrov met") for s in parsed)
    assert not any(s.startswith("Latvian Deputy Prime Minister") for s in parsed)  # an actor, but no event cue
    assert {e.cameo[:2] for e in events} >= {"04", "03", "16"}


def test_an_unknown_person_keeps_his_mention(stages):
    from detente.annotate.actors.kb import KnowledgeBase
    annotator, _ = stages
    annotation = annotator.annotate_one(document())
    assert "janis-ozolkalns" not in KnowledgeBase.load().people
    found = [m for m in annotation.mentions if m.text.endswith("Janis Ozolkalns")]
    assert found and found[0].actor.kind == "person" and found[0].actor.country == "LVA"
    (span,) = sentence_spans(annotation, UNKNOWN)
    assert any(e.label_ == "PERSON" and e.text == "Janis Ozolkalns" for e in span.ents)


def _rows(annotation, events) -> tuple:
    mentions = sorted((m.span, m.text, m.actor.actor_id, m.basis) for m in annotation.mentions)
    quotes = sorted((q.span, q.speaker.actor_id if q.speaker else None) for q in annotation.quotes)
    return mentions, quotes, [e.to_row() for e in events]


def test_the_record_is_that_of_ner_and_a_parse_on_every_sentence(stages, monkeypatch):
    from detente.annotate import Annotator
    from detente.code import Coder, CoderStats
    annotator, coder = stages
    coder.stats = CoderStats()
    texts = [TEXT, "\n".join((PLAIN, MORE, UNKNOWN)), "\n".join((QUOTE, PLAIN, EVENTS))]
    docs = [document(t, f"selective-{n}") for n, t in enumerate(texts)]
    chosen = [_rows(a, e) for a, e in coder.code_many(annotator.annotate(docs))]
    assert coder.stats.sentences_parsed < coder.stats.sentences_seen

    everything = Annotator()
    monkeypatch.setattr(everything, "entity_ranges", lambda *args: None)  # NER over every sentence
    full = Coder()

    class EveryCue:
        def in_sentence(self, annotation, sentence):
            return True

    full.cues = EveryCue()  # every sentence the gate lets through
    whole = [_rows(a, e) for a, e in full.code_many(everything.annotate(docs))]
    assert full.stats.sentences_parsed > coder.stats.sentences_parsed
    assert chosen == whole
    assert all(rows[2] for rows in chosen)  # each document has events to compare


def test_ner_on_ranges_finds_what_ner_on_the_whole_document_finds():
    from detente.annotate import nlp
    whole, parts = nlp.light()(TEXT), nlp.light()(TEXT)
    nlp.entities([whole], [None])
    sentences = list(parts.sents)
    ranges = [(s.start, s.end) for n, s in enumerate(sentences) if n % 3 != 1]  # every third sentence left out
    nlp.entities([parts], [ranges])
    inside = {i for a, b in ranges for i in range(a, b)}
    expected = [(e.start, e.end, e.label_) for e in whole.ents if set(range(e.start, e.end)) <= inside]
    assert [(e.start, e.end, e.label_) for e in parts.ents] == expected
    assert len(expected) < len(whole.ents)
    assert all(t.ent_iob_ == "O" for t in parts if t.i not in inside)


def test_an_event_cue_is_needed_for_any_candidate(stages):
    """EventCues is a necessary condition: a sentence the matcher finds a candidate in has a cue."""
    from detente.annotate import nlp
    from detente.code.parties import Parties
    annotator, coder = stages
    annotation = annotator.annotate_one(document())
    sdoc = annotation.tokens
    spans = [sdoc.char_span(s.start, s.end, alignment_mode="expand") for s in annotation.sentences]
    with_candidates = 0
    for s, span, parsed in zip(annotation.sentences, spans, nlp.parse(spans)):
        candidates = coder.matcher.candidates(parsed, Parties(annotation, s, parsed, coder.d))
        if candidates:
            with_candidates += 1
            assert coder.cues(span), s.text
    assert with_candidates >= 5
    said = nlp.light()("The minister said it was late.")
    expelled = nlp.light()("Poland expelled three diplomats.")
    assert not coder.cues(said[:]) and coder.cues(expelled[:])


def test_fast_attribute_rules_equal_the_stock_ruler():
    import spacy
    from spacy.attrs import DEP, LEMMA, MORPH, NORM, POS, TAG
    from detente import settings
    from detente.annotate import nlp
    stock = spacy.load(settings.SPACY_MODEL, exclude=["parser", "ner"])
    stock.enable_pipe("senter")
    stock.add_pipe("detente_lemma_fixes", after="lemmatizer")
    assert "detente_attributes" in nlp.light().pipe_names and "attribute_ruler" not in nlp.light().pipe_names
    texts = [TEXT, "I'm gonna go, let's see. You ain't seen nothin' yet, y'all. C'mon, we gotta leave 'em. He'd done it.",
             "  \n\n  spaces   here\t\tand   there", "Y all"]
    for a, b in zip(stock.pipe(texts), nlp.light().pipe(texts)):
        attrs = [TAG, POS, MORPH, LEMMA, NORM, DEP]
        assert (a.to_array(attrs) == b.to_array(attrs)).all()
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b]


def test_light_pass_networks_agree_with_the_stock_model():
    """Tags, entities and parses with numpy's BLAS are those of spaCy's own pipeline."""
    import spacy
    from spacy.attrs import DEP, HEAD, TAG
    from detente import settings
    from detente.annotate import nlp
    stock = spacy.load(settings.SPACY_MODEL)
    theirs = stock(TEXT)
    ours = nlp.light()(TEXT)
    nlp.entities([ours], [None])
    assert (theirs.to_array([TAG]) == ours.to_array([TAG])).all()
    assert [(e.start, e.end, e.label_) for e in theirs.ents] == [(e.start, e.end, e.label_) for e in ours.ents]
    sentences = list(ours.sents)
    parser = stock.get_pipe("parser")
    for mine, span in zip(nlp.parse(sentences), sentences):
        ref = parser(span.as_doc())
        assert (mine.to_array([HEAD, DEP]) == ref.to_array([HEAD, DEP])).all(), span.text


def test_sentence_copies_equal_as_doc():
    from spacy.tokens import Doc
    from detente.annotate import nlp
    sdoc = nlp.light()(TEXT)
    nlp.entities([sdoc], [None])
    spans = list(sdoc.sents)
    # entities cut at either end of a span are left unannotated, as as_doc leaves them
    spans += [sdoc[e.start + 1:e.end + 2] for e in sdoc.ents if len(e) > 1]
    spans += [sdoc[max(0, e.start - 2):e.end - 1] for e in sdoc.ents if len(e) > 1]
    assert len(spans) > len(list(sdoc.sents))
    attrs = list(Doc._get_array_attrs())
    for span, copy in zip(spans, nlp._copies(spans)):
        ref = span.as_doc()
        assert copy.text == ref.text
        assert (copy.to_array(attrs) == ref.to_array(attrs)).all()
        assert [(e.start, e.end, e.label_) for e in copy.ents] == [(e.start, e.end, e.label_) for e in ref.ents]
        assert (copy.tensor == ref.tensor).all()


def test_event_cues_read_the_words_a_pattern_needs():
    """A cue is a token with a pattern whose other words are all in the sentence; a sense PETRARCH blocks is none."""
    from detente.annotate import nlp
    from detente.code.dictionary import Dictionary, Pattern, Slots
    from detente.code.gate import EventCues

    def pattern(trigger, needs=(), slots=None, origin="detente", cameo="042"):
        return Pattern(trigger=trigger, pos="VERB", needs=frozenset(needs), cameo=cameo, source=("subj",),
                       target=("obj",), symmetric=False, needs_target=True, future=None, frame=None, example="",
                       origin=origin, slots=slots)

    cues = EventCues(Dictionary([
        pattern("call", needs=("on",)),                                                     # "called on X"
        pattern("give", slots=Slots(object=(frozenset({"aid"}),)), origin="petrarch", cameo="070"),
        pattern("accuse", slots=Slots(object=(frozenset({"violat"}),)), origin="petrarch", cameo="112"),
        pattern("say", slots=Slots(blocks=True), origin="petrarch", cameo="---"),
    ], frames={}, demonyms={}))

    def cue(text):
        sdoc = nlp.light()(text)
        return cues(sdoc[:])

    assert cue("The minister called on the rebels to lay down their arms.")
    assert not cue("The minister called the rebels cowards.")
    assert cue("The government gave aid to the flooded provinces.")
    assert not cue("The government gave a speech about the floods.")
    assert cue("The monitors accused both armies of violations.")  # a PETRARCH stem begins the word
    assert not cue("The minister said the talks went well.")


def test_fast_lemmas_equal_the_stock_lemmatizer():
    """FastLemmas (one rule lookup per distinct form, POS and morphology) gives every token the lemma the model's
    own lemmatizer gives, the second time a form is seen as the first, and leaves a lemma the attribute rules set."""
    import spacy
    from spacy.attrs import LEMMA
    from detente import settings
    from detente.annotate import nlp
    light = nlp.light()
    assert "detente_lemmatizer" in light.pipe_names and "lemmatizer" not in light.pipe_names
    stock = spacy.load(settings.SPACY_MODEL, exclude=["parser", "ner"])
    stock.enable_pipe("senter")
    texts = [TEXT, "The talks were held; talks are held. Protesters were protesting, and the protests grew.",
             "He'd been better, she was the best; they're leaving. I'm gonna go."]
    fast = light.get_pipe("detente_lemmatizer")
    for _ in range(2):  # the second pass reads every lemma from the cache
        for text, theirs in zip(texts, stock.pipe(texts)):
            ours = light.make_doc(text)
            for name, proc in light.pipeline:
                if name == "detente_lemma_fixes":
                    break
                ours = proc(ours)
            assert (ours.to_array([LEMMA]) == theirs.to_array([LEMMA])).all(), text
        assert fast.cache
