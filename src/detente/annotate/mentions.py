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
president X", "ambassador to Washington"), kept as extra mentions inside the title's.
Capitals are actors only as metonyms: after a locative preposition ("talks in Reykjavik") they are places.
Surnames match only inside personal names (never inside "Test-Ban Treaty").
Each candidate is resolved with the resolver at the publication date (each surface once per document);
unresolved ones are dropped. Role descriptions without a name ("the minister", "the top Russian
diplomat"), bare institution names that do not resolve, organisation anaphors ("the alliance", "the bloc")
and possessive groups ("his own intelligence agencies") are returned as `Description`s for coref.
"""
from __future__ import annotations

import bisect
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Optional

from detente.annotate.lexicons import (RoleNoun, anaphors, count_group_nouns, description_modifiers, group_modifiers,
                                       group_nouns, institution_keys, metonym_nouns, place_words, role_nouns)
from detente.types import Actor, Document, Mention, Sentence

NER_LABELS = ("PERSON", "ORG", "GPE", "FAC")
_NATION_LABELS = ("NORP", "GPE")
_DEFINITE = {"the", "his", "her", "its", "their", "our"}
_INDEFINITE = {"a", "an", "another", "one", "any", "every", "some", "no", "each", "other", "many", "several"}
_COMPLEMENT = {"to", "of", "for", "at", "in"}
_POSSESSIVE = {"'s", "’s"}
_POSSESSIVE_PRONOUNS = {"his": "m", "her": "f", "its": "n"}
_NAME_ONLY_MODIFIERS = {"former", "ex", "late"}   # "the former FBI director Robert Mueller": only with a name
_HEAD_NOUNS = {"administration", "government", "cabinet"}  # "the Biden administration" is the state
MAX_NAME_TOKENS = 4
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
        return self.cache[key]


def _actor(res) -> Optional[Actor]:
    return getattr(res, "actor", None) if res is not None else None


class SentenceIndex:
    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.starts = [s.start for s in sentences]

    def of(self, char: int) -> int:
        i = bisect.bisect_right(self.starts, char) - 1
        return self.sentences[i].index if i >= 0 else -1

    def text(self, char: int) -> str:
        i = bisect.bisect_right(self.starts, char) - 1
        return self.sentences[i].text if i >= 0 else ""


@lru_cache(maxsize=1)
def _first_words() -> frozenset:
    return frozenset(n.phrase[0] for n in role_nouns())


def _line_break(tok) -> bool:
    return tok.is_space and "\n" in tok.text


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

    def find(self, doc: Document, sdoc, sentences: list[Sentence],
             resolve: Optional[DocResolver] = None) -> tuple[list[Mention], list[Description]]:
        text = self._text = doc.text
        index = SentenceIndex(sentences)
        resolve = resolve or DocResolver(self.resolver, doc.published)
        candidates: list[tuple[int, int, int, Actor, str]] = []  # (tier, start, end, actor, basis)
        reserved: list[tuple[int, int]] = []                     # description spans: no other mention inside
        descriptions: list[Description] = []

        self._titles(sdoc, index, resolve, candidates, reserved, descriptions)
        self._metonyms(sdoc, index, resolve, candidates)
        self._groups(sdoc, index, resolve, candidates, reserved, descriptions)
        self._administrations(sdoc, index, resolve, candidates)
        self._institutions(sdoc, index, resolve, candidates, reserved, descriptions)
        self._national_institutions(sdoc, index, resolve, candidates)
        surface_hits = self._surfaces_found(sdoc, index, resolve, candidates)
        self._entities(sdoc, index, resolve, candidates, surface_hits)
        self._anaphors(sdoc, index, descriptions)
        # a capital after "in"/"at" is where something happened, not the state acting
        candidates = [c for c in candidates if not (c[0] in (SURFACE, NER) and c[4] == "metonym"
                                                    and _venue(sdoc, c[1], c[2]))]

        chosen: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        adjectives = _nationality_adjectives(sdoc)
        for tier, start, end, actor, basis in sorted(candidates, key=lambda c: (c[0], c[1] - c[2], c[1])):
            if any(start < e and s < end for s, e in chosen):
                continue
            if tier > TITLE and any(start < e and s < end for s, e in reserved):
                continue  # inside a description that coref will resolve as a whole
            if basis != "metonym" and (start, end) in adjectives:
                continue  # "Russian" in "Russian-US relations" qualifies, it does not act
            chosen.append((start, end))
            mentions.append(Mention(doc.doc_id, text[start:end], (start, end), actor, index.of(start), basis))
        mentions.sort(key=lambda m: m.span)
        descriptions = [d for d in descriptions if not any(m.span[0] < d.span[1] and d.span[0] < m.span[1]
                                                             for m in mentions)]
        mentions += self._nested_states(doc, sdoc, index, resolve, mentions, descriptions)
        mentions.sort(key=lambda m: (m.span[0], m.span[1]))
        return mentions, descriptions

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
            for ent in outer.ents:
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
            k = j + 1
            if k < n and sdoc[k].lower_ == "the":
                k += 1
            run_end = k
            while run_end < n and _capitalised(sdoc[run_end]) and run_end - k < 8:
                run_end += 1
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
        k = j
        while k < n and _capitalised(sdoc[k]) and sdoc[k].tag_ in ("NNP", "NNPS") and k - j < MAX_NAME_TOKENS:
            k += 1
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
        nouns, mods, counted = group_nouns(), group_modifiers(), count_group_nouns()
        nations = {}  # token index after a nationality word or state name -> its first token
        for ent in sdoc.ents:
            if ent.label_ in _NATION_LABELS:
                nations[ent.end] = ent.start
        n = len(sdoc)
        for i in range(n):
            tok = sdoc[i]
            word = tok.lower_ if tok.lower_ in nouns else tok.lemma_.lower()
            if word not in nouns or not tok.tag_.startswith("NN") or (_capitalised(tok) and tok.tag_ in ("NNP", "NNPS")
                                                                     and not tok.is_sent_start):
                continue
            if word in counted and tok.tag_ != "NNS":
                continue  # "the top Russian diplomat" is one person: a description for coref
            if any(s <= tok.idx < e for s, e in reserved):
                continue
            # a noun modifying a further noun ("Russian military drills") is not the group
            nxt = i + 1
            if nxt < n and sdoc[nxt].tag_ in ("NN", "NNS") and sdoc[nxt].lemma_.lower() not in nouns:
                continue
            if nxt < n and sdoc[nxt].lemma_.lower() in nouns and sdoc[nxt].tag_.startswith("NN"):
                continue  # "military officials": the last noun makes the group
            sector = nouns[word]
            k = i - 1
            while k >= 0 and sdoc[k].lower_ in mods and k >= i - 2:
                if sdoc[k].lower_ in nouns:
                    sector = nouns[sdoc[k].lower_]
                k -= 1
            if k < 0:
                continue
            first = nations.get(k + 1)
            if first is None and _capitalised(sdoc[k]) and not sdoc[k].is_punct:
                first = k if (k == 0 or not _capitalised(sdoc[k - 1])) else None
            if first is not None:
                nation = sdoc[first:k + 1]
                state = _actor(resolve(nation.text))
                if state is None or state.kind != "state" or nation.text.lower() == "the":
                    continue
                actor = Actor(state.actor_id, state.name, "state", state.country, None, sector, None)
                candidates.append((TITLE, nation.start_char, tok.idx + len(tok), actor, "description"))
                continue
            own = k if sdoc[k].lower_ == "own" else None
            p = k - 1 if own is not None else k
            if p >= 0 and sdoc[p].lower_ in _POSSESSIVE_PRONOUNS:
                span_start, span_end = sdoc[p].idx, tok.idx + len(tok)
                descriptions.append(Description((span_start, span_end), self._text[span_start:span_end],
                                                index.of(span_start), "group", sector=sector,
                                                gender=_POSSESSIVE_PRONOUNS[sdoc[p].lower_]))

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

    # -- "China's foreign ministry", "the Russian defence ministry": lower-case bodies after a nation word
    def _national_institutions(self, sdoc, index, resolve, candidates):
        keys = institution_keys()
        for i in range(1, len(sdoc)):
            tok = sdoc[i]
            if tok.lower_ not in keys or _capitalised(tok) or keys[tok.lower_] in ("FOREIGN", "DEFENSE"):
                continue
            k = i - 1
            while k >= 0 and not _capitalised(sdoc[k]) and (sdoc[k].lower_ in keys or sdoc[k].lower_ == "affairs"):
                k -= 1
            if k >= 1 and sdoc[k].lower_ in _POSSESSIVE:
                k -= 1
            if k < 0 or sdoc[k].ent_type_ not in _NATION_LABELS or not _capitalised(sdoc[k]):
                continue
            first = k
            while first > 0 and sdoc[first - 1].ent_type_ == sdoc[k].ent_type_ and sdoc[first].ent_iob_ == "I":
                first -= 1
            span = sdoc[first:i + 1]
            actor = _actor(resolve(span.text, index.text(span.start_char)))
            if actor is not None and actor.kind == "org" and actor.country:
                candidates.append((INSTITUTION, span.start_char, span.end_char, actor, "description"))

    # -- 3. knowledge-base surface forms
    def _surfaces_found(self, sdoc, index, resolve, candidates) -> list[tuple[int, int, Actor]]:
        matcher = self._phrase_matcher(sdoc.vocab)
        hits = []
        if matcher is None:
            return hits
        for match_id, s, e in matcher(sdoc):
            span = sdoc[s:e]
            kind = sdoc.vocab.strings[match_id]
            # surnames are common words too ("Rice", "Power"): only inside a name the tagger saw
            if kind in GUARDED_FORM_KINDS and not _inside_name(sdoc, s, e):
                continue
            if kind in CAPITAL_FORM_KINDS and _dateline(sdoc, s, e):
                continue
            actor = _actor(resolve(span.text, index.text(span.start_char)))
            if actor is not None:
                res = resolve.cache.get(span.text.strip())
                hits.append((span.start_char, span.end_char, actor))
                candidates.append((SURFACE, span.start_char, span.end_char, actor, getattr(res, "basis", "") or "alias"))
        return hits

    # -- 4. named entities
    def _entities(self, sdoc, index, resolve, candidates, surface_hits):
        for ent in sdoc.ents:
            if ent.label_ not in NER_LABELS:
                continue
            for start, end in _split_lines(self._text, ent.start_char, ent.end_char):
                surface = self._text[start:end]
                if ent.label_ == "GPE" and _dateline(sdoc, ent.start, ent.end):
                    continue
                res = resolve(surface, index.text(start))
                actor = _actor(res)
                if actor is None:
                    continue
                inside = [a for s, e, a in surface_hits if start <= s and e <= end and (s, e) != (start, end)]
                if inside and all(a.actor_id != actor.actor_id for a in inside):
                    continue  # NER glued words around a known name; trust the exact surface form
                candidates.append((NER, start, end, actor, getattr(res, "basis", "") or "name"))


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


def _nationality_adjectives(sdoc) -> set[tuple[int, int]]:
    """Spans of nationality words used as adjectives: NORP entities and adjective-tagged tokens."""
    spans = {(e.start_char, e.end_char) for e in sdoc.ents if e.label_ == "NORP"}
    spans.update((t.idx, t.idx + len(t)) for t in sdoc if t.tag_ == "JJ" and t.ent_type_ in _NATION_LABELS)
    for e in sdoc.ents:  # "Russian-American": each part too
        if e.label_ == "NORP":
            for t in e:
                spans.add((t.idx, t.idx + len(t)))
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
