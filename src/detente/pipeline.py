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
- The store is the one truth: the run's rows are written, and the incidents recomputed over every stored event, in
  one transaction; in that same transaction the run's rows are read back and the JSONL files and the brief written
  from them into a temporary folder inside OUT, which is moved into place once the store has committed. So the files
  and the store agree on every row, incident id and count, and a run stopped before its commit leaves both as they
  were. SIGTERM stops a run as Ctrl-C does (its temporary files are removed); between the commit and the last move
  SIGTERM and SIGINT wait, so that the files and the store stay together.
"""
from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import shutil
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from detente.brief import build_brief, render_html, render_markdown
from detente.clean import clean_record
from detente.dedupe import Deduper
from detente.read import iter_records
from detente.store import Store, StoreLock, write_jsonl
from detente.store.files import write_atomic
from detente.types import ARTICLE, Document, Event, Incident, Mention, Quote, Record

OUTPUT_FILES = ("documents.jsonl", "entities.jsonl", "events.jsonl", "quotes.jsonl", "incidents.jsonl", "brief.md",
                "brief.html")
TEMP_PREFIX = ".detente-run-"  # OUT/.detente-run-<pid>-<random>/: a run's files before they are moved into place


@dataclass
class RunResult:
    run_id: str
    out_dir: Path
    db_path: Path
    documents: list[Document] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    parse_stats: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        c = dict(Counter(d.status for d in self.documents))
        c.update(entities=len(self.mentions), quotes=len(self.quotes), events=len(self.events),
                 incidents=len(self.incidents))
        return c


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
    """clean_record, with the document keyed by its identity (document_id)."""
    doc = clean_record(record)
    try:
        doc.doc_id = document_id(record)
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


def _pool(workers: int):
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    return ctx.Pool(workers, initializer=_quiet_worker, initargs=(os.getpid(),))


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


def annotate_and_code(articles: list[Document], workers: int = 1) -> Iterator[tuple]:
    """(mentions, quotes, events, stats) per chunk of articles, in input order."""
    chunks = [articles[i:i + CHUNK_DOCUMENTS] for i in range(0, len(articles), CHUNK_DOCUMENTS)]
    if not chunks:
        return  # no article: no model to load
    _stages()
    if workers <= 1 or len(chunks) < 2 or not hasattr(os, "fork"):
        yield from map(_annotate_and_code_chunk, chunks)
        return
    with _pool(workers) as pool:
        yield from pool.imap(_annotate_and_code_chunk, chunks)


def _run_id(inputs: list[str]) -> str:
    """Time, inputs and a random part: two runs in the same second still differ."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{hashlib.sha1('|'.join(inputs).encode()).hexdigest()[:8]}-{uuid.uuid4().hex[:8]}"


def run(inputs: list[str], out_dir: Path, db_path: Optional[Path] = None, workers: Optional[int] = None,
        progress=None, stdin=None) -> RunResult:
    """Run the whole flow over `inputs`, add it to the store and write the output contract's files to `out_dir`.

    `progress` is an optional object with `start(stage, total)`, `advance(stage)` and `finish(stage)` (see cli.py);
    None is silent. Raises store.StoreLocked at once when another process is writing to the store, and
    store.StoreError when the store cannot be used.
    """
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / "detente.duckdb"
    with _Signals() as signals, StoreLock(db_path) as lock:
        if db_path.exists():  # bring its schema up to date, or refuse it, before any work
            Store(db_path, lock=lock).close()
        return _run(inputs, out_dir, db_path, lock, signals, workers, progress, stdin)


def _run(inputs, out_dir: Path, db_path: Path, lock: StoreLock, signals: "_Signals", workers, progress,
         stdin) -> RunResult:
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result = RunResult(_run_id(inputs), out_dir, db_path)
    workers = workers or (2 if (os.cpu_count() or 1) > 1 else 1)
    bar = progress or _Silent()

    t = time.perf_counter()
    bar.start("read + clean + dedupe", None)
    docs = dedupe_corpus(once_each(read_clean(inputs, workers, on_document=lambda d: bar.advance("read + clean + dedupe"),
                                              stdin=stdin)))
    bar.finish("read + clean + dedupe")
    result.documents = docs
    result.timings["read+clean+dedupe"] = time.perf_counter() - t

    t = time.perf_counter()
    articles = [d for d in docs if d.status == ARTICLE]
    bar.start("annotate + code", len(articles))
    stats: Counter = Counter()
    notes: dict[str, str] = {}  # doc_id -> the budget that stopped some of its coding
    for mentions, quotes, events, chunk_stats in annotate_and_code(articles, workers):
        result.mentions += mentions
        result.quotes += quotes
        result.events += events
        notes.update(chunk_stats.pop("budget_notes", {}))
        stats.update(chunk_stats)
        for _ in range(chunk_stats["documents"]):
            bar.advance("annotate + code")
    for d in docs:
        if d.doc_id in notes:
            d.error = "; ".join(n for n in dict.fromkeys((d.error, notes[d.doc_id])) if n)
    result.parse_stats = dict(stats)
    result.timings["annotate+code"] = time.perf_counter() - t

    t = time.perf_counter()
    _remove_stale_temp(out_dir)
    tmp = out_dir / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        with Store(db_path, lock=lock) as store:
            with store.transaction():
                store.write_run(result.run_id, docs, result.mentions, result.quotes, result.events)
                _export(store, result)  # this run's rows as the store holds them, incidents over the whole store
                finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
                store.record_run(result.run_id, {"started": started, "finished": finished, "inputs": list(inputs),
                                                 "counts": result.counts()})
                write_outputs(result, tmp)
                signals.hold()  # the commit and the moves below finish before a signal stops the run
            for name in OUTPUT_FILES:
                os.replace(tmp / name, out_dir / name)
    finally:
        try:
            shutil.rmtree(tmp, ignore_errors=True)
        finally:
            signals.release()  # raises now for a signal that came while held
    result.timings["store+brief"] = time.perf_counter() - t
    return result


def once_each(docs: Iterable[Document]) -> list[Document]:
    """One document per doc_id: a record given twice in one run (a folder and a file in it, two spellings of a
    path) is one document, read once."""
    seen: dict[str, Document] = {}
    for d in docs:
        seen.setdefault(d.doc_id, d)
    return list(seen.values())


def _export(store: Store, result: RunResult) -> None:
    """Replace the run's objects with the store's rows of its documents, in the run's order, and the incidents that
    hold any of its events (their counts over the whole store)."""
    order = {d.doc_id: n for n, d in enumerate(result.documents)}
    found = {e.event_id: n for n, e in enumerate(result.events)}
    ids = list(order)
    result.documents = sorted(store.documents(ids), key=lambda d: order[d.doc_id])
    result.mentions = sorted(store.mentions(ids), key=lambda m: (order[m.doc_id], m.span, m.actor.actor_id))
    result.quotes = sorted(store.quotes(ids), key=lambda q: (order[q.doc_id], q.span, q.quote_id))
    result.events = sorted(store.events(ids), key=lambda e: (order[e.doc_id], found.get(e.event_id, len(found)),
                                                             e.event_id))
    result.incidents = store.incidents([e.event_id for e in result.events])


def write_outputs(result: RunResult, out: Optional[Path] = None) -> None:
    """The contract's files and the brief, from `result`, into `out` (default: the run's out_dir)."""
    out = Path(out) if out is not None else result.out_dir
    write_jsonl(out / "documents.jsonl", (d.to_row() for d in result.documents))
    write_jsonl(out / "entities.jsonl", (m.to_row() for m in result.mentions))
    write_jsonl(out / "events.jsonl", (e.to_row() for e in result.events))
    write_jsonl(out / "quotes.jsonl", (q.to_row() for q in result.quotes))
    write_jsonl(out / "incidents.jsonl", (i.to_row() for i in result.incidents))
    brief = build_brief(result.documents, result.events, result.quotes, result.incidents)
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


class _Silent:
    def start(self, stage, total):
        pass

    def advance(self, stage):
        pass

    def finish(self, stage):
        pass


