"""Find event candidates in one parsed sentence: a trigger that fits a pattern, and its actors by dependency role."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.attrs import LEMMA, LOWER

from detente import lexicon

from .dictionary import Dictionary, Pattern, required
from .parties import QUANTITY_NOUNS, Parties, Party, faction, side

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE = frozenset({"which", "that", "who", "whom"})
# "After talks with X, Ukraine said", "In a phone call, A told B": a nominal event in an adjunct of a clause
ADJUNCT_PREPS = frozenset({"after", "following", "during", "in"})
OBJECT_HOSTS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative"})
DOER_NOUNS = lexicon.words("doer_nouns")
# where an act in what is said would happen ("in Syria", "near the border")
CONTENT_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "throughout", "across"})
# intent, consultation, support, cooperation, aid and concession: acts done with or for their target
COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
# "leave for Belarus under a deal": a dependent in an adjunct of time or circumstance does not satisfy `needs`
ADJUNCT_NEEDS = frozenset({"under", "after", "before", "during", "amid", "despite", "since", "following", "because",
                           "without", "until", "as"})
# "two days of drills", "four days of talks": a measure of time in front of the event noun
# Prepositions naming what a complaint is about ("over", "against"), looked for past the forum it went to
GRIEVANCE_PREPS = frozenset({"over", "against"})
# Coercion and force, whose target may be named only by what they were done for ("fired to disperse X")
PURPOSE_ROOTS = frozenset({"17", "18", "19", "20"})
MEASURE_NOUNS = frozenset({"day", "week", "hour", "month", "round", "year", "night"})


@dataclass
class Candidate:
    pattern: Pattern
    trigger: object                     # spaCy Token
    needed: Optional[object] = None     # the token that satisfied `needs`
    anchors: set = field(default_factory=set)
    sources: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    source_role: str = ""
    target_role: str = ""
    speaker: Optional[Party] = None
    speaker_how: str = ""               # quote | reporting | according | subject
    cameo: str = ""
    inner: Optional["Candidate"] = None
    absorbed: bool = False
    drop: str = ""

    @property
    def i(self) -> int:
        return self.trigger.i

    @property
    def text(self) -> str:
        if self.needed is not None and self.needed.i != self.trigger.i:
            a, b = sorted((self.trigger, self.needed), key=lambda t: t.i)
            return a.doc[a.i: b.i + 1].text if b.i - a.i <= 4 else f"{self.trigger.text} {self.needed.text}"
        return self.trigger.text


def is_passive(tok) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def misparsed_verb(tok) -> bool:
    """"Doctors from two aid groups donated ...", "A Syrian newspaper called on Arabs ...": in a sentence the parser
    rooted on a noun, a participle hung on a noun is the sentence's own verb, its subject that root (a participle with
    a by-agent is a real passive one)."""
    # the cheap tests first: this is asked of every subject lookup, and `tok.sent` walks the parse
    return tok.dep_ == "acl" and tok.tag_ in ("VBN", "VBD") and not any(ch.dep_ == "agent" for ch in tok.children) \
        and tok.sent.root.pos_ in ("NOUN", "PROPN")


def is_media(actor) -> bool:
    """A newspaper, agency or broadcaster: it reports events, it does not make the ones it reports."""
    return actor.sector == "MED"


PLACE_SLOTS = frozenset({"in", "at"})
# Material acts done to a place's people or property (aid, yielding, cuts, coercion, force): with no side named,
# the country where they happen is their target (the `unnamed_targets` pass). Not meetings: "met in Geneva" is not
# aimed at Switzerland.
PLACE_TARGET_ROOTS = frozenset({"07", "08", "16", "17", "18", "19", "20"})
# roots whose place is found by the `unnamed_targets` pass (material acts, and protests at home), not by a slot
PLACE_PASS_ROOTS = PLACE_TARGET_ROOTS | {"14"}


def pobjs(prep) -> list:
    found = [g for g in prep.children if g.dep_ in ("pobj", "pcomp")]
    if found or prep.dep_ not in ("prep", "dative"):
        return found
    # "granted asylum to five officers holed up in a residence": the parser makes the noun the subject of the
    # participle after it and leaves the preposition without an object; the noun right after it is its object
    nxt = prep.doc[prep.i + 1] if prep.i + 1 < len(prep.doc) else None
    if nxt is None:
        return found
    noun = nxt if nxt.pos_ in ("NOUN", "PROPN") else next(
        (a for a in nxt.ancestors if a.left_edge.i == prep.i + 1 and a.pos_ in ("NOUN", "PROPN")), None)
    if noun is not None and noun.left_edge.i == prep.i + 1 and noun.dep_ in ("nsubj", "nsubjpass") \
            and noun.head.tag_ in ("VBN", "VBG", "VBD") and noun.head.head in (prep.head, prep) and noun.head.i > noun.i:
        return [noun]
    return found


def clause_of(tok, max_hops: int = 8):
    """The clause a token sits in: itself if a verb, else the nearest verb above it."""
    t = tok
    for _ in range(max_hops):
        if t.pos_ in ("VERB", "AUX") or t.head == t:
            return t
        t = t.head
    return t


def _doers(noun) -> list:
    """Who does the act a doer noun names: "the withdrawal of Serbian forces", "Israel's pullout"."""
    if noun.lemma_.lower() not in DOER_NOUNS:
        return []
    return [g for pp in noun.children if pp.dep_ == "prep" and pp.lower_ == "of" for g in pobjs(pp)] + \
        [g for g in noun.children if g.dep_ == "poss"]


def _word_fits(tok, words: frozenset) -> bool:
    lemma, lower = tok.lemma_.lower(), tok.lower_
    if lemma in words or lower in words:
        return True
    # PETRARCH lists some words as stems ("violat"): a long enough prefix of the word
    return any(len(w) >= 5 and lower.startswith(w) for w in words)


def _phrase_fits(head, phrase) -> bool:
    """The phrase's last word is the head; the words before it sit in front of the head in its subtree."""
    if not phrase or not _word_fits(head, phrase[-1]):
        return False
    left = [t for t in head.subtree if t.i < head.i]
    return all(any(_word_fits(t, w) for t in left) for w in phrase[:-1])


def _objects(tok) -> list:
    objs = [ch for ch in tok.children if ch.dep_ in (("nsubjpass",) if is_passive(tok) else ("dobj", "dative", "attr", "oprd"))]
    return objs + [c for o in objs for c in o.children if c.dep_ == "conj"]


def _complemented(tok) -> bool:
    """A verb whose sense lies in its complement ("declined to confirm", "joined X in opposing", "said that"):
    its bare default code would guess."""
    return any(ch.dep_ in ("xcomp", "ccomp") or (ch.dep_ == "prep" and any(g.dep_ == "pcomp" for g in ch.children))
               for ch in tok.children)


def fits(tok, slots, objects: Optional[list] = None) -> Optional[object]:
    """The token that anchors a PETRARCH pattern on this verb (its object, or the preposition's object), the verb
    itself for a pattern of particle or subject only, or None when the parse does not give the pattern's words."""
    anchor = tok
    if slots.particle and not any(ch.dep_ in ("prt", "prep", "advmod") and ch.lower_ == slots.particle for ch in tok.children):
        return None
    if slots.before:
        subj = [t for ch in tok.children if ch.dep_ in ("nsubj", "nsubjpass") for t in ch.subtree]
        if not all(any(_word_fits(t, w) for t in subj) for w in slots.before):
            return None
    hosts = [tok]
    if slots.object:
        objs = [o for o in (_objects(tok) if objects is None else objects) if _phrase_fits(o, slots.object)]
        if not objs:
            return None
        anchor = objs[0]
        hosts.append(anchor)
    if slots.prep:
        # "led the party for 17 years": a span of time fills no preposition's slot
        preps = [ch for h in hosts for ch in h.children if ch.dep_ in ("prep", "dative", "agent") and ch.lower_ == slots.prep
                 and not any(o.ent_type_ in ("DATE", "TIME") or o.lemma_.lower() in MEASURE_NOUNS for o in pobjs(ch))]
        if slots.prep_object:
            found = [o for pr in preps for o in pobjs(pr) if _phrase_fits(o, slots.prep_object)]
            if not found:
                return None
            anchor = found[0] if anchor == tok else anchor
        elif not preps:
            return None
    return anchor


def pattern_options(d: Dictionary, lemma: str, lower: str, pos: str, tag: str, obligation: bool = True) -> list[Pattern]:
    """The patterns a token may match, by its lemma, form and part of speech (an AUX only as a reported obligation,
    which the parse decides: `obligation`)."""
    options = []
    if pos in ("VERB", "NOUN", "PROPN"):
        options = d.lookup(lemma, "NOUN" if pos in ("NOUN", "PROPN") else "VERB")
    if pos == "AUX" and obligation:
        options = d.lookup(lemma, "AUX")
    if pos in ("ADJ", "VERB"):  # "was encouraging" is tagged either way
        options = options + [p for p in d.lookup(lower, "ADJ") + d.lookup(lemma, "ADJ")
                             if pos == "ADJ" or tag in ("VBG", "VBN")]
    return options


def pattern_words(options: list[Pattern]) -> tuple:
    """What a sentence must hold for a token with these pattern options to become a candidate (see `_match`): one
    tuple per pattern that could fit, of the words it needs (dictionary.required: each to be found in the sentence);
    () among them when some pattern needs nothing more. PETRARCH patterns that block a sense give no candidate, and a
    PETRARCH verb's bare default counts only where Detente has no pattern of its own for the word."""
    own = any(p.origin == "detente" for p in options)
    out = []
    for p in options:
        if p.slots is None:
            out.append((required(frozenset(p.needs)),) if p.needs else ())
        elif p.slots.blocks:
            continue
        elif not p.slots.specificity:
            if not own:
                out.append(())
        else:
            out.append(p.slots.words)
    if () in out:
        return ((),)
    return tuple(dict.fromkeys(out))


def sentence_words(lowers: set, lemmas: set) -> tuple[set, set]:
    """(every lemma and form, every start of five letters or more of a form): what `dictionary.required` words are
    looked for in."""
    return lowers | lemmas, {w[:k] for w in lowers for k in range(5, len(w) + 1)}


def holds(words: tuple, present: set, starts: set) -> bool:
    """The sentence has every word a pattern needs."""
    for alternatives, stems in words:
        if alternatives.isdisjoint(present) and (not stems or stems.isdisjoint(starts)):
            return False
    return True


class Matcher:
    def __init__(self, dictionary: Dictionary):
        self.d = dictionary
        self.w = dictionary.words
        self._kinds: dict[tuple, tuple] = {}
        self._present: set = set()
        self._starts: set = set()
        self._tried_here: dict = {}

    # -- triggers --------------------------------------------------------------------------------------
    def candidates(self, sdoc, parties: Parties) -> list[Candidate]:
        found: list[Candidate] = []
        # the sentence's words, for passing over PETRARCH patterns whose words it lacks before `fits` walks the parse
        strings = sdoc.vocab.strings
        rows = sdoc.to_array([LOWER, LEMMA])
        self._present, self._starts = sentence_words({strings[v] for v in set(rows[:, 0].tolist())},
                                                     {strings[v].lower() for v in set(rows[:, 1].tolist()) if v})
        self._tried_here = {}
        for tok in sdoc:
            c = self._match(tok)
            if c is not None:
                found.append(c)
        at = {c.i: c for c in found}
        # "signed agreements": the verb that needed the noun takes it; a noun needing that same verb back
        # ("agreement" needs "sign") gives way rather than both consuming each other
        consumed = {c.needed.i for c in found if c.needed is not None and c.needed.i != c.i
                    and not (c.pattern.pos == "NOUN" and c.needed.i in at and at[c.needed.i].needed is not None
                             and at[c.needed.i].needed.i == c.i)}
        for c in found:
            noun = at.get(c.needed.i) if c.needed is not None else None
            if noun is not None and noun is not c and noun.pattern.needs and noun.cameo[:2] == c.cameo[:2]:
                c.cameo = noun.cameo  # "held a phone conversation": the noun is the more specific (041)
        found = [c for c in found if c.i not in consumed]
        for c in found:
            self._roles(c, parties)
        return found

    def _options(self, lemma: str, lower: str, pos: str, tag: str, obligation: bool) -> tuple:
        """(patterns in the order they are tried, whether Detente has its own, whether any has PETRARCH slots, and
        the PETRARCH patterns that need words by their first such word, as positions in that order) for a kind of
        token, worked out once."""
        key = (lemma, lower, pos, tag, obligation)
        found = self._kinds.get(key)
        if found is None:
            options = pattern_options(self.d, lemma, lower, pos, tag, obligation=obligation)
            ordered = tuple(sorted(options, key=lambda p: (p.origin != "detente", not p.needs)))
            always, by_word, by_stem = [], {}, {}
            for k, p in enumerate(ordered):
                if p.slots is None or not p.slots.specificity:
                    always.append(k)
                    continue
                words, stems = p.slots.words[0]
                for w in words:
                    by_word.setdefault(w, []).append(k)
                for w in stems:
                    by_stem.setdefault(w, []).append(k)
            found = self._kinds[key] = (ordered, any(p.origin == "detente" for p in options),
                                        any(p.slots is not None for p in options), (frozenset(always), by_word, by_stem))
        return found

    def _tried(self, key: tuple, ordered: tuple, index: tuple) -> list:
        """The patterns of a kind of token that the sentence's words allow (every other needs a word the sentence
        lacks, so `fits` would refuse it), in their order; once per kind and sentence."""
        tried = self._tried_here.get(key)
        if tried is None:
            always, by_word, by_stem = index
            found = set(always)
            if by_word or by_stem:
                words = self._present if len(self._present) < len(by_word) else by_word.keys() & self._present
                found.update(k for w in words for k in by_word.get(w, ()))
                if by_stem:
                    found.update(k for w in self._starts for k in by_stem.get(w, ()))
            tried = self._tried_here[key] = [ordered[k] for k in sorted(found) if k in always
                                             or holds(ordered[k].slots.words, self._present, self._starts)]
        return tried

    def _match(self, tok) -> Optional[Candidate]:
        lemma, pos = tok.lemma_.lower(), tok.pos_
        obligation = pos == "AUX" and self._reported_obligation(tok)
        ordered, own, slotted, index = self._options(lemma, tok.lower_, pos, tok.tag_, obligation)
        if not ordered:
            return None
        objects = _objects(tok) if slotted else []  # once for all of the verb's patterns
        for p in self._tried((lemma, tok.lower_, pos, tok.tag_, obligation), ordered, index):
            if p.slots is not None:
                if tok.dep_ in ("amod", "compound", "nmod"):
                    continue  # "the defeated party": a participle describing a noun tells no act
                # PETRARCH's patterns: a bare verb's default code only where Detente has no pattern of its own
                needed = fits(tok, p.slots, objects) if p.slots.specificity else (tok if not (own or _complemented(tok)) else None)
                if needed is None:
                    continue
                if p.slots.blocks:
                    return None  # "sanctioned the move": this sense of the verb is no event
                needed = None if needed == tok else needed
            elif p.needs:
                # a particle or preposition a verb needs comes after it ("called on X", not "on what it called")
                needed = next((n for n in self._near(tok) if (n.lemma_.lower() in p.needs or n.lower_ in p.needs)
                               and not (pos == "VERB" and n.dep_ in ("prep", "prt") and n.i < tok.i)
                               and not (n.dep_ == "prep" and pobjs(n) and all(g.ent_type_ in ("DATE", "TIME") for g in pobjs(n)))),
                              None)
                if needed is None:
                    continue
            else:
                needed = None
            c = Candidate(pattern=p, trigger=tok, needed=needed, cameo=p.cameo)
            c.anchors = {tok.i} | ({needed.i} if needed is not None else set())
            gov = self.governor(tok)
            if gov is not None:
                c.anchors.add(gov.i)
            return c
        return None

    def _reported_obligation(self, tok) -> bool:
        """"declared that China must drop barriers": a modal of obligation in a clause someone states, not negated."""
        clause = tok.head
        return tok.dep_ == "aux" and clause.dep_ == "ccomp" and clause.head.lemma_.lower() in self.w["reporting"] \
            and not any(ch.dep_ == "neg" for ch in clause.children)

    def _near(self, tok) -> list:
        out = []
        for c in tok.children:
            out.append(c)
            if c.dep_ in ("prep", "agent") and c.lower_ not in ADJUNCT_NEEDS:
                out.extend(pobjs(c))
            if c.dep_ in OBJECT_HOSTS and c.lemma_.lower() in QUANTITY_NOUNS:
                counted = [g for p in c.children if p.dep_ == "prep" for g in pobjs(p)]
                # "suspended part of a military aid programme": the counted noun and what kind it is
                out.extend(counted + [g for n in counted for g in n.children if g.dep_ == "compound"])
            if c.dep_ in ("dobj", "nsubjpass"):
                out.extend(g for g in c.children if g.dep_ in ("compound", "amod"))
                # "held eight hours of talks", "the first session of the dialogue"
                out.extend(g for p in c.children if p.dep_ == "prep" and p.lower_ in ("of", "in") for g in pobjs(p))
                # "gave France's ambassador, Joël Meyer, 72 hours to leave": the parser hangs it on the name
                out.extend(g for a in c.children if a.dep_ == "appos" for g in a.children if g.dep_ == "appos" and g.pos_ == "NOUN")
            if c.dep_ in ("advcl", "ccomp", "xcomp"):
                # "called for Russia to withdraw": the parser makes "for" the mark of the clause it introduces
                out.extend(m for m in c.children if m.dep_ == "mark" and m.lower_ == "for" and m.i > tok.i)
            if c.dep_ == "ccomp" and c.lower_ == "persona":
                # "declared X's ambassador persona non grata", parsed as a clause with "persona" for its verb
                out.extend(c.children)
            if c.dep_ == "oprd":  # "called the decision unfortunate and irresponsible"
                out.extend(g for g in c.children if g.dep_ == "conj")
                # "called the move an attempt at blackmail"
                out.extend(g for p in c.children if p.dep_ == "prep" for g in pobjs(p))
        if tok.pos_ in ("ADJ", "NOUN", "PROPN") or (tok.dep_ == "acl" and tok.tag_ == "VBN"):
            out.append(tok.head)  # "a deal brokered by China": the participle's noun
        return out

    def governor(self, tok):
        """The verb a nominal event hangs from ("talks were held", "the meeting had taken place")."""
        if tok.pos_ not in ("NOUN", "PROPN"):
            return None
        h = tok.head
        if tok.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "oprd") and h.pos_ in ("VERB", "AUX"):
            return h
        if tok.dep_ == "pobj" and h.head.pos_ in ("VERB", "AUX"):
            return h.head
        if tok.dep_ == "pobj" and h.lower_ == "of" and h.head.lemma_.lower() in MEASURE_NOUNS | QUANTITY_NOUNS \
                and h.head.dep_ in ("dobj", "nsubj", "nsubjpass") and h.head.head.pos_ in ("VERB", "AUX"):
            return h.head.head  # "began two days of drills": the verb governs the drills
        return None

    # -- roles -----------------------------------------------------------------------------------------
    def _roles(self, c: Candidate, parties: Parties) -> None:
        sp, how = self.speaker(c.trigger, parties)
        c.speaker, c.speaker_how = sp, how
        for role in c.pattern.source:
            found = self.role(c, role, parties)
            if found:
                c.sources, c.source_role = found, role
                break
        if not c.sources and c.needed is not None and c.needed.pos_ in ("NOUN", "PROPN") and c.needed.i != c.i \
                and not (c.trigger.pos_ == "VERB" and (self.subjects(c.trigger) or is_passive(c.trigger))):
            # not past a subject we cannot name; nor, in the passive, from the one acted on ("its demands were met")
            # "The Franco-German summit took place": the actors sit on the noun the verb needed
            for role in ("poss", "compound", "between"):
                found = self.role(c, role, parties, tok=c.needed)
                if found:
                    c.sources, c.source_role = found, role
                    break
        exclude = frozenset(side(p.actor) for p in c.sources)
        # what is said is about another side, and a rebel group or the opposition is a side apart from its own
        # state's government ("the PKK demanded that the Turkish government ...")
        apart = frozenset(faction(p.actor) for p in c.sources) | frozenset(p.actor.actor_id for p in c.sources)
        for role in c.pattern.target:
            if role == "content" and self._unnamed_addressee(c.trigger, parties):
                break  # "warned Kurdish forces not to rely on US protection": the one warned, not the US
            if role == "against" and c.cameo[:2] in COOPERATIVE_ROOTS:
                continue  # "led a coalition against the Houthis": whom a cooperation opposes is not its partner
            found = [p for p in self.role(c, role, parties, apart if role == "content" else exclude)
                     if faction(p.actor) not in apart or role != "content"]
            if found:
                # a comment is about one other side: the first named in its content
                c.targets, c.target_role = (found[:1] if role == "content" else found), role
                break
        if c.cameo[:2] in ("02", "10") and c.trigger.pos_ == "VERB":
            # "demanded the withdrawal of Serbian forces from Bosnia": the one asked is who would withdraw
            doers = [p for o in c.trigger.children if o.dep_ == "dobj" for d in _doers(o)
                     for p in parties.phrase(d, exclude) if faction(p.actor) not in apart]
            if doers:
                c.targets, c.target_role = doers, "doer"
        if not c.targets and c.sources and c.cameo[:2] in PURPOSE_ROOTS:
            # "opened fire to disperse the demonstrators": force aimed by its purpose at the purpose's object
            own = {(p.actor.actor_id, p.actor.sector) for p in c.sources}
            aims = [p for ch in c.trigger.children if ch.dep_ in ("xcomp", "advcl") and ch.pos_ == "VERB"
                    and any(a.dep_ == "aux" and a.lower_ == "to" for a in ch.children)
                    for o in ch.children if o.dep_ == "dobj" for p in parties.phrase(o)
                    if (p.actor.actor_id, p.actor.sector) not in own]
            if aims:
                c.targets, c.target_role = aims, "purpose"
        if not c.targets and c.sources and c.cameo[:2] == "14":
            # "protested to demand the resignation of President Ruto", "continued their hunger strike to demand ...":
            # a protest is aimed at whom its demand is made of
            own = {p.actor.actor_id for p in c.sources}
            gov = self.governor(c.trigger)
            aims = [p for h in [c.trigger, *([gov] if gov is not None else [])] for ch in h.children
                    if ch.dep_ in ("xcomp", "advcl") and ch.pos_ == "VERB"
                    and any(a.dep_ == "aux" and a.lower_ == "to" for a in ch.children)
                    and any(q.frame == "request" for q in self.d.lookup(ch.lemma_.lower(), "VERB"))
                    for o in ch.children if o.dep_ == "dobj" for g in [o, *_doers(o)]
                    for p in parties.phrase(g) if p.actor.actor_id not in own]
            if aims:
                c.targets, c.target_role = aims[:1], "purpose"
        if not c.targets and c.sources and c.pattern.symmetric and c.trigger.dep_ == "pobj" \
                and c.trigger.head.lower_ in ADJUNCT_PREPS and c.trigger.head.head.pos_ == "VERB":
            # "In a video call, A told B that ...": the host clause's object is the other side
            objs = [p for ch in c.trigger.head.head.children if ch.dep_ in ("dobj", "dative")
                    for p in parties.phrase(ch, exclude)]
            if objs:
                c.targets, c.target_role = objs, "host"
        # a pronoun source must not be the target it sits next to ("Ukraine, on whose border it deployed")
        if c.sources and all(p.basis == "pronoun" for p in c.sources) and c.targets:
            tsides = frozenset(side(p.actor) for p in c.targets)
            if any(side(p.actor) in tsides for p in c.sources):
                # (when no other side is there to stand for, the pronoun keeps its own: "their hunger strike to
                # demand the resignation of the Algerian president")
                c.sources = [q for p in c.sources
                             for q in [parties.at(c.trigger.doc[p.i], tsides)] if q is not None] or c.sources

    def role(self, c: Candidate, role: str, parties: Parties, exclude: frozenset = frozenset(), tok=None) -> list[Party]:
        tok = tok if tok is not None else c.trigger
        if role == "subj":
            out = []
            for s in self.subjects(tok):
                group = self._reporters(s, parties) if s.lower_ == "they" else []
                out.extend(group or parties.phrase(s))
            return out
        if role == "speaker":
            if c.speaker is not None and c.speaker_how == "subject" and c.pattern.pos == "AUX":
                return []  # "X said US forces must ...": no reporter named, and the obliged do not oblige themselves
            return [c.speaker] if c.speaker is not None else []
        if role == "clause_subj":
            # the one a modal puts under obligation: the subject of the modal's own clause
            return [p for s in self.subjects(tok.head) for p in parties.phrase(s, exclude)]
        if role == "obj":
            out = []
            passive = is_passive(tok)
            for ch in tok.children:
                if ch.dep_ == "ccomp" and ch.lower_ == "persona":
                    # "declared Mexico's ambassador persona non grata": the one declared is the clause's subject
                    out.extend(p for g in ch.children if g.dep_ in ("nsubj", "nsubjpass") for p in parties.phrase(g, exclude))
            for ch in tok.children:
                if (ch.dep_ == "nsubjpass") if passive else (ch.dep_ in ("dobj", "dative")):
                    if passive and ch.lower_ in RELATIVE and tok.dep_ == "relcl":
                        # "Glas, who had been granted asylum by Mexico": the relative stands for the noun
                        out.extend(parties.phrase(tok.head, exclude, conj=False))
                        continue
                    # "used its reserves": a possessive pronoun on the object is bound by the subject, not someone
                    # named earlier
                    found = [p for p in parties.phrase(ch, exclude) if not (
                        p.i >= 0 and tok.doc[p.i].tag_ == "PRP$" and tok.doc[p.i].head.i == ch.i)]
                    if not found and ch.pos_ == "NOUN":
                        # "shelled positions of the Palestinian forces", "attacked a camp for Congolese refugees":
                        # a thing acted on stands for whom it belongs to or serves
                        found = [p for pp in ch.children if pp.dep_ in ("prep", "agent") and pp.lower_ in ("of", "for", "from", "by")
                                 for o in pobjs(pp) for p in parties.phrase(o, exclude)]
                    out.extend(found)
                    # "vetoed a resolution drafted by X and Y": the drafters are who the act is aimed at; not the
                    # brokers of a plan, who stand between its sides
                    out.extend(p for cl in ch.children if cl.dep_ == "acl" and cl.tag_ == "VBN"
                               and cl.lemma_.lower() not in self.w["mediation_verbs"]
                               for ag in cl.children if ag.dep_ == "agent" for o in pobjs(ag)
                               for p in parties.phrase(o, exclude) if p not in found)
            if not out and tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.head.pos_ in ("NOUN", "PROPN", "PRON") \
                    and not misparsed_verb(tok):
                out.extend(parties.phrase(tok.head, exclude))  # "the diplomats expelled by X"
            if not out and not passive:
                # "kidnapped up to 16 advisers": the parser takes the quantity's "up to" for a particle and a preposition
                out.extend(p for up in tok.children if up.dep_ == "prt" and up.lower_ == "up"
                           for to in [*tok.children, *up.children] if to.dep_ == "prep" and to.lower_ == "to" and to.i == up.i + 1
                           for o in pobjs(to) if any(n.dep_ == "nummod" for n in o.children)
                           for p in parties.phrase(o, exclude))
            return out
        if role == "oprd":
            # "called Recep Tayyip Erdogan on Monday": a name the parser took for a predicate
            return [p for ch in tok.children if ch.dep_ == "oprd" and ch.pos_ == "PROPN" for p in parties.phrase(ch, exclude)]
        if role == "poss":
            return [p for ch in tok.children if ch.dep_ == "poss" for p in parties.phrase(ch)]
        if role == "compound":
            # every actor among the noun's modifiers: "the Russian-US summit", "US-Russian talks"
            out = []
            for t in parties.core(tok, appos=False):
                if t.dep_ in ("poss", "det") or (t.head.dep_ == "poss" and t.head.head == tok):
                    continue
                p = parties.at(t, exclude)
                if p is not None:
                    out.append(p)
            return out
        if role == "host":
            # "struck targets with support from Z": the subject of the verb the phrase hangs from
            if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
                # the lead actor only: "US and British jets struck ... with support from Z" is Z with the US
                def start(p):
                    m = parties.mention_at(tok.doc[p.i]) if p.i >= 0 else None
                    return m.span[0] if m is not None else parties.offset + tok.doc[p.i].idx
                lead = sorted((p for s in self.subjects(tok.head.head) for p in parties.phrase(s, exclude)), key=start)
                return lead[:1]
            return []
        if role == "content":
            # what a clause is about, not who a noun's own clause names: in "demanded guarantees that NATO would
            # not expand" NATO is not the one asked
            # nor who says it ("Hezbollah's leader warned that ...": Hezbollah is not whom he warned)
            skip = frozenset(t.i for ch in tok.children if ch.dep_ in ("nsubj", "csubj", "agent") for t in ch.subtree) | \
                frozenset(t.i for ch in tok.children if ch.dep_ in ("dobj", "nsubjpass")
                             for cl in ch.children if cl.dep_ in ("acl", "relcl", "ccomp") for t in cl.subtree) | \
                frozenset(t.i for ch in tok.children if ch.dep_ == "conj" for t in ch.subtree) | \
                frozenset(t.i for ch in tok.children if ch.dep_ == "prep" and ch.lower_ in ADJUNCT_NEEDS
                          for t in ch.subtree)  # "demanded a truce before allowing UN convoys": its own terms
            # "threatening to divorce them in a sharia court in Syria": where an act would happen is not whom it is
            # aimed at (an act of our own in the content finds its place target itself)
            skip |= frozenset(t.i for v in tok.subtree if v.pos_ in ("VERB", "AUX") and v is not tok
                              for ch in v.children if ch.dep_ == "prep" and ch.lower_ in CONTENT_PLACE_PREPS
                              and any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in ch.subtree)
                              for t in ch.subtree)
            found = parties.in_subtree(tok, exclude, skip)
            if found or tok.pos_ in ("VERB", "AUX"):
                return found
            return parties.in_subtree(self.clause(tok), exclude, skip)
        # a preposition: on the trigger, its object, or the word that satisfied `needs`
        hosts = [tok] + [ch for ch in tok.children if ch.dep_ in OBJECT_HOSTS]
        if tok.pos_ == "VERB" and not any(ch.dep_ in OBJECT_HOSTS for ch in tok.children):
            # "donated and delivered goods to the school": two verbs sharing one object share its recipient
            hosts += [h for v in tok.children if v.dep_ == "conj" and v.pos_ == "VERB"
                      and not any(g.dep_ in SUBJECTS for g in v.children) and any(g.dep_ == "dobj" for g in v.children)
                      for h in [v, *(g for g in v.children if g.dep_ in OBJECT_HOSTS)]]
        if c.needed is not None and c.needed not in hosts:
            hosts.append(c.needed)
        if role in GRIEVANCE_PREPS:
            # "filed a complaint with the WTO over Japan's controls": the parser often hangs the grievance on the
            # forum's name
            # ("complained to the United Nations over two Israeli air raids")
            hosts.extend(o for h in list(hosts) for pr in h.children if pr.dep_ == "prep" and pr.lower_ in ("with", "to")
                         for o in pobjs(pr))
        head = tok
        if tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
            head = tok.head  # "a mediation effort between X and Y": the phrase hangs from the noun it qualifies
            hosts.append(head)
        gov = self.governor(head)
        if gov is not None and head.dep_ in ("dobj", "nsubjpass") and gov.lemma_.lower() in self.w["support_verbs"]:
            hosts.append(gov)  # "held exercises near Taiwan": the phrase hangs from the light verb
        elif gov is not None and head.dep_ == "nsubj" and gov.lemma_.lower() in self.w["occur_verbs"]:
            hosts.append(gov)  # "fighting erupted ... between X and Y", "talks took place between X and Y"
        for h in list(hosts[1:]):
            # "imposed travel bans and asset freezes on X", "struck dozens of targets across X"; a list is a chain
            # of conjuncts ("launched artillery, mortar and rocket fire against X")
            hosts.extend(h.conjuncts)
            if h.lemma_.lower() in QUANTITY_NOUNS:
                hosts.extend(g for p in h.children if p.dep_ == "prep" and p.lower_ == "of" for g in pobjs(p))
        out = []
        if role == "for":
            # "pushing for the US to support its plan", "pressed for Israel to halt": the subject of a clause
            # introduced by "for" is the one it is for
            out.extend(p for cl in tok.children if cl.dep_ in ("advcl", "ccomp", "xcomp")
                       and any(m.dep_ == "mark" and m.lower_ == "for" for m in cl.children)
                       for sb in cl.children if sb.dep_ == "nsubj" for p in parties.phrase(sb))
        for h in hosts:
            for ch in h.children:
                if (ch.dep_ in ("prep", "agent", "dative") and ch.lower_ == role) or (role == "by" and ch.dep_ == "agent"):
                    for o in pobjs(ch) or ([ch] if ch.dep_ == "dative" else []):
                        found = parties.phrase(o)
                        if not found:  # "from servers on Chinese territory": one level deeper
                            found = [p for pp in o.children if pp.dep_ == "prep" and pp.lower_ in ("in", "of", "across", "throughout")
                                     for g in pobjs(pp) for p in parties.phrase(g)]
                        if not found and o.lemma_.lower() in self.w["demand_nouns"]:
                            # "conceded to demands from UNITA", "bowed to Turkey's demands": who made the demand
                            found = [p for pp in o.children if pp.dep_ in ("prep", "agent") and pp.lower_ in ("from", "by")
                                     for g in pobjs(pp) for p in parties.phrase(g)] + \
                                    [p for g in o.children if g.dep_ == "poss" for p in parties.phrase(g)]
                        if not found and role in PLACE_SLOTS and c.cameo[:2] not in PLACE_PASS_ROOTS:
                            # "opened an embassy in Hanoi": a pattern that names a place slot takes the country
                            # of the place named there (acts of force find their place in the `unnamed_targets` pass)
                            found = [p for p in parties.place(o) if side(p.actor) not in exclude]
                        out.extend(found)
        return out

    def _unnamed_addressee(self, tok, parties: Parties) -> bool:
        """An object-control verb ("warned X not to", "urged X to") whose addressee is a noun phrase we cannot
        resolve: the content names what X should do, not who X is."""
        if tok.lemma_.lower() not in self.w["object_control"] or not any(ch.dep_ in ("xcomp", "ccomp") for ch in tok.children):
            return False
        return any(ch.dep_ == "dobj" and ch.pos_ in ("NOUN", "PROPN") and not parties.phrase(ch) for ch in tok.children)

    def _reporters(self, pron, parties: Parties) -> list[Party]:
        """"The Netherlands and Australia said they held Russia responsible": "they" is every one who said it."""
        t = pron.head
        for _ in range(4):
            if t.dep_ == "ccomp" and t.head.lemma_.lower() in self.w["reporting"]:
                group = [p for s in self.subjects(t.head) for p in parties.phrase(s)]
                return group if len({side(p.actor) for p in group}) >= 2 else []
            if t.dep_ not in ("conj", "xcomp", "advcl") or t.head == t:
                return []
            t = t.head
        return []

    def subjects(self, tok, depth: int = 0) -> list:
        if depth > 4:
            return []
        subj = [ch for ch in tok.children if ch.dep_ in ("nsubj", "csubj")]
        if misparsed_verb(tok):
            return [tok.sent.root]
        if tok.pos_ in ("NOUN", "PROPN"):
            if tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
                return self.subjects(tok.head, depth + 1)  # "launched a mediation effort": who launched the effort
            if tok.dep_ == "pobj" and tok.head.lower_ in ADJUNCT_PREPS and tok.head.head.pos_ in ("VERB", "AUX"):
                return self.subjects(tok.head.head, depth + 1)
            if tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.lemma_.lower() in self.w["motion_verbs"]:
                return self.subjects(tok.head.head, depth + 1)  # "negotiators return to Geneva for talks"
            gov = self.governor(tok)
            if gov is not None and (tok.dep_ in ("dobj", "attr", "oprd") or (tok.dep_ == "pobj" and tok.head.lower_ == "of")) \
                    and gov.lemma_.lower() in self.w["support_verbs"]:
                return self.subjects(gov, depth + 1)  # "held talks", "began two days of drills"
            return []
        if subj:
            if subj[0].lower_ in RELATIVE and tok.dep_ == "relcl":
                return [tok.head]
            # "The Red Cross operating in Iraq said": the parser makes the participle the subject; its own
            # subject is the one who speaks
            return [next((g for g in s.children if g.dep_ == "nsubj"), s)
                    if s.pos_ == "VERB" and s.tag_ in ("VBG", "VBN") else s for s in subj]
        agents = [o for ch in tok.children if ch.dep_ == "agent" for o in pobjs(ch)]
        if agents:
            return agents
        if is_passive(tok):
            return []
        h = tok.head
        if tok.dep_ == "xcomp":
            objs = [ch for ch in h.children if ch.dep_ in ("dobj",)]
            if h.lemma_.lower() in self.w["object_control"] and objs and not (
                    h.lemma_.lower() == "call" and not any(ch.lower_ in ("on", "upon") for ch in h.children)):
                return objs  # "urged X to", "called on X to"; but "called X to offer condolences" is the caller's

            return self.subjects(h, depth + 1)
        if tok.dep_ == "conj" and h.dep_ == "ccomp" and h.lower_ == "persona":
            return self.subjects(h.head, depth + 1)  # "declared X persona non grata and gave him 72 hours"
        if tok.dep_ == "conj" and h != tok and is_passive(h) and tok.tag_ != "VBN":
            # "has been indicted by the court and will resign": the one indicted resigns, not the court
            return [ch for ch in h.children if ch.dep_ == "nsubjpass"]
        if tok.dep_ in ("conj", "advcl") and h != tok:
            return self.subjects(h, depth + 1)
        if tok.dep_ == "pcomp" and tok.tag_ == "VBG" and h.lower_ in ("by", "after", "before", "while", "without") \
                and h.head.pos_ in ("VERB", "AUX"):
            return self.subjects(h.head, depth + 1)  # "responded by suspending trade", "left without signing"
        if tok.dep_ in ("acomp", "attr") and h.pos_ in ("AUX", "VERB"):
            return self.subjects(h, depth + 1)
        if tok.dep_ in ("acl", "relcl") and h.dep_ == "pobj" and h.head.lower_ == "for" and h.head.head.pos_ == "VERB" \
                and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in tok.children):
            # "were converging for a rally to protest ...": those who come to a gathering for a purpose pursue it
            return self.subjects(h.head.head, depth + 1)
        if tok.dep_ == "acl" and tok.tag_ == "VBG" and h.lemma_.lower() in self.w["statement_nouns"] \
                and h.dep_ == "dobj" and not any(ch.dep_ == "poss" for ch in h.children):
            return self.subjects(h.head, depth + 1)  # "issued a declaration demanding ...": the one who issued it
        if tok.dep_ == "acl" and h.pos_ in ("NOUN", "PROPN"):
            # "his decision to launch talks", "Russia's readiness to meet"
            return [ch for ch in h.children if ch.dep_ == "poss"]
        return []

    def clause(self, tok):
        return clause_of(tok, max_hops=6)

    def speaker(self, tok, parties: Parties) -> tuple[Optional[Party], str]:
        """Who says what the trigger's clause says: the quote's speaker, a reporting verb's subject, an
        "according to" phrase, or else the nearest subject above."""
        if parties.speaker is not None:
            return Party(parties.speaker, "speaker", -1), "quote"
        fallback = according = None
        for a in [tok] + list(tok.ancestors):
            if a.pos_ in ("VERB", "AUX", "ADJ"):
                subjects = self.subjects(a)
                subj = [p for s in subjects for p in parties.phrase(s, conj=False)]
                if a.lemma_.lower() in self.w["reporting"] and a != tok and subj:
                    if a.lemma_.lower() == "report" and is_media(subj[0].actor):
                        continue  # "al-Baath reported that ...": the outlet carries the words of others
                    return subj[0], "reporting"
                if a.lemma_.lower() in self.w["reporting"] and a != tok and subjects \
                        and not any(s.lower_ in ("it", "we", "i") for s in subjects):
                    # "Analysts say Russia could attack": someone we cannot name says it, not the actor
                    return None, "reporting"
                if fallback is None and subj:
                    fallback = subj[0]
            for ch in a.children:
                if ch.dep_ == "prep" and ch.lower_ == "according" and according is None:
                    # "..., according to al-Baath": a media outlet names who reported it, not who said it
                    objs = [p for to in ch.children for o in pobjs(to) for p in parties.phrase(o, conj=False)
                            if not is_media(p.actor)]
                    if objs:
                        according = objs[0]
        if according is not None:
            return according, "according"
        return (fallback, "subject") if fallback is not None else (None, "")
