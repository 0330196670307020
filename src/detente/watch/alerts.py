"""Alert rules: a small language over the rows of OUT/events.jsonl (the output contract).

    RULE    := CLAUSE (("and" | "or") CLAUSE)*      "and" binds tighter than "or"; no parentheses
    CLAUSE  := FIELD OP VALUE                       spaces around OP are optional
    OP      := = | != | < | <= | > | >=            (== is =)
    VALUE   := a word without spaces; for = and !=, A,B lists alternatives (any of them / none of them)

Text fields compare case-insensitively with = and != only; number fields take every operator. An event that lacks
the field (no target, no Goldstein weight) matches no clause but a != one.

By default a rule fires only on events reported as having happened (aux_mode null): a future, hypothetical or
negated event did not happen, and a historical one is background, not news. A rule that names aux_mode decides for
itself: aux_mode=any, aux_mode=factual (null or historical, as `detente export` means it), aux_mode=future, ...
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

AUX_MODES = ("none", "factual", "any", "future", "hypothetical", "negated", "historical")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_TOKEN = re.compile(r"\s*(?:(?P<op><=|>=|!=|==|=|<|>)|(?P<word>[^\s<>=!]+))")


class RuleError(ValueError):
    """A rule that cannot be read; the message is one line that says why."""


def _ids(actor: Optional[dict]) -> set[str]:
    """The names a side answers to: its actor id, its country, its organisation."""
    if not isinstance(actor, dict):
        return set()
    return {str(actor[k]).upper() for k in ("actor_id", "country", "org") if actor.get(k)}


def _country(actor: Optional[dict]) -> Optional[str]:
    return str(actor["country"]).upper() if isinstance(actor, dict) and actor.get("country") else None


def _dyad_splits(value: str) -> list[tuple[str, str]]:
    """A-B as every split at a hyphen, since an id may hold one (ARAB-LEAGUE-EGY)."""
    pieces = value.upper().split("-")
    return [("-".join(pieces[:i]), "-".join(pieces[i:])) for i in range(1, len(pieces))
            if "-".join(pieces[:i]) and "-".join(pieces[i:])]


def _dyad(row: dict, value: str) -> bool:
    src, tgt = _ids(row.get("source")), _ids(row.get("target"))
    return any((a in src and b in tgt) or (b in src and a in tgt) for a, b in _dyad_splits(value))


def _aux(row: dict, value: str) -> bool:
    mode = row.get("aux_mode")
    v = value.lower()
    if v == "any":
        return True
    if v == "none":
        return mode is None
    if v == "factual":
        return mode in (None, "historical")
    return mode == v


def _text_field(name: str) -> Callable[[dict, str], bool]:
    return lambda row, v: str(row.get(name) or "").upper() == v.upper() and row.get(name) is not None


# a text field -> its test of one value for "=" (!= is its negation); number fields compare the row's number
TEXT_FIELDS: dict[str, Callable[[dict, str], bool]] = {
    "dyad": _dyad,
    "source": lambda row, v: v.upper() in _ids(row.get("source")),
    "target": lambda row, v: v.upper() in _ids(row.get("target")),
    "actor": lambda row, v: v.upper() in _ids(row.get("source")) | _ids(row.get("target")),
    "country": lambda row, v: v.upper() in {_country(row.get("source")), _country(row.get("target"))},
    "plover": _text_field("plover"),
    "mode": _text_field("mode"),
    "cameo": lambda row, v: str(row.get("cameo") or "").startswith(v) and bool(row.get("cameo")),
    "aux_mode": _aux,
}
NUMBER_FIELDS = {"goldstein": "goldstein", "quad_class": "quad_class", "quad": "quad_class",
                 "confidence": "confidence"}
FIELDS = tuple(TEXT_FIELDS) + tuple(NUMBER_FIELDS)


@dataclass(frozen=True)
class Clause:
    field: str
    op: str
    value: str

    def matches(self, row: dict) -> bool:
        if self.field in NUMBER_FIELDS:
            got = row.get(NUMBER_FIELDS[self.field])
            if not isinstance(got, (int, float)) or isinstance(got, bool):
                return self.op == "!="
            want = float(self.value)
            return {"=": got == want, "!=": got != want, "<": got < want, "<=": got <= want, ">": got > want,
                    ">=": got >= want}[self.op]
        test = TEXT_FIELDS[self.field]
        hit = any(test(row, v) for v in self.value.split(","))
        return hit if self.op == "=" else not hit


@dataclass(frozen=True)
class Rule:
    text: str
    alternatives: tuple[tuple[Clause, ...], ...]  # OR of ANDs

    @property
    def names_aux_mode(self) -> bool:
        return any(c.field == "aux_mode" for group in self.alternatives for c in group)

    def matches(self, row: dict) -> bool:
        if not self.names_aux_mode and row.get("aux_mode") is not None:
            return False  # only events reported as having happened, unless the rule says otherwise
        return any(all(c.matches(row) for c in group) for group in self.alternatives)


def _clause(name: str, op: str, value: str, text: str) -> Clause:
    name = name.lower()
    op = "=" if op == "==" else op
    if name not in FIELDS:
        raise RuleError(f"--alert {text!r}: unknown field {name!r} (fields: {', '.join(FIELDS)})")
    if name in NUMBER_FIELDS:
        try:
            float(value)
        except ValueError:
            raise RuleError(f"--alert {text!r}: {name} takes a number, not {value!r}") from None
        return Clause(name, op, value)
    if op not in ("=", "!="):
        raise RuleError(f"--alert {text!r}: {name} compares with = or != only, not {op}")
    if any(not v for v in value.split(",")):
        raise RuleError(f"--alert {text!r}: an empty value between commas in {name}{op}{value}")
    if name == "dyad" and not all(_dyad_splits(v) for v in value.split(",")):
        raise RuleError(f"--alert {text!r}: dyad takes two sides joined by a hyphen, e.g. dyad=RUS-USA")
    if name == "aux_mode" and any(v.lower() not in AUX_MODES for v in value.split(",")):
        raise RuleError(f"--alert {text!r}: aux_mode is one of {', '.join(AUX_MODES)}")
    if name == "cameo" and not all(v.isdigit() for v in value.split(",")):
        raise RuleError(f"--alert {text!r}: cameo takes a CAMEO code or its start, e.g. cameo=19")
    return Clause(name, op, value)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    pos = 0
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if not found or found.end() == pos:
            if not text[pos:].strip():
                return
            raise RuleError(f"--alert {text!r}: cannot read {text[pos:].strip()!r}")
        pos = found.end()
        if found.group("op"):
            yield "op", found.group("op")
        else:
            word = found.group("word")
            yield ("join", word.lower()) if word.lower() in ("and", "or") else ("word", word)


def parse_rule(text: str) -> Rule:
    """A rule from its text; RuleError (one line) when it cannot be read."""
    tokens = list(_tokens(text))
    if not tokens:
        raise RuleError("--alert '': give a rule, e.g. --alert 'dyad=RUS-USA and goldstein<=-5'")
    groups: list[list[Clause]] = [[]]
    i = 0
    while True:
        part = tokens[i:i + 3]
        if [kind for kind, _ in part] != ["word", "op", "word"]:
            shown = " ".join(t for _, t in part) or "the end"
            raise RuleError(f"--alert {text!r}: expected FIELD OP VALUE (e.g. goldstein<=-5) at {shown!r}")
        groups[-1].append(_clause(part[0][1], part[1][1], part[2][1], text))
        i += 3
        if i == len(tokens):
            break
        kind, word = tokens[i]
        if kind != "join":
            raise RuleError(f"--alert {text!r}: expected 'and' or 'or' before {word!r}")
        if word == "or":
            groups.append([])
        i += 1
        if i == len(tokens):
            raise RuleError(f"--alert {text!r}: nothing after the last {word!r}")
    return Rule(text, tuple(tuple(g) for g in groups))


def read_jsonl(path: Path) -> Iterator[dict]:
    """Rows of a JSONL file; a missing file has none, a damaged line is skipped."""
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        return
    with f:
        for line in f:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                yield row


def alert(rule: Rule, event: dict, document: Optional[dict], at: str) -> dict:
    """One line of the alerts file."""
    document = document or {}
    return {"rule": rule.text, "event_id": event.get("event_id"), "doc_id": event.get("doc_id"),
            "url": document.get("url"), "title": document.get("title"), "sentence": event.get("sentence"),
            "date": event.get("date"), "source": event.get("source"), "target": event.get("target"),
            "cameo": event.get("cameo"), "plover": event.get("plover"), "goldstein": event.get("goldstein"),
            "quad_class": event.get("quad_class"), "aux_mode": event.get("aux_mode"), "alerted_at": at}


def find_alerts(rules: Iterable[Rule], events: Iterable[dict], documents: dict[str, dict], at: str,
                already: Optional[Callable[[str, str], bool]] = None) -> list[dict]:
    """Every (rule, event) that matches, once: `already(rule_text, event_id)` says it was alerted before."""
    rules = list(rules)
    found = []
    for event in events:
        for rule in rules:
            if rule.matches(event) and not (already and already(rule.text, str(event.get("event_id")))):
                found.append(alert(rule, event, documents.get(event.get("doc_id")), at))
    return found


def _side(actor: Optional[dict]) -> str:
    if not isinstance(actor, dict):
        return "-"
    return actor.get("country") or actor.get("org") or actor.get("actor_id") or "?"


def alert_line(a: dict) -> str:
    """One line for the terminal: rule, date, dyad, type, weight, sentence, URL."""
    sentence = " ".join(str(a.get("sentence") or "").split())
    if len(sentence) > 140:
        sentence = sentence[:139] + "…"
    weight = f" {a['goldstein']:+g}" if isinstance(a.get("goldstein"), (int, float)) else ""
    return (f"ALERT [{a['rule']}] {a.get('date') or 'undated'} {_side(a.get('source'))}->{_side(a.get('target'))} "
            f"{a.get('plover') or '-'} {a.get('cameo') or ''}{weight}: {sentence} <{a.get('url') or a.get('doc_id')}>")
