"""The Spark engine: `detente run --engine spark INPUT --out DIR` (docs/spark.md).

The same flow as pipeline.run, as Spark jobs:
- the driver lists the input files (detente.read's expansion of folders and globs); executors read each file's
  records, clean them, and compute their dedupe probes (content hash, URL key, MinHash signature, LSH band keys);
- dedupe joins documents on their blocking keys (the same id, content hash or URL key; an LSH band whose pair of
  signatures reaches the threshold), finds the connected groups, and runs the local Deduper over each group in the
  local order, which gives the local engine's originals and duplicates (jobs.resolve_group says why);
- the articles that are no duplicates are annotated and coded in mapPartitions, by the local engine's chunk
  function, in Python workers forked from a daemon that loaded the models once per executor (daemon.py);
- events are grouped by their incident block (resolve.block_key) and merge_incidents runs per block;
- the rows go to OUT/parquet/{documents,entities,events,quotes,incidents}/ (parquet.py), and, with `write_local`,
  to the store and the contract's JSONL files and brief by the local engine's own code.

Inputs must be readable at the same path by the driver and every executor (one machine, or a shared file system).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Optional

from detente.spark import jobs
from detente.types import ARTICLE, NOT_TEXT, Record

DATASETS = ("documents", "entities", "events", "quotes", "incidents")
DOCS_PER_TASK = 256  # documents per partition of the corpus stages and of coding: a task of a minute or two
COMPONENTS_IN_ONE_TASK = 2_000_000  # up to this many records, dedupe groups are found in one task (~200 B each)
FILES_PER_TASK = 64  # input files read by one task (a WARC file may hold thousands of records: they are spread after)


@dataclass
class SparkResult:
    run_id: str
    out_dir: Path
    parquet_dir: str
    db_path: Optional[Path] = None       # the store written, with write_local
    totals: dict[str, int] = field(default_factory=dict)  # documents per status, then rows per kind
    unread: list[tuple[str, str]] = field(default_factory=list)  # (source, error) of the first unreadable records
    unread_count: int = 0
    skipped: int = 0                     # the local engine's unchanged records; Spark codes every record again
    timings: dict[str, float] = field(default_factory=dict)
    parse_stats: dict[str, int] = field(default_factory=dict)
    partitions: int = 0

    def counts(self) -> dict[str, int]:
        return dict(self.totals)


def session(master: Optional[str] = "local[*]", conf: Optional[dict[str, str]] = None):
    """The active SparkSession, or a new one for `master` (None: whatever spark-submit was given), quiet, with the
    executors' Python the driver's own unless PYSPARK_PYTHON or spark.pyspark.python says otherwise (a packed venv
    on a cluster). Returns (session, whether it was made here)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    # workers fork from a daemon that holds the models (daemon.py), a fresh one per task: flat memory
    settings = {"spark.log.level": "WARN", "spark.ui.showConsoleProgress": "false",
                "spark.python.daemon.module": "detente.spark.daemon", "spark.python.worker.reuse": "false"}
    if master and master.startswith("local"):
        settings["spark.sql.shuffle.partitions"] = "4"
    conf = dict(conf or {})
    if not os.environ.get("PYSPARK_PYTHON"):
        # PySpark takes the workers' Python from this variable alone when the driver is a Python process
        os.environ["PYSPARK_PYTHON"] = conf.get("spark.pyspark.python") or sys.executable
    settings.update(conf)
    builder = SparkSession.builder.appName("detente")
    if master:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark, True


def list_units(inputs: list[str], stdin=None, own: tuple[str, ...] = ()) -> list[tuple[int, object]]:
    """(file number, what to read) in input order: a path for an executor to read, or a Record the driver made (a
    folder it could not list; standard input, read here). Paths in or under `own` (the run's own store and Parquet
    datasets, when OUT lies in an input folder) are left out."""
    from detente.read import iter_records
    from detente.read.sources import STDIN, Unreadable, expand

    own = tuple(os.path.realpath(o) for o in own)
    units: list[tuple[int, object]] = []
    for item in expand(list(inputs)):
        if isinstance(item, str) and item != STDIN and any(
                os.path.realpath(item) == o or os.path.realpath(item).startswith(o + os.sep) for o in own):
            continue
        if isinstance(item, Unreadable):  # as iter_records reports it
            units.append((len(units), Record(source=item.path, status=NOT_TEXT, error=item.error)))
        elif item == STDIN:
            for record in iter_records([STDIN], stdin=stdin):
                units.append((len(units), record))
        else:
            units.append((len(units), item))
    return units


def run_spark(inputs: list[str], out_dir: Path, db_path: Optional[Path] = None, master: Optional[str] = "local[*]",
              write_local: bool = True, progress=None, *, parquet_dir: Optional[str] = None,
              partitions: Optional[int] = None, conf: Optional[dict[str, str]] = None, stdin=None) -> SparkResult:
    """Run the whole flow over `inputs` on Spark and write the Parquet datasets to `parquet_dir` (default
    OUT/parquet); with `write_local`, also add the run to the store (`db_path`, default OUT/detente.duckdb) and
    write the contract's JSONL files and the brief to OUT, as pipeline.run does.

    `master` is used when no SparkSession is active (None: spark-submit's). `partitions` overrides the partitions of
    the corpus and coding stages; `conf` adds Spark settings. `progress` is pipeline.run's progress object.
    Raises store.StoreLocked at once when `write_local` and another process writes to the store.
    """
    from detente.pipeline import _run_id, _Signals
    from detente.spark.local import commit
    from detente.store import Store, StoreLock

    out_dir = Path(out_dir)
    parquet_dir = parquet_dir or str((out_dir / "parquet").resolve())
    result = SparkResult(_run_id(list(inputs)), out_dir, parquet_dir)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run = _SparkRun(inputs, result, master, partitions, conf, progress, stdin)
    if not write_local:
        run.go()
        return result
    result.db_path = Path(db_path) if db_path else out_dir / "detente.duckdb"
    with _Signals() as signals, StoreLock(result.db_path) as lock:
        if result.db_path.exists():  # bring its schema up to date, or refuse it, before any work
            Store(result.db_path, lock=lock).close()
            run.store = lambda: Store(result.db_path, lock=lock)
        rows = run.go(collect=True)
        t = time.perf_counter()
        run.bar.start("store + files", None)
        commit(result, rows, list(inputs), started, lock, signals)
        run.bar.finish("store + files")
        result.timings["store+files"] = time.perf_counter() - t
    return result


class _SparkRun:
    """The Spark part of a run. `store`, when set, opens the existing store the run adds to: the run's documents are
    then also checked against the originals it holds, as the local engine does."""

    def __init__(self, inputs, result: SparkResult, master, partitions, conf, progress, stdin):
        self.inputs, self.result, self.master, self.partitions, self.conf = inputs, result, master, partitions, conf
        from detente.pipeline import Silent
        self.bar = progress or Silent()
        self.stdin = stdin
        self.store = None
        self.persisted: list = []

    def persist(self, rdd):
        from pyspark import StorageLevel

        self.persisted.append(rdd.persist(StorageLevel.MEMORY_AND_DISK))
        return rdd

    def stage(self, name: str, key: str, action):
        self.bar.start(name, None)
        t = time.perf_counter()
        self.sc.setJobGroup(f"detente {name}", f"detente {self.result.run_id}: {name}")
        value = action()
        self.result.timings[key] = time.perf_counter() - t
        self.bar.finish(name)
        return value

    def go(self, collect: bool = False) -> Optional[dict]:
        """Write the Parquet datasets; with `collect`, return the rows for the store (documents, mentions, quotes,
        events, originals) in the local engine's order."""
        t = time.perf_counter()
        spark, made = session(self.master, self.conf)
        self.sc = spark.sparkContext
        self.result.timings["spark"] = time.perf_counter() - t
        try:
            return self._stages(spark, collect)
        finally:
            for rdd in self.persisted:
                rdd.unpersist()
            if made:
                spark.stop()

    def _stages(self, spark, collect: bool) -> Optional[dict]:
        from detente.dedupe import Deduper
        from detente.pipeline import CHUNK_DOCUMENTS, UNREAD_LISTED
        from detente.spark import parquet

        sc, result, persist, stage = self.sc, self.result, self.persist, self.stage
        # read + clean: one task per few input files; a record keeps its (file, record) index
        own = (result.parquet_dir,) + ((str(result.db_path), f"{result.db_path}.wal") if result.db_path else ())
        units = list_units(self.inputs, self.stdin, own)
        slices = max(1, min(len(units), max(sc.defaultParallelism, len(units) // FILES_PER_TASK)))
        items = persist(sc.parallelize(units, slices).mapPartitions(jobs.read_clean))
        n_records = stage("read + clean", "read+clean", items.count)
        p = self.partitions or max(sc.defaultParallelism, -(-n_records // DOCS_PER_TASK))
        result.partitions = p

        # dedupe: (index, (document, probe)), duplicates marked, in p partitions
        stored = self._stored_originals(items) if self.store else []
        docs = persist(_dedupe(items, p, Deduper().threshold, persist, stored,
                               one_task=n_records + len(stored) <= COMPONENTS_IN_ONE_TASK))
        tally = stage("dedupe", "dedupe", lambda: docs.aggregate(jobs.DocTally(UNREAD_LISTED), jobs.DocTally.add,
                                                                 jobs.DocTally.merge))
        result.unread_count = tally.unread_count
        result.unread = [(d.source, d.error) for _, d in tally.unread]

        # annotate + code the articles: (tag, key, value) records. Spread evenly over at least a few tasks per core
        # (of a chunk or more each), so that the cores finish together however long the articles are.
        n_articles = tally.statuses.get(ARTICLE, 0)
        k = max(1, min(max(p, 4 * sc.defaultParallelism), -(-n_articles // CHUNK_DOCUMENTS)))
        articles = docs.filter(jobs.is_article).map(jobs.without_probe).repartition(k)
        coded = persist(articles.mapPartitions(partial(jobs.annotate_partition, chunk=CHUNK_DOCUMENTS)))
        kinds = stage("annotate + code", "annotate+code",
                      lambda: coded.aggregate(jobs.CodeTally(), jobs.CodeTally.add, jobs.CodeTally.merge))
        result.parse_stats = dict(kinds.stats)

        # incidents, per block; events that are no incident pass by
        events = coded.filter(partial(jobs.tagged, jobs.EVENT)).map(jobs.block_of)
        merged = persist(events.filter(lambda kv: kv[0] is not None).groupByKey(p).flatMap(jobs.merge_block)
                         .union(events.filter(lambda kv: kv[0] is None).map(jobs.no_incident)).coalesce(p))
        n_incidents = stage("incidents", "incidents", merged.filter(partial(jobs.tagged, jobs.INCIDENT)).count)
        result.totals = {**tally.statuses, "entities": kinds.counts.get(jobs.MENTION, 0),
                         "quotes": kinds.counts.get(jobs.QUOTE, 0), "events": kinds.counts.get(jobs.EVENT, 0),
                         "incidents": n_incidents}

        # Parquet: the documents as coded (budget notes in their error), events with their incident ids
        final_docs = docs.filter(lambda kv: not jobs.is_article(kv)).map(jobs.without_probe) \
            .union(coded.filter(partial(jobs.tagged, jobs.DOC)).map(jobs.keyed_value)).coalesce(p)
        rows = {"documents": final_docs.values(),
                "entities": coded.filter(partial(jobs.tagged, jobs.MENTION)).map(jobs.value),
                "events": merged.filter(partial(jobs.tagged, jobs.EVENT)).map(jobs.value),
                "quotes": coded.filter(partial(jobs.tagged, jobs.QUOTE)).map(jobs.value),
                "incidents": merged.filter(partial(jobs.tagged, jobs.INCIDENT)).map(jobs.value)}

        def write_parquet():
            for name in DATASETS:
                parquet.write(spark, rows[name].map(jobs.to_row), name, f"{result.parquet_dir}/{name}")
        stage("parquet", "parquet", write_parquet)
        if not collect:
            return None

        def gather() -> dict:
            found = (final_docs.map(lambda kv: (jobs.DOC, (kv[0], 0), kv[1]))
                     .union(coded.filter(lambda r: r[0] in (jobs.MENTION, jobs.QUOTE, jobs.EVENT)))
                     .union(docs.map(jobs.original).filter(lambda o: o is not None)
                            .map(lambda o: (jobs.ORIGINAL, None, o)))
                     .coalesce(p).collect())
            out: dict[str, list] = {tag: [] for tag in (jobs.DOC, jobs.MENTION, jobs.QUOTE, jobs.EVENT)}
            originals = [value for tag, _, value in found if tag == jobs.ORIGINAL]
            for tag, key, value in sorted((r for r in found if r[0] != jobs.ORIGINAL), key=lambda r: r[1]):
                out[tag].append(value)  # by input index, then as coded
            return {"documents": out[jobs.DOC], "mentions": out[jobs.MENTION], "quotes": out[jobs.QUOTE],
                    "events": [e for e, _ in out[jobs.EVENT]], "originals": originals}
        return stage("collect", "collect", gather)

    def _stored_originals(self, items) -> list:
        """The store's originals that the run's documents could be copies of (store.originals, as the local engine
        asks it): the run's keys are few enough for the driver, since the store is for runs that fit it."""
        keys = items.flatMap(jobs.lookup_keys).distinct().collect()
        wanted = {kind: [k for kind_, k in keys if kind_ == kind] for kind in ("hash", "url", "band", "origin")}
        with self.store() as store:
            return store.originals(wanted["hash"], wanted["url"], wanted["band"], replacing=wanted["origin"],
                                   run_id=self.result.run_id)


def _dedupe(items, p: int, threshold: float, persist, stored: list = (), one_task: bool = True):
    """(index, (document, probe)) with duplicates marked and repeated records dropped, in `p` partitions. `stored`:
    originals of earlier runs (store.originals), which come before every document of this one. `one_task`: see
    _components."""
    if stored:
        items = items.union(items.context.parallelize([((-1, n), (None, o)) for n, o in enumerate(stored)]))
    edges = items.flatMap(jobs.blocking_keys).groupByKey(p).flatMap(partial(jobs.edges_of, threshold=threshold))
    labels = _components(edges, p, persist, one_task)
    return (items.leftOuterJoin(labels, p)
            .map(lambda kv: (kv[1][1] if kv[1][1] is not None else kv[0], (kv[0], kv[1][0])))
            .groupByKey(p)
            .flatMap(lambda kv: jobs.resolve_group(kv[1])))


def _components(edges, p: int, persist, one_task: bool):
    """(index, label) for every document with an edge: the smallest index of its connected group. With `one_task`,
    by union-find in one task (one pass over the edges, memory for the documents that have one); else by min-label
    propagation over all partitions, a round per step of the longest path."""
    if one_task:
        return edges.map(lambda e: (0, e)).partitionBy(1).values().mapPartitions(jobs.union_find)
    adjacent = persist(edges.flatMap(lambda e: (e, (e[1], e[0]))))
    labels = persist(adjacent.reduceByKey(min, p).map(lambda kv: (kv[0], min(kv))))
    while True:
        spread = adjacent.join(labels, p).values()  # (neighbour, my label)
        new = persist(labels.cogroup(spread, p).mapValues(jobs.relabel))  # (old label, new label)
        if not new.filter(lambda kv: kv[1][1] != kv[1][0]).count():
            return labels
        labels = persist(new.mapValues(lambda old_new: old_new[1]))
