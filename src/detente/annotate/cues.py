"""Reporting cues ("said", "noted", "according to") and the places where their source stands.

Works on the light spaCy Doc (tags and lemmas, no parse): the source of a cue is the phrase that ends
right before it ("Lavrov [also] said") or, in inverted order, the phrase right after it ("says Moscow.",
", said the minister", "according to X", "stated by X").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from detente.annotate.lexicons import reporting_cues

# Words that may stand between a source and its verb: "Lavrov has also said", "Peskov further stated".
_BETWEEN = {"has", "have", "had", "also", "further", "later", "again", "then", "once", "repeatedly",
            "reportedly", "will", "would", "may", "might", "could", "earlier", "previously", "recently",
            "already", "too", "clearly", "publicly", "explicitly", "once", "firmly", "on", "twice"}
_QUOTE_MARKS = set('"“”„«»')


@dataclass
class Cue:
    start: int        # character span of the cue in the text
    end: int
    text: str         # as written, lower case: "said", "pointed out", "according to"
    kind: str         # speech | cognition | publication
    tok_start: int
    tok_end: int      # exclusive


def _is_verb(tok) -> bool:
    return (tok.tag_.startswith("VB") and tok.tag_ != "VBG") or tok.lower_ in ("said", "says")


def _participle(sdoc, i: int) -> bool:
    """", saying …", ", telling him …", ", adding that …": a participle clause of the sentence's subject."""
    return sdoc[i].tag_ == "VBG" and i > 0 and sdoc[i - 1].text == "," and sdoc[i].lower_ != "according"


def _absolute(sdoc, i: int) -> bool:
    """"with Trump accusing him of …", "with the Kremlin saying …": an absolute clause whose subject stands
    between "with" and the participle (a name or a short noun phrase of up to four tokens)."""
    if sdoc[i].tag_ != "VBG" or i < 2:
        return False
    j = i - 1
    while j >= 0 and i - j <= 4 and sdoc[j].lower_ != "with":
        tok = sdoc[j]
        if tok.is_punct or tok.is_space or not (tok.tag_ in ("NNP", "NNPS", "NN", "NNS", "DT", "PRP", "JJ", "POS")):
            return False
        j -= 1
    return j >= 0 and j < i - 1 and sdoc[j].lower_ == "with"


def _quote_follows(sdoc, i: int, window: int = 12) -> bool:
    """A quotation mark within a few tokens after token i, in the same sentence."""
    sent_end = sdoc[i].sent.end
    for j in range(i + 1, min(sent_end, i + 1 + window)):
        if sdoc[j].text[:1] in _QUOTE_MARKS or sdoc[j].text[-1:] in _QUOTE_MARKS:
            return True
    return False


def find_cues(sdoc) -> list[Cue]:
    lexicon = reporting_cues()
    longest = max(len(k) for k in lexicon)
    cues: list[Cue] = []
    i, n = 0, len(sdoc)
    firsts = {k[0] for k in lexicon}
    while i < n:
        hit = None
        if sdoc[i].lemma_.lower() not in firsts and sdoc[i].lower_ not in firsts:
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            toks = sdoc[i:i + size]
            first = toks[0]
            rest = tuple(t.lower_ for t in toks[1:])
            key = (first.lemma_.lower(),) + rest
            if key not in lexicon:
                key = (first.lower_,) + rest  # "according" is lemmatised to "accord"
                if key not in lexicon:
                    continue
            if key == ("according", "to"):
                hit = (size, lexicon[key])
            elif _is_verb(first) or _participle(sdoc, i) or _absolute(sdoc, i):
                hit = (size, lexicon[key])
            if hit and hit[1] == "naming" and not _quote_follows(sdoc, i + size - 1):
                hit = None  # "called for talks", "described the plan": a cue only for the words it quotes
            if hit:
                break
        if hit:
            size, kind = hit
            span = sdoc[i:i + size]
            cues.append(Cue(span.start_char, span.end_char, span.text.lower(), kind, i, i + size))
            i += size
        else:
            i += 1
    return cues


def _skip_inline_space(sdoc, j: int) -> int:
    while j < len(sdoc) and sdoc[j].is_space and "\n" not in sdoc[j].text:
        j += 1
    return j


PARENTHETICAL_TOKENS = 16  # "Lavrov, speaking in Oslo, said": the longest aside skipped between source and verb


def _skip_between(sdoc, j: int) -> int:
    while j >= 0 and (sdoc[j].lower_ in _BETWEEN or sdoc[j].tag_ in ("RB", "RBR", "MD")
                      or (sdoc[j].is_space and "\n" not in sdoc[j].text)):
        j -= 1
    return j


def left_anchor(sdoc, cue: Cue) -> Optional[int]:
    """Character end where the cue's source must end, for "X [also] said" and "X, speaking in Oslo, said";
    None if not applicable."""
    if cue.text == "according to" or (sdoc[cue.tok_start].tag_ == "VBG" and not _absolute(sdoc, cue.tok_start)):
        return None
    j = _skip_between(sdoc, cue.tok_start - 1)
    if j >= 0 and sdoc[j].text == ",":
        # an aside between commas: a participle phrase, an apposition or a relative clause
        k = j - 1
        while k >= 0 and j - k <= PARENTHETICAL_TOKENS and sdoc[k].text not in (",", ".", ";", ":", "!", "?") \
                and sdoc[k].text not in _QUOTE_MARKS and not (sdoc[k].is_space and "\n" in sdoc[k].text):
            k -= 1
        if k > 0 and sdoc[k].text == "," and k + 1 < j and not sdoc[k + 1].is_sent_start:
            j = _skip_between(sdoc, k - 1)
        else:
            return None
    if j < 0 or sdoc[j].is_punct or sdoc[j].is_space:
        return None
    return sdoc[j].idx + len(sdoc[j])


def right_anchor(sdoc, cue: Cue) -> Optional[int]:
    """Character start where an inverted source must begin ("says Moscow", "according to X", "stated by X")."""
    j = _skip_inline_space(sdoc, cue.tok_end)
    if j < len(sdoc) and sdoc[j].lower_ == "by" and sdoc[cue.tok_end - 1].tag_ == "VBN":
        j = _skip_inline_space(sdoc, j + 1)
    if j >= len(sdoc) or sdoc[j].is_space:
        return None
    return sdoc[j].idx


def inverted_allowed(sdoc, text: str, cue: Cue, source_end: int) -> bool:
    """Inverted order is only trusted after a quote or comma, for "according to"/"by", or when the
    source closes the clause ("... says Moscow."), so that "Lavrov said Russia will" is not inverted."""
    if cue.text == "according to" or (cue.tok_end < len(sdoc) and sdoc[cue.tok_end].lower_ == "by"):
        return True
    if cue.tok_start > 0:
        prev = sdoc[cue.tok_start - 1]
        if prev.text in _QUOTE_MARKS or prev.text in (",", ";", "—", "–"):
            return True
    after = text[source_end:source_end + 2].lstrip(" \u00a0")
    return after == "" or after[0] in ".,;:\n" + "".join(_QUOTE_MARKS)


def source_of(sdoc, text: str, cue: Cue, by_end: dict, by_start: dict):
    """The mention that is the cue's source, or None. by_end / by_start map character offsets to
    mentions ending / starting there; text is the document's text (Doc.text is rebuilt on each call)."""
    end = left_anchor(sdoc, cue)
    if end is not None and end in by_end:
        return by_end[end]
    if _participle(sdoc, cue.tok_start):
        return _clause_subject(sdoc, cue, by_end)
    start = right_anchor(sdoc, cue)
    if start is not None and start in by_start:
        m = by_start[start]
        if inverted_allowed(sdoc, text, cue, m.span[1]):
            return m
    return None


_FINITE = ("VBD", "VBZ", "VBP", "MD")


def _clause_subject(sdoc, cue: Cue, by_end: dict):
    """The source of ", telling him …": the latest mention of the sentence before the comma that stands right
    before a finite verb ("Putin invited him to Moscow, telling him …")."""
    sent = sdoc[cue.tok_start].sent
    comma = sdoc[cue.tok_start - 1].idx
    best = None
    for end, m in by_end.items():
        if not (sent.start_char <= m.span[0] and end <= comma):
            continue
        span = sdoc.char_span(m.span[0], end, alignment_mode="expand")
        if span is None:
            continue
        j = span.end
        while j < sent.end and (sdoc[j].tag_ in ("RB", "RBR") or sdoc[j].is_space):
            j += 1
        if j < sent.end and sdoc[j].tag_ in _FINITE and (best is None or m.span[0] > best.span[0]):
            best = m
    return best
