"""Actor mentions in one document: named entities, knowledge-base surface forms, titles and descriptions.

Candidates come from four places, in order of trust:
1. titles with names ("Russian Ambassador to the United States Anatoly Antonov") and state metonyms
   ("the Russian side"), found on tokens, because NER often glues a title's country to the name;
2. institutions ("the Russian Foreign Ministry", "Foreign Affairs");
3. exact surface forms from the knowledge base (PhraseMatcher);
4. spaCy entities (PERSON, ORG, GPE, FAC).
Also: a nationality word or state name with a group noun ("Russian forces", "60 American diplomats":
the state with a sector), a leader's administration ("the Biden administration": the state), lower-case
bodies after a nation ("China's foreign ministry"), and states named as nouns inside titles ("Iran's
president X", "ambassador to Washington"), kept as extra mentions inside the title's; a name after title words
the role nouns lack ("Judge X", "King X of Morocco"); an organisation's members ("its common market partners");
a people of a state ("the Albanians of southern Serbia"); a state's variant spelling NER left untagged.
Capitals are actors only as metonyms: after a locative preposition ("talks in Reykjavik") they are places.
Surnames match only inside personal names (never inside "Test-Ban Treaty").
Each candidate is resolved with the resolver at the publication date (each surface once per document);
unresolved ones are dropped. Role descriptions without a name ("the minister", "the top Russian
diplomat"), bare institution names that do not resolve, organisation anaphors ("the alliance", "the bloc")
and possessive groups ("his own intelligence agencies") are returned as `Description`s for coref.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

from detente import lexicon
from detente.annotate.actors.kb import name_key
from detente.annotate.lexicons import (RoleNoun, anaphors, count_group_nouns, crowd_nouns_by_first_word,
                                       description_modifiers, group_modifiers, group_nouns, institution_keys,
                                       metonym_nouns, place_words, role_nouns)
from detente.types import Actor, Document, Mention, Sentence

NER_LABELS = ("PERSON", "ORG", "GPE", "FAC")
_NATION_LABELS = ("NORP", "GPE")
_DEFINITE = lexicon.words("definite_determiners")
_INDEFINITE = lexicon.words("indefinite_determiners")
_COMPLEMENT = {"to", "of", "for", "at", "in"}
_POSSESSIVE = {"'s", "’s"}
_POSSESSIVE_PRONOUNS = {"his": "m", "her": "f", "its": "n"}
_NAME_ONLY_MODIFIERS = lexicon.words("name_only_modifiers")   # "the former FBI director Robert Mueller": only with a name
_PARTICLES = lexicon.words("name_particles")   # "al", "bin", "van": lower-case words inside a name
_HEAD_NOUNS = lexicon.words("government_nouns")
# words that open a new clause: a crowd's place must be named inside its own clause
_CLAUSE_WORDS = {"as", "while", "after", "before", "when", "but", "because", "although", "though", "whereas", "since"}  # "the Biden administration" is the state
MAX_NAME_TOKENS = 4
# plural nouns for the members of an organisation named before them ("its common market partners")
_MEMBER_NOUNS = {"partners", "allies", "members"}
# entity labels that a personal name never carries, even when the small model errs ("Pelosi" as EVENT happens)
_NOT_NAMES = {"GPE", "NORP", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL", "LAW",
              "LANGUAGE"}

# Knowledge-base surface kinds (KnowledgeBase.surface_forms): demonyms qualify titles and are never
# mentions by themselves; surnames need a proper-noun tag; capitals in an upper-case dateline are places.
SKIP_FORM_KINDS = {"demonym"}
GUARDED_FORM_KINDS = {"surname"}
CAPITAL_FORM_KINDS = {"capital", "seat"}

# Tiers: lower wins an overlap; within a tier the longer span wins.
TITLE, INSTITUTION, SURFACE, NER = 0, 1, 2, 3


@dataclass
class Description:
    """A mention that names no one and needs the document to resolve: left for coref."""
    span: tuple[int, int]
    text: str
    sentence: int
    kind: str                          # person | institution | anaphor | group
    role: Optional[RoleNoun] = None    # for person descriptions
    country: Optional[str] = None      # from a nationality word: "the Russian foreign minister" -> RUS
    keys: frozenset = field(default_factory=frozenset)  # institution keys: {"FOREIGN", "MINISTRY"}
    anaphor: object = None             # lexicons.Anaphor for "the alliance", "the bloc"
    sector: Optional[str] = None       # for groups: "his own intelligence agencies" -> SPY
    gender: Optional[str] = None       # for groups: the possessive's gender (m | f | n)


class DocResolver:
    """The resolver, bound to one document: each distinct surface is resolved once."""

    def __init__(self, resolver, date: Optional[str]):
        self.resolver, self.date, self.cache = resolver, date, {}

    def __call__(self, text: str, context: Optional[str] = None):
        key = text.strip()
        if key not in self.cache:
            try:
                self.cache[key] = self.resolver.resolve(key, date=self.date, context=context) if key else None
            except Exception:  # a resolver failure on one odd surface must not lose the document
                self.cache[key] = None
            if self.cache[key] is None and " " not in key and key[:1].isupper():
                self.cache[key] = self._named_before(key)
        return self.cache[key]

    def _named_before(self, word: str):
        """A bare surname the resolver cannot decide ("Kim" with two Kims in office) is the one person of
        that name the document already named in full."""
        hits = {}
        for res in self.cache.values():
            actor = _actor(res)
            if actor is not None and actor.kind == "person" and word in actor.name.replace("-", " ").split():
                hits[actor.actor_id] = res
        if len(hits) != 1:
            return None
        res = next(iter(hits.values()))
        try:
            return type(res)(res.actor, "surname", "the person of that name named earlier in the document")
        except TypeError:
            return res

    def peek(self, text: str, context: Optional[str] = None):
        """Resolve without filling the per-document cache (for side questions such as "which state is this
        sentence about?", which must not fix how a surface resolves as a mention)."""
        key = text.strip()
        if key in self.cache:
            return self.cache[key]
        try:
            return self.resolver.resolve(key, date=self.date, context=context) if key else None
        except Exception:
            return None


def _actor(res) -> Optional[Actor]:
    return getattr(res, "actor", None) if res is not None else None


class SentenceIndex:
    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.starts = [s.start for s in sentences]
        # as split_sentences makes them: numbered 0, 1, 2 ... in text order (what range() relies on)
        self.regular = all(s.index == k for k, s in enumerate(sentences)) and \
            all(a <= b for a, b in zip(self.starts, self.starts[1:]))

    def of(self, char: int) -> int:
        i = bisect.bisect_right(self.starts, char) - 1
        return self.sentences[i].index if i >= 0 else -1

    def range(self, first: int, last: int) -> tuple[float, float]:
        """Characters c with first <= of(c) <= last lie in [lo, hi); for sentences that are not `regular`, all."""
        if not self.regular:
            return float("-inf"), float("inf")
        lo = self.starts[first] if 0 <= first < len(self.starts) else float("-inf") if first < 0 else float("inf")
        hi = self.starts[last + 1] if last + 1 < len(self.starts) else float("inf")
        return lo, hi

    def text(self, char: int) -> str:
        i = bisect.bisect_right(self.starts, char) - 1
        return self.sentences[i].text if i >= 0 else ""


class _Spans:
    """Character spans, asked about by bisection instead of a scan: the longest span bounds how far back a span
    that reaches a position can start."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self.items = sorted(spans)
        self.starts = [a for a, _ in self.items]
        self.longest = max((b - a for a, b in self.items), default=0)

    def add(self, start: int, end: int) -> None:
        k = bisect.bisect_right(self.starts, start)
        self.items.insert(k, (start, end))
        self.starts.insert(k, start)
        self.longest = max(self.longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Some span (a, b) has a < end and start < b."""
        lo, hi = bisect.bisect_left(self.starts, start - self.longest), bisect.bisect_left(self.starts, end)
        return any(b > start for _, b in self.items[lo:hi])

    def covers(self, pos: int) -> bool:
        """Some span (a, b) has a <= pos < b."""
        lo, hi = bisect.bisect_left(self.starts, pos - self.longest), bisect.bisect_right(self.starts, pos)
        return any(b > pos for _, b in self.items[lo:hi])


class _Places:
    """A sentence's place and nationality entities: (start token, end token, country or "?", state or None)."""

    def __init__(self):
        self.items: list[tuple] = []
        self.starts: list[int] = []
        self.states: list[int] = []      # positions of the items that resolved to a state
        self.counts: Counter = Counter()  # items per country

    def add(self, start: int, end: int, country, state) -> None:
        if state is not None:
            self.states.append(len(self.items))
        self.items.append((start, end, country, state))
        self.starts.append(start)
        self.counts[country] += 1


class _DocView:
    """The light Doc's sentences and entities, looked up by token. spaCy's `Token.sent` scans for the sentence
    bounds, and `Span.ents` and `Span.text` walk the Doc, on every call: per token of a long sentence, that made
    the mention rules quadratic. The answers here are the same, computed once per document."""

    def __init__(self, sdoc):
        self.sdoc, self.n = sdoc, len(sdoc)
        self.text = sdoc.text
        self.sent_starts = [t.i for t in sdoc if t.is_sent_start]  # as spaCy's sent_start == 1
        self.ents = list(sdoc.ents)
        self.ent_starts = [e.start for e in self.ents]
        stops = {",", ";", ":", "—", "–", "(", ")"}
        self.clause_stops = [t.i for t in sdoc if t.text in stops or t.lower_ in _CLAUSE_WORDS]
        self._sent_texts: dict[tuple[int, int], str] = {}
        self.memo: dict = {}  # per-sentence and per-clause answers, with the resolver cache size they were made at

    def sent(self, i: int) -> tuple[int, int]:
        """Token bounds of `sdoc[i].sent`: from the last sentence start at or before i to the next one after it."""
        k = bisect.bisect_right(self.sent_starts, i)
        return (self.sent_starts[k - 1] if k else 0), (self.sent_starts[k] if k < len(self.sent_starts) else self.n)

    def sent_text(self, bounds: tuple[int, int]) -> str:
        """`Span.text` of the sentence, one string per sentence (the resolver's cache hashes it once)."""
        text = self._sent_texts.get(bounds)
        if text is None:
            first, last = self.sdoc[bounds[0]], self.sdoc[bounds[1] - 1]
            text = self._sent_texts[bounds] = self.text[first.idx:last.idx + len(last)]
        return text

    def ents_in(self, lo: int, hi: int) -> list:
        """`sdoc[lo:hi].ents`: the entities wholly inside the tokens lo..hi."""
        out = []
        for k in range(bisect.bisect_left(self.ent_starts, lo), len(self.ents)):
            if self.ents[k].end > hi:
                break
            out.append(self.ents[k])
        return out

    def ent_at(self, i: int):
        """The entity token i is part of, or None."""
        k = bisect.bisect_right(self.ent_starts, i) - 1
        return self.ents[k] if k >= 0 and self.ents[k].end > i else None

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """From tokens start..end out to the nearest clause break (a comma, a dash, "while", "after") on each
        side, inside the sentence."""
        s_lo, s_hi = self.sent(start)
        k = bisect.bisect_left(self.clause_stops, start)
        lo = max(s_lo, self.clause_stops[k - 1] + 1) if k else s_lo
        if end >= s_hi:
            return lo, end
        k = bisect.bisect_left(self.clause_stops, end)
        return lo, (min(s_hi, self.clause_stops[k]) if k < len(self.clause_stops) else s_hi)


@lru_cache(maxsize=1)
def _first_words() -> frozenset:
    return frozenset(n.phrase[0] for n in role_nouns())


@lru_cache(maxsize=1)
def _role_heads() -> frozenset:
    return frozenset(n.phrase[-1] for n in role_nouns())


def _line_break(tok) -> bool:
    return tok.is_space and "\n" in tok.text


def _capitalised_run(sdoc, start: int, stop: int, limit: int) -> tuple[int, int]:
    """[k, m): the capitalised tokens from `start` (an optional "the" skipped), at most `limit`, before `stop`."""
    k = start + 1 if start < stop and sdoc[start].lower_ == "the" else start
    m = k
    while m < stop and _capitalised(sdoc[m]) and m - k < limit:
        m += 1
    return k, m


def stance_prefixed(text: str, start: int) -> bool:
    """The word at `start` follows "anti-", "pro-" or "non-" ("an anti-Syria journalist", "pro-Russian
    separatists"): the state it names is what someone stands for or against, not whose they are."""
    return start > 0 and text[start - 1] in "-‑" and text[max(0, start - 5):start - 1].lower().endswith(("anti", "pro", "non"))


def _name_hyphen(sdoc, k: int) -> bool:
    """Token k is a hyphen inside one given name ("Jean-Claude", "Jong-un"): no space around it, a capitalised
    word before it and a word after it."""
    tok = sdoc[k]
    return tok.text in ("-", "‑") and not tok.whitespace_ and not sdoc[k - 1].whitespace_ \
        and _capitalised(sdoc[k - 1]) and sdoc[k + 1].is_alpha


def _capitalised(tok) -> bool:
    return not tok.is_punct and not tok.is_space and tok.text[:1].isupper()


class MentionFinder:
    def __init__(self, resolver, surface_forms: Optional[Iterable[tuple]] = None):
        self.resolver = resolver
        self._surfaces = list(surface_forms) if surface_forms is not None else []
        self._matcher = None

    # -- knowledge-base phrase matcher, built on first use with the document's vocab
    def _phrase_matcher(self, vocab):
        if self._matcher is None and self._surfaces:
            from spacy.matcher import PhraseMatcher

            from detente.annotate import nlp
            forms: dict[str, set[str]] = {}  # form kind -> surfaces
            for row in self._surfaces:
                surface = str(row[0]).strip()
                kind = str(row[2]) if len(row) > 2 and row[2] else "name"
                if surface and kind not in SKIP_FORM_KINDS:
                    # "the Kremlin" may open a sentence
                    forms.setdefault(kind, set()).update({surface, surface[:1].upper() + surface[1:]})
            matcher = PhraseMatcher(vocab, attr="ORTH")
            for kind, surfaces in forms.items():
                matcher.add(kind, list(nlp.light().tokenizer.pipe(sorted(surfaces))))
            self._matcher = matcher
        return self._matcher

    def surface_matches(self, sdoc) -> list[tuple[int, int, int]]:
        """(kind id, start, end) of every knowledge-base surface form in the Doc (by exact form: no tag or entity
        needed, so the annotate stage can ask before NER)."""
        matcher = self._phrase_matcher(sdoc.vocab)
        return list(matcher(sdoc)) if matcher is not None else []

    def find(self, doc: Document, sdoc, sentences: list[Sentence], resolve: Optional[DocResolver] = None,
             surface: Optional[list] = None) -> tuple[list[Mention], list[Description]]:
        text = self._text = doc.text
        self._view = _DocView(sdoc)
        index = SentenceIndex(sentences)
        resolve = resolve or DocResolver(self.resolver, doc.published)
        candidates: list[tuple[int, int, int, Actor, str]] = []  # (tier, start, end, actor, basis)
        reserved: list[tuple[int, int]] = []                     # description spans: no other mention inside
        descriptions: list[Description] = []

        self._titles(sdoc, index, resolve, candidates, reserved, descriptions)
        self._metonyms(sdoc, index, resolve, candidates)
        self._groups(sdoc, index, resolve, candidates, reserved, descriptions)
        self._administrations(sdoc, index, resolve, candidates)
        self._igo_members(sdoc, resolve, candidates)
        self._institutions(sdoc, index, resolve, candidates, reserved, descriptions)
        self._national_institutions(sdoc, index, resolve, candidates)
        surface_hits = self._surfaces_found(sdoc, index, resolve, candidates,
                                            surface if surface is not None else self.surface_matches(sdoc))
        self._entities(sdoc, index, resolve, candidates, surface_hits)
        self._variant_spellings(sdoc, index, resolve, candidates)
        self._anaphors(sdoc, index, descriptions)
        # a capital after "in"/"at" is where something happened, not the state acting
        candidates = [c for c in candidates if not (c[0] in (SURFACE, NER) and c[4] == "metonym"
                                                    and _venue(sdoc, c[1], c[2]))]

        chosen = _Spans()
        held = _Spans(reserved)
        mentions: list[Mention] = []
        adjectives = _nationality_adjectives(sdoc)
        for tier, start, end, actor, basis in sorted(candidates, key=lambda c: (c[0], c[1] - c[2], c[1])):
            if chosen.overlaps(start, end):
                continue
            if tier > TITLE and held.overlaps(start, end):
                continue  # inside a description that coref will resolve as a whole
            if actor.kind != "person" and stance_prefixed(self._text, start):
                continue  # "an anti-Syria journalist", "pro-Russian separatists": a stance, not a nationality
            if basis != "metonym" and (start, end) in adjectives and actor.sector is None \
                    and not self._state_own_name(text[start:end], actor):
                # "Russian" in "Russian-US relations" qualifies, it does not act; in "Russian and Belarusian
                # soldiers" it names a group (the sector says so)
                continue
            if tier >= SURFACE and _not_acting(sdoc, start, end, actor):
                continue  # "the Vietnam War", "the SWIFT messaging system": a name inside another thing's name
            chosen.add(start, end)
            mentions.append(Mention(doc.doc_id, text[start:end], (start, end), actor, index.of(start), basis))
        mentions.sort(key=lambda m: m.span)
        descriptions = [d for d in descriptions if not chosen.overlaps(d.span[0], d.span[1])]
        mentions += self._nested_states(doc, sdoc, index, resolve, mentions, descriptions)
        mentions += self._crowds(doc, sdoc, index, resolve, mentions, descriptions)
        mentions.sort(key=lambda m: (m.span[0], m.span[1]))
        return _spelled_out(text, _ethnic_groups(text, mentions), sdoc), descriptions

    def _nested_states(self, doc, sdoc, index, resolve, mentions, descriptions) -> list[Mention]:
        """States named as nouns inside a title or a person description: "Iran's president Masoud Pezeshkian",
        "Moscow's new ambassador to Washington". They are mentions too (inside the longer one, which a
        token still maps to first); adjectives ("Russian Foreign Minister") are not."""
        spans = [m.span for m in mentions if m.basis == "title+name"] + \
                [d.span for d in descriptions if d.kind == "person"]
        out = []
        for start, end in spans:
            outer = sdoc.char_span(start, end, alignment_mode="expand")
            if outer is None:
                continue
            for ent in self._view.ents_in(outer.start, outer.end):
                if ent.label_ != "GPE":
                    continue
                before = sdoc[ent.start - 1].lower_ if ent.start > 0 else ""
                if before == "the" and ent.start > 1:
                    before = sdoc[ent.start - 2].lower_
                after = sdoc[ent.end].lower_ if ent.end < len(sdoc) else ""
                if after not in _POSSESSIVE and before != "to":
                    continue
                actor = _actor(resolve(ent.text))
                if actor is not None and actor.kind == "state" and (ent.start_char, ent.end_char) != (start, end):
                    basis = getattr(resolve.cache.get(ent.text.strip()), "basis", "") or "name"
                    out.append(Mention(doc.doc_id, ent.text, (ent.start_char, ent.end_char), actor,
                                       index.of(ent.start_char), basis))
        return out

    # -- crowds and unnamed groups: "thousands of protesters marched in Caracas", "lawmakers voted"
    def _crowds(self, doc, sdoc, index, resolve, mentions, descriptions) -> list[Mention]:
        table = crowd_nouns_by_first_word()
        taken = _Spans([m.span for m in mentions] + [d.span for d in descriptions])
        by_sentence: dict[int, list[Actor]] = {}  # the actors of each sentence's mentions, in order
        for m in mentions:
            by_sentence.setdefault(m.sentence, []).append(m.actor)
        out: list[Mention] = []
        n, i = len(sdoc), 0
        while i < n:
            hit = None
            for c in table.get(sdoc[i].lower_, ()):
                size = len(c.words)
                if i + size <= n and tuple(t.lower_ for t in sdoc[i:i + size]) == c.words \
                        and sdoc[i + size - 1].tag_.startswith("NN") \
                        and (not _capitalised(sdoc[i]) or sdoc[i].is_sent_start):
                    hit = (c, size)
                    break
            if hit is None:
                i += 1
                continue
            c, size = hit
            start, end = i, i + size
            i = end
            if end < n and sdoc[end].tag_ in ("NN", "NNS") and not sdoc[end].is_punct:
                continue  # "police station", "student loans": a modifier of another noun
            while start > 0 and sdoc[start - 1].lower_ in c.modifiers:
                start -= 1
            prev = sdoc[start - 1] if start > 0 else None
            # "Moslem fundamentalist demonstrators": a faith or creed before the crowd names no state; skip it
            while prev is not None and not prev.is_punct and prev.tag_ in ("JJ", "NNP") and not _capitalised(sdoc[start]) \
                    and start - 1 >= 0 and not self._names_state(sdoc, start - 1, resolve):
                start -= 1
                prev = sdoc[start - 1] if start > 0 else None
            if prev is not None and (prev.ent_type_ in _NATION_LABELS or prev.lower_ in _POSSESSIVE
                                     or prev.lower_ in _POSSESSIVE_PRONOUNS or prev.lower_ == "their"):
                continue  # "Russian protesters" and "his supporters" are left to the group and coref rules
            if c.words == ("opposition",):
                if prev is None or prev.lower_ != "the":
                    continue  # only "the opposition" as a noun phrase
                start -= 1
            span_start = sdoc[start].idx
            span_end = sdoc[end - 1].idx + len(sdoc[end - 1])
            if taken.overlaps(span_start, span_end):
                continue
            state = self._clause_place(sdoc, start, end, resolve) or self._sentence_state(sdoc, start, by_sentence,
                                                                                         index, resolve, end)
            if state is None:
                continue
            actor = Actor(state.actor_id, state.name, "state", state.country, None, c.sector, None)
            out.append(Mention(doc.doc_id, self._text[span_start:span_end], (span_start, span_end), actor,
                               index.of(span_start), "context"))
        return out

    def _names_state(self, sdoc, k: int, resolve) -> bool:
        """Token k is (part of) a nationality or state name that resolves to a state."""
        tok = sdoc[k]
        if tok.ent_type_ not in _NATION_LABELS:
            return False
        ent = self._view.ent_at(k)
        actor = _actor(resolve(ent.text if ent is not None else tok.text))
        return actor is not None and actor.kind == "state"

    def _clause_place(self, sdoc, start: int, end: int, resolve):
        """The state of a place named after a locative preposition in the group's clause ("in Caracas")."""
        lo, hi = self._view.clause(start, end)
        # every crowd of a clause asks the same question: answered once while the resolver learns nothing new
        key = ("clause", lo, hi)
        known = self._view.memo.get(key)
        if known is not None and known[0] == len(resolve.cache):
            return known[1]
        state = self._place_between(sdoc, lo, hi, resolve)
        self._view.memo[key] = (len(resolve.cache), state)
        return state

    @staticmethod
    def _place_between(sdoc, lo: int, hi: int, resolve):
        words = place_words()
        for j in range(lo, hi):
            if words.get(sdoc[j].lower_) != "prep":
                continue
            k, m = _capitalised_run(sdoc, j + 1, hi, 4)
            # the last capitalised run names the place: "outside the National Assembly in Seoul" -> Seoul
            for a in range(k, m):
                state = _actor(resolve.peek(sdoc[a:m].text))
                if state is not None and state.kind == "state":
                    return state
        return None

    def _sentence_state(self, sdoc, start: int, by_sentence: dict, index, resolve, end: Optional[int] = None):
        """The one state a sentence is about: every actor it names, and every place or nationality word in
        it (outside the crowd's own words, start..end), belongs to that state."""
        actors = list(by_sentence.get(index.of(sdoc[start].idx), ()))
        countries = {a.country for a in actors}
        places = self._places(self._view.sent(start), resolve)
        # "Moslem" in "Moslem fundamentalist demonstrators" was found to name no state: the crowd's own words are not
        # the sentence's places
        skip = set()
        if end is not None:
            for k in range(bisect.bisect_left(places.starts, start), len(places.items)):
                if places.items[k][0] >= end:
                    break
                if places.items[k][1] <= end:
                    skip.add(k)
        left = places.counts.copy()
        for k in skip:
            left[places.items[k][2]] -= 1
        countries |= {c for c, n in left.items() if n > 0}
        if len(countries) != 1 or None in countries or "?" in countries:
            return None
        found = next((places.items[k][3] for k in places.states if k not in skip), None)
        if not actors and found is None:
            return None
        state = next((a for a in actors if a.kind == "state"), None) or found
        if state is not None:
            return Actor(state.actor_id, state.name, "state", state.country)
        a = actors[0]
        return Actor(a.country, a.country, "state", a.country)

    def _places(self, bounds: tuple[int, int], resolve) -> "_Places":
        """The place and nationality words of a sentence and the states they resolve to (see `_sentence_state`),
        made once per sentence while the resolver learns nothing new."""
        key = ("places", bounds)
        known = self._view.memo.get(key)
        if known is not None and known[0] == len(resolve.cache):
            return known[1]
        context = self._view.sent_text(bounds)
        places = _Places()
        for ent in self._view.ents_in(*bounds):
            if ent.label_ in ("GPE", "NORP", "LOC"):
                a = _actor(resolve.peek(ent.text, context))
                state = a is not None and a.kind == "state"
                places.add(ent.start, ent.end, a.country if state else "?", a if state else None)
        self._view.memo[key] = (len(resolve.cache), places)
        return places

    # -- 1. titles, with or without a name
    def _titles(self, sdoc, index, resolve, candidates, reserved, descriptions):
        nouns = role_nouns()
        modifiers = description_modifiers()
        n, i = len(sdoc), 0
        while i < n:
            match = self._role_at(sdoc, i, nouns)
            if match is None:
                i += 1
                continue
            noun, end = match
            if end + 1 < n and sdoc[end].text in ("-", "‑") and sdoc[end + 1].lower_ == "general" \
                    and not sdoc[end - 1].whitespace_ and not sdoc[end].whitespace_:
                end += 2    # "Secretary-General", "Director-General": one title
            last = sdoc[end - 1]
            plural = last.lower_ != last.lemma_.lower() and last.lower_.endswith("s")
            # left: modifiers, nationality words, organisations, a possessive, then the article
            start, nation_tokens, has_org, former = i, [], False, False
            k = i - 1
            while k >= 0 and not _line_break(sdoc[k]):
                tok = sdoc[k]
                if tok.is_space:  # a no-break space between words
                    k -= 1
                    continue
                if tok.lower_ in modifiers:
                    pass
                elif tok.lower_ in _NAME_ONLY_MODIFIERS:
                    former = True
                elif tok.ent_type_ in _NATION_LABELS and _capitalised(tok):
                    nation_tokens.insert(0, tok)
                elif tok.ent_type_ == "ORG" and _capitalised(tok):
                    has_org = True
                elif tok.lower_ in _POSSESSIVE and k > 0 and sdoc[k - 1].ent_type_ in _NATION_LABELS:
                    pass
                else:
                    break
                start = k
                k -= 1
            while k >= 0 and sdoc[k].is_space and not _line_break(sdoc[k]):
                k -= 1
            article = sdoc[k].lower_ if k >= 0 else ""
            if article in _DEFINITE:
                start = k
            elif article in _INDEFINITE:
                # "a Chinese foreign ministry spokesman": one of the state's officials, not a known person
                if nation_tokens and not former:
                    self._unnamed_official(sdoc, index, resolve, candidates, nation_tokens, noun, start, end)
                i = end
                continue
            # right: a complement ("to the United States") and a name
            name_start, name_end, comp_end = self._name_after(sdoc, end, resolve, index)
            appositive = name_start is not None and sdoc[name_start - 1].text == ","
            span_start = sdoc[start].idx
            if name_start is not None:
                name = sdoc[name_start:name_end]
                res = resolve(name.text, index.text(name.start_char))
                actor = _actor(res)
                if (actor is None or actor.kind != "person") and all(t.ent_type_ not in _NOT_NAMES | {"ORG", "FAC"}
                                                                     for t in name):
                    # a person the knowledge base lacks: the resolver makes one from the title
                    title = self._text[span_start:sdoc[comp_end - 1].idx + len(sdoc[comp_end - 1])] \
                        if appositive else self._text[span_start:name.start_char]
                    actor = _actor(resolve(f"{title.rstrip(' ,')} {name.text}", index.text(name.start_char)))
                if actor is not None and actor.kind == "person":
                    if plural:  # "Presidents Vladimir Putin and Joe Biden": the title is shared; keep the name
                        candidates.append((TITLE, name.start_char, name.end_char, actor, "name"))
                    elif appositive:  # "its foreign minister, Pekka Haavisto,": two mentions of one person
                        title_end = sdoc[comp_end - 1].idx + len(sdoc[comp_end - 1])
                        candidates.append((TITLE, span_start, title_end, actor, "title+name"))
                        candidates.append((TITLE, name.start_char, name.end_char, actor, "name"))
                    else:
                        candidates.append((TITLE, span_start, name.end_char, actor, "title+name"))
                    i = name_end
                    continue
            if plural or former:
                i = end
                continue
            span_end = sdoc[comp_end - 1].idx + len(sdoc[comp_end - 1])
            desc_text = self._text[span_start:span_end]
            country = None
            if nation_tokens:
                nation = _actor(resolve(" ".join(t.text for t in nation_tokens)))
                if nation is None:
                    nation = _actor(resolve(nation_tokens[0].text))
                country = nation.country if nation is not None else None
            if country is None and comp_end > end + 1 and sdoc[end].lower_ == "of":
                # "the president of Armenia": the complement names the state
                nation = _actor(resolve(sdoc[end + 1:comp_end].text))
                country = nation.country if nation is not None and nation.kind == "state" else None
            if not (article in _DEFINITE or nation_tokens or has_org or sdoc[start].is_title):
                i = end
                continue
            descriptions.append(Description((span_start, span_end), desc_text, index.of(span_start), "person",
                                            role=noun, country=country))
            reserved.append((span_start, span_end))
            i = comp_end

    @staticmethod
    def _role_at(sdoc, i, nouns) -> Optional[tuple[RoleNoun, int]]:
        tok = sdoc[i]
        first = _first_words()
        if tok.is_space or (tok.lower_ not in first and tok.lemma_.lower() not in first):
            return None
        words, ends = [], []  # the next few words, skipping no-break spaces
        j = i
        while j < len(sdoc) and len(words) < 4:
            if not sdoc[j].is_space:
                words.append(sdoc[j])
                ends.append(j + 1)
            elif _line_break(sdoc[j]):
                break
            j += 1
        for noun in nouns:
            size = len(noun.phrase)
            if size > len(words):
                continue
            toks = words[:size]
            lowered = [t.lower_ for t in toks]
            if lowered[-1] != noun.phrase[-1]:
                lowered[-1] = toks[-1].lemma_.lower()
            if tuple(lowered) == noun.phrase and toks[-1].tag_.startswith("NN"):
                return noun, ends[size - 1]
        return None

    def _name_after(self, sdoc, j, resolve, index) -> tuple[Optional[int], Optional[int], int]:
        """After a role noun at token j: (name_start, name_end, complement_end) in tokens."""
        n = len(sdoc)
        comp_end = j
        if j < n and sdoc[j].lower_ in _COMPLEMENT:
            k, run_end = _capitalised_run(sdoc, j + 1, n, 8)
            if run_end == k:
                return None, None, comp_end
            # "to the United States Anatoly Antonov": find where the place ends and the name begins
            for p in range(k + 1, run_end):
                if run_end - p > MAX_NAME_TOKENS:
                    continue
                name = sdoc[p:run_end]
                person = _actor(resolve(name.text, index.text(name.start_char)))
                place = _actor(resolve(sdoc[k:p].text))
                if person is not None and person.kind == "person" and place is not None:
                    return p, run_end, p
            return None, None, run_end
        k, words = j, 0
        while k < n and words < MAX_NAME_TOKENS:
            if _capitalised(sdoc[k]) and sdoc[k].tag_ in ("NNP", "NNPS"):
                k, words = k + 1, words + 1
            elif k > j and k + 1 < n and _name_hyphen(sdoc, k):
                k += 2  # "Jean-Claude Juncker", "Kim Jong-un": the hyphen joins one name
            elif k > j and k + 2 < n and sdoc[k].lower_ in _PARTICLES and sdoc[k + 1].text in ("-", "‑") \
                    and not sdoc[k].whitespace_ and not sdoc[k + 1].whitespace_ and _capitalised(sdoc[k + 2]):
                k, words = k + 3, words + 1  # "Omar Hassan al-Bashir": a particle joined to the last name
            else:
                break
        if k > j:
            return j, k, comp_end
        # an appositive name: "its foreign minister, Pekka Haavisto, handed over"
        if j + 1 < n and sdoc[j].text == ",":
            k = j + 1
            while k < n and sdoc[k].ent_type_ == "PERSON" and _capitalised(sdoc[k]) and k - j <= MAX_NAME_TOKENS:
                k += 1
            if k > j + 1 and (k == n or sdoc[k].text in (",", ".", ";") or sdoc[k].is_space):
                return j + 1, k, comp_end
        return None, None, comp_end

    def _unnamed_official(self, sdoc, index, resolve, candidates, nation_tokens, noun, start, end):
        nation = _actor(resolve(" ".join(t.text for t in nation_tokens)))
        if nation is None:
            nation = _actor(resolve(nation_tokens[0].text))
        if nation is None or nation.kind != "state":
            return
        span = sdoc[start:end]
        res = _actor(resolve(span.text, index.text(span.start_char)))
        sector = res.sector if res is not None and res.country == nation.country else None
        sector = sector or (noun.sectors[0] if noun.sectors else "GOV")
        actor = Actor(nation.actor_id, nation.name, "state", nation.country, None, sector, span.text)
        candidates.append((TITLE, span.start_char, span.end_char, actor, "description"))

    # -- state metonyms: "the Russian side", "the American delegation"
    def _metonyms(self, sdoc, index, resolve, candidates):
        nouns = metonym_nouns()
        for i in range(1, len(sdoc) - 1):
            tok, noun = sdoc[i], sdoc[i + 1]
            if tok.ent_type_ in _NATION_LABELS and _capitalised(tok) and noun.lemma_.lower() in nouns \
                    and sdoc[i - 1].lower_ == "the":
                state = _actor(resolve(tok.text))
                if state is not None and state.kind == "state":
                    candidates.append((TITLE, sdoc[i - 1].idx, noun.idx + len(noun), state, "metonym"))

    # -- groups: "Russian forces", "60 American diplomats", "US banks", "his own intelligence agencies"
    def _groups(self, sdoc, index, resolve, candidates, reserved, descriptions):
        mods, counted = group_modifiers(), count_group_nouns()
        own_nouns = group_nouns()
        # the knowledge base's agent nouns ("police", "farmers", "warplanes") too; the project's group nouns win
        kb = getattr(self.resolver, "kb", None)
        nouns = {**(kb.word_agents if kb is not None else {}), **own_nouns}
        nations = {}  # token index after a nationality word or state name -> its first token
        for ent in sdoc.ents:
            if ent.label_ in _NATION_LABELS:
                nations[ent.end] = ent.start
        n = len(sdoc)
        held = _Spans(reserved)
        for i in range(n):
            tok = sdoc[i]
            word = tok.lower_ if tok.lower_ in nouns else tok.lemma_.lower()
            # "American aid groups": a plural agent of two lower-case words in the dictionaries
            pair = _agent_pair(kb, sdoc, i) if word not in nouns else None
            if pair is None and (word not in nouns or not tok.tag_.startswith("NN") or (
                    _capitalised(tok) and tok.tag_ in ("NNP", "NNPS") and not tok.is_sent_start)):
                continue
            if pair is None and word in counted and tok.tag_ != "NNS":
                continue  # "the top Russian diplomat" is one person: a description for coref
            if pair is None and word not in own_nouns and (word in _role_heads() or tok.tag_ not in ("NNS", "NN")) and not (
                    tok.tag_ == "NNS" and i > 0 and sdoc[i - 1].lower_ in nouns and sdoc[i - 1].lower_ not in _role_heads()):
                # an office ("the Chilean president") is a title's; a dictionary agent is a plain noun; but "Afghan
                # rebel leaders" are a group, the sector the agent noun before them gives
                continue
            if held.covers(tok.idx):
                continue
            # a noun modifying a further noun ("Russian military drills") is not the group
            nxt = i + 1
            if nxt < n and sdoc[nxt].tag_ in ("NN", "NNS") and sdoc[nxt].lemma_.lower() not in nouns:
                continue
            if nxt < n and sdoc[nxt].lemma_.lower() in nouns and sdoc[nxt].tag_.startswith("NN"):
                continue  # "military officials": the last noun makes the group
            sector = pair or nouns[word]
            k = i - 1
            while k >= 0 and k >= i - 5 and (sdoc[k].lower_ in mods or _compound_modifier(sdoc, k) or (
                    # "Palestinian suicide bombers", "Afghan rebel leaders": a common noun naming the kind of group
                    sdoc[k].tag_ == "NN" and not _capitalised(sdoc[k]) and all(sdoc[j].tag_.startswith("NN") for j in range(k, i)))
                    # "Russian civilian advisers": an agent word used as an adjective gives the sector
                    or (sdoc[k].tag_ == "JJ" and sdoc[k].lower_ in nouns)):
                if sdoc[k].lower_ in nouns:
                    sector = nouns[sdoc[k].lower_]
                k -= 1
            if k < 0:
                continue
            # "Dutch-led investigators": the nation leads the group
            if sdoc[k].lower_ == "led" and k >= 2 and sdoc[k - 1].text in ("-", "–") and not sdoc[k - 1].whitespace_:
                k -= 2
            # "Russia's 53rd anti-aircraft brigade", "Niger's coup leaders": a possessive state
            if sdoc[k].lower_ in _POSSESSIVE and k >= 1:
                k -= 1
            first = nations.get(k + 1)
            if first is None and _capitalised(sdoc[k]) and not sdoc[k].is_punct:
                # "Two Palestinian bombers" at the start of a sentence: a capitalised number is not part of a name
                first = k if (k == 0 or not _capitalised(sdoc[k - 1]) or sdoc[k - 1].pos_ in ("NUM", "DET")) else None
                if first is None and k >= 1:
                    # "Sri Lankan troops" (tagged a person's name): a two-word nationality
                    two = _actor(resolve(sdoc[k - 1:k + 1].text))
                    first = k - 1 if two is not None and two.kind == "state" else None
            if first is not None:
                nation = sdoc[first:k + 1]
                state = _actor(resolve(nation.text))
                if state is None or state.kind != "state" or nation.text.lower() == "the":
                    continue
                # "Finnish and Swedish officials": two groups, the first named by its nationality word alone
                if first >= 2 and sdoc[first - 1].lower_ in ("and", "or") and (first - 1) in nations:
                    other_start = nations[first - 1]
                    other_words = sdoc[other_start:first - 1]
                    other = _actor(resolve(other_words.text))
                    if other is not None and other.kind == "state" and other.actor_id != state.actor_id:
                        candidates.append((TITLE, other_words.start_char, other_words.end_char,
                                           Actor(other.actor_id, other.name, "state", other.country, None, sector, None),
                                           "description"))
                actor = Actor(state.actor_id, state.name, "state", state.country, None, sector, None)
                # "doctors from two American aid groups": the people named before "from" are the group's
                h = first - 1 if first >= 1 and sdoc[first - 1].tag_ == "CD" else first
                head = sdoc[h - 2] if h >= 2 and sdoc[h - 1].lower_ == "from" else None
                if head is not None and head.tag_ == "NNS" and head.lower_ in nouns and head.lower_ not in _role_heads() \
                        and (h < 3 or sdoc[h - 3].ent_type_ not in _NATION_LABELS):
                    actor = Actor(state.actor_id, state.name, "state", state.country, None, nouns[head.lower_], None)
                    candidates.append((TITLE, head.idx, tok.idx + len(tok), actor, "description"))
                    continue
                candidates.append((TITLE, nation.start_char, tok.idx + len(tok), actor, "description"))
                continue
            own = k if sdoc[k].lower_ == "own" else None
            p = k - 1 if own is not None else k
            if p >= 0 and sdoc[p].lower_ in _POSSESSIVE_PRONOUNS:
                span_start, span_end = sdoc[p].idx, tok.idx + len(tok)
                descriptions.append(Description((span_start, span_end), self._text[span_start:span_end],
                                                index.of(span_start), "group", sector=sector,
                                                gender=_POSSESSIVE_PRONOUNS[sdoc[p].lower_]))

    # -- "its European common market partners", "fellow OPEC members": the organisation they belong to
    def _igo_members(self, sdoc, resolve, candidates):
        for i in range(1, len(sdoc)):
            tok = sdoc[i]
            if tok.lower_ not in _MEMBER_NOUNS or tok.tag_ != "NNS":
                continue
            for k in range(max(0, i - 4), i):
                words = sdoc[k:i]
                if words[0].is_punct or words[0].lower_ in _DEFINITE or any(t.is_punct or t.tag_ in ("DT", "PRP$")
                                                                          for t in words):
                    continue
                actor = _actor(resolve.peek(words.text))
                if actor is not None and actor.kind == "org" and actor.sector == "IGO":
                    candidates.append((TITLE, words.start_char, tok.idx + len(tok), actor, "description"))
                    break

    # -- "the Biden administration", "the Obama administration's decision": the state's government
    def _administrations(self, sdoc, index, resolve, candidates):
        for i in range(1, len(sdoc)):
            tok = sdoc[i]
            if tok.lower_ not in _HEAD_NOUNS or _capitalised(tok):
                continue
            k = i - 1
            while k >= 0 and _capitalised(sdoc[k]) and sdoc[k].tag_ in ("NNP", "NNPS") and i - k <= 3:
                k -= 1
            if k == i - 1:
                continue
            span = sdoc[k + 1:i + 1]
            actor = _actor(resolve(span.text, index.text(span.start_char)))
            if actor is not None and actor.kind == "state":
                candidates.append((TITLE, span.start_char, span.end_char, actor, "description"))

    # -- "the alliance", "the bloc", "the agency": an organisation named earlier (left to coref)
    def _anaphors(self, sdoc, index, descriptions):
        table = anaphors()
        n = len(sdoc)
        for i in range(1, n):
            tok = sdoc[i]
            entry = table.get(tok.lower_)
            if entry is None or not tok.tag_.startswith("NN") or tok.tag_ in ("NNS", "NNPS"):
                continue
            k = i - 1
            while k >= 0 and k >= i - 3 and not _capitalised(sdoc[k]) and sdoc[k].tag_ in ("JJ", "VBN", "HYPH", "NN") \
                    and sdoc[k].lower_ != "the":
                k -= 1
            if k < 0 or sdoc[k].lower_ != "the":
                continue
            if any(_capitalised(t) and t.tag_ in ("NNP", "NNPS") for t in sdoc[k + 1:i]):
                continue  # "the Arctic Council": a name, not an anaphor
            nxt = sdoc[i + 1] if i + 1 < n else None
            if nxt is not None and ((_capitalised(nxt) and nxt.tag_ in ("NNP", "NNPS"))
                                    or (nxt.lower_ in ("of", "for") and i + 2 < n and _capitalised(sdoc[i + 2]))):
                continue  # "the Council of Europe"
            span = sdoc[k:i + 1]
            descriptions.append(Description((span.start_char, span.end_char), span.text, index.of(span.start_char),
                                            "anaphor", anaphor=entry))

    # -- 2. institutions: runs of capitalised words with an institution word in them
    def _institutions(self, sdoc, index, resolve, candidates, reserved, descriptions):
        keys = institution_keys()
        n, i = len(sdoc), 0
        while i < n:
            if not (_capitalised(sdoc[i]) and sdoc[i].lower_ in keys):
                i += 1
                continue
            start, end = i, i + 1
            while start > 0 and (_capitalised(sdoc[start - 1]) or sdoc[start - 1].lower_ in _POSSESSIVE) \
                    and not sdoc[start].is_sent_start and sdoc[start - 1].ent_type_ != "PERSON":
                start -= 1
            while end < n and (_capitalised(sdoc[end]) or (sdoc[end].lower_ in ("of", "for")
                               and end + 1 < n and _capitalised(sdoc[end + 1]))):
                end += 1
            if start > 0 and sdoc[start - 1].lower_ == "the":
                start -= 1
            span = sdoc[start:end]
            words = [t for t in span if t.lower_ not in ("the", "of", "for") and t.lower_ not in _POSSESSIVE]
            generic = all(t.lower_ in keys or t.lower_ == "affairs" or t.ent_type_ in _NATION_LABELS for t in words)
            national = any(t.ent_type_ in _NATION_LABELS for t in words)
            # a bare "Foreign Affairs" or "the Ministry" means the one the document is about: coref first
            res = None if generic and not national else _actor(resolve(span.text, index.text(span.start_char)))
            if res is not None and res.kind != "person":
                candidates.append((INSTITUTION, span.start_char, span.end_char, res, "name"))
            else:
                if generic:
                    country = None
                    nation = [t for t in words if t.ent_type_ in _NATION_LABELS]
                    if nation:
                        a = _actor(resolve(nation[0].text))
                        country = a.country if a is not None else None
                    descriptions.append(Description((span.start_char, span.end_char), span.text,
                                                    index.of(span.start_char), "institution", country=country,
                                                    keys=institution_key_set(span.text)))
                    reserved.append((span.start_char, span.end_char))
            i = end

    # -- "China's foreign ministry", "the Russian defence ministry", "the Russian central bank": lower-case
    # bodies after a nation word; "the internal affairs ministry said" with no nation word takes the state of
    # its sentence when the sentence is about one state only
    def _national_institutions(self, sdoc, index, resolve, candidates):
        keys = institution_keys()
        for i in range(1, len(sdoc)):
            tok = sdoc[i]
            if tok.lower_ not in keys or _capitalised(tok) or keys[tok.lower_] in ("FOREIGN", "DEFENSE"):
                continue
            if i + 1 < len(sdoc) and sdoc[i + 1].tag_ in ("NN", "NNS") and not sdoc[i + 1].is_punct:
                continue  # "bank accounts", "ministry officials": a modifier
            k = i - 1
            while k >= 0 and i - k <= 3 and not _capitalised(sdoc[k]) and sdoc[k].is_alpha \
                    and sdoc[k].tag_ in ("NN", "NNS", "JJ", "NNP") and sdoc[k].lower_ not in _DEFINITE:
                k -= 1
            if k >= 1 and sdoc[k].lower_ in _POSSESSIVE:
                k -= 1
            if k >= 0 and sdoc[k].ent_type_ in _NATION_LABELS and _capitalised(sdoc[k]):
                first = k
                while first > 0 and sdoc[first - 1].ent_type_ == sdoc[k].ent_type_ and sdoc[first].ent_iob_ == "I":
                    first -= 1
                span = sdoc[first:i + 1]
                actor = _actor(resolve(span.text, index.text(span.start_char)))
                if actor is not None and actor.kind == "org" and actor.country:
                    candidates.append((INSTITUTION, span.start_char, span.end_char, actor, "description"))
                continue
            if k >= 0 and sdoc[k].lower_ == "the" and k + 1 < i:
                span = sdoc[k + 1:i + 1]
                bounds = self._view.sent(k)
                context = self._view.sent_text(bounds)
                states = self._sentence_countries(bounds, context, resolve)
                if len(states) != 1:
                    continue
                actor = _actor(resolve(span.text, context))
                if actor is not None and actor.kind == "org" and actor.country in states:
                    candidates.append((INSTITUTION, span.start_char, span.end_char, actor, "context"))

    def _sentence_countries(self, bounds: tuple[int, int], context: str, resolve) -> set:
        """The countries of the actors a sentence names (entities the resolver knows), once per sentence while
        the resolver learns nothing new."""
        key = ("countries", bounds)
        known = self._view.memo.get(key)
        if known is not None and known[0] == len(resolve.cache):
            return known[1]
        states = set()
        for ent in self._view.ents_in(*bounds):
            if ent.label_ in ("GPE", "NORP", "ORG", "PERSON"):
                a = _actor(resolve.peek(ent.text, context))
                if a is not None and a.country:
                    states.add(a.country)
        self._view.memo[key] = (len(resolve.cache), states)
        return states

    # -- 3. knowledge-base surface forms
    def _surfaces_found(self, sdoc, index, resolve, candidates, matches) -> list[tuple[int, int, Actor]]:
        hits = []
        for match_id, s, e in matches:
            span = sdoc[s:e]
            kind = sdoc.vocab.strings[match_id]
            # surnames are common words too ("Rice", "Power"): only inside a name the tagger saw
            if kind in GUARDED_FORM_KINDS and not _inside_name(sdoc, s, e):
                continue
            if kind in GUARDED_FORM_KINDS and e < len(sdoc) and _capitalised(sdoc[e]) and sdoc[e].tag_ in ("NNP", "NNPS") \
                    and sdoc[e].ent_type_ not in ("DATE", "TIME") and span[-1].whitespace_:
                continue  # a surname before another name word is a given name or a place: "Khan Sheikhoun"
            if kind in CAPITAL_FORM_KINDS and _dateline(sdoc, s, e):
                continue
            actor = _actor(resolve(span.text, index.text(span.start_char)))
            if actor is not None and kind in GUARDED_FORM_KINDS and self._other_given_name(sdoc, s, actor):
                continue
            if actor is not None:
                res = resolve.cache.get(span.text.strip())
                hits.append((span.start_char, span.end_char, actor))
                candidates.append((SURFACE, span.start_char, span.end_char, actor, getattr(res, "basis", "") or "alias"))
        return hits

    def _other_given_name(self, sdoc, s: int, actor: Actor) -> bool:
        """"Anna Campbell" is not the Kurt Campbell the knowledge base knows: a given name in the same name that is
        not the known person's (nor a title) says it is someone else."""
        if s == 0 or actor.kind != "person" or sdoc[s].ent_iob_ != "I" or sdoc[s].ent_type_ != "PERSON":
            return False
        prev = sdoc[s - 1]
        if not _capitalised(prev) or prev.text.rstrip(".") in actor.name.replace("-", " ").split():
            return False
        is_title = getattr(self.resolver, "_is_title_word", None)
        return not (is_title is not None and is_title(prev.text))

    # -- 4. named entities
    def _entities(self, sdoc, index, resolve, candidates, surface_hits):
        surface_hits = sorted(surface_hits, key=lambda h: h[0])
        hit_starts = [h[0] for h in surface_hits]
        for ent in self._view.ents:
            people = _names_a_people(sdoc, ent)  # "Palestinians", "Iraqi Kurds": a people acts as its state
            if ent.label_ not in NER_LABELS and not people:
                continue
            first = ent.start_char
            if people and ent.start >= 1 and sdoc[ent.start - 1].ent_type_ == "NORP" and sdoc[ent.start - 1].tag_ == "JJ":
                first = sdoc[ent.start - 1].idx  # "Iraqi Kurds": the people of a state
            if ent.label_ == "PERSON":
                titled = self._titled_name(sdoc, ent, index, resolve)
                if titled is not None:
                    candidates.append((TITLE,) + titled)
                    continue
            if people:
                placed = self._people_of_place(sdoc, ent, first, index, resolve)
                if placed is not None:
                    candidates.append((SURFACE,) + placed)  # longer than the state inside it
                    continue
            for start, end in _split_lines(self._text, first, ent.end_char):
                surface = self._text[start:end]
                if ent.label_ == "GPE" and _dateline(sdoc, ent.start, ent.end):
                    continue
                res = resolve(surface, index.text(start))
                actor = _actor(res)
                if actor is None:
                    continue
                if ent.label_ == "PERSON" and actor.kind == "state" and getattr(res, "basis", "") == "alias" \
                        and not self._own_state_name(surface, actor):
                    continue  # "Galan", "Rosario": names the Phoenix country file lists under a state, not the state
                inside = [a for s, e, a in surface_hits[bisect.bisect_left(hit_starts, start):bisect.bisect_left(hit_starts, end)]
                          if e <= end and (s, e) != (start, end)]
                if inside and all(a.actor_id != actor.actor_id for a in inside):
                    continue  # NER glued words around a known name; trust the exact surface form
                candidates.append((NER, start, end, actor, getattr(res, "basis", "") or "name"))

    def _people_of_place(self, sdoc, ent, first: int, index, resolve) -> Optional[tuple[int, int, Actor, str]]:
        """"The Albanians of southern Serbia": a people named as the people of a state is that state's (the resolver
        composes it); the state is then part of the mention."""
        n, j = len(sdoc), ent.end + 1
        if j >= n or sdoc[ent.end].lower_ != "of":     # "Palestinians in Lebanon" are still Palestinians
            return None
        if sdoc[j].lower_ == "the" and j + 1 < n:
            j += 1
        if re.fullmatch(r"(north|south|east|west|central)(ern)?|(north|south)-?(east|west)(ern)?", sdoc[j].lower_) \
                and j + 1 < n:
            j += 1
        place = self._view.ent_at(j)
        if place is None or place.start != j or place.label_ not in ("GPE", "LOC"):
            return None
        own = _actor(resolve(ent.text))
        res = resolve(self._text[first:place.end_char], index.text(first))
        actor = _actor(res)
        if actor is None or actor.kind != "state" or (own is not None and own.country == actor.country):
            return None
        actor = replace(actor, sector=actor.sector or "CVL")   # a population, as "ethnic Albanians" are
        return first, place.end_char, actor, getattr(res, "basis", "") or "description"

    def _state_forms(self, actor: Actor) -> Optional[tuple[set, set]]:
        """The state's own name and aliases, and its demonyms and capitals, as name keys (None: not in the table)."""
        kb = getattr(self.resolver, "kb", None)
        st = kb.states.get(actor.actor_id) if kb is not None and actor.kind == "state" else None
        if st is None:
            return None
        return {name_key(w) for w in [st.name, *st.aliases]}, {name_key(w) for w in [*st.demonyms, *st.capitals]}

    def _state_own_name(self, surface: str, actor: Actor) -> bool:
        """The surface is the state's name or alias, not its demonym: NER may tag "Uzbekistan" as a nationality."""
        forms = self._state_forms(actor)
        return forms is not None and name_key(surface) in forms[0] and name_key(surface) not in forms[1]

    def _own_state_name(self, surface: str, actor: Actor) -> bool:
        """The surface is the state's own name, alias, demonym (or its plural) or capital in the project's table."""
        forms = self._state_forms(actor)
        if forms is None:
            return True
        keys = {name_key(surface), name_key(surface[:-1]) if surface.endswith("s") else ""}   # "Cambodians"
        return bool(keys & (forms[0] | forms[1]))

    def _variant_spellings(self, sdoc, index, resolve, candidates):
        """A state's name spelt as the Phoenix dictionaries list its variants ("Ethopia") where NER saw no entity.
        Only a variant within two letters of the state's own name, alias or demonym: the dictionaries' nicknames
        and places ("Moron", "Rosario") are no spellings of the state."""
        kb = getattr(self.resolver, "kb", None)
        if kb is None:
            return
        for tok in sdoc:
            if tok.ent_type_ or not tok.is_alpha or len(tok) < 5 or not _capitalised(tok) \
                    or tok.tag_ not in ("NNP", "NNPS", "JJ") or tok.text.isupper():
                continue
            states = {e.actor_id for e in kb.lookup(tok.text) if e.table == "state" and e.form == "alias"}
            if len(states) != 1:
                continue
            st = kb.states[next(iter(states))]
            own = [st.name] + list(st.aliases) + list(st.demonyms)
            if tok.text in own or not any(_within_two(tok.lower_, w.lower()) for w in own if " " not in w):
                continue
            actor = _actor(resolve(tok.text, index.text(tok.idx)))
            if actor is not None and actor.kind == "state":
                candidates.append((SURFACE, tok.idx, tok.idx + len(tok), actor, "alias"))

    def _titled_name(self, sdoc, ent, index, resolve) -> Optional[tuple[int, int, Actor, str]]:
        """A personal name after capitalised title words the role nouns do not list ("Judge Ana Ruiz",
        "King Hassan"), and a state after it ("King Hassan of Morocco"): the name alone is unknown or belongs
        to someone of another state, so the title (and the state) make the person."""
        if "\n" in ent.text or len(ent) > MAX_NAME_TOKENS:
            return None
        k = ent.start
        while k > 0 and ent.start - k < 3 and _capitalised(sdoc[k - 1]) and sdoc[k - 1].tag_ in ("NNP", "NNPS") \
                and not sdoc[k - 1].ent_type_ and "\n" not in sdoc[k - 1].whitespace_:
            k -= 1
        state, end = None, ent.end
        if end + 1 < len(sdoc) and sdoc[end].lower_ == "of":
            a, b = _capitalised_run(sdoc, end + 1, len(sdoc), 4)
            place = _actor(resolve(sdoc[a:b].text)) if b > a else None
            if place is not None and place.kind == "state":
                state, end = place, b
        if k == ent.start and (state is None or len(ent) < 2):
            return None     # no title outside the name, and no state after it ("Emir Hassan of Kuwait")
        context = index.text(ent.start_char)
        alone = _actor(resolve(ent.text, context))
        if alone is not None and alone.kind == "person" and (state is None or alone.country in (None, state.country)):
            return None     # a known person: the name says who it is
        start, stop = sdoc[k].idx, sdoc[end - 1].idx + len(sdoc[end - 1])
        res = resolve(self._text[start:stop], context)
        actor = _actor(res)
        if actor is None or actor.kind != "person" or (state is not None and actor.country != state.country):
            return None
        return start, stop, actor, getattr(res, "basis", "") or "title+name"


# Nouns after a company's name that make it an attribute of a thing, not an actor ("the SWIFT messaging system",
# "Gazprom shares", "the Huawei app")
_THING_NOUNS = lexicon.words("thing_nouns")
_EVENT_LABELS = {"EVENT", "LAW", "WORK_OF_ART", "PRODUCT"}


def _not_acting(sdoc, start: int, end: int, actor) -> bool:
    """A state inside the name of a war, law or work ("the Vietnam War", "the Iraq Liberation Act"), or a
    company before a noun naming its product or system."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    nxt = sdoc[span.end] if span.end < len(sdoc) else None
    if actor.kind == "state":
        if any(t.ent_type_ in _EVENT_LABELS for t in span) and (
                span[0].ent_iob_ == "I" or (nxt is not None and nxt.ent_iob_ == "I")):
            return True
        return nxt is not None and nxt.text in ("War", "Wars") and not span[-1].is_punct
    if actor.kind == "org" and actor.sector == "BUS" and nxt is not None:
        j = span.end
        while j < len(sdoc) and j - span.end < 2 and sdoc[j].lower_ not in _THING_NOUNS and sdoc[j].tag_ in ("NN", "JJ") \
                and not _capitalised(sdoc[j]):
            j += 1
        return j < len(sdoc) and sdoc[j].lower_ in _THING_NOUNS
    return False


def _within_two(a: str, b: str) -> bool:
    """Edit distance (insertions, deletions, substitutions) of at most 2."""
    if abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


def _agent_pair(kb, sdoc, i: int) -> Optional[str]:
    """The sector of a two-word plural agent ending at token i ("aid groups" -> NGO), or None."""
    if kb is None or i == 0 or sdoc[i].tag_ != "NNS" or sdoc[i - 1].tag_ != "NN" or _capitalised(sdoc[i - 1]):
        return None
    a = kb.agents.get(f"{sdoc[i - 1].lower_} {sdoc[i].lower_}")
    return a.sector if a is not None and a.sector not in (None, "IGO") else None


def _compound_modifier(sdoc, k: int) -> bool:
    """Tokens inside a unit's designation between the nation and the group noun: an ordinal ("53rd"), a
    hyphenated compound ("anti-aircraft", "long-range")."""
    tok = sdoc[k]
    if tok.ent_type_ == "ORDINAL" or (tok.like_num and tok.tag_ in ("JJ", "CD") and not tok.is_punct):
        return True
    if tok.text in ("-", "–") and not tok.whitespace_ and k > 0 and not sdoc[k - 1].whitespace_:
        return True
    nxt = sdoc[k + 1] if k + 1 < len(sdoc) else None
    prev = sdoc[k - 1] if k > 0 else None
    return (not _capitalised(tok) and tok.is_alpha and ((nxt is not None and nxt.text in ("-", "–") and not tok.whitespace_)
                                                     or (prev is not None and prev.text in ("-", "–") and not prev.whitespace_
                                                         and sdoc[k - 2].lower_ != "led" if k > 1 else False))
            and tok.lower_ != "led")


def _inside_name(sdoc, s: int, e: int) -> bool:
    """A surname matched at tokens s..e stands inside a personal name: tagged PERSON (or an untyped proper
    noun), never part of a hyphenated compound ("Test-Ban Treaty") or another kind of entity."""
    span = sdoc[s:e]
    if not all(t.ent_type_ == "PERSON" or t.tag_ in ("NNP", "NNPS") for t in span):
        return False
    # inside a longer entity of another kind ("the Ban Treaty", "Kennedy Center"), the word is not a name;
    # a surname the small model labels as a one-word EVENT or PRODUCT still is
    ent_type = span[0].ent_type_
    if ent_type and ent_type != "PERSON":
        if span[0].ent_iob_ == "I" or (e < len(sdoc) and sdoc[e].ent_iob_ == "I"):
            return False
        if ent_type in _NOT_NAMES:
            return False
    if s > 0 and sdoc[s - 1].text in ("-", "–") and not sdoc[s - 1].whitespace_:
        return False
    if e < len(sdoc) and sdoc[e].text in ("-", "–") and not span[-1].whitespace_:
        return False
    return True


def _venue(sdoc, start: int, end: int) -> bool:
    """True when the capital at these character offsets is a place: the object of a locative preposition
    ("in Reykjavik", "at the summit in Helsinki", "in Moscow, Kazan and Omsk") or of "to" after a word of
    motion ("flew to Helsinki"). A possessive ("in Washington's view") keeps it a metonym."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if span.end < len(sdoc) and sdoc[span.end].lower_ in _POSSESSIVE:
        return False
    words = place_words()
    j, steps = span.start - 1, 0
    while j >= 0 and steps < 8:
        tok = sdoc[j]
        if tok.is_space and "\n" not in tok.text:
            j -= 1
            continue
        if tok.lower_ in ("the", "and", "or", ",") or (_capitalised(tok) and tok.tag_ in ("NNP", "NNPS")
                                                      and not tok.is_sent_start):
            j, steps = j - 1, steps + 1
            continue
        break
    if j < 0:
        return False
    tok = sdoc[j]
    if words.get(tok.lower_) == "prep":
        return True
    if tok.lower_ == "to" and j > 0:
        prev = sdoc[j - 1]
        return words.get(prev.lemma_.lower()) == "motion" or words.get(prev.lower_) == "motion"
    return False


def _dateline(sdoc, s: int, e: int) -> bool:
    """"WASHINGTON, July 13." opening a paragraph names where the story was filed, not an actor."""
    span = sdoc[s:e]
    starts_line = s == 0 or (sdoc[s - 1].is_space and "\n" in sdoc[s - 1].text) or "\n" in sdoc[s - 1].whitespace_
    return span.text.isupper() and len(span.text) > 3 and starts_line and e < len(sdoc) and sdoc[e].text == ","


def _names_a_people(sdoc, ent) -> bool:
    """"Palestinians", "ethnic Albanians": a nationality as a plural noun that ends its phrase names a people,
    not a quality of the noun after it."""
    return ent.label_ == "NORP" and ent[-1].tag_ in ("NNPS", "NNS") and not (
        ent.end < len(sdoc) and sdoc[ent.end].tag_.startswith("NN"))


def _nationality_adjectives(sdoc) -> set[tuple[int, int]]:
    """Spans of nationality words used as adjectives: NORP entities and adjective-tagged tokens."""
    adjectival = [e for e in sdoc.ents if e.label_ == "NORP" and not _names_a_people(sdoc, e)]
    spans = {(e.start_char, e.end_char) for e in adjectival}
    spans.update((t.idx, t.idx + len(t)) for t in sdoc if t.tag_ == "JJ" and t.ent_type_ in _NATION_LABELS)
    for e in adjectival:  # "Russian-American": each part too
        spans.update((t.idx, t.idx + len(t)) for t in e)
    return spans


def institution_key_set(text: str) -> frozenset:
    keys = institution_keys()
    words = text.lower().replace("’s", " ").replace("'s", " ").split()
    found = {keys[w] for w in words if w in keys}
    if "affairs" in words and "FOREIGN" in found:
        found.add("MINISTRY")  # "Foreign Affairs" is the ministry
    return frozenset(found)


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, s = [], start
    for part in text[start:end].split("\n"):
        e = s + len(part)
        a, b = s + (len(part) - len(part.lstrip())), e - (len(part) - len(part.rstrip()))
        if b > a:
            out.append((a, b))
        s = e + 1
    return out


_ETHNIC = re.compile(r"\bethnic[\s-]+$", re.I)


def _ethnic_groups(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Serb forces killed three ethnic Albanians in southern Serbia": an ethnic group named by a nationality word
    belongs to the other state its sentence names most (as the resolver's minority rule has it), not to the state
    of that word; with none, or a tie, it keeps the word's. The outlet reporting it names no state of the group."""
    out = []
    for m in mentions:
        a = m.actor
        if a.kind == "state" and a.country and _ETHNIC.search(text[max(0, m.span[0] - 12):m.span[0]]):
            near = [o.actor for o in mentions if o.sentence == m.sentence and o is not m and o.actor.country
                    and o.actor.country != a.country and o.actor.sector != "MED"]
            ranked = Counter(o.country for o in near).most_common(2)
            if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                near = [o for o in near if o.country == ranked[0][0]]
                home = next((o for o in near if o.kind == "state"), near[0])
                m = Mention(m.doc_id, m.text, m.span, Actor(home.country, home.name if home.kind == "state" else
                                                            home.country, "state", home.country, None,
                                                            a.sector or "CVL", None), m.sentence, m.basis)
        out.append(m)
    return out


_SPELLED = re.compile(r"(?<![\w'’-])((?:[A-Z][\w'’.-]*|of|for|the|and|de|du|la|le|des|el|al)(?:\s+(?:[A-Z][\w'’.-]*|of|for|the|and|de|du|la|"
                      r"le|des|el|al))+)\s*\(\s*$")


def _spelled_out(text: str, mentions: list[Mention], sdoc) -> list[Mention]:
    """"National Union for the Total Independence of Angola (UNITA)": a name spelled out before the acronym an
    organisation is known by is that organisation, not the state or words inside it. The acronym's letters must all
    be initials of the name's words ("Prime Minister Benjamin Netanyahu (Likud)" is a person with his party)."""
    people = {(e.start_char, e.end_char) for e in sdoc.ents if e.label_ == "PERSON"}
    out, drop = [], set()
    for m in mentions:
        acronym = m.text
        if m.actor.kind != "org" or not (2 <= len(acronym) <= 8 and acronym.isupper() and acronym.isalpha()) \
                or not text[m.span[1]:m.span[1] + 2].lstrip().startswith(")"):
            continue
        found = _SPELLED.search(text[max(0, m.span[0] - 160):m.span[0]])
        if found is None:
            continue
        words = found.group(1).split()
        # the shortest run of words, from a capitalised one, whose initials hold the acronym's letters: "the National
        # Union ..." starts at the name, and "Bashir and the Sudan People's Liberation Movement (SPLM)" at "Sudan"
        first = next((i for i in range(len(words) - 2, -1, -1) if words[i][0].isupper()
                      and set(acronym) <= {w[0].upper() for w in words[i:]}), None)
        if first is None:
            continue
        name = " ".join(words[first:])
        end = m.span[0] - (len(text[:m.span[0]]) - len(text[:m.span[0]].rstrip(" (")))
        start = end - len(name)
        if text[start:end] != name or any(a < end and b > start for a, b in people):
            continue
        drop |= {id(o) for o in mentions if start <= o.span[0] and o.span[1] <= end}
        out.append(Mention(m.doc_id, name, (start, end), m.actor, m.sentence, "alias"))
    if not out:
        return mentions
    return sorted([o for o in mentions if id(o) not in drop] + out, key=lambda x: (x.span[0], x.span[1]))
