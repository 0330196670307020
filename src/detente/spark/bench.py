"""Throughput, CPU and worker memory of the Spark engine (the figures in docs/spark.md).

    python -m detente.spark.bench INPUT... [--master local[2]]

Runs `run_spark` in a child process without the local files (Parquet only, to a temporary folder), and samples the
child's whole process tree from /proc meanwhile: the driver, the JVM, the PySpark daemon and its Python workers.
Prints one JSON object: records, wall seconds (Spark's start apart), documents per second, CPU seconds per document
(over the whole tree, so independent of other load on the machine), the stage timings and the peak resident memory
of the largest Python worker (one that coded articles holds the spaCy model) and of the JVM.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def child(inputs: list[str], master: str, out: Path) -> dict:
    from detente.spark import run_spark, session

    conf = {"spark.ui.enabled": "false"}
    started = time.perf_counter()
    spark, _ = session(master, conf)
    ready = time.perf_counter()
    try:
        result = run_spark(inputs, out, master=master, write_local=False, conf=conf)
    finally:
        spark.stop()
    done = time.perf_counter()
    records = sum(v for k, v in result.totals.items() if k not in ("entities", "quotes", "events", "incidents"))
    return {"master": master, "records": records, "counts": result.counts(), "partitions": result.partitions,
            "spark_start_s": round(ready - started, 1), "run_s": round(done - ready, 1),
            "docs_per_s": round(records / (done - ready), 2),
            "timings": {k: round(v, 1) for k, v in result.timings.items()}}


class Tree(threading.Thread):
    """Per process of a tree: the last CPU time seen and the peak resident memory (processes that end keep theirs)."""

    def __init__(self, root: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.cpu: dict[int, float] = {}
        self.rss: dict[int, int] = {}
        self.kind: dict[int, str] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.interval)

    def sample(self) -> None:
        parent: dict[int, int] = {}
        stats: dict[int, list[bytes]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as f:
                        raw = f.read()
                except OSError:
                    continue
                fields = raw[raw.rindex(b")") + 2:].split()
                parent[int(entry.name)] = int(fields[1])
                stats[int(entry.name)] = fields
        mine = {self.root}
        grew = True
        while grew:
            more = {pid for pid, ppid in parent.items() if ppid in mine} - mine
            grew = bool(more)
            mine |= more
        for pid in mine:
            fields = stats.get(pid)
            if not fields:
                continue
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
            self.rss[pid] = max(self.rss.get(pid, 0), int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 2 ** 20)
            try:  # read each time: spark-submit's shell script becomes the JVM by exec
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                cmd = ""
            if not cmd:  # a process that has ended keeps the kind it had
                continue
            python = "pyspark.worker" in cmd or "pyspark.daemon" in cmd
            self.kind[pid] = ("python worker" if python else "jvm" if "java" in cmd.split(" ")[0]
                              else "driver" if pid == self.root else "other")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.inputs, args.master, args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "detente.spark.bench", *args.inputs, "--master", args.master, "--child", tmp]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
        tree = Tree(proc.pid)
        tree.start()
        out, _ = proc.communicate()
        tree.halt.set()
        tree.join()
    report = json.loads(out.strip().splitlines()[-1])
    cpu = sum(tree.cpu.values())
    report.update(cpu_s=round(cpu, 1), cpu_s_per_doc=round(cpu / max(1, report["records"]), 3),
                  worker_peak_rss_mb=max((r for p, r in tree.rss.items() if tree.kind.get(p) == "python worker"),
                                         default=0),
                  jvm_peak_rss_mb=max((r for p, r in tree.rss.items() if tree.kind.get(p) == "jvm"), default=0),
                  cpu_by_kind={k: round(sum(c for p, c in tree.cpu.items() if tree.kind.get(p) == k), 1)
                               for k in sorted(set(tree.kind.values()))},
                  load_average=[round(x, 1) for x in os.getloadavg()])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
