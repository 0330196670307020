"""Detente benchmark: throughput and peak memory, as ratios against baselines measured in the same run.

    .venv/bin/python bench/run.py [--docs 20000] [--language-copies 5]

Each measurement runs in a fresh process, so peak memory (max RSS of the process and of its pool
workers) belongs to that measurement alone.

- documents: read+clean and read+clean+dedupe over a generated corpus, against the baseline of reading
  alone (open, decode, split records); each at a quarter and at the whole corpus, to show how memory grows
  (read and clean stream; the dedupe index keeps a few KB per document).
- language: annotate+code (light spaCy pass over every sentence, the parser only where an event may be)
  over real news text (the sample corpus and the seeds), against the baseline of the full spaCy pipeline
  over the same texts.
- whole run: `detente run` on the bundled sample corpus, coded sentences per second end to end.
"""
from __future__ import annotations

import argparse
from dataclasses import asdict
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))


def peak_mb() -> dict[str, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_mb": self_kb / 1024, "peak_worker_mb": child_kb / 1024}


# --- measurements, each run in its own process ------------------------------------------------------------
def m_read(corpus: str, limit: int) -> dict:
    from detente.read import iter_records
    t = time.perf_counter()
    n = sum(1 for _ in iter_records([_limited(corpus, limit)]))
    return {"docs": n, "seconds": time.perf_counter() - t}


def m_documents(corpus: str, limit: int) -> dict:
    from detente.clean import clean_record  # noqa: F401  (import cost outside the timing)
    from detente.pipeline import read_clean_dedupe
    t = time.perf_counter()
    statuses: dict[str, int] = {}
    for doc in read_clean_dedupe([_limited(corpus, limit)], workers=2):
        statuses[doc.status] = statuses.get(doc.status, 0) + 1
    return {"docs": sum(statuses.values()), "seconds": time.perf_counter() - t, "statuses": statuses}


def m_clean(corpus: str, limit: int) -> dict:
    from detente.pipeline import read_clean
    t = time.perf_counter()
    n = sum(1 for _ in read_clean([_limited(corpus, limit)], workers=2))
    return {"docs": n, "seconds": time.perf_counter() - t}


def _limited(corpus: str, limit: int) -> str:
    """A folder holding the first `limit` files of the corpus (as links), so reading stops there."""
    src = Path(corpus)
    dest = src.parent / f"{src.name}_first{limit}"
    if not dest.exists():
        dest.mkdir()
        for p in sorted(src.iterdir())[:limit]:
            (dest / p.name).symlink_to(p.resolve())
    return str(dest)


def _language_docs(corpus: str, copies: int):
    """Real news text: the sample corpus (and the seeds, when ../shared is there), `copies` times over."""
    from detente.pipeline import read_clean_dedupe
    inputs = [str(REPO / "examples" / "corpus")] + [str(p) for p in [REPO.parent / "shared" / "seeds"] if p.is_dir()]
    docs = [d for d in read_clean_dedupe(inputs) if d.status == "article"]
    return docs * copies


def m_language(corpus: str, limit: int) -> dict:
    from detente.annotate import Annotator
    from detente.annotate import nlp as pipelines
    from detente.code import Coder
    docs = _language_docs(corpus, limit)
    annotator, coder = Annotator(), Coder()
    pipelines.light(), pipelines.full()  # load models outside the timing
    t = time.perf_counter()
    sentences = events = 0
    for ann, evs in coder.code_many(annotator.annotate(docs)):
        sentences += len(ann.sentences)
        events += len(evs)
    seconds = time.perf_counter() - t
    stats = asdict(coder.stats)
    return {"docs": len(docs), "sentences": sentences, "events": events, "seconds": seconds, "stats": stats,
            "words": sum(len(d.text.split()) for d in docs)}


def m_language_own(corpus: str, limit: int) -> dict:
    """annotate+code with the coder's own patterns only: the baseline for what PETRARCH2's patterns cost."""
    from detente import settings
    settings.PATTERN_SOURCES = ("detente",)
    return m_language(corpus, limit)


def m_whole_run_own(corpus: str, limit: int) -> dict:
    from detente import settings
    settings.PATTERN_SOURCES = ("detente",)
    return m_whole_run(corpus, limit)


def m_full_spacy(corpus: str, limit: int) -> dict:
    from detente.annotate import nlp as pipelines
    from detente import settings
    docs = _language_docs(corpus, limit)
    nlp = pipelines.full()
    t = time.perf_counter()
    sentences = sum(len(list(d.sents)) for d in nlp.pipe((d.text for d in docs), batch_size=settings.NLP_BATCH_SIZE))
    return {"docs": len(docs), "sentences": sentences, "seconds": time.perf_counter() - t,
            "words": sum(len(d.text.split()) for d in docs)}


def m_whole_run(corpus: str, limit: int) -> dict:
    import tempfile
    from detente.pipeline import run
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        result = run([corpus], Path(tmp) / "out")
        seconds = time.perf_counter() - t
    return {"docs": len(result.documents), "seconds": seconds, "events": len(result.events),
            "sentences_parsed": result.parse_stats.get("sentences_parsed"),
            "sentences": result.parse_stats.get("sentences_seen"), "timings": result.timings}


MEASURES = {f.__name__[2:]: f for f in (m_read, m_clean, m_documents, m_language, m_language_own, m_full_spacy,
                                                   m_whole_run, m_whole_run_own)}


def measure(name: str, corpus: str, limit: int) -> dict:
    """Run one measurement in a fresh interpreter and return its figures."""
    proc = subprocess.run([sys.executable, __file__, "--measure", name, "--corpus", corpus, "--limit", str(limit)],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"measurement {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--language-copies", type=int, default=5, help="passes over the real-text sample")
    ap.add_argument("--measure")
    ap.add_argument("--corpus")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if args.measure:
        figures = MEASURES[args.measure](args.corpus, args.limit)
        figures.update(peak_mb())
        print(json.dumps(figures))
        return

    from corpus import generate
    corpus = HERE / "out" / f"corpus{args.docs}"
    if not corpus.exists():
        print(f"generating {args.docs} documents in {corpus} ...", flush=True)
        generate(corpus, args.docs)
    files = len(list(corpus.iterdir()))
    quarter = max(1, files // 4)

    rows = []
    base = measure("read", str(corpus), files)
    rows.append(("read only (baseline)", base["docs"], base["docs"] / base["seconds"], base, 1.0))
    for label, what, limit in (("read+clean, 1/4 corpus", "clean", quarter), ("read+clean, whole corpus", "clean", files),
                               ("read+clean+dedupe, 1/4 corpus", "documents", quarter),
                               ("read+clean+dedupe, whole corpus", "documents", files)):
        r = measure(what, str(corpus), limit)
        rows.append((label, r["docs"], r["docs"] / r["seconds"], r, None))

    lang = measure("language", str(corpus), args.language_copies)
    full = measure("full_spacy", str(corpus), args.language_copies)
    lang_own = measure("language_own", str(corpus), args.language_copies)
    whole = measure("whole_run", str(REPO / "examples" / "corpus"), 0)
    whole_own = measure("whole_run_own", str(REPO / "examples" / "corpus"), 0)

    base_rate = rows[0][2]
    print(f"\n== documents: read+clean+dedupe ({files} files, ~{args.docs} documents; 2 workers) ==")
    print(f"{'measurement':36} {'docs':>7} {'docs/s':>9} {'x baseline':>11} {'peak MB':>9} {'workers MB':>11} {'mem x base':>11}")
    for label, n, rate, r, _ in rows:
        print(f"{label:36} {n:7d} {rate:9.0f} {rate / base_rate:11.2f} {r['peak_mb']:9.0f} {r['peak_worker_mb']:11.0f} "
              f"{r['peak_mb'] / base['peak_mb']:11.2f}")
    for name, (q, w) in (("read+clean", (rows[1][3], rows[2][3])), ("read+clean+dedupe", (rows[3][3], rows[4][3]))):
        per_doc = (w["peak_mb"] - q["peak_mb"]) * 1024 / max(1, w["docs"] - q["docs"])
        print(f"{name}: memory from 1/4 to the whole corpus x{w['peak_mb'] / q['peak_mb']:.2f} (main, "
              f"{per_doc:.1f} KB per added document), x{max(w['peak_worker_mb'], 1) / max(q['peak_worker_mb'], 1):.2f} (workers)")

    print(f"\n== language: annotate+code vs the full spaCy pipeline ({lang['docs']} articles of real news, {lang['words']} words) ==")
    st = lang["stats"]
    parsed, seen = st.get("sentences_parsed", 0), st.get("sentences_seen", 0) or lang["sentences"]
    print(f"annotate+code:      {lang['sentences'] / lang['seconds']:8.0f} sentences/s  {lang['words'] / lang['seconds']:8.0f} words/s  "
          f"{lang['seconds']:6.1f} s  peak {lang['peak_mb']:.0f} MB  events {lang['events']}")
    print(f"full spaCy (base):  {full['sentences'] / full['seconds']:8.0f} sentences/s  {full['words'] / full['seconds']:8.0f} words/s  "
          f"{full['seconds']:6.1f} s  peak {full['peak_mb']:.0f} MB")
    print(f"speed x baseline: {full['seconds'] / lang['seconds']:.2f}; sentences that needed a full parse: "
          f"{parsed}/{seen} = {parsed / max(1, seen):.0%}")

    print(f"own patterns only:  {lang_own['sentences'] / lang_own['seconds']:8.0f} sentences/s  "
          f"{lang_own['words'] / lang_own['seconds']:8.0f} words/s  {lang_own['seconds']:6.1f} s  events {lang_own['events']}")
    print(f"PETRARCH2 patterns cost: annotate+code speed x{lang_own['seconds'] / lang['seconds']:.2f} of own patterns only; "
          f"events {lang_own['events']} -> {lang['events']}")

    print(f"\n== whole run: detente run examples/corpus ({whole['docs']} records) ==")
    coded = whole.get("sentences") or 0
    print(f"{whole['seconds']:.1f} s end to end, {coded / whole['seconds']:.0f} coded sentences/s, "
          f"{whole['events']} events, peak {whole['peak_mb']:.0f} MB; stages: "
          + ", ".join(f"{k} {v:.1f}s" for k, v in whole["timings"].items()))
    print(f"own patterns only: {whole_own['seconds']:.1f} s, {whole_own['events']} events; documents/s with PETRARCH2's "
          f"patterns x{whole_own['seconds'] / whole['seconds']:.2f} of own patterns only")


if __name__ == "__main__":
    main()
