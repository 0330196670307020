"""Hand audit of a coded run: draw a seeded random sample of events, write a judging sheet, score it back.

    events, documents = load_run(Path("out"))
    rows = sheet_rows(sample(events, 50, seed=7), documents)
    write_sheet(rows, Path("out/audit.csv"))          # also out/audit.md
    ...a person fills in `judgement` (right / wrong / unsure) and, when wrong, the correct_* columns...
    result = score_sheet(read_sheet(Path("out/audit.csv")))
    print(format_score(result))

This measures precision only (is what was coded right?); recall needs a gold set (`detente eval`).
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Optional

JUDGE_COLUMNS = ("judgement", "correct_type", "correct_source", "correct_target", "note")
COLUMNS = ("event_id", "doc_id", "source_url_or_path", "sentence", "evidence", "trigger", "source", "target",
           "cameo", "cameo_name", "plover", "aux_mode", "date") + JUDGE_COLUMNS
FIELDS = {"type": "correct_type", "source": "correct_source", "target": "correct_target"}

_RIGHT = {"right", "r", "y", "yes", "1", "true", "t", "correct"}
_WRONG = {"wrong", "w", "n", "no", "0", "false", "f", "incorrect"}
_UNSURE = {"unsure", "u", "?"}
_EMPTY = {"", "none", "null", "-", "\u2014", "n/a"}   # in correct_* cells: "there should be none"
NO_PLOVER = "(none)"   # CAMEO 01/02 statements have no PLOVER type

CAMEO_CSV = Path(__file__).resolve().parent.parent / "code" / "data" / "cameo.csv"


class AuditError(ValueError):
    """A sheet or a run that cannot be audited; the CLI prints it and exits 2."""


# ---------------------------------------------------------------- reading a run

def load_run(out: Path, db: Optional[Path] = None) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """(events, documents by doc_id) from an output folder's JSONL files, or from a DuckDB store file."""
    out = Path(out) if out is not None else None
    if db is None and out is not None and out.is_file():
        db = out
    if db is not None:
        return _load_db(Path(db))
    if out is None or not (out / "events.jsonl").exists():
        raise AuditError(f"{out}/events.jsonl not found: give a run's output folder or a DuckDB store (--db)")
    events = _jsonl(out / "events.jsonl")
    docs_path = out / "documents.jsonl"
    documents = {d["doc_id"]: d for d in _jsonl(docs_path)} if docs_path.exists() else {}
    return events, documents


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _load_db(path: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    import duckdb

    if not path.is_file():
        raise AuditError(f"{path}: no such DuckDB store")
    with duckdb.connect(str(path), read_only=True) as con:
        cur = con.execute('SELECT event_id, doc_id, sentence, span_start, span_end, source, target, cameo, plover, '
                          'aux_mode, date, "trigger" FROM events')
        names = [c[0] for c in cur.description]
        events = []
        for values in cur.fetchall():
            e = dict(zip(names, values))
            e["span"] = [e.pop("span_start"), e.pop("span_end")]
            e["source"] = json.loads(e["source"]) if e["source"] else None
            e["target"] = json.loads(e["target"]) if e["target"] else None
            events.append(e)
        documents = {doc_id: {"doc_id": doc_id, "source": source, "url": url, "text": text}
                     for doc_id, source, url, text in
                     con.execute("SELECT doc_id, source, url, text FROM documents").fetchall()}
    return events, documents


# ---------------------------------------------------------------- sampling and the sheet

def _rank(seed: int, event_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{event_id}".encode("utf-8")).digest()


def sample(events: Iterable[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    """A simple random sample of n events (all of them when there are fewer), in event_id order.

    Each event gets a pseudo-random rank from a hash of (seed, event_id) and the n lowest are kept. That is
    a uniform draw that depends only on the seed and the set of event ids: not on file row order, the
    Python version or the store; a larger n extends a smaller sample rather than redrawing it.
    """
    if n < 0:
        raise AuditError("the sample size must be 0 or more")
    ordered = sorted(events, key=lambda e: e["event_id"])
    picked = sorted(ordered, key=lambda e: (_rank(seed, e["event_id"]), e["event_id"]))[:n]
    return sorted(picked, key=lambda e: e["event_id"])


def cameo_names() -> dict[str, str]:
    # Read the table directly: importing detente.code would load spaCy for a lookup.
    with open(CAMEO_CSV, newline="", encoding="utf-8") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(line for line in f if not line.startswith("#"))}


def actor_label(actor: Optional[dict[str, Any]]) -> str:
    """ "Joe Biden (USA, GOV)"; the org stands in for a missing country (IGOs)."""
    if not actor:
        return ""
    where = actor.get("country") or actor.get("org")
    extra = ", ".join(x for x in (where, actor.get("sector")) if x)
    name = actor.get("name") or actor.get("actor_id") or "?"
    return f"{name} ({extra})" if extra else name


def sheet_rows(events: Iterable[dict[str, Any]], documents: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """One sheet row per event, judging columns empty."""
    names = cameo_names()
    rows = []
    for e in events:
        doc = documents.get(e.get("doc_id")) or {}
        span, text = e.get("span") or [None, None], doc.get("text")
        evidence = text[span[0]:span[1]] if text and span[0] is not None and span[1] is not None else None
        cameo = e.get("cameo") or ""
        row = {"event_id": e["event_id"], "doc_id": e.get("doc_id") or "",
               "source_url_or_path": doc.get("url") or doc.get("source") or "",
               "sentence": e.get("sentence") or "", "evidence": evidence or e.get("sentence") or "",
               "trigger": e.get("trigger") or "", "source": actor_label(e.get("source")),
               "target": actor_label(e.get("target")), "cameo": cameo, "cameo_name": names.get(cameo, ""),
               "plover": e.get("plover") or "", "aux_mode": e.get("aux_mode") or "", "date": e.get("date") or ""}
        row.update({c: "" for c in JUDGE_COLUMNS})
        rows.append(row)
    return rows


def sheet_has_judgements(path: Path) -> bool:
    try:
        return any((r.get("judgement") or "").strip() for r in read_sheet(path))
    except (AuditError, OSError):
        return False


def write_sheet(rows: list[dict[str, str]], path: Path, title: str = "") -> tuple[Path, Path]:
    """Write the CSV sheet and a Markdown copy for reading (same name, .md). Returns both paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: spreadsheet programs read a UTF-8 CSV as such only with the byte-order mark.
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    md = path.with_suffix(".md")
    md.write_text(render_markdown(rows, path.name, title), encoding="utf-8")
    return path, md


def render_markdown(rows: list[dict[str, str]], sheet_name: str, title: str = "") -> str:
    lines = [f"# Audit sheet{': ' + title if title else ''}", "",
             f"{len(rows)} events. Judge each in `{sheet_name}`: `judgement` is `right`, `wrong` or `unsure`. "
             "When an event is wrong, write the right value in `correct_type`, `correct_source` or "
             "`correct_target` for each part that is wrong (`none` when there should be no target).", ""]
    for i, r in enumerate(rows, 1):
        kind = " ".join(x for x in (r["plover"] or NO_PLOVER, r["cameo"], r["cameo_name"] and f"({r['cameo_name']})")
                        if x)
        lines += [f"## {i}. `{r['event_id']}`: {kind}", "",
                  f"- **{r['source'] or '?'}** \u2192 **{r['target'] or '(no target)'}**",
                  f"- trigger: *{r['trigger'] or '?'}*; date: {r['date'] or 'unknown'}"
                  + (f"; mode: {r['aux_mode']}" if r["aux_mode"] else ""),
                  f"- document: `{r['doc_id']}` {r['source_url_or_path']}", "",
                  f"> {_bold(r['sentence'], r['trigger'])}", ""]
        if r["evidence"] and r["evidence"] != r["sentence"]:
            lines += [f"Evidence: {r['evidence']}", ""]
    return "\n".join(lines)


def _bold(sentence: str, trigger: str) -> str:
    # A trigger can be discontinuous ("declared ... persona non grata" -> "declared grata"): mark each word.
    for word in trigger.split():
        sentence = re.sub(rf"(?<!\*)\b({re.escape(word)})\b", r"**\1**", sentence, count=1, flags=re.IGNORECASE)
    return sentence


# ---------------------------------------------------------------- reading and scoring a judged sheet

def read_sheet(path: Path) -> list[dict[str, str]]:
    """The sheet's rows as dicts. Accepts a sheet re-saved by a spreadsheet with ; or tab as delimiter."""
    path = Path(path)
    if not path.is_file():
        raise AuditError(f"{path}: no such sheet")
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = f.readline()
        delimiter = max((",", ";", "\t"), key=header.count)
        f.seek(0)
        reader = csv.DictReader(f, delimiter=delimiter)
        rows = list(reader)
        fields = [(c or "").strip() for c in reader.fieldnames or []]
    missing = [c for c in ("event_id", "judgement") if c not in fields]
    if missing:
        raise AuditError(f"{path}: not an audit sheet (no {', '.join(missing)} column)")
    # Cells past the header (key None) are stray spreadsheet edits: dropped.
    return [{k.strip(): (v or "").strip() for k, v in r.items() if k is not None} for r in rows]


def parse_judgement(value: str) -> Optional[str]:
    """'right' | 'wrong' | 'unsure', None for an empty cell; ValueError for anything else."""
    v = (value or "").strip().casefold()
    if not v:
        return None
    for label, accepted in (("right", _RIGHT), ("wrong", _WRONG), ("unsure", _UNSURE)):
        if v in accepted:
            return label
    raise ValueError(value)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (95% by default); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _figure(right: int, n: int) -> dict[str, Any]:
    lo, hi = wilson(right, n)
    return {"n": n, "right": right, "wrong": n - right, "precision": round(right / n, 4) if n else None,
            "ci95": [round(lo, 4), round(hi, 4)]}


def _norm(s: str) -> str:
    s = " ".join((s or "").casefold().split())
    return "" if s in _EMPTY else s


def _field_right(row: dict[str, str], field: str) -> bool:
    """For a row judged wrong: a correct_* cell left empty, or repeating what was coded, means that part was right."""
    fix = row.get(FIELDS[field], "")
    if not fix.strip():
        return True
    fix = _norm(fix)
    if field == "type":
        coded = {_norm(row.get("plover", "")), _norm(row.get("cameo", "")), _norm(row.get("cameo_name", ""))}
        return fix in coded - {""} or (not fix and not _norm(row.get("plover", "")))
    label = row.get(field, "")
    coded = {_norm(label), _norm(label.split(" (")[0])}
    return fix in coded


def score_sheet(rows: list[dict[str, str]], sheet: str = "") -> dict[str, Any]:
    """Precision with a 95% Wilson interval, overall, per PLOVER type and per filled correct_* column.

    Unsure rows are counted but left out of every figure. Raises AuditError on an invalid judgement (naming
    the sheet row, header = row 1) or when no row is judged right or wrong.
    """
    judged: list[tuple[str, dict[str, str]]] = []
    for i, r in enumerate(rows):
        try:
            label = parse_judgement(r.get("judgement", ""))
        except ValueError:
            raise AuditError(f"sheet row {i + 2} (event {r.get('event_id') or '?'}): judgement "
                             f"{r.get('judgement')!r} is not right, wrong or unsure "
                             "(y/n, 1/0 and true/false are also accepted)") from None
        if label:
            judged.append((label, r))
    counts = Counter(label for label, _ in judged)
    if not judged:
        raise AuditError(f"no row of {sheet or 'the sheet'} is judged: fill the judgement column "
                         "with right, wrong or unsure")
    decided = [(label, r) for label, r in judged if label != "unsure"]
    if not decided:
        raise AuditError(f"all {len(judged)} judged rows are unsure: precision needs at least one right or wrong")

    by_type: dict[str, list[bool]] = {}
    for label, r in decided:
        by_type.setdefault(r.get("plover") or NO_PLOVER, []).append(label == "right")
    result: dict[str, Any] = {"sheet": sheet, "rows": len(rows), "judged": len(judged), "right": counts["right"],
                              "wrong": counts["wrong"], "unsure": counts["unsure"]}
    result.update({k: v for k, v in _figure(counts["right"], len(decided)).items() if k not in ("right", "wrong")})
    types = sorted(by_type.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    result["by_plover"] = {t: _figure(sum(v), len(v)) for t, v in types}

    # Per-field figures only for columns the judge used; an untouched column would read as all right.
    fields = {}
    for field, column in FIELDS.items():
        if any(r.get(column, "").strip() for _, r in decided):
            ok = sum(label == "right" or _field_right(r, field) for label, r in decided)
            fields[field] = _figure(ok, len(decided))
    result["fields"] = fields
    return result


def format_score(result: dict[str, Any]) -> str:
    def line(name: str, f: dict[str, Any]) -> str:
        p = "n/a" if f["precision"] is None else f"{f['precision']:.3f}"
        return (f"{name:<20}{f['n']:>5}{f['right']:>7}{f['wrong']:>7}{p:>11}"
                f"   [{f['ci95'][0]:.3f}, {f['ci95'][1]:.3f}]")

    head = f"{'':<20}{'n':>5}{'right':>7}{'wrong':>7}{'precision':>11}   95% Wilson"
    out = [f"detente audit: {result['sheet']}" if result.get("sheet") else "detente audit", "",
           f"judged {result['judged']} of {result['rows']} rows: right {result['right']}, wrong {result['wrong']}, "
           f"unsure {result['unsure']} (excluded)", "", head,
           line("all events", result), "", "per PLOVER type:"]
    out += [line("  " + t, f) for t, f in result["by_plover"].items()]
    if result["fields"]:
        out += ["", "per field (right when no correction was written):"]
        out += [line("  " + name, f) for name, f in result["fields"].items()]
    return "\n".join(out)
