"""The whole flow of DESIGN.md for one run: read -> clean -> dedupe -> annotate -> code -> resolve -> store -> brief.

Per-record stages (read, clean) and per-document stages (annotate, code) run in process pools; corpus stages
(dedupe, resolve) see every document once. The CLI is a thin shell over `run()`.
"""
from __future__ import annotations

import hashlib
import itertools
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from detente.brief import build_brief, render_html, render_markdown
from detente.clean import clean_record
from detente.dedupe import Deduper
from detente.read import iter_records
from detente.resolve import merge_incidents
from detente.store import Store, write_jsonl
from detente.store.files import write_atomic
from detente.types import ARTICLE, Document, Event, Incident, Mention, Quote, Record

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


def clean_stream(records: Iterable[Record], workers: int = 1) -> Iterator[Document]:
    """Clean records in input order, in a pool when there are several workers."""
    if workers <= 1:
        yield from map(clean_record, records)
        return
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    records = iter(records)
    with ctx.Pool(workers) as pool:
        while window := list(itertools.islice(records, CLEAN_WINDOW)):
            yield from pool.imap(clean_record, window, chunksize=8)


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
    return mentions, quotes, events, asdict(coder.stats)


def annotate_and_code(articles: list[Document], workers: int = 1) -> Iterator[tuple]:
    """(mentions, quotes, events, stats) per chunk of articles, in input order."""
    chunks = [articles[i:i + CHUNK_DOCUMENTS] for i in range(0, len(articles), CHUNK_DOCUMENTS)]
    _stages()
    if workers <= 1 or len(chunks) < 2 or not hasattr(os, "fork"):
        yield from map(_annotate_and_code_chunk, chunks)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_annotate_and_code_chunk, chunks)


def _run_id(inputs: list[str]) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{hashlib.sha1('|'.join(inputs).encode()).hexdigest()[:8]}"


def run(inputs: list[str], out_dir: Path, db_path: Optional[Path] = None, workers: Optional[int] = None,
        progress=None, stdin=None) -> RunResult:
    """Run the whole flow over `inputs` and write the output contract's files to `out_dir`.

    `progress` is an optional object with `start(stage, total)`, `advance(stage)` and `finish(stage)` (see cli.py);
    None is silent.
    """
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / "detente.duckdb"
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result = RunResult(_run_id(inputs), out_dir, db_path)
    workers = workers or (2 if (os.cpu_count() or 1) > 1 else 1)
    bar = progress or _Silent()

    t = time.perf_counter()
    bar.start("read + clean + dedupe", None)
    docs = dedupe_corpus(list(read_clean(inputs, workers, on_document=lambda d: bar.advance("read + clean + dedupe"),
                                         stdin=stdin)))
    bar.finish("read + clean + dedupe")
    result.documents = docs
    result.timings["read+clean+dedupe"] = time.perf_counter() - t

    t = time.perf_counter()
    articles = [d for d in docs if d.status == ARTICLE]
    bar.start("annotate + code", len(articles))
    stats: Counter = Counter()
    for mentions, quotes, events, chunk_stats in annotate_and_code(articles, workers):
        result.mentions += mentions
        result.quotes += quotes
        result.events += events
        stats.update(chunk_stats)
        for _ in range(chunk_stats["documents"]):
            bar.advance("annotate + code")
    result.parse_stats = dict(stats)
    result.timings["annotate+code"] = time.perf_counter() - t

    t = time.perf_counter()
    outlets = {d.doc_id: d.outlet for d in docs}
    result.incidents = merge_incidents(result.events, outlets)
    result.timings["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    write_outputs(result)
    finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with Store(db_path) as store:
        store.write_run(result.run_id, docs, result.mentions, result.quotes, result.events,
                        {"started": started, "finished": finished, "inputs": inputs, "counts": result.counts()})
        stored = store.events()
        store.replace_incidents(merge_incidents(stored, {k: v[0] for k, v in store.outlets().items()}))
    result.timings["store+brief"] = time.perf_counter() - t
    return result


def write_outputs(result: RunResult) -> None:
    out = result.out_dir
    write_jsonl(out / "documents.jsonl", (d.to_row() for d in result.documents))
    write_jsonl(out / "entities.jsonl", (m.to_row() for m in result.mentions))
    write_jsonl(out / "events.jsonl", (e.to_row() for e in result.events))
    write_jsonl(out / "quotes.jsonl", (q.to_row() for q in result.quotes))
    write_jsonl(out / "incidents.jsonl", (i.to_row() for i in result.incidents))
    brief = build_brief(result.documents, result.events, result.quotes, result.incidents)
    write_atomic(out / "brief.md", render_markdown(brief))
    write_atomic(out / "brief.html", render_html(brief))


class _Silent:
    def start(self, stage, total):
        pass

    def advance(self, stage):
        pass

    def finish(self, stage):
        pass


