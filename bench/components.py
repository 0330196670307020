"""Stage-level measurements, each against a baseline measured in the same invocation (`bench/run.py --components`).

- documents: read+clean and read+clean+dedupe over the generated corpus, against reading alone (open, decode,
  split records); each at a quarter and at the whole corpus, to show how memory grows with it.
- language: annotate+code (the light spaCy pass over every sentence, the parser only where an event may be) over
  real news text (the sample corpus and the seeds), against spaCy's full pipeline over the same texts; and the
  same with the coder's own patterns only, to show what PETRARCH2's patterns cost.

Each measurement runs in a fresh interpreter, so its peak memory (getrusage: the process, and the largest of its
pool workers) is its own.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))
WORKERS = os.cpu_count() or 1


def peak_mb() -> dict[str, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_mb": self_kb / 1024, "peak_worker_mb": child_kb / 1024}


def limited(docs_dir: str, files: int) -> str:
    """A folder holding links to the first `files` files of the corpus, so that reading stops there."""
    src = Path(docs_dir)
    every = sorted(p for p in src.rglob("*") if p.is_file())
    if files >= len(every):
        return docs_dir
    dest = OUT / "limited" / f"{src.parent.name}-first{files}"
    if not dest.exists():
        dest.mkdir(parents=True)
        for p in every[:files]:
            (dest / "_".join(p.relative_to(src).parts)).symlink_to(p.resolve())
    return str(dest)


# --- measurements, each run in its own process ------------------------------------------------------------------
def m_read(corpus: str, limit: int) -> dict:
    from detente.read import iter_records
    t = time.perf_counter()
    n = sum(1 for _ in iter_records([limited(corpus, limit)]))
    return {"docs": n, "seconds": time.perf_counter() - t}


def m_clean(corpus: str, limit: int) -> dict:
    from detente.pipeline import read_clean
    t = time.perf_counter()
    n = sum(1 for _ in read_clean([limited(corpus, limit)], workers=WORKERS))
    return {"docs": n, "seconds": time.perf_counter() - t}


def m_documents(corpus: str, limit: int) -> dict:
    from detente.pipeline import read_clean_dedupe
    t = time.perf_counter()
    statuses: dict[str, int] = {}
    for doc in read_clean_dedupe([limited(corpus, limit)], workers=WORKERS):
        statuses[doc.status] = statuses.get(doc.status, 0) + 1
    return {"docs": sum(statuses.values()), "seconds": time.perf_counter() - t, "statuses": statuses}


def _language_docs(copies: int):
    """Real news text: the sample corpus (and the seeds, when ../shared is there), `copies` times over."""
    import corpus
    from detente.pipeline import read_clean_dedupe
    docs = [d for d in read_clean_dedupe([str(p) for p in corpus.source_dirs()]) if d.status == "article"]
    return docs * copies


def m_language(corpus: str, copies: int) -> dict:
    from detente.annotate import Annotator
    from detente.annotate import nlp as pipelines
    from detente.code import Coder
    docs = _language_docs(copies)
    annotator, coder = Annotator(), Coder()
    pipelines.light(), pipelines.full()  # models load outside the timing
    t = time.perf_counter()
    sentences = events = 0
    for ann, evs in coder.code_many(annotator.annotate(docs)):
        sentences += len(ann.sentences)
        events += len(evs)
    return {"docs": len(docs), "sentences": sentences, "events": events, "seconds": time.perf_counter() - t,
            "stats": asdict(coder.stats), "words": sum(len(d.text.split()) for d in docs)}


def m_language_own(corpus: str, copies: int) -> dict:
    """annotate+code with the coder's own patterns only: the baseline for what PETRARCH2's patterns cost."""
    from detente import settings
    settings.PATTERN_SOURCES = ("detente",)
    return m_language(corpus, copies)


def m_full_spacy(corpus: str, copies: int) -> dict:
    from detente import settings
    from detente.annotate import nlp as pipelines
    docs = _language_docs(copies)
    nlp = pipelines.full()
    t = time.perf_counter()
    sentences = sum(len(list(d.sents)) for d in nlp.pipe((d.text for d in docs), batch_size=settings.NLP_BATCH_SIZE))
    return {"docs": len(docs), "sentences": sentences, "seconds": time.perf_counter() - t,
            "words": sum(len(d.text.split()) for d in docs)}


MEASURES = {f.__name__[2:]: f for f in (m_read, m_clean, m_documents, m_language, m_language_own, m_full_spacy)}


def measure(name: str, corpus: str, limit: int) -> dict:
    """Run one measurement in a fresh interpreter and return its figures."""
    proc = subprocess.run([sys.executable, __file__, name, corpus, str(limit)], capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"measurement {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(docs: int, language_copies: int, seed: int = 7) -> None:
    import corpus
    docs_dir, _ = corpus.cached(OUT / "corpora", docs, seed)
    files = sum(1 for p in docs_dir.rglob("*") if p.is_file())
    quarter = max(1, files // 4)

    rows = []
    base = measure("read", str(docs_dir), files)
    rows.append(("read only (baseline)", base))
    for label, what, limit in (("read+clean, 1/4 corpus", "clean", quarter), ("read+clean, whole corpus", "clean", files),
                               ("read+clean+dedupe, 1/4 corpus", "documents", quarter),
                               ("read+clean+dedupe, whole corpus", "documents", files)):
        rows.append((label, measure(what, str(docs_dir), limit)))
    lang = measure("language", str(docs_dir), language_copies)
    full = measure("full_spacy", str(docs_dir), language_copies)
    own = measure("language_own", str(docs_dir), language_copies)

    base_rate = base["docs"] / base["seconds"]
    print(f"\n== documents: read+clean+dedupe ({files} files, {docs} documents; {WORKERS} workers) ==")
    print(f"{'measurement':36} {'docs':>7} {'docs/s':>9} {'x baseline':>11} {'peak MB':>9} {'workers MB':>11} "
          f"{'mem x base':>11}")
    for label, r in rows:
        rate = r["docs"] / r["seconds"]
        print(f"{label:36} {r['docs']:7d} {rate:9.0f} {rate / base_rate:11.2f} {r['peak_mb']:9.0f} "
              f"{r['peak_worker_mb']:11.0f} {r['peak_mb'] / base['peak_mb']:11.2f}")
    for name, (q, w) in (("read+clean", (rows[1][1], rows[2][1])), ("read+clean+dedupe", (rows[3][1], rows[4][1]))):
        per_doc = (w["peak_mb"] - q["peak_mb"]) * 1024 / max(1, w["docs"] - q["docs"])
        print(f"{name}: memory from 1/4 to the whole corpus x{w['peak_mb'] / q['peak_mb']:.2f} (main, "
              f"{per_doc:.1f} KB per added document), x{max(w['peak_worker_mb'], 1) / max(q['peak_worker_mb'], 1):.2f} "
              f"(workers)")

    print(f"\n== language: annotate+code vs the full spaCy pipeline ({lang['docs']} articles of real news, "
          f"{lang['words']} words, one process) ==")
    st = lang["stats"]
    parsed, seen = st.get("sentences_parsed", 0), st.get("sentences_seen", 0) or lang["sentences"]
    for label, r in (("annotate+code", lang), ("full spaCy (base)", full), ("own patterns only", own)):
        print(f"{label + ':':20} {r['sentences'] / r['seconds']:8.0f} sentences/s  {r['words'] / r['seconds']:8.0f} "
              f"words/s  {r['seconds']:6.1f} s  peak {r['peak_mb']:.0f} MB" +
              (f"  events {r['events']}" if "events" in r else ""))
    print(f"speed x baseline: {full['seconds'] / lang['seconds']:.2f}; sentences that needed a full parse: "
          f"{parsed}/{seen} = {parsed / max(1, seen):.0%}")
    print(f"PETRARCH2 patterns cost: annotate+code speed x{own['seconds'] / lang['seconds']:.2f} of own patterns only; "
          f"events {own['events']} -> {lang['events']}")


if __name__ == "__main__":
    figures = MEASURES[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
    figures.update(peak_mb())
    print(json.dumps(figures))
