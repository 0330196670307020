"""Long sentences and long documents: costs stay near-linear, memory flat, and the budgets hold.

The big inputs (a 10k-word and a 100k-word run-on sentence, between normal news sentences) go through the production
path, annotator then coder as the pipeline runs them, in a child process started when this module starts, so that its
peak memory is its own and the cheap tests below run meanwhile. Before the budgets, 10k words took minutes and 100k
words did not finish in 15 minutes (1.8 GB).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import asdict

import pytest

from detente import settings
from detente.code.coder import CoderStats
from detente.types import Document

NORMAL = "Russia's foreign minister Sergei Lavrov met US Secretary of State Antony Blinken in Geneva on Tuesday."
PUBLISHED = "2024-03-05"
CLAUSES = (
    "Russia accused the United States of escalating the conflict",
    "Sergei Lavrov said Moscow would respond to any provocation",
    "the United States imposed new sanctions on Russian banks",
    "China called for restraint",
    "Ukraine's army shelled positions near Donetsk",
    "NATO officials met in Brussels on Monday",
    "the European Union condemned the strikes",
    "Iran threatened to close the Strait of Hormuz",
    "Turkish President Recep Tayyip Erdogan praised the deal",
    "thousands of protesters gathered outside the embassy in Kyiv",
    "he said the talks had failed",
    "officials in Kyiv rejected the proposal",
    "the Kremlin said the ministry would study the plan",
    "Washington and Beijing agreed to resume talks",
)
MEMORY_LIMIT_MB = 2048
CHILD_TIMEOUT_S = 300
SLACK_S = 120  # over settings.DOCUMENT_SECONDS; unbudgeted, 100k words took over 15 minutes


def clutter(words: int, seed: int = 7) -> str:
    """One run-on sentence of about `words` words: news clauses joined by commas and "and", no full stop."""
    rng = random.Random(seed)
    parts, n = [], 0
    while n < words:
        clause, joiner = rng.choice(CLAUSES), rng.choice((", ", ", and ", " and ", ", while "))
        parts += [clause, joiner]
        n += len(clause.split()) + len(joiner.replace(",", " ").split())
    return "".join(parts[:-1])


def document(doc_id: str, words: int) -> Document:
    # a normal sentence before the run-on, in its paragraph, and another in a paragraph of its own after it
    text = f"{NORMAL} {clutter(words)}.\n{NORMAL}"
    return Document(doc_id=doc_id, source="fuzz", text=text, published=PUBLISHED)


CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, {tests!r})
    from test_fuzz_budgets import document
    from detente import settings
    from detente.annotate import Annotator
    from detente.code import Coder
    # the time budget's own behaviour is tested in the parent; here a loaded machine must not skip the coding
    settings.DOCUMENT_SECONDS = {budget}
    annotator, coder = Annotator(), Coder()
    out = {{}}
    for doc_id, words in (("w10k", 10_000), ("w100k", 100_000)):
        doc = document(doc_id, words)
        t = time.perf_counter()
        rows = list(coder.code_many(annotator.annotate([doc])))
        seconds = time.perf_counter() - t
        (ann, events), = rows
        out[doc_id] = {{"seconds": seconds, "chars": len(doc.text), "words": len(doc.text.split()),
                        "sentences": len(ann.sentences), "mentions": len(ann.mentions),
                        "events": [(e.cameo, e.source.actor_id, e.target.actor_id if e.target else None, e.sentence)
                                   for e in events]}}
    out["stats"] = {{k: v for k, v in vars(coder.stats).items()}}
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
""")


class _Child:
    def __init__(self):
        code = CHILD.format(tests=os.path.dirname(os.path.abspath(__file__)), budget=CHILD_TIMEOUT_S)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self._result = None

    def result(self) -> dict:
        if self._result is None:
            try:
                out, err = self.proc.communicate(timeout=CHILD_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()
                pytest.fail(f"the long-sentence run did not finish in {CHILD_TIMEOUT_S} s")
            assert self.proc.returncode == 0, err[-3000:]
            self._result = json.loads(out.strip().splitlines()[-1])
            self._result["wall"] = time.perf_counter() - self.started
        return self._result


@pytest.fixture(scope="module", autouse=True)
def child():
    run = _Child()  # starts at once: the tests below run while it works
    yield run
    if run.proc.poll() is None:
        run.proc.kill()
        run.proc.communicate()


@pytest.fixture(scope="module")
def stages():
    from detente.annotate import Annotator
    from detente.code import Coder
    return Annotator(), Coder()


def _meetings(events) -> list:
    return [e for e in events if e[0].startswith("04") and e[1] == "sergey-lavrov" and e[2] == "antony-blinken"]


# -- cheap checks, in this process -------------------------------------------------------------------------

def test_stats_of_chunks_sum_as_the_pipeline_sums_them():
    """The pipeline sums each chunk's asdict(coder.stats) with Counter.update: the counts add, the notes gather."""
    a, b = CoderStats(documents=1, sentences_over_budget=2), CoderStats(documents=2, sentences_out_of_time=3)
    a.budget_notes["d1"], b.budget_notes["d2"] = "one", "two"
    assert {k for k, v in asdict(a).items() if not isinstance(v, int)} == {"budget_notes"}
    total: Counter = Counter()
    for stats in (asdict(a), asdict(CoderStats()), asdict(b)):
        total.update(stats)
    assert (total["documents"], total["sentences_over_budget"], total["sentences_out_of_time"]) == (3, 2, 3)
    assert dict(total["budget_notes"]) == {"d1": "one", "d2": "two"}


def test_cut_points_keep_the_text_and_prefer_line_breaks():
    from detente.annotate.nlp import cut_points
    text = ("First paragraph, with words. " * 40 + "\n") * 30 + clutter(3000)
    cuts = cut_points(text, 2000)
    bounds = [0] + cuts + [len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert "".join(pieces) == text
    assert all(0 < len(p) <= 2000 for p in pieces)
    assert all(text[c - 1] == "\n" for c in cuts if c < text.index(clutter(3000)[:50]))  # paragraphs cut at ends
    assert all(text[c - 1] in " \n" for c in cuts)  # the run-on at a comma or a space, never inside a word


def test_light_pass_in_pieces_is_one_doc_over_the_same_text(stages, monkeypatch):
    annotator, coder = stages
    text = "\n".join([NORMAL] * 16)
    whole = annotator.annotate_one(Document(doc_id="whole", source="t", text=text, published=PUBLISHED))
    monkeypatch.setattr(settings, "NLP_CHUNK_CHARS", 600)  # three pieces
    pieces = annotator.annotate_one(Document(doc_id="whole", source="t", text=text, published=PUBLISHED))
    assert pieces.tokens.text == text
    assert [t.text for t in pieces.tokens] == [t.text for t in whole.tokens]
    assert [(s.start, s.end) for s in pieces.sentences] == [(s.start, s.end) for s in whole.sentences]
    assert [(m.span, m.actor.actor_id) for m in pieces.mentions] == [(m.span, m.actor.actor_id) for m in whole.mentions]
    assert len(_meetings([(e.cameo, e.source.actor_id, e.target.actor_id if e.target else None)
                          for e in coder.code(pieces)])) == 16


def test_sentence_over_the_token_budget_is_counted_not_parsed(stages):
    annotator, coder = stages
    coder.stats = CoderStats()
    doc = document("over", 400)
    events = coder.code(annotator.annotate_one(doc))
    assert len(_meetings([(e.cameo, e.source.actor_id, e.target.actor_id if e.target else None) for e in events])) == 2
    assert coder.stats.sentences_over_budget == 1
    assert coder.stats.budget_notes == {"over": f"1 sentence over {settings.MAX_PARSE_TOKENS} tokens not parsed "
                                                 "(MAX_PARSE_TOKENS)"}
    assert all(len(e.sentence) < 1000 for e in events)


def test_time_budget_stops_coding_and_notes_the_document(stages, monkeypatch):
    annotator, coder = stages
    coder.stats = CoderStats()
    text = "\n".join([NORMAL] * 5)
    monkeypatch.setattr(settings, "DOCUMENT_SECONDS", 0.0)
    (ann, events), = coder.code_many(annotator.annotate([Document(doc_id="slow", source="t", text=text,
                                                                  published=PUBLISHED)]))
    assert events == [] and len(ann.mentions) >= 10  # the annotation stands; nothing was coded
    assert coder.stats.sentences_out_of_time == 5 and coder.stats.sentences_parsed == 0
    assert coder.stats.budget_notes["slow"] == "time budget: coded 0 of 5 sentences in 0 s (DOCUMENT_SECONDS)"
    monkeypatch.setattr(settings, "DOCUMENT_SECONDS", 60.0)
    coder.stats = CoderStats()
    (_, events), = coder.code_many(annotator.annotate([Document(doc_id="fast", source="t", text=text,
                                                                published=PUBLISHED)]))
    assert len(events) == 5 and coder.stats.budget_notes == {} and coder.stats.sentences_out_of_time == 0


def test_mention_lookup_by_offset_matches_a_scan(stages):
    from detente.annotate import nlp
    from detente.code.parties import Parties
    annotator, coder = stages
    text = ("Iran's president Masoud Pezeshkian and Russia's foreign minister Sergei Lavrov met in Tehran, "
            "and the Russian side said the United States and China were wrong.")
    ann = annotator.annotate_one(Document(doc_id="look", source="t", text=text, published=PUBLISHED))
    s = ann.sentences[0]
    sdoc = next(nlp.parse([ann.tokens.char_span(s.start, s.end, alignment_mode="expand")]))
    parties = Parties(ann, s, sdoc, coder.d)
    assert len(parties.mentions) >= 6
    for tok in sdoc:
        a, b = s.start + tok.idx, s.start + tok.idx + len(tok.text)
        assert parties.mention_at(tok) is next((m for m in parties.mentions if m.span[0] < b and m.span[1] > a), None)


# -- the long sentences, in the child process --------------------------------------------------------------

def test_10k_word_sentence_finishes_and_the_normal_sentences_are_coded(child):
    out = child.result()["w10k"]
    assert out["words"] >= 10_000
    assert out["seconds"] < 60, out
    assert len(_meetings(out["events"])) == 2, out["events"]


def test_100k_word_sentence_finishes_within_the_budget_and_memory(child):
    result = child.result()
    out = result["w100k"]
    assert out["words"] >= 100_000
    # annotation itself cannot be stopped: the slack is for it, and for a machine busy with other work
    assert out["seconds"] < settings.DOCUMENT_SECONDS + SLACK_S, out
    assert len(_meetings(out["events"])) == 2, out["events"]
    assert out["mentions"] > 10_000  # the run-on's actors still come from the light pass
    assert result["maxrss_mb"] < MEMORY_LIMIT_MB, result["maxrss_mb"]
    stats = result["stats"]
    assert stats["sentences_over_budget"] >= 2 and stats["documents"] == 2
    assert set(stats["budget_notes"]) == {"w10k", "w100k"}
    assert all("(MAX_PARSE_TOKENS)" in note for note in stats["budget_notes"].values())
