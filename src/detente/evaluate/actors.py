"""The actor gold set: one mention per line, resolved in-process and scored on country and sector.

A record is `{"id", "text", "context", "date", "country", "sector"}` with optional `kind`, `org` (IGO/NGO
rows, whose `country` is null), `expect: "none"` (a word that must not become an actor), `kind_of_case`
(the failure kind the row tests) and `note`. The format is in docs/eval.md.

    from detente.evaluate.actors import score_actors
    print(score_actors(Path("eval/gold/actors.jsonl")).to_text())
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

from detente.evaluate.gold import load_jsonl, valid_date
from detente.evaluate.report import Report

ORG_SECTORS = ("IGO", "NGO")


def is_actor_gold(path: Path) -> bool:
    """Actor gold: JSONL records with `context` and `country` keys and no `events`."""
    path = Path(path)
    if path.suffix != ".jsonl":
        return False
    try:
        records = load_jsonl(path)
    except (OSError, ValueError):
        return False
    return bool(records) and all(isinstance(r, dict) and "context" in r and "country" in r and "events" not in r
                                 for r in records)


def validate_actor_gold(path: Path, min_records: int = 0) -> list[str]:
    """Problems in an actor gold file; [] when valid."""
    records = load_jsonl(Path(path))
    problems = [f"{len(records)} records, fewer than {min_records}"] if len(records) < min_records else []
    seen: set[str] = set()
    for n, r in enumerate(records, 1):
        rid = r.get("id")
        where = f"{rid or f'line {n}'}:"
        if not rid:
            problems.append(f"{where} no id")
        elif rid in seen:
            problems.append(f"{where} duplicate id")
        seen.add(rid)
        text, context = r.get("text"), r.get("context")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where} no text")
        elif not isinstance(context, str) or text not in context:
            problems.append(f"{where} text {text!r} is not in its context")
        if not r.get("date") or not valid_date(r.get("date")):
            problems.append(f"{where} bad date {r.get('date')!r}")
        country, sector, expect_none = r.get("country"), r.get("sector"), r.get("expect") == "none"
        if "country" not in r or "sector" not in r:
            problems.append(f"{where} needs country and sector keys")
        if expect_none:
            if country or sector:
                problems.append(f"{where} expect none with a country or sector")
        elif country is None and not r.get("org"):
            problems.append(f"{where} no country and no org")
        elif country is not None and (not isinstance(country, str) or len(country) != 3 or not country.isupper()):
            problems.append(f"{where} country {country!r} is not ISO 3166-1 alpha-3")
    return problems


def _country_ok(gold: dict[str, Any], actor: Optional[dict[str, Any]]) -> bool:
    if gold.get("country"):
        return bool(actor) and actor.get("country") == gold["country"]
    # IGO/NGO rows: the org (or the org itself as actor) or the org sector; an IGO has no country by convention
    if not actor:
        return False
    if gold.get("sector") == "IGO" and actor.get("country"):
        return False
    org = gold.get("org")
    return (org is not None and org in (actor.get("org"), actor.get("actor_id"))) or \
        (gold.get("sector") in ORG_SECTORS and actor.get("sector") == gold["sector"])


def score_actors(gold_path: Path, resolver=None) -> Report:
    """Resolve every gold mention with one ActorResolver and score country, sector and resolution."""
    from detente.annotate.actors.resolver import ActorResolver  # loads the knowledge base

    gold_path = Path(gold_path)
    resolver = resolver or ActorResolver()
    report = Report(gold_path=str(gold_path), out_dir="(in-process)", kind="actors")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])     # key -> [rows, country ok, sector ok]
    resolved = [0, 0]                                                   # rows expecting an actor, resolved
    nones = [0, 0]                                                      # rows expecting none, kept empty
    for g in load_jsonl(gold_path):
        res = resolver.resolve(g["text"], date=g.get("date"), context=g.get("context"))
        actor = res.to_json() if res else None
        if g.get("expect") == "none":
            nones[0] += 1
            c_ok = s_ok = actor is None
            nones[1] += c_ok
        else:
            resolved[0] += 1
            resolved[1] += actor is not None
            c_ok = _country_ok(g, actor)
            s_ok = bool(actor) and actor.get("sector") == g.get("sector")
        for key in ("all", g.get("kind_of_case")):
            if key:
                t = totals[key]
                t[0] += 1
                t[1] += c_ok
                t[2] += s_ok
        if not (c_ok and s_ok):
            got = "nothing" if actor is None else \
                f"{actor.get('actor_id')} country={actor.get('country')} org={actor.get('org')} sector={actor.get('sector')}"
            want = "none" if g.get("expect") == "none" else \
                f"country={g.get('country') or g.get('org')} sector={g.get('sector')}"
            wrong = "+".join(w for w, ok in (("country", c_ok), ("sector", s_ok)) if not ok)
            report.misses.append({"part": "actors", "doc": g.get("id"), "kind_of_case": g.get("kind_of_case"),
                                  "wrong": wrong, "text": g["text"], "expected": want, "got": got,
                                  "basis": (res.basis if res else None),
                                  "summary": f"{wrong} {g['text']!r}: want {want}, got {got}"})
    n, c, s = totals["all"]
    report.figures["actors.country"] = c / n if n else None
    report.figures["actors.sector"] = s / n if n else None
    report.figures["actors.resolved"] = resolved[1] / resolved[0] if resolved[0] else None
    if nones[0]:
        report.figures["actors.none_kept"] = nones[1] / nones[0]
    for key in sorted(k for k in totals if k != "all"):
        kn, kc, ks = totals[key]
        report.figures[f"actors.{key}.country"] = kc / kn
        report.figures[f"actors.{key}.sector"] = ks / kn
    report.notes.append(f"{n} mentions, {resolved[0]} expecting an actor, {nones[0]} expecting none")
    return report
