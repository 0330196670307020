"""Convert PETRARCH2's verb dictionary (CAMEO.2.0.txt) into Detente's own tables.

    python -m detente.code.build_verbs [--source PATH] [--out DIR]

The source is PETRARCH2's `CAMEO.2.0.txt` (openeventdata/petrarch2, MIT licence); its `LICENSE` must sit
beside it. The script writes four files into `data/` (or --out), each table opening with `#` comment lines
(provenance and the full MIT notice) that readers skip:

`petrarch_verbs.csv`, one row per (verb, pattern) of a verb block, plus one row per verb that has a default
code (all pattern fields empty: the code of the bare verb).

  verb         lemma, lower case. Multiword verbs (`+CALL_OFF`): the `+`-marked head word here, the rest in
               `particle`. A few heads are listed inflected in the source (ANGERED, KILLED, IS, LOSING...);
               they are mapped to their lemma by `_INFLECTED`. Hyphenated forms (`re-arrest`) are kept.
  particle     the other words of a multiword verb, space separated (`off`, `hold of`, `in motion`).
  before       words required before the verb, in order. `{A B}` groups are flattened to `a b`, synsets
               kept as `&name`, a parenthesised phrase before the verb is kept with its parentheses.
               Words written before a `+`-head in a multiword verb (`RE_+ARREST`) are prefixed here.
  object       words after the verb outside parentheses, in order (`{ARMS SHIPMENT}` -> `arms shipment`).
               Several bare words (`* OUT VIEWS`) are several heads in PETRARCH; see `raw` when it matters.
  prep         first word of the first parenthesised phrase after the verb.
  prep_object  the remaining words of that phrase (`(FROM ^)` gives an empty prep_object: any object).
  more         further parenthesised phrases after the verb, raw and lower-cased: `(of {banned parties})`.
  source_slot  where `$` (source) sits: `subject` (before the verb), `object` (after it, outside
  target_slot  parentheses), `prep_object` (in the first phrase), `more` (in a further phrase); `+` gives
               target_slot the same way. `%` (compound actor: both parties in one phrase, coded both ways)
               sets both slots to its position. Empty when the pattern has no marker.
  cameo        the code as written (`042`, `1722`); `---` means "no event" for this pattern or verb.
  alt_cameo    the second part of `[a:b]`. PETRARCH2 reads `a` as the code of the verb in active voice and
               `b` as the code in passive voice; `[:173]` has no active code, so cameo is `---` and
               alt_cameo `173`. Empty when there is no second part.
  block        the verb block name, lower case (`accelerate`, `revoke_`).
  exact        1 if a word of the pattern (or the verb) carried PETRARCH's trailing `_` (no inflected or plural
               forms); the `_` itself is dropped from the words.
  raw          the pattern text as in the file (between the leading `-` and the code), empty for defaults.

Words are kept as given, lower-cased: PETRARCH2 uses full words, but a few TABARI stems survive (`restor`,
`posit`); a matcher should compare by lemma first and fall back to prefix when a pattern word is not a lemma.
`_` inside a pattern word joins a multiword phrase (`to_withdraw` -> `to withdraw`); `/` separates
alternatives (`by/with`), left for the matcher to split. `^` (PETRARCH's "skip a phrase") is dropped from the
word columns but kept in `raw` and `more`.

`[---]` patterns are kept only where they can block something: when the verb has a default code, or when
another coded pattern of the same block asks for a subset of this pattern's words (so the `---` row is the more
specific reading). Other `[---]` patterns would change nothing and are dropped.

`petrarch_synsets.csv`: synset (`&name`, lower case, as patterns refer to it), member (lower case, `_` -> space),
exact (1 if the member ends in `_` or the synset label does: PETRARCH2 makes no plurals for those).

`petrarch_transformations.csv`: PETRARCH2's rules for a verb embedding another event.
  outer_verb   the embedding verb (`say`, `want`).
  inner_code   the default code of the embedded verb in this dictionary (ATTACK -> 190); `*` for any event (Q).
  relation     `same_subject`:     `a (a b X) V = a b`  "A says A did X to B"    -> code A->B
               `reported_subject`: `a (b . X) V = a b`  "A says B did X"         -> code A->B
               `infinitive`:       `a (_ b X) V = a b`  "A wants to do X to B"   -> code A->B
               `other`: any other shape, read `raw`.
  result_code  the code of the combined event; `*` means the embedded event's own code.
  raw          the rule as written.

`LICENSE-petrarch2.txt`: a copy of the MIT licence, which must ship with the derived tables.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"
DEFAULT_SOURCE = Path(__file__).resolve().parents[3].parent / "shared/reference/petrarch2/CAMEO.2.0.txt"

VERB_COLUMNS = ["verb", "particle", "before", "object", "prep", "prep_object", "more", "source_slot",
                "target_slot", "cameo", "alt_cameo", "block", "exact", "raw"]
SYNSET_COLUMNS = ["synset", "member", "exact"]
TRANSFORM_COLUMNS = ["outer_verb", "inner_code", "relation", "result_code", "raw"]

# Heads the source lists in an inflected form; a dependency matcher needs the lemma.
_INFLECTED = {
    "angered": "anger", "attacked": "attack", "deterring": "deter", "dispelling": "dispel",
    "forgiven": "forgive", "is": "be", "kidnapped": "kidnap", "killed": "kill", "losing": "lose",
    "shot": "shoot", "touring": "tour", "worried": "worry",
}
_MARKERS = {"$", "+", "%", "^"}
_CODE_RE = re.compile(r"^\d{2,4}$")


@dataclass
class Pattern:
    raw: str
    cameo: str
    alt: str
    before: list[str] = field(default_factory=list)
    obj: list[str] = field(default_factory=list)
    prep: str = ""
    prep_object: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)
    source_slot: str = ""
    target_slot: str = ""
    exact: bool = False
    synsets: set[str] = field(default_factory=set)

    def needs(self) -> tuple[frozenset[str], frozenset[str]]:
        """Words required before and after the verb, for the subset test that keeps `---` blockers."""
        after = set(self.obj) | set(self.prep_object) | ({self.prep} if self.prep else set())
        for phrase in self.more:
            after |= {w for w in re.split(r"[\s(){}]+", phrase) if w and w not in _MARKERS}
        return frozenset(self.before), frozenset(after)


@dataclass
class Verb:
    verb: str
    particle: str
    front: str  # words written before a `+`-marked head
    cameo: str
    alt: str
    exact: bool


@dataclass
class Block:
    name: str
    cameo: str
    alt: str
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class Dictionary:
    synsets: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    transformations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- parsing -------------------------------------------------------------------------------------------------


def parse_code(text: str, where: str, warnings: list[str]) -> tuple[str, str]:
    """`[042:043]` body -> ("042", "043"); `---` and an empty first part -> "---"."""
    body = text.strip()
    clean = re.sub(r"[^0-9:\-]", "", body)
    if clean != body:
        warnings.append(f"{where}: code [{body}] read as [{clean}]")
    first, _, second = clean.partition(":")
    first = first if first and first != "---" else "---"
    second = "" if second in ("", "---") else second
    for part in (first, second):
        if part and part != "---" and not _CODE_RE.match(part):
            warnings.append(f"{where}: odd code {part!r}")
    return first, second


def _word(token: str) -> tuple[str, bool]:
    """A pattern word -> (lower-case text, exact). Synset names keep their underscores."""
    exact = len(token) > 1 and token.endswith("_") and not token.startswith("&")
    if exact:
        token = token[:-1]
    if token.startswith("&"):
        return token.lower(), exact
    return token.replace("_", " ").lower().strip(), exact


def _raw_phrase(tokens: list[str]) -> str:
    text = "(" + " ".join(tokens).lower() + ")"
    return text.replace("{ ", "{").replace(" }", "}")


def parse_pattern(text: str, code: str, where: str, warnings: list[str]) -> Pattern:
    cameo, alt = parse_code(code, where, warnings)
    pat = Pattern(raw=text, cameo=cameo, alt=alt)
    spaced = re.sub(r"_?\*_?", " * ", text)  # `SPY_*_DEAL`, `*_LAWS`, `*SCEPTICAL`
    tokens = re.sub(r"([(){}])", r" \1 ", spaced).split()
    if tokens.count("*") != 1:
        raise ValueError(f"{where}: pattern needs exactly one '*': {text!r}")
    after = False
    phrase: list[str] | None = None
    after_phrases: list[list[str]] = []
    slots: dict[str, str] = {}
    for tok in tokens:
        if tok == "*":
            if phrase is not None:
                raise ValueError(f"{where}: '*' inside parentheses: {text!r}")
            after = True
        elif tok == "(":
            if phrase is not None:
                raise ValueError(f"{where}: nested parentheses: {text!r}")
            phrase = []
        elif tok == ")":
            if phrase is None:
                raise ValueError(f"{where}: unbalanced ')': {text!r}")
            if after:
                after_phrases.append(phrase)
            else:
                words = [_word(t)[0] for t in phrase if t not in _MARKERS and t not in "{}"]
                pat.before.append("(" + " ".join(words) + ")")
            phrase = None
        elif phrase is not None:
            phrase.append(tok)
            if tok in _MARKERS:
                slot = "subject" if not after else ("prep_object" if not after_phrases else "more")
                slots.setdefault(tok, slot)
        elif tok in "{}":
            continue  # a group outside parentheses just joins its words
        elif tok in _MARKERS:
            slots.setdefault(tok, "object" if after else "subject")
        else:
            word, exact = _word(tok)
            pat.exact |= exact
            (pat.obj if after else pat.before).append(word)
    if phrase is not None:
        raise ValueError(f"{where}: unbalanced '(': {text!r}")
    if after_phrases:
        first = [t for t in after_phrases[0] if t not in _MARKERS and t not in "{}"]
        words = [_word(t) for t in first]
        pat.exact |= any(e for _, e in words)
        if words:
            pat.prep = words[0][0]
            pat.prep_object = [w for w, _ in words[1:]]
        for extra in after_phrases[1:]:
            pat.exact |= any(_word(t)[1] for t in extra if t not in _MARKERS and t not in "{}")
            pat.more.append(_raw_phrase(extra))
    pat.source_slot = slots.get("$", "")
    pat.target_slot = slots.get("+", "")
    if "%" in slots:  # a compound actor supplies both parties
        pat.source_slot = pat.source_slot or slots["%"]
        pat.target_slot = pat.target_slot or slots["%"]
    pat.synsets = {w.lower() for w in re.split(r"[\s(){}]+", " ".join(tokens)) if w.startswith("&")}
    return pat


def _read_pattern(text: str, code: str, where: str, warnings: list[str]) -> list[Pattern]:
    """Parse one pattern; repair the editing slip where the pattern's last word was pasted again before the
    code (`(WITH VISIT)   VISIT)[042:043]`); skip, with a warning, what still cannot be read."""
    try:
        return [parse_pattern(text, code, where, warnings)]
    except ValueError as err:
        m = re.match(r"^(.*\S)\s{2,}(\S+)$", text)
        if m and m.group(1).endswith(m.group(2)):
            warnings.append(f"{where}: repaired {text!r} as {m.group(1)!r}")
            return [parse_pattern(m.group(1), code, where, warnings)]
        warnings.append(f"skipped: {err}")
        return []


_VERB_RE = re.compile(r"^(?P<word>[^\s{\[]+)\s*(?:\{[^}]*\})?\s*(?:\[(?P<code>[^\]]*)\])?\s*$")
_BLOCK_RE = re.compile(r"^---\s+(?P<name>\S+)\s+\[(?P<code>[^\]]*)\]")
_PATTERN_RE = re.compile(r"^-\s*(?P<text>.*?)\s*\[(?P<code>[^\]]*)\]\s*$")


def parse_verb(line: str, block: Block, where: str, warnings: list[str]) -> Verb:
    m = _VERB_RE.match(line)
    if not m:
        raise ValueError(f"{where}: cannot read verb line {line!r}")
    word = m.group("word")
    exact = word.endswith("_")
    parts = [p for p in word.rstrip("_").split("_") if p]
    head = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    parts = [p.lstrip("+").lower() for p in parts]
    verb = _INFLECTED.get(parts[head], parts[head])
    if m.group("code") is not None:
        cameo, alt = parse_code(m.group("code"), where, warnings)
    else:
        cameo, alt = block.cameo, block.alt
    return Verb(verb, " ".join(parts[head + 1:]), " ".join(parts[:head]), cameo, alt, exact)


def parse(text: str) -> Dictionary:
    """Read the whole dictionary: synsets, verb blocks with their patterns, transformations."""
    d = Dictionary()
    section = "synsets"
    synset: str | None = None
    block: Block | None = None
    for n, line in enumerate(text.splitlines(), 1):
        where = f"line {n}"
        stripped = line.strip()
        if stripped.startswith("####"):
            upper = stripped.upper()
            section = ("verbs" if "VERB PATTERNS" in upper else
                       "transformations" if "TRANSFORMATIONS" in upper else section)
            synset = None
            continue
        if not stripped:
            synset = None  # a blank line ends a synset
            continue
        if stripped.startswith("#") or stripped.startswith("<!"):
            continue
        if section == "synsets":
            body = stripped.split("#", 1)[0].strip()
            if body.startswith("&"):
                synset = body.lower()
                d.synsets.setdefault(synset, [])
            elif body.startswith("+"):
                if synset is None:
                    raise ValueError(f"{where}: synset member outside a synset: {body!r}")
                member = body[1:].strip()
                exact = member.endswith("_") or synset.endswith("_")
                d.synsets[synset].append((member.rstrip("_").replace("_", " ").lower(), exact))
            else:
                raise ValueError(f"{where}: unexpected line in synsets: {body!r}")
        elif section == "verbs":
            if line.startswith("---"):
                m = _BLOCK_RE.match(line)
                if not m:
                    raise ValueError(f"{where}: cannot read block header {line!r}")
                cameo, alt = parse_code(m.group("code"), where, d.warnings)
                block = Block(m.group("name").lower(), cameo, alt)
                d.blocks.append(block)
                continue
            if block is None:
                raise ValueError(f"{where}: line before the first verb block: {line!r}")
            body = re.split(r"[#;]", line, 1)[0].strip()
            if not body:
                continue
            if body.startswith("-"):
                m = _PATTERN_RE.match(body)
                if not m:
                    raise ValueError(f"{where}: pattern without a code: {body!r}")
                block.patterns += _read_pattern(m.group("text"), m.group("code"), where, d.warnings)
            else:
                block.verbs.append(parse_verb(body, block, where, d.warnings))
        else:
            body = stripped.split("#", 1)[0].strip()
            if body.startswith("~"):
                d.transformations.append(body)
            else:
                raise ValueError(f"{where}: unexpected line in transformations: {body!r}")
    known = set(d.synsets)
    for b in d.blocks:
        for p in b.patterns:
            for s in sorted(p.synsets - known):
                d.warnings.append(f"block {b.name}: undefined synset {s} in {p.raw!r}")
    return d


# -- tables --------------------------------------------------------------------------------------------------


def _has_default(v: Verb) -> bool:
    return v.cameo != "---" or bool(v.alt)


def verb_rows(d: Dictionary) -> tuple[list[list[str]], int]:
    """Rows for petrarch_verbs.csv, sorted and deduplicated, and how many `---` rows were dropped."""
    rows: set[tuple[str, ...]] = set()
    dropped = 0
    for b in d.blocks:
        coded = [p.needs() for p in b.patterns if p.cameo != "---" or p.alt]
        for v in b.verbs:
            front = [v.front] if v.front else []
            if _has_default(v):
                rows.add((v.verb, v.particle, " ".join(front), "", "", "", "", "", "", v.cameo, v.alt,
                          b.name, str(int(v.exact)), ""))
            for p in b.patterns:
                if p.cameo == "---" and not p.alt and not _has_default(v):
                    pb, pa = p.needs()
                    if not any(cb <= pb and ca <= pa for cb, ca in coded):
                        dropped += 1
                        continue
                rows.add((v.verb, v.particle, " ".join(front + p.before), " ".join(p.obj), p.prep,
                          " ".join(p.prep_object), " ".join(p.more), p.source_slot, p.target_slot, p.cameo,
                          p.alt, b.name, str(int(p.exact or v.exact)), p.raw))
    # defaults (empty raw) first within a verb and block, then patterns by their text
    ordered = sorted(rows, key=lambda r: (r[0], r[1], r[11], r[13] != "", r[13], r))
    return [list(r) for r in ordered], dropped


def synset_rows(d: Dictionary) -> list[list[str]]:
    rows = {(name, member, str(int(exact))) for name, members in d.synsets.items() for member, exact in members}
    return [list(r) for r in sorted(rows)]


def _default_codes(d: Dictionary) -> dict[str, str]:
    """Verb -> its first default code in file order (PETRARCH2 keeps the first definition)."""
    codes: dict[str, str] = {}
    for b in d.blocks:
        for v in b.verbs:
            key = "_".join(x for x in (v.front, v.verb, v.particle) if x).replace(" ", "_")
            if _has_default(v):
                codes.setdefault(key, v.cameo)
    return codes


_TRANSFORM_RE = re.compile(r"^~\s*(\S+)\s*\(\s*(\S+)\s+(\S+)\s+(\S+?)\s*\)\s*(\S+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s*$")


def transformation_rows(d: Dictionary) -> list[list[str]]:
    codes = _default_codes(d)
    rows = []
    for raw in d.transformations:
        m = _TRANSFORM_RE.match(raw)
        if not m:
            d.warnings.append(f"transformation not understood: {raw!r}")
            rows.append(["", "", "other", "", raw])
            continue
        outer, isub, iobj, iverb, overb, rsrc, rtgt, rcode = m.groups()
        if isub == outer and (rsrc, rtgt) == (outer, iobj):
            relation = "same_subject"
        elif iobj == "." and (rsrc, rtgt) == (outer, isub):
            relation = "reported_subject"
        elif isub == "_" and (rsrc, rtgt) == (outer, iobj):
            relation = "infinitive"
        else:
            relation = "other"
        inner = "*" if iverb.upper() == "Q" else codes.get(iverb.lower(), "")
        if not inner:
            d.warnings.append(f"transformation verb {iverb} has no default code: {raw!r}")
        result = "*" if rcode.upper() == "Q" else rcode
        outer_verb = overb.lower()
        rows.append([_INFLECTED.get(outer_verb, outer_verb), inner, relation, result, raw])
    return sorted(rows)


# -- output --------------------------------------------------------------------------------------------------


def header_lines(license_text: str) -> list[str]:
    lines = [
        "Derived from PETRARCH2's verb dictionary CAMEO.2.0.txt (openeventdata/petrarch2,",
        "https://github.com/openeventdata/petrarch2), used under the MIT licence below.",
        "Generated by src/detente/code/build_verbs.py (python -m detente.code.build_verbs).",
        "Do not edit by hand: rebuild. Column meanings are in build_verbs.py's docstring.",
        "",
    ]
    lines += license_text.rstrip("\n").splitlines()
    return ["#" + (" " + ln if ln.strip() else "") for ln in lines]


def render(columns: list[str], rows: list[list[str]], comments: list[str]) -> str:
    buf = io.StringIO()
    for ln in comments:
        buf.write(ln + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


@dataclass
class Summary:
    pattern_rows: int
    default_rows: int
    verbs: int
    codes: int
    roots: list[str]
    synsets: int
    members: int
    transformations: int
    dropped_blockers: int
    blocker_rows: int
    warnings: list[str]

    def text(self) -> str:
        out = [
            f"verb rows: {self.pattern_rows + self.default_rows} "
            f"({self.pattern_rows} pattern rows, {self.default_rows} default rows)",
            f"verbs (lemma + particle): {self.verbs}",
            f"CAMEO codes used: {self.codes}; roots covered: {len(self.roots)} ({' '.join(self.roots)})",
            f"'---' blocker rows kept: {self.blocker_rows}; '---' pattern rows dropped as inert: "
            f"{self.dropped_blockers}",
            f"synsets: {self.synsets} ({self.members} members)",
            f"transformations: {self.transformations}",
        ]
        out += [f"warning: {w}" for w in self.warnings]
        return "\n".join(out)


def build(source: Path = DEFAULT_SOURCE, out_dir: Path = DATA, license_text: str | None = None) -> Summary:
    """Write the three tables and the licence copy into out_dir; return the counts."""
    if license_text is None:
        license_text = (source.parent / "LICENSE").read_text(encoding="utf-8")
    d = parse(source.read_text(encoding="utf-8"))
    verbs, dropped = verb_rows(d)
    synsets = synset_rows(d)
    transforms = transformation_rows(d)
    comments = header_lines(license_text)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "petrarch_verbs.csv": render(VERB_COLUMNS, verbs, comments),
        "petrarch_synsets.csv": render(SYNSET_COLUMNS, synsets, comments),
        "petrarch_transformations.csv": render(TRANSFORM_COLUMNS, transforms, comments),
        "LICENSE-petrarch2.txt": license_text,
    }
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8", newline="\n")
    codes = {c for r in verbs for c in (r[9], r[10]) if c and c != "---"}
    cameo_csv = DATA / "cameo.csv"
    if cameo_csv.exists():  # codes outside CAMEO 1.1b3 (PETRARCH2 added a few) are kept but reported
        lines = [ln for ln in cameo_csv.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
        known = {rec["code"] for rec in csv.DictReader(lines)}
        for c in sorted(codes - known):
            d.warnings.append(f"code {c} is not in the CAMEO codebook (data/cameo.csv)")
    return Summary(
        pattern_rows=sum(1 for r in verbs if r[13]),
        default_rows=sum(1 for r in verbs if not r[13]),
        verbs=len({(r[0], r[1]) for r in verbs}),
        codes=len(codes),
        roots=sorted({c[:2] for c in codes}),
        synsets=len(d.synsets),
        members=len(synsets),
        transformations=len(transforms),
        dropped_blockers=dropped,
        blocker_rows=sum(1 for r in verbs if r[9] == "---" and not r[10]),
        warnings=d.warnings,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="path to PETRARCH2's CAMEO.2.0.txt")
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default: the package data folder)")
    args = ap.parse_args(argv)
    summary = build(args.source.resolve(), args.out)
    print(summary.text())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
