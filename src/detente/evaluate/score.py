"""Score a Detente output folder against a gold file. The rules are in docs/eval.md; in short:

- gold records meet output documents by url ("gold://<id>") for event gold, by source for corpus gold;
- events match one-to-one inside a document when source, target (country level), PLOVER type (or CAMEO root
  for 01/02) and aux_mode agree, in either direction for symmetric gold events; dates and CAMEO roots are
  scored over the matched pairs;
- actors match on text (equal, or one contains the other word by word) and identity;
- quotes match on text overlap and speaker (actor_id or country).
"""
from __future__ import annotations

import json
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from detente.evaluate.gold import GOLD_URL_PREFIX, gold_kind, load_jsonl
from detente.evaluate.report import Report

CONTRACT_FILES = ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl")


# ---------------------------------------------------------------- reading an output folder

class Output:
    """The contract files of one run, grouped by document."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.notes: list[str] = []
        rows = {}
        for name in CONTRACT_FILES:
            path = self.out_dir / name
            if path.exists():
                rows[name] = load_jsonl(path)
            else:
                rows[name] = []
                self.notes.append(f"{path} is missing; scored as empty")
        self.documents = rows["documents.jsonl"]
        self.entities = _by_doc(rows["entities.jsonl"])
        self.events = _by_doc(rows["events.jsonl"])
        self.quotes = _by_doc(rows["quotes.jsonl"])

    def document_by_url(self, url: str) -> Optional[dict[str, Any]]:
        hits = [d for d in self.documents if d.get("url") == url]
        hits.sort(key=lambda d: d.get("status") != "article")
        return hits[0] if hits else None

    def document_by_source(self, source: str) -> Optional[dict[str, Any]]:
        want = _norm_source(source)
        for d in self.documents:
            have = _norm_source(d.get("source") or "")
            if have == want or have.endswith("/" + want) or want.endswith("/" + have):
                return d
        return None


def _by_doc(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r.get("doc_id"), []).append(r)
    return out


def _norm_source(s: str) -> str:
    return s.replace("\\", "/").lstrip("./") if not s.startswith("/") else s.replace("\\", "/")


# ---------------------------------------------------------------- text helpers

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def norm_text(s: Optional[str]) -> str:
    s = unicodedata.normalize("NFKC", s or "").translate(_QUOTES).casefold()
    return re.sub(r"\s+", " ", s).strip()


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", norm_text(s))


def _strip_article(words: list[str]) -> list[str]:
    return words[1:] if words[:1] == ["the"] and len(words) > 1 else words


def text_match(a: str, b: str) -> int:
    """2 for the same words, 1 when one's words are a contiguous run of the other's, 0 otherwise."""
    wa, wb = _strip_article(_words(a)), _strip_article(_words(b))
    if not wa or not wb:
        return 0
    if wa == wb:
        return 2
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = len(short)
    return 1 if any(long_[i:i + n] == short for i in range(len(long_) - n + 1)) else 0


def quote_overlap(a: str, b: str) -> bool:
    """True when one quote's text contains the other's, or they share a run of at least 60% of the shorter."""
    na, nb = (norm_text(x).strip(" \"'.,;:") for x in (a, b))
    if not na or not nb:
        return False
    if na in nb or nb in na:
        return True
    m = SequenceMatcher(None, na, nb, autojunk=False).find_longest_match(0, len(na), 0, len(nb))
    return m.size >= 0.6 * min(len(na), len(nb))


def line_present(line: str, lines: Iterable[str]) -> bool:
    """A gold line is present when a normalised line contains it, or it contains the line (lines >= 12 chars)."""
    want = norm_text(line)
    for have in lines:
        h = norm_text(have)
        if want and (want in h or (len(h) >= 12 and h in want)):
            return True
    return False


# ---------------------------------------------------------------- actor identity

def actor_keys(actor: Optional[dict[str, Any]]) -> set[str]:
    """The codes an output actor answers to at country level: its country, its organisation and its id."""
    if not actor:
        return set()
    return {v for v in (actor.get("country"), actor.get("org"), actor.get("actor_id")) if v}


def gold_actor_key(actor: dict[str, Any]) -> Optional[str]:
    """A gold actor's country-level code: the organisation for IGO people and bodies, else the country."""
    return actor.get("org") or actor.get("country") or actor.get("actor_id")


def cameo_root(code: Optional[str]) -> str:
    return str(code or "")[:2]


# ---------------------------------------------------------------- matching

def greedy_match(gold: list[Any], system: list[Any], compatible: Callable[[Any, Any], Optional[float]]):
    """One-to-one greedy matching: pairs with the highest preference first. Returns [(gi, si)]."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            pref = compatible(g, s)
            if pref is not None:
                pairs.append((pref, gi, si))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_g, used_s, out = set(), set(), []
    for _, gi, si in pairs:
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            out.append((gi, si))
    return out


def event_matches(g: dict[str, Any], s: dict[str, Any], ignore_aux: bool = False) -> bool:
    """Gold event g and output event s are the same event (see the module docstring)."""
    if g.get("plover") is None:
        if s.get("plover") is not None or cameo_root(s.get("cameo")) != cameo_root(g.get("cameo")):
            return False
    elif s.get("plover") != g.get("plover"):
        return False
    if not ignore_aux and (s.get("aux_mode") or None) != (g.get("aux_mode") or None):
        return False

    def dyad(src: Optional[str], tgt: Optional[str]) -> bool:
        if src not in actor_keys(s.get("source")):
            return False
        if tgt is None:
            return s.get("target") is None
        return tgt in actor_keys(s.get("target"))

    if dyad(g.get("source"), g.get("target")):
        return True
    return bool(g.get("symmetric")) and g.get("target") is not None and dyad(g.get("target"), g.get("source"))


def _event_preference(g: dict[str, Any], s: dict[str, Any], text: str) -> float:
    pref = 0.0
    if cameo_root(s.get("cameo")) == cameo_root(g.get("cameo")):
        pref += 1
    if s.get("date") == g.get("date"):
        pref += 1
    span = s.get("span") or []
    ev = g.get("evidence") or ""
    if len(span) == 2 and ev:
        start = text.find(ev)
        if start >= 0 and span[0] <= start + len(ev) and start <= span[1]:
            pref += 0.5
    elif ev and norm_text(ev) in norm_text(s.get("sentence") or ""):
        pref += 0.5
    return pref


def _event_summary(e: dict[str, Any], gold: bool) -> str:
    if gold:
        src, tgt = e.get("source"), e.get("target")
        arrow = "<->" if e.get("symmetric") else "->"
    else:
        def code(a):
            return None if a is None else (a.get("org") or a.get("country") or a.get("actor_id"))
        src, tgt, arrow = code(e.get("source")), code(e.get("target")), "->"
    aux = f" [{e['aux_mode']}]" if e.get("aux_mode") else ""
    where = e.get("evidence") if gold else e.get("sentence")
    return f"{src} {arrow} {tgt} {e.get('plover') or '-'} {e.get('cameo')}{aux} {e.get('date')}: {str(where)[:100]!r}"


def _score_events(report: Report, doc_label: str, gold_events: list[dict[str, Any]],
                  sys_events: list[dict[str, Any]], text: str, dates: list[int], roots: list[int]) -> None:
    part = report.part("events")
    required = [e for e in gold_events if not e.get("optional")]
    optional = [e for e in gold_events if e.get("optional")]
    pairs = greedy_match(required, sys_events,
                         lambda g, s: _event_preference(g, s, text) if event_matches(g, s) else None)
    matched_s = {si for _, si in pairs}
    part.tp += len(pairs)
    for gi, si in pairs:
        g, s = required[gi], sys_events[si]
        dates.append(int(s.get("date") == g.get("date")))
        roots.append(int(cameo_root(s.get("cameo")) == cameo_root(g.get("cameo"))))
    matched_g = {gi for gi, _ in pairs}
    for gi, g in enumerate(required):
        if gi not in matched_g:
            part.fn += 1
            report.misses.append({"part": "events", "doc": doc_label, "item": g, "summary": _event_summary(g, True)})
    for si, s in enumerate(sys_events):
        if si in matched_s:
            continue
        if any(event_matches(o, s, ignore_aux=True) for o in optional):
            continue  # a debatable event the gold leaves open
        if any(event_matches(required[gi], s) for gi in matched_g):
            report.figures["events.duplicates"] = (report.figures.get("events.duplicates") or 0) + 1
            continue  # the same event found again in another sentence: not a new claim
        part.fp += 1
        report.false_positives.append({"part": "events", "doc": doc_label, "item": _slim_event(s),
                                       "summary": _event_summary(s, False)})


def _slim_event(s: dict[str, Any]) -> dict[str, Any]:
    keep = ("event_id", "sentence", "cameo", "plover", "date", "aux_mode", "trigger")
    out = {k: s.get(k) for k in keep}
    for side in ("source", "target"):
        a = s.get(side)
        out[side] = None if a is None else {k: a.get(k) for k in ("actor_id", "country", "org")}
    return out


def _score_actors(report: Report, doc_label: str, gold_actors: list[dict[str, Any]],
                  entities: list[dict[str, Any]]) -> None:
    """Two parts: 'actors' (identity = actor_id when the gold gives one, else country) and 'actor_countries'."""
    seen, ents = set(), []
    for e in entities:
        k = (norm_text(e.get("text")), e.get("actor_id"))
        if k not in seen:
            seen.add(k)
            ents.append(e)

    def strict(g, e):
        if g.get("actor_id"):
            return e.get("actor_id") == g["actor_id"]
        return gold_actor_key(g) in actor_keys(e)

    def country(g, e):
        return gold_actor_key(g) in actor_keys(e)

    for name, same in (("actors", strict), ("actor_countries", country)):
        part = report.part(name)
        required = [g for g in gold_actors if not g.get("optional")]
        optional = [g for g in gold_actors if g.get("optional")]
        pairs = greedy_match(required, ents, lambda g, e: (text_match(g["text"], e.get("text") or "")
                                                           if text_match(g["text"], e.get("text") or "")
                                                           and same(g, e) else None))
        part.tp += len(pairs)
        mg, ms = {p[0] for p in pairs}, {p[1] for p in pairs}
        for gi, g in enumerate(required):
            if gi not in mg:
                part.fn += 1
                if name == "actors":
                    report.misses.append({"part": name, "doc": doc_label, "item": g,
                                          "summary": f"{g['text']!r} = {g.get('actor_id') or gold_actor_key(g)}"})
        gold_ids = {x.get("actor_id") for x in gold_actors if x.get("actor_id")}
        gold_keys = {gold_actor_key(x) for x in gold_actors}
        for si, e in enumerate(ents):
            if si in ms:
                continue
            overlapping = [g for g in gold_actors if text_match(g["text"], e.get("text") or "")]
            if any(g.get("optional") for g in overlapping) or any(same(g, e) for g in overlapping):
                continue
            if name == "actors":
                known = e.get("actor_id") in gold_ids or (not e.get("actor_id") and bool(actor_keys(e) & gold_keys))
                known = known or (e.get("actor_id") in gold_keys)   # a state or IGO the gold lists by code
            else:
                known = bool(actor_keys(e) & gold_keys)
            exact = any(text_match(g["text"], e.get("text") or "") == 2 for g in overlapping)
            # wrong: the very text of a gold actor resolved to someone else, or an actor the gold never mentions
            wrong = exact or not known
            if wrong:
                part.fp += 1
                if name == "actors":
                    report.false_positives.append({"part": name, "doc": doc_label,
                                                   "item": {k: e.get(k) for k in ("text", "actor_id", "country", "org")},
                                                   "summary": f"{e.get('text')!r} = {e.get('actor_id')}"})


def _score_quotes(report: Report, doc_label: str, gold_quotes: list[dict[str, Any]], gold_actors: list[dict[str, Any]],
                  quotes: list[dict[str, Any]], id_hits: list[int]) -> None:
    part = report.part("quotes")
    key_of = {a["actor_id"]: gold_actor_key(a) for a in gold_actors if a.get("actor_id")}

    def speaker_ok(g, q):
        sp = q.get("speaker")
        if g.get("speaker") is None:
            return sp is None
        if sp is None:
            return False
        if sp.get("actor_id") == g["speaker"]:
            return True
        return key_of.get(g["speaker"], g["speaker"]) in actor_keys(sp)

    pairs = greedy_match(gold_quotes, quotes,
                         lambda g, q: (1.0 if quote_overlap(g["text"], q.get("text") or "") and speaker_ok(g, q)
                                       else None))
    part.tp += len(pairs)
    for gi, si in pairs:
        id_hits.append(int((quotes[si].get("speaker") or {}).get("actor_id") == gold_quotes[gi].get("speaker")))
    mg, ms = {p[0] for p in pairs}, {p[1] for p in pairs}
    for gi, g in enumerate(gold_quotes):
        if gi not in mg:
            part.fn += 1
            report.misses.append({"part": "quotes", "doc": doc_label, "item": g,
                                  "summary": f"{g.get('speaker')}: {g['text'][:80]!r}"})
    for si, q in enumerate(quotes):
        if si not in ms:
            part.fp += 1
            sp = (q.get("speaker") or {}).get("actor_id")
            report.false_positives.append({"part": "quotes", "doc": doc_label,
                                           "item": {"text": q.get("text"), "speaker": sp},
                                           "summary": f"{sp}: {str(q.get('text'))[:80]!r}"})


def _ratio(xs: list[int]) -> Optional[float]:
    return sum(xs) / len(xs) if xs else None


def _score_field(report: Report, name: str, doc_label: str, gold_value: Any, sys_value: Any,
                 same: Callable[[Any, Any], bool] = lambda a, b: a == b) -> None:
    """A single-valued field as P/R: a wrong value is both a false positive and a miss; null is a miss only."""
    part = report.part(name)
    if gold_value is None and sys_value is None:
        part.tp += 1
        return
    if gold_value is not None and sys_value is not None and same(gold_value, sys_value):
        part.tp += 1
        return
    if sys_value is not None:
        part.fp += 1
        report.false_positives.append({"part": name, "doc": doc_label, "item": sys_value,
                                       "summary": f"{sys_value!r} (gold {gold_value!r})"})
    if gold_value is not None:
        part.fn += 1
        report.misses.append({"part": name, "doc": doc_label, "item": gold_value,
                              "summary": f"{gold_value!r} (got {sys_value!r})"})


# ---------------------------------------------------------------- the two kinds of gold

def _score_event_gold(report: Report, records: list[dict[str, Any]], out: Output) -> None:
    dates, roots, quote_ids = [], [], []
    for r in records:
        label = r["id"]
        doc = out.document_by_url(GOLD_URL_PREFIX + r["id"])
        if doc is None or doc.get("status") != "article":
            report.part("documents").fn += 1
            got = "no document" if doc is None else f"status {doc.get('status')}"
            report.misses.append({"part": "documents", "doc": label, "item": r["id"], "summary": f"{got}"})
            doc_id, text = None, ""
            if doc is not None:
                report.part("documents").fp += 1
        else:
            report.part("documents").tp += 1
            doc_id, text = doc.get("doc_id"), doc.get("text") or ""
        _score_field(report, "published", label, r.get("published"), (doc or {}).get("published"))
        _score_actors(report, label, r.get("actors", []), out.entities.get(doc_id, []) if doc_id else [])
        _score_events(report, label, r.get("events", []), out.events.get(doc_id, []) if doc_id else [],
                      text, dates, roots)
        _score_quotes(report, label, r.get("quotes", []), r.get("actors", []),
                      out.quotes.get(doc_id, []) if doc_id else [], quote_ids)
    report.figures["events.date_accuracy"] = _ratio(dates)
    report.figures["events.cameo_root_accuracy"] = _ratio(roots)
    report.figures["quotes.speaker_id_accuracy"] = _ratio(quote_ids)
    report.figures.setdefault("events.duplicates", 0)


def _score_corpus_gold(report: Report, records: list[dict[str, Any]], out: Output) -> None:
    for r in records:
        label = r["source"]
        doc = out.document_by_source(r["source"]) or {}
        if not doc:
            report.notes.append(f"{label}: no document with this source in the output")
        _score_field(report, "status", label, r.get("status"), doc.get("status"))
        if "title" in r:
            _score_field(report, "title", label, r.get("title"), doc.get("title"),
                         lambda a, b: norm_text(a) == norm_text(b))
        if "published" in r:
            _score_field(report, "published", label, r.get("published"), doc.get("published"))
        if "outlet" in r:
            _score_field(report, "outlet", label, r.get("outlet"), doc.get("outlet"),
                         lambda a, b: text_match(a, b) > 0 or norm_text(a).replace(" ", "") in norm_text(b).replace(" ", ""))
        # cleaning as a detection task: a removed line is a positive, a kept paragraph a negative
        part = report.part("cleaning")
        text_lines = (doc.get("text") or "").split("\n")
        removed = [x.get("text", "") if isinstance(x, dict) else str(x) for x in doc.get("removed") or []]
        for line in r.get("removed", []):
            if line_present(line, text_lines):
                part.fn += 1
                report.misses.append({"part": "cleaning", "doc": label, "item": line,
                                      "summary": f"should be removed: {line[:80]!r}"})
            else:
                part.tp += 1
        for para in r.get("kept", []):
            if not line_present(para, text_lines):
                part.fp += 1
                why = "removed" if line_present(para, removed) else "missing"
                report.false_positives.append({"part": "cleaning", "doc": label, "item": para,
                                               "summary": f"should be kept ({why}): {para[:80]!r}"})


def score(out_dir: Path, gold_path: Path) -> Report:
    """Score the output folder of a `detente run` against a gold file (event gold or corpus gold)."""
    records = load_jsonl(Path(gold_path))
    kind = gold_kind(records)
    out = Output(Path(out_dir))
    report = Report(str(gold_path), str(out_dir), kind)
    report.notes += out.notes
    if kind == "events":
        _score_event_gold(report, records, out)
    else:
        _score_corpus_gold(report, records, out)
    return report


def write_report(report: Report, path: Path) -> Path:
    Path(path).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return Path(path)
