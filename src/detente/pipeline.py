"""The whole flow of DESIGN.md for one run: read -> clean -> dedupe -> annotate -> code -> resolve -> store -> brief.

Per-record stages (read, clean) and per-document stages (annotate, code) run in process pools; corpus stages
(dedupe, resolve) see every document once. The CLI is a thin shell over `run()`.

A run and its store:
- It takes the store's lock first (store.StoreLock), and opens an existing store once to bring its schema up to date,
  so a second writer, or a store this version cannot use, is refused at once, before any work. (A new store is made
  only when the run has rows for it, so that it is not among the inputs when OUT lies inside an input folder.)
- A document's identity (doc_id) is the hash of its canonical source (the resolved real path of its file, plus `#N`
  for record N of a container; or the record's URL when it has one) and its raw content, so the same folder given as
  `corpus`, `./corpus/` or its absolute path is the same set of documents. `source` keeps the path as given.
- The store is the one truth: each batch's rows are written in one transaction; the incidents the run touched are
  recomputed once, in the last batch's transaction (earlier batches note their scopes as pending, and a stopped run's
  pending scopes are recomputed by the next run); in that last transaction the run's rows are read back and the
  JSONL files and the brief written
  from them into a temporary folder inside OUT, which is moved into place once the store has committed. So the files
  and the store agree on every row, incident id and count, and a run stopped before its commit leaves both as they
  were. SIGTERM stops a run as Ctrl-C does (its temporary files are removed); between the commit and the last move
  SIGTERM and SIGINT wait, so that the files and the store stay together.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import resource
import shutil
import signal
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from detente.brief import build_brief, render_html, render_markdown
from detente.clean import clean_record
from detente.dedupe import Deduper
from detente.read import iter_records
from detente.settings import BRIEF_MAX_DOCUMENTS, CODING_TASKS_PER_WORKER, RUN_BATCH_DOCUMENTS
from detente.store import Store, StoreLock, write_jsonl
from detente.store.files import write_atomic
from detente.types import ARTICLE, Document, Event, Incident, Mention, Quote, Record

OUTPUT_FILES = ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl", "incidents.jsonl", "brief.md",
                "brief.html")
TEMP_PREFIX = ".detente-run-"  # OUT/.detente-run-<pid>-<random>/: a run's files before they are moved into place


@dataclass
class RunResult:
    """What a run did. Its rows are read back on first use from the files it wrote to OUT (the store's export of the
    run), so a run of any size holds none of them in memory."""
    run_id: str
    out_dir: Path
    db_path: Path
    totals: dict[str, int] = field(default_factory=dict)  # documents per status, then rows per kind
    unread: list[tuple[str, str]] = field(default_factory=list)  # (source, error) of the first unreadable records
    unread_count: int = 0
    skipped: int = 0  # records the store already held unchanged: not processed again
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds of the main process per stage
    cpu: dict[str, float] = field(default_factory=dict)      # CPU seconds of the main process and of its workers
    parse_stats: dict[str, int] = field(default_factory=dict)
    _loaded: dict = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        return dict(self.totals)

    def _rows(self, name: str, kind) -> list:
        if name not in self._loaded:
            path = self.out_dir / name
            with open(path, encoding="utf-8") as f:
                self._loaded[name] = [kind.from_row(json.loads(line)) for line in f if line.strip()]
        return self._loaded[name]

    @property
    def documents(self) -> list[Document]:
        return self._rows("documents.jsonl", Document)

    @property
    def mentions(self) -> list[Mention]:
        return self._rows("entities.jsonl", Mention)

    @property
    def quotes(self) -> list[Quote]:
        return self._rows("quotes.jsonl", Quote)

    @property
    def events(self) -> list[Event]:
        return self._rows("events.jsonl", Event)

    @property
    def incidents(self) -> list[Incident]:
        return self._rows("incidents.jsonl", Incident)


# Records handed to the pool at a time. Pool.imap would drain the whole input at once, so that memory
# would grow with the corpus; a window keeps it flat.
CLEAN_WINDOW = 512


def canonical_source(record: Record) -> str:
    """Where a record really comes from: its URL when it has one, else the resolved real path of its file (plus
    `#N` for record N of a JSONL or WARC file), whatever spelling of the path was given; "-" for standard input."""
    if record.url:
        return record.url
    source = record.source
    if source == "-":
        return source
    path, hash_sign, number = source.rpartition("#")
    if hash_sign and number.isdigit() and os.path.exists(path):
        return os.path.realpath(path) + "#" + number
    return os.path.realpath(source)


def document_id(record: Record) -> str:
    """Stable across runs and spellings of a path, different for different records: canonical source plus raw
    content (or, for a record that could not be read, its status, size and error)."""
    h = hashlib.sha1()
    h.update(canonical_source(record).encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    if record.text is not None:
        h.update(record.text.encode("utf-8", "surrogatepass"))
    else:
        given = record.source.rpartition("#")[0] if "#" in record.source else record.source
        error = (record.error or "").replace(given, "")  # an error message may quote the path as given
        h.update(f"{record.status}|{error}|{record.size}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


def clean(record: Record) -> Document:
    """clean_record, with the document keyed by its identity (document_id) and its origin (canonical_source)."""
    doc = clean_record(record)
    try:
        doc.doc_id = document_id(record)
        doc.origin = canonical_source(record)
    except Exception:  # a malformed record: clean_record's own id stands
        pass
    return doc


# Pool workers: quiet when the run stops. They ignore Ctrl-C (the parent stops them), die plainly on SIGTERM (the
# parent's handler is not theirs), and exit at once when the parent is gone instead of writing to a closed pipe.
_PARENT: Optional[int] = None


def _quiet_worker(parent: int) -> None:
    global _PARENT
    _PARENT = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def _orphaned() -> bool:
    return _PARENT is not None and os.getppid() != _PARENT


def _pool(workers: int, tasks_per_worker: Optional[int] = None):
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    return ctx.Pool(workers, initializer=_quiet_worker, initargs=(os.getpid(),), maxtasksperchild=tasks_per_worker)


def clean_stream(records: Iterable[Record], workers: int = 1) -> Iterator[Document]:
    """Clean records in input order, in a pool when there are several workers."""
    if workers <= 1:
        yield from map(clean, records)
        return
    records = iter(records)
    with _pool(workers) as pool:
        while window := list(itertools.islice(records, CLEAN_WINDOW)):
            yield from pool.imap(clean, window, chunksize=8)


def read_clean(inputs: list[str], workers: int = 1, on_document: Optional[Callable[[Document], None]] = None,
               stdin=None) -> Iterator[Document]:
    """Every input record comes out once, cleaned, in input order."""
    for doc in clean_stream(iter_records(inputs, stdin=stdin), workers):
        if on_document:
            on_document(doc)
        yield doc


def read_clean_dedupe(inputs: list[str], workers: int = 1, stdin=None) -> Iterator[Document]:
    """The document half of the flow as a stream, for archives too large to hold: the first copy read is the original."""
    deduper = Deduper()
    for doc in read_clean(inputs, workers, stdin=stdin):
        yield deduper.check(doc)


def dedupe_corpus(docs: list[Document]) -> list[Document]:
    """Mark duplicates so that the earliest published copy is the original (undated copies last, then input order)."""
    deduper = Deduper()
    for i in sorted(range(len(docs)), key=lambda i: (docs[i].published is None, docs[i].published or "", i)):
        deduper.check(docs[i])
    return docs


# Per-document stages in worker processes. The models load once in the parent, before the pool forks,
# so workers share them instead of loading their own.
_STAGES: Optional[tuple] = None
CHUNK_DOCUMENTS = 16


def _stages() -> tuple:
    global _STAGES
    if _STAGES is None:
        from detente.annotate import Annotator  # spaCy loads only when a run needs it
        from detente.code import Coder
        _STAGES = (Annotator(), Coder())
    return _STAGES


def _annotate_and_code_chunk(docs: list[Document]) -> tuple[list[Mention], list[Quote], list[Event], dict]:
    from detente.code.coder import CoderStats
    annotator, coder = _stages()
    coder.stats = CoderStats()
    mentions, quotes, events = [], [], []
    for ann, evs in coder.code_many(annotator.annotate(docs)):
        mentions += ann.mentions
        quotes += ann.quotes
        events += evs
    if _orphaned():  # the run is gone: nobody to hand the result to
        os._exit(0)
    return mentions, quotes, events, asdict(coder.stats)


class Coding:
    """annotate+code of a run's batches, in one pool of `workers` processes that lives as long as the run (forked
    after the models load, so the workers share them). `submit` hands a batch's articles to the pool and returns at
    once, so that the next batch is read and cleaned while this one is coded; iterating what it returned gives
    (mentions, quotes, events, stats) per chunk, in order."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = None

    def submit(self, articles: list[Document]):
        chunks = [articles[i:i + CHUNK_DOCUMENTS] for i in range(0, len(articles), CHUNK_DOCUMENTS)]
        if not chunks:
            return iter(())  # no article: no model to load
        _stages()
        if self.workers <= 1 or not hasattr(os, "fork"):
            return map(_annotate_and_code_chunk, chunks)
        if self.pool is None:
            # a worker is replaced after a while: spaCy's string store only grows, and a fresh fork of the parent
            # (which holds the loaded models) costs little
            self.pool = _pool(self.workers, CODING_TASKS_PER_WORKER)
        return self.pool.imap(_annotate_and_code_chunk, chunks)

    def __enter__(self) -> "Coding":
        return self

    def __exit__(self, kind, *exc) -> None:
        if self.pool is not None:
            if kind is None:
                self.pool.close()
                self.pool.join()
            else:
                self.pool.terminate()
            self.pool = None


def annotate_and_code(articles: list[Document], workers: int = 1) -> Iterator[tuple]:
    """(mentions, quotes, events, stats) per chunk of articles, in input order."""
    with Coding(workers) as coding:
        yield from coding.submit(articles)


def _run_id(inputs: list[str]) -> str:
    """Time, inputs and a random part: two runs in the same second still differ."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{hashlib.sha1('|'.join(inputs).encode()).hexdigest()[:8]}-{uuid.uuid4().hex[:8]}"


def run(inputs: list[str], out_dir: Path, db_path: Optional[Path] = None, workers: Optional[int] = None,
        progress=None, stdin=None, rebuild: bool = False) -> RunResult:
    """Run the whole flow over `inputs`, add it to the store and write the output contract's files to `out_dir`.

    Records the store already holds unchanged (the same doc_id) are not processed again, unless `rebuild`: a run
    over a folder codes only its new and changed records, and a run that was stopped resumes where it stopped.
    `workers` defaults to the number of cores. `progress` is an optional object with `start(stage, total)`,
    `advance(stage)` and `finish(stage)` (see cli.py); None is silent. Raises store.StoreLocked at once when another
    process is writing to the store, and store.StoreError when the store cannot be used.
    """
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / "detente.duckdb"
    with _Signals() as signals, StoreLock(db_path) as lock:
        if db_path.exists():  # bring its schema up to date, or refuse it, before any work
            Store(db_path, lock=lock).close()
        return _Run(inputs, out_dir, db_path, lock, signals, workers, progress, stdin, rebuild).go()


class _Run:
    """One run: batches of documents go read+clean -> (skip the stored ones) -> dedupe against the store -> coded in
    the pool -> committed to the store with the incidents they touch, one transaction per batch. Then the run's rows
    are exported from the store (pipeline docstring)."""

    def __init__(self, inputs, out_dir: Path, db_path: Path, lock: StoreLock, signals: "_Signals", workers, progress,
                 stdin, rebuild: bool):
        self.inputs, self.out_dir, self.db_path, self.lock, self.signals = inputs, out_dir, db_path, lock, signals
        self.workers = workers or os.cpu_count() or 1
        self.bar = progress or Silent()
        self.stdin, self.rebuild = stdin, rebuild
        self.result = RunResult(_run_id(inputs), out_dir, db_path)
        self.store: Optional[Store] = None
        self.deduper = Deduper()
        self.order: dict[str, int] = {}  # the run's documents (ids only: the rows are in the store), in input order
        self.stats: Counter = Counter()
        self.timings = self.result.timings

    @contextmanager
    def _timed(self, stage: str):
        """Wall seconds of the main process per stage (waiting for a pool counts as that pool's stage)."""
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - t

    def go(self) -> RunResult:
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        t = time.perf_counter()
        cpu = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        self.bar.start("documents", None)
        own = {os.path.realpath(self.db_path), os.path.realpath(self.db_path) + ".wal"}
        records = (r for r in iter_records(self.inputs, stdin=self.stdin) if _file_of(r) not in own)
        try:
            with Coding(self.workers) as coding:
                pending = None
                batches = _batches(clean_stream(records, self.workers), RUN_BATCH_DOCUMENTS)
                while True:
                    with self._timed("read+clean"):
                        batch = next(batches, None)
                    if batch is None:
                        break
                    prepared = self._prepare(batch, coding)
                    if pending is not None:
                        self._commit(*pending, keep=prepared[1], last=False)
                    pending = prepared
                if pending is not None:
                    self._commit(*pending, keep=[], last=True)
            self.bar.finish("documents")
            self.result.parse_stats = dict(self.stats)
            self._finish(started)
            self.timings["total"] = time.perf_counter() - t
            self.result.cpu = {"main": _cpu(resource.RUSAGE_SELF) - cpu[0],
                               "workers": _cpu(resource.RUSAGE_CHILDREN) - cpu[1]}
        finally:
            if self.store is not None:
                self.store.close()
        return self.result

    def _open(self) -> Store:
        if self.store is None:  # made only when the run has rows for it
            self.store = Store(self.db_path, lock=self.lock)
        return self.store

    def _prepare(self, batch: list[Document], coding: Coding):
        """Skip what the store holds, dedupe the rest (the earliest published copy first), and start coding it."""
        with self._timed("store"):
            store = self._open()
        once = []
        for d in batch:  # a record given twice in one run is read once
            if d.doc_id not in self.order:
                self.order[d.doc_id] = len(self.order)
                once.append(d)
        batch = once
        with self._timed("store"):
            known = set() if self.rebuild else store.known(d.doc_id for d in batch)
            self.result.skipped += len(known)
            store.update_sources({d.doc_id: d.source for d in batch if d.doc_id in known})
        fresh = [d for d in batch if d.doc_id not in known]
        with self._timed("dedupe"):
            by_date = sorted(fresh, key=lambda d: (d.published is None, d.published or "", self.order[d.doc_id]))
            self.deduper.remember(store.originals(*self.deduper.lookups(by_date),
                                                  replacing=[d.origin for d in fresh if d.origin],
                                                  run_id=self.result.run_id))
            for d in by_date:
                self.deduper.check(d)
        articles = [d for d in fresh if d.status == ARTICLE]
        for d in batch:
            if d.doc_id in known:
                self.bar.advance("documents")
        return fresh, self.deduper.added(), coding.submit(articles)

    def _commit(self, docs: list[Document], originals, coded, keep, last: bool) -> None:
        mentions, quotes, events = [], [], []
        notes: dict[str, str] = {}  # doc_id -> the budget that stopped some of its coding
        done = 0
        coded = iter(coded)
        while True:
            with self._timed("annotate+code"):
                chunk = next(coded, None)
            if chunk is None:
                break
            m, q, e, chunk_stats = chunk
            mentions += m
            quotes += q
            events += e
            notes.update(chunk_stats.pop("budget_notes", {}))
            self.stats.update(chunk_stats)
            for _ in range(chunk_stats["documents"]):
                self.bar.advance("documents")
            done += chunk_stats["documents"]
        for d in docs:
            if d.doc_id in notes:
                d.error = "; ".join(n for n in dict.fromkeys((d.error, notes[d.doc_id])) if n)
        with self._timed("store"):
            # the incidents of the run's batches are recomputed once, with its last batch (Store.write_run)
            self.store.write_run(self.result.run_id, docs, mentions, quotes, events, originals=originals,
                                 resolve=last)
        for _ in range(len(docs) - done):
            self.bar.advance("documents")
        # the store holds this batch's originals now; keep only those of the batch being coded
        self.deduper.forget(keep=keep)

    def _finish(self, started: str) -> None:
        """Record the run and export its rows from the store (see publish)."""
        store = self._open() if self.order else None  # no record at all: empty files, and no store

        def write(tmp: Path) -> None:
            with self._timed("export+brief"):
                export_run(store, list(self.order), tmp, self.result)
            if store is not None:
                finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
                store.record_run(self.result.run_id, {"started": started, "finished": finished,
                                                      "inputs": list(self.inputs),
                                                      "counts": {**self.result.counts(), "unchanged": self.result.skipped}})

        publish(self.out_dir, store, write, self.signals)


def publish(out_dir: Path, store: Optional[Store], write: Callable[[Path], None], signals: "_Signals") -> None:
    """`write(tmp)` a run's files into a temporary folder inside OUT, in one transaction of the store (when there is
    one), then move them into place once it has committed: the files and the store always agree."""
    _remove_stale_temp(out_dir)
    tmp = out_dir / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        if store is None:
            write(tmp)
            signals.hold()
        else:
            with store.transaction():
                write(tmp)
                signals.hold()  # the commit and the moves below finish before a signal stops the run
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out_dir / name)
    finally:
        try:
            shutil.rmtree(tmp, ignore_errors=True)
        finally:
            signals.release()  # raises now for a signal that came while held


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)  # RUSAGE_CHILDREN: the pool workers, once they have exited
    return usage.ru_utime + usage.ru_stime


def _file_of(record: Record) -> str:
    path, hash_sign, number = record.source.rpartition("#")
    return os.path.realpath(path if hash_sign and number.isdigit() else record.source)


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    docs = iter(docs)
    while batch := list(itertools.islice(docs, size)):
        yield batch


UNREAD = ("empty", "not_text")
UNREAD_LISTED = 10


def export_run(store: Optional[Store], doc_ids: list[str], out: Path, result: RunResult) -> None:
    """The contract's files and the brief for the documents `doc_ids` (in this order), read from the store and
    streamed to `out`; the incidents are those holding any of their events, counted over the whole store. Sets the
    result's totals and unread records."""
    out = Path(out)
    statuses: Counter = Counter()
    counts: dict[str, int] = {}
    if store is not None:
        store.select_run(doc_ids)

    def rows(kind: str):
        return store.run_rows(kind) if store is not None else iter(())

    def documents():
        for d in rows("documents"):
            statuses[d.status] += 1
            if d.status in UNREAD and d.error:
                result.unread_count += 1
                if len(result.unread) < UNREAD_LISTED:
                    result.unread.append((d.source, d.error))
            yield d.to_row()

    def counted(name: str, items):
        counts[name] = 0
        for item in items:
            counts[name] += 1
            yield item.to_row()

    write_jsonl(out / "documents.jsonl", documents())
    write_jsonl(out / "entities.jsonl", counted("entities", rows("entities")))
    write_jsonl(out / "events.jsonl", counted("events", rows("events")))
    write_jsonl(out / "quotes.jsonl", counted("quotes", rows("quotes")))
    write_jsonl(out / "incidents.jsonl", counted("incidents", rows("incidents")))
    result.totals = {**statuses, **counts}
    if store is not None:
        docs, events, quotes, incidents = store.run_brief_rows(BRIEF_MAX_DOCUMENTS)
    else:
        docs, events, quotes, incidents = [], [], [], []
    write_brief(docs, events, quotes, incidents, out)


def write_brief(docs, events, quotes, incidents, out: Path) -> None:
    brief = build_brief(docs, events, quotes, incidents)
    write_atomic(out / "brief.md", render_markdown(brief))
    write_atomic(out / "brief.html", render_html(brief))


def _remove_stale_temp(out_dir: Path) -> None:
    """Temporary folders of runs that were killed (SIGKILL leaves them): their process is gone."""
    if not out_dir.is_dir():
        return
    for path in out_dir.glob(f"{TEMP_PREFIX}*"):
        pid = path.name[len(TEMP_PREFIX):].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Signals:
    """While a run is on: SIGTERM stops it as an exit (SystemExit 143) that runs its `finally` blocks, so it cleans
    up after itself. `hold()` ... `release()`: SIGTERM and SIGINT are noted, not acted on, until release, which then
    stops the run. Signal handlers can only be set in the main thread; elsewhere this does nothing."""

    def __init__(self):
        self.active = threading.current_thread() is threading.main_thread()
        self.saved: dict[int, object] = {}
        self.holding = False
        self.pending: Optional[int] = None

    def __enter__(self) -> "_Signals":
        if self.active:
            self.saved[signal.SIGTERM] = signal.signal(signal.SIGTERM, self._on_signal)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self.saved.clear()

    def _on_signal(self, signum, frame) -> None:
        if self.holding:
            self.pending = signum
            return
        self._stop(signum)

    @staticmethod
    def _stop(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    def hold(self) -> None:
        if not self.active or self.holding:
            return
        self.holding = True
        self.saved_int = signal.signal(signal.SIGINT, self._on_signal)

    def release(self) -> None:
        if not self.holding:
            return
        self.holding = False
        signal.signal(signal.SIGINT, self.saved_int if self.saved_int is not None else signal.SIG_DFL)
        pending, self.pending = self.pending, None
        if pending is not None:
            self._stop(pending)


class Silent:
    """A progress object that shows nothing."""

    def start(self, stage, total):
        pass

    def advance(self, stage):
        pass

    def finish(self, stage):
        pass


