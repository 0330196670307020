"""The PLOVER gold standard records (GSR) as an evaluation: real wire sentences, one gold event each.

The GSR format (Open Event Data Alliance, CC BY-SA 4.0) is a JSON list; each record has `id`, `text`, `date`,
`event` (a PLOVER type, 0.5b1 names), `source` and `target` (lists of `{actorText, code}`), `mode` and `context`.
The files are read where they lie (`../shared/reference/plover-gsr/`) and never copied into the repository.

Per sentence the scorer asks what an analyst would:
- type found: is the gold PLOVER type among the events coded from the sentence?
- type top: is it the type of the sentence's top event (highest confidence, then first)?
- source country / target country: among the events of the right type, does one have the gold side's
  country (or IGO for an intergovernmental body)? Symmetric events count from either side.
and gives the confusion between gold types and top types, with each sentence's outcome.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

from detente.evaluate.gold import load_jsonl
from detente.evaluate.report import Report

GSR_URL_PREFIX = "gsr://"
# PLOVER 0.5b1 names in the GSR -> the 16 types Detente codes to (the GSR README gives the renames)
RENAMED = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# country codes of CAMEO's actor dictionaries that differ from ISO 3166-1 alpha-3
CAMEO_COUNTRY = {"JAP": "JPN", "ITL": "ITA", "ROM": "ROU", "GER": "DEU", "UK": "GBR"}
NONE = "(none)"


def is_gsr(path: Path) -> bool:
    """A GSR file is a JSON list of records with `event` and `textInfo`."""
    path = Path(path)
    if path.suffix != ".json":
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, list) and bool(data) and all(isinstance(r, dict) and "event" in r and "text" in r for r in data)


def load_gsr(path: Path) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def gold_type(record: dict[str, Any]) -> str:
    t = (record.get("event") or "").strip().upper()
    return RENAMED.get(t, t)


def side_codes(record: dict[str, Any], key: str) -> set[str]:
    """The country-level codes of a gold side: ISO3 for states and their agents, IGO/NGO for the rest."""
    out = set()
    value = record.get(key)
    for actor in value if isinstance(value, list) else []:
        code = (actor.get("code") or "").strip().upper()
        if not code:
            continue
        head = code[:3]
        out.add(CAMEO_COUNTRY.get(head, head))
    return out


def actor_codes(actor: Optional[dict[str, Any]]) -> set[str]:
    """What an output actor answers to: its country, and IGO when it is an intergovernmental body or belongs to one."""
    if not actor:
        return set()
    codes = {actor["country"]} if actor.get("country") else set()
    if actor.get("sector") in ("IGO", "NGO"):
        codes.add(actor["sector"])
    elif actor.get("org") and not actor.get("country"):
        codes.add("IGO")
    return codes


def gsr_to_input(path: Path, dest: Path) -> Path:
    """Write the GSR sentences as a JSONL pipeline input, one document per sentence (url = gsr://<id>)."""
    dest = Path(dest)
    if dest.suffix != ".jsonl":
        dest = dest / "gsr-input.jsonl"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        for r in load_gsr(path):
            row = {"url": GSR_URL_PREFIX + r["id"], "published": r.get("date"), "title": f"GSR {r['id']}",
                   "outlet": "PLOVER GSR", "text": r["text"]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return dest


def top_event(events: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    ranked = [e for e in events if e.get("plover")]
    if not ranked:
        return None
    return min(ranked, key=lambda e: (-(e.get("confidence") or 0.0), e["span"][0]))


def score_gsr(out_dir: Path, gsr_path: Path) -> Report:
    out_dir = Path(out_dir)
    documents = load_jsonl(out_dir / "documents.jsonl")
    docs = {d.get("url"): d for d in documents}
    # a near-duplicate sentence is scored on what its original was coded with, as a user would read it
    originals = {d["doc_id"]: d.get("duplicate_of") for d in documents if d.get("duplicate_of")}
    events_by_doc: dict[str, list] = defaultdict(list)
    for e in load_jsonl(out_dir / "events.jsonl"):
        events_by_doc[e["doc_id"]].append(e)
    report = Report(gold_path=str(gsr_path), out_dir=str(out_dir), kind="gsr")
    per_type: dict[str, Counter] = defaultdict(Counter)
    confusion: dict[str, Counter] = defaultdict(Counter)
    totals = Counter()
    for r in load_gsr(gsr_path):
        want = gold_type(r)
        doc = docs.get(GSR_URL_PREFIX + r["id"])
        doc_id = doc and (originals.get(doc["doc_id"]) or doc["doc_id"])
        events = events_by_doc.get(doc_id, []) if doc else []
        typed = [e for e in events if e.get("plover") == want]
        top = top_event(events)
        got_top = top["plover"] if top else NONE
        confusion[want][got_top] += 1
        src, tgt = side_codes(r, "source"), side_codes(r, "target")
        found, top_right = bool(typed), got_top == want
        source_right = any(_sides_hit(e, src, "source") for e in typed) if src else None
        target_right = any(_sides_hit(e, tgt, "target") for e in typed) if tgt else None
        c = per_type[want]
        c["n"] += 1
        c["found"] += found
        c["top"] += top_right
        totals["n"] += 1
        totals["found"] += found
        totals["top"] += top_right
        totals["coded"] += bool(events)
        if found and source_right is not None:
            totals["source_n"] += 1
            totals["source"] += source_right
            c["source_n"] += 1
            c["source"] += source_right
        if found and target_right is not None:
            totals["target_n"] += 1
            totals["target"] += target_right
        if not found:
            report.misses.append({"part": "gsr", "doc": r["id"], "summary": (
                f"{want} not coded; got {', '.join(sorted({e.get('plover') or e['cameo'] for e in events})) or 'nothing'}"
                f" | {r['text'][:160]}")})
        elif source_right is False:
            report.misses.append({"part": "gsr-source", "doc": r["id"], "summary": (
                f"{want}: source {'/'.join(sorted(src))} but coded "
                f"{'; '.join(sorted({_name(e.get('source')) for e in typed}))} | {r['text'][:160]}")})
    n = totals["n"] or 1
    report.figures["gsr.sentences"] = float(totals["n"])
    report.figures["gsr.type_found"] = totals["found"] / n
    report.figures["gsr.type_top"] = totals["top"] / n
    report.figures["gsr.any_event"] = totals["coded"] / n
    report.figures["gsr.source_country"] = totals["source"] / totals["source_n"] if totals["source_n"] else None
    report.figures["gsr.target_country"] = totals["target"] / totals["target_n"] if totals["target_n"] else None
    for t in sorted(per_type):
        c = per_type[t]
        report.figures[f"gsr.type_found.{t}"] = c["found"] / c["n"]
    report.notes.append("per type (n, found, top, source right/of found): " + "; ".join(
        f"{t} {c['n']}/{c['found']}/{c['top']}/{c['source']}of{c['source_n']}" for t, c in sorted(per_type.items())))
    report.notes.append("confusion (gold -> top coded): " + "; ".join(
        f"{t}: " + ", ".join(f"{k} {v}" for k, v in confusion[t].most_common()) for t in sorted(confusion)))
    report.confusion = {t: dict(c) for t, c in confusion.items()}  # type: ignore[attr-defined]
    resolved, named = resolve_gsr_sources(gsr_path)
    report.figures["gsr.source_actor_country"] = resolved / named if named else None
    return report


def resolve_gsr_sources(gsr_path: Path, resolver=None) -> tuple[int, int]:
    """(right, all): each gold source actor's words resolved by the actor resolver with its sentence as context
    and the record's date, scored on its country code (IGO for an intergovernmental body). This measures
    actor resolution alone, whatever the coder makes of the sentence."""
    from detente.annotate.actors.resolver import ActorResolver

    resolver = resolver or ActorResolver()
    right = named = 0
    for r in load_gsr(gsr_path):
        for actor in r.get("source") if isinstance(r.get("source"), list) else []:
            text, code = (actor.get("actorText") or "").strip(), (actor.get("code") or "").strip().upper()
            if not text or not code:
                continue
            want = CAMEO_COUNTRY.get(code[:3], code[:3])
            res = resolver.resolve(text, date=r.get("date"), context=r.get("text"))
            named += 1
            right += res is not None and want in actor_codes(res.actor.to_row())
    return right, named


def _sides_hit(event: dict[str, Any], want: set[str], key: str) -> bool:
    sides = [event.get(key)]
    if event.get("symmetric"):
        sides.append(event.get("target" if key == "source" else "source"))
    return any(actor_codes(a) & want for a in sides)


def _name(actor: Optional[dict[str, Any]]) -> str:
    if not actor:
        return "nobody"
    return f"{actor.get('name')} ({actor.get('country') or actor.get('org') or actor.get('sector') or '?'})"
