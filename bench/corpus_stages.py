"""The corpus stages at scale: does a document cost the same at 100,000 documents as at 1,000?

    .venv/bin/python bench/corpus_stages.py --sizes 1000,10000,100000 [--workers 2]

The language stages (annotate, code) are pure functions of one document: their cost per document cannot grow with
the corpus. What can grow is everything around them: the dedupe index, the store and its incident blocks, the export.
So each size runs `detente run` over the bench corpus (bench/corpus.py, cached) in full but for annotate+code, which
is replaced by a replay: every article gets the coded rows of one of a pool of real articles coded beforehand by the
real pipeline (picked by a hash of its doc_id), with its doc_id and ids rewritten and its events' dates moved with the
article's publication date, so that the incident blocks fill as a multi-year corpus fills them. Reading, cleaning,
dedupe against the store, the store's writes and incident updates, and the export run as they do in production.

Writes bench/CORPUS_STAGES.md: time per document and peak memory of the whole process tree at each size. With
--merge, the sizes run before (saved in bench/out/corpus_stages.json) stay in the table, so a long size can run
alone later: `--sizes 100000 --merge`.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from run import DETENTE, OUT, REPO, machine, measured  # noqa: E402

SAVED = OUT / "corpus_stages.json"  # the figures of the last runs, for --merge
POOL_DOCUMENTS = 60  # real articles coded once; every article of the corpus replays one of them

REPLAY = textwrap.dedent("""
    import hashlib, json, os, sys
    from datetime import date as day, timedelta
    import detente.pipeline as pipeline
    from detente.types import Event, Mention, Quote

    pool = [json.loads(line) for line in open(os.environ["REPLAY_POOL"], encoding="utf-8")]

    def moved(date, by):
        # the event as far from the replaying article's date as it was from its own article's
        if not date or not date[:4].isdigit() or by is None:
            return date
        if len(date) == 10:
            return (day.fromisoformat(date) + by).isoformat()
        if len(date) == 7:
            return (day.fromisoformat(date + "-15") + by).isoformat()[:7]
        return str(int(date) + round(by.days / 365.25))

    def replay(docs):
        mentions, quotes, events = [], [], []
        for d in docs:
            coded = pool[int(hashlib.sha1(d.doc_id.encode()).hexdigest(), 16) % len(pool)]
            by = (day.fromisoformat(d.published) - day.fromisoformat(coded["published"])
                  if d.published and coded["published"] else None)
            mentions += [Mention.from_row({**r, "doc_id": d.doc_id}) for r in coded["entities"]]
            quotes += [Quote.from_row({**r, "doc_id": d.doc_id, "quote_id": f"{d.doc_id}-q{n}"})
                       for n, r in enumerate(coded["quotes"])]
            events += [Event.from_row({**r, "doc_id": d.doc_id, "event_id": f"{d.doc_id}-e{n}",
                                       "date": moved(r.get("date"), by), "incident_id": None})
                       for n, r in enumerate(coded["events"])]
        return mentions, quotes, events, {"documents": len(docs)}

    pipeline._stages = lambda: None  # no model: nothing here parses
    pipeline._annotate_and_code_chunk = replay
    from detente.cli import app
    sys.argv = ["detente", *sys.argv[1:]]
    app()
""")


def coded_pool(docs_dir: Path, work: Path) -> Path:
    """Code the first POOL_DOCUMENTS text files of the corpus with the real pipeline; one JSON line per article."""
    picked = work / "pool-input"
    picked.mkdir(parents=True)
    for path in sorted(docs_dir.rglob("*.txt"))[:POOL_DOCUMENTS]:
        shutil.copy(path, picked / path.name)
    out = work / "pool-out"
    subprocess.run([DETENTE, "run", str(picked), "--out", str(out), "--db", str(work / "pool.duckdb")], check=True,
                   capture_output=True)
    rows = {}
    for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["status"] == "article":
            rows[row["doc_id"]] = {"published": row["published"], "entities": [], "quotes": [], "events": []}
    for name in ("entities", "quotes", "events"):
        for line in (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows[row["doc_id"]][name].append(row)
    pool = work / "pool.jsonl"
    pool.write_text("".join(json.dumps(v) + "\n" for v in rows.values()), encoding="utf-8")
    return pool


def one_size(n: int, workers: int, seed: int) -> dict:
    docs_dir, manifest = corpus.cached(OUT / "corpora", n, seed)
    work = Path(tempfile.mkdtemp(prefix=f"stages-{n}-", dir=OUT))
    try:
        pool = coded_pool(docs_dir, work)
        stats = work / "stats.json"
        cmd = [sys.executable, "-c", REPLAY, "run", str(docs_dir), "--out", str(work / "out"), "--db",
               str(work / "x.duckdb"), "--workers", str(workers), "--stats-json", str(stats)]
        load = os.getloadavg()[0]
        r = measured(cmd, None, {**os.environ, "REPLAY_POOL": str(pool)})
        if r["returncode"] not in (0, 3):
            raise SystemExit(f"the run failed ({r['returncode']}): {r['stderr'][-3000:]}")
        s = json.loads(stats.read_text(encoding="utf-8"))
        return {"docs": n, "seconds": round(r["seconds"], 1), "ms_per_doc": round(1000 * r["seconds"] / n, 2),
                "stage_ms_per_doc": {k: round(1000 * v / n, 2) for k, v in s["seconds"].items()},
                "peak_rss_mb": r["peak_rss_mb"], "peak_pss_mb": r.get("peak_pss_mb"),
                "largest_process_mb": r["peak_rss_single_mb"], "events": s["counts"].get("events"),
                "incidents": s["counts"].get("incidents"), "store_mb": round((work / "x.duckdb").stat().st_size / 2 ** 20),
                "cpu_ms_per_doc": {k: round(1000 * v / n, 2) for k, v in s.get("cpu_seconds", {}).items()},
                "loadavg_start": load, "loadavg": os.getloadavg()[0]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: list[dict], args) -> str:
    stages = sorted({k for r in rows for k in r["stage_ms_per_doc"]})
    lines = ["# Detente benchmark: the corpus stages at scale", "",
             "Generated by `bench/corpus_stages.py` (its docstring says how): `detente run` over the bench corpus with "
             "annotate+code replayed from real coded articles, so that only what can grow with the corpus is timed: "
             "reading and cleaning, dedupe against the store's index, the store's writes and incident updates, and "
             "the export.", "",
             f"- command: `python bench/corpus_stages.py --sizes {args.sizes} --workers {args.workers}`",
             f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: "
             + ", ".join(f"{k} {v}" for k, v in machine().items()), "",
             "Wall times count the waits for a CPU shared with other work; the CPU milliseconds of the main process "
             "(the store, dedupe and export, DuckDB's threads included) do not, and are the figure to compare when the "
             "load average (at the start and the end of each size) was high.", "",
             "| documents | seconds | ms / doc | " + " | ".join(f"{s} ms/doc" for s in stages)
             + " | main CPU ms/doc | workers CPU ms/doc | peak RSS MB (all) | peak PSS MB | largest process MB | events "
               "| incidents | store MB | load avg |",
             "|" + "---:|" * (12 + len(stages))]
    for r in rows:
        cpu = r.get("cpu_ms_per_doc", {})
        lines.append(f"| {r['docs']:,} | {r['seconds']} | {r['ms_per_doc']} | "
                     + " | ".join(str(r["stage_ms_per_doc"].get(s, "")) for s in stages)
                     + f" | {cpu.get('main', '')} | {cpu.get('workers', '')}"
                     + f" | {r['peak_rss_mb']:.0f} | {r['peak_pss_mb'] or 0:.0f} | {r['largest_process_mb']:.0f} | "
                       f"{r['events']:,} | {r['incidents']:,} | {r['store_mb']} | "
                       f"{r.get('loadavg_start', r['loadavg']):.1f} / {r['loadavg']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print each size's figures as a JSON line")
    parser.add_argument("--merge", action="store_true",
                        help=f"keep the other sizes of the last runs ({SAVED.relative_to(REPO)}) in the report")
    args = parser.parse_args()
    saved = json.loads(SAVED.read_text(encoding="utf-8")) if args.merge and SAVED.exists() else {}
    rows: dict[str, dict] = {str(r["docs"]): r for r in saved.get("rows", [])}
    for n in (int(x) for x in args.sizes.split(",")):
        rows[str(n)] = one_size(n, args.workers, args.seed)
        if args.json:
            print(json.dumps(rows[str(n)]), flush=True)
        ordered = sorted(rows.values(), key=lambda r: r["docs"])
        if args.merge:  # the command that gives the whole table
            args.sizes = ",".join(str(r["docs"]) for r in ordered)
        SAVED.parent.mkdir(parents=True, exist_ok=True)
        SAVED.write_text(json.dumps({"rows": ordered}), encoding="utf-8")
        (HERE / "CORPUS_STAGES.md").write_text(report(ordered, args), encoding="utf-8")


if __name__ == "__main__":
    main()
