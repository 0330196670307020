"""Gold files: loading, checking and turning a development set into a pipeline input.

Two kinds of gold file live in eval/gold/ (the format is in docs/eval.md):

- an *event* gold set (dev.jsonl): one small news item per line with its actors, events and quotes;
- a *corpus* gold set (corpus.jsonl): per input source, the expected status, metadata and cleaning.
"""
from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Optional

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
AUX_MODES = (None, "future", "hypothetical", "negated", "historical")
STATUSES = ("article", "duplicate", "error_page", "empty", "not_text")
GOLD_URL_PREFIX = "gold://"

_DATE_RE = re.compile(r"^(\d{4}|XXXX)(-(\d{2})(-(\d{2}))?)?$")
_RULES_PATH = Path(__file__).with_name("data") / "plover_rules.csv"
_RULES: Optional[dict[str, set[Optional[str]]]] = None


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not JSON ({e})") from e
    return rows


def gold_kind(records: list[dict[str, Any]]) -> str:
    """'events' for a development set (records with id + text), 'corpus' for cleaning gold (records with source)."""
    if records and all("source" in r for r in records):
        return "corpus"
    return "events"


def plover_rules() -> dict[str, set[Optional[str]]]:
    global _RULES
    if _RULES is None:
        rules: dict[str, set[Optional[str]]] = {}
        with open(_RULES_PATH, encoding="utf-8") as f:
            for row in csv.DictReader(line for line in f if not line.startswith("#")):
                types = row["plover"].strip()
                rules[row["prefix"].strip()] = {t for t in types.split("|")} if types else {None}
        _RULES = rules
    return _RULES


def expected_plover(cameo: str) -> Optional[set[Optional[str]]]:
    """The PLOVER types the crosswalk allows for a CAMEO code (longest prefix rule), or None if unknown."""
    rules = plover_rules()
    for k in range(len(cameo), 1, -1):
        if cameo[:k] in rules:
            return rules[cameo[:k]]
    return None


def valid_date(value: Optional[str]) -> bool:
    """A date as the output contract allows: YYYY-MM-DD, YYYY-MM, YYYY, XXXX-MM-DD, or null."""
    if value is None:
        return True
    m = _DATE_RE.match(value)
    if not m:
        return False
    year, month, day = m.group(1), m.group(3), m.group(5)
    if year == "XXXX" and (month is None or day is None):
        return False
    if month and not 1 <= int(month) <= 12:
        return False
    if day:
        try:
            date(2000 if year == "XXXX" else int(year), int(month), int(day))
        except ValueError:
            return False
    return True


def validate_gold(path: Path, min_records: int = 0) -> list[str]:
    """Every problem found in a gold file, as readable strings; [] means the file is valid."""
    records = load_jsonl(Path(path))
    problems: list[str] = []
    if len(records) < min_records:
        problems.append(f"{len(records)} records, fewer than {min_records}")
    if gold_kind(records) == "corpus":
        return problems + _validate_corpus(records)
    seen: set[str] = set()
    for r in records:
        rid = r.get("id")
        where = f"{rid}:"
        if not rid:
            problems.append(f"record without id: {str(r)[:60]}")
        elif rid in seen:
            problems.append(f"{where} duplicate id")
        seen.add(rid)
        text = r.get("text") or ""
        if not text.strip():
            problems.append(f"{where} empty text")
        for key in ("published", "outlet", "title"):
            if not r.get(key):
                problems.append(f"{where} missing {key}")
        if r.get("published") and (not valid_date(r["published"]) or len(r["published"]) != 10):
            problems.append(f"{where} published {r['published']!r} is not YYYY-MM-DD")
        for a in r.get("actors", []):
            if a.get("text") not in text:
                problems.append(f"{where} actor text {a.get('text')!r} is not in the text")
            if not (a.get("actor_id") or a.get("country") or a.get("org")):
                problems.append(f"{where} actor {a.get('text')!r} has no actor_id, country or org")
        for i, e in enumerate(r.get("events", [])):
            w = f"{where} event {i + 1}:"
            plover, cameo = e.get("plover"), str(e.get("cameo") or "")
            if not re.fullmatch(r"\d{2,4}", cameo):
                problems.append(f"{w} cameo {cameo!r} is not a CAMEO code")
                continue
            if plover is not None and plover not in PLOVER_TYPES:
                problems.append(f"{w} plover {plover!r} is not one of the 16 types")
            allowed = expected_plover(cameo)
            if allowed is None:
                problems.append(f"{w} cameo {cameo!r} has no root in the crosswalk")
            elif plover not in allowed:
                problems.append(f"{w} plover {plover!r} does not fit cameo {cameo} (crosswalk: {sorted(map(str, allowed))})")
            if not e.get("source"):
                problems.append(f"{w} no source")
            if e.get("aux_mode") not in AUX_MODES:
                problems.append(f"{w} aux_mode {e.get('aux_mode')!r} is not one of {AUX_MODES}")
            if not valid_date(e.get("date")):
                problems.append(f"{w} date {e.get('date')!r} is not a contract date")
            if not isinstance(e.get("symmetric", False), bool):
                problems.append(f"{w} symmetric must be true or false")
            if e.get("evidence") not in text:
                problems.append(f"{w} evidence is not a verbatim substring of the text")
        for q in r.get("quotes", []):
            if not q.get("text") or q["text"] not in text:
                problems.append(f"{where} quote {q.get('text')!r} is not a verbatim substring of the text")
    return problems


def _validate_corpus(records: list[dict[str, Any]]) -> list[str]:
    problems, seen = [], set()
    for r in records:
        src = r.get("source")
        if src in seen:
            problems.append(f"{src}: duplicate source")
        seen.add(src)
        if r.get("status") not in STATUSES:
            problems.append(f"{src}: status {r.get('status')!r} is not one of {STATUSES}")
        if r.get("published") is not None and (not valid_date(r["published"]) or len(r["published"]) != 10):
            problems.append(f"{src}: published {r['published']!r} is not YYYY-MM-DD or null")
        for key in ("removed", "kept"):
            if not isinstance(r.get(key, []), list):
                problems.append(f"{src}: {key} must be a list of strings")
    return problems


def gold_to_input(gold_path: Path, dest: Path) -> Path:
    """Write an event gold set as a JSONL pipeline input (url = gold://<id>, published, title, outlet, text).

    `dest` is a .jsonl file, or a folder that gets gold-input.jsonl. Returns the file written.
    """
    records = load_jsonl(Path(gold_path))
    if gold_kind(records) == "corpus":
        raise ValueError(f"{gold_path} is corpus gold: its inputs are the files it names (see gold_inputs)")
    dest = Path(dest)
    if dest.suffix != ".jsonl":
        dest = dest / "gold-input.jsonl"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        for r in records:
            row = {"url": GOLD_URL_PREFIX + r["id"], "published": r.get("published"), "title": r.get("title"),
                   "outlet": r.get("outlet"), "text": r["text"]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return dest


def gold_inputs(gold_path: Path, dest: Path, root: Optional[Path] = None) -> list[str]:
    """The pipeline inputs that a gold file is scored on.

    Event gold: the JSONL written by gold_to_input. Corpus gold: the distinct files its sources name
    ("examples/corpus/wire.jsonl#2" -> "examples/corpus/wire.jsonl"), relative to the current folder when they
    exist there, else to `root` (default: the repository holding the gold file).
    """
    gold_path = Path(gold_path)
    records = load_jsonl(gold_path)
    if gold_kind(records) == "events":
        return [str(gold_to_input(gold_path, dest))]
    root = Path(root) if root else _repo_root(gold_path)
    inputs: list[str] = []
    for r in records:
        path = r["source"].split("#", 1)[0]
        resolved = path if Path(path).exists() else str(root / path)
        if resolved not in inputs:
            inputs.append(resolved)
    return inputs


def _repo_root(gold_path: Path) -> Path:
    for parent in Path(gold_path).resolve().parents:
        if (parent / "pyproject.toml").exists() or (parent / "examples").is_dir():
            return parent
    return Path.cwd()
