"""Ingest from the dashboard: pasted text or an uploaded file goes through the whole pipeline into this store.

The content is written to a folder of its own under the system's temporary folder, named by a hash of the content
(so pasting the same text again gives the same document and replaces its rows, as re-running `detente run` on the
same file does), and `detente.pipeline.run` reads it from there with `--db` set to the served store; the run's
files (brief, JSONL) go to another temporary folder and are dropped. Both folders are removed afterwards. No
request names a path: the only file the app writes to is the store it was started on.

Ingests run one at a time. While the pipeline has the store open (its first check, then its write) this process's
readers wait (serve/store.py, StoreGate); while it annotates and codes they go on (told by the pipeline's progress
hooks: see _GateProgress).
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from detente.serve.store import StoreGate

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".warc", ".warc.gz", ".jsonl.gz", ".html.gz",
            ".txt.gz", ".arc", ".gz")


class IngestError(Exception):
    """An ingest that cannot run; `status` is the HTTP status to answer with, the message says why."""

    def __init__(self, message: str, status: int = 422, field: Optional[str] = None):
        super().__init__(message)
        self.status = status
        self.field = field


@dataclass
class Ingested:
    run_id: str = ""
    documents: list[dict] = field(default_factory=list)  # {doc_id, status, title, error}

    @property
    def lead(self) -> Optional[str]:
        """The document to show: the first article, else the first document."""
        for d in self.documents:
            if d["status"] == "article":
                return d["doc_id"]
        return self.documents[0]["doc_id"] if self.documents else None


def safe_name(filename: Optional[str], fallback: str) -> str:
    """A file name to write under: the upload's base name with only plain characters, keeping its suffix (which
    tells the reader the format)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    if not base:
        return fallback
    lower = base.lower()
    if not any(lower.endswith(s) for s in SUFFIXES):
        base += ".txt"
    return base


def looks_html(data: bytes) -> bool:
    from detente.read.sniff import looks_html as sniff
    return sniff(data[:8192])


class _GateProgress:
    """The pipeline's progress hooks, used to let this process's readers in while it annotates and codes (when it
    has no connection to the store open) and to keep them out again once the last document is coded, before it
    writes. Should a later pipeline open the store while they are in, Ingester.run sees the refusal and runs again
    with the readers kept out throughout."""

    def __init__(self, gate: StoreGate):
        self.gate = gate
        self.remaining: Optional[int] = None

    def start(self, stage: str, total) -> None:
        if "annotate" in stage and total:
            self.remaining = int(total)
            self.gate.release()

    def advance(self, stage: str) -> None:
        if "annotate" in stage and self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.done()

    def finish(self, stage: str) -> None:
        if "annotate" in stage:
            self.done()

    def done(self) -> None:
        self.remaining = None
        self.gate.hold()


def _readers_in_the_way(err: Exception) -> bool:
    """DuckDB's refusal to open the store for writing while this process has it open read-only."""
    return "different configuration" in str(err)


class Ingester:
    def __init__(self, db_path: Path, gate: StoreGate, max_bytes: int = DEFAULT_MAX_BYTES):
        self.db_path = Path(db_path)
        self.gate = gate
        self.max_bytes = max_bytes

    def prepare_text(self, text: str, fmt: str, url: Optional[str], title: Optional[str],
                     published: Optional[str]) -> tuple[str, bytes]:
        """(file name, bytes) for pasted text: a .html or .txt file, or a one-line JSONL record when the paste
        comes with a URL, a title or a date."""
        data = text.encode("utf-8", "surrogatepass")
        is_html = fmt == "html" or (fmt == "auto" and looks_html(data))
        if url or title or published:
            record = {"html" if is_html else "text": text, "url": url, "title": title, "published": published}
            line = json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
            return "pasted.jsonl", (line + "\n").encode("utf-8", "surrogatepass")
        return ("pasted.html" if is_html else "pasted.txt"), data

    def run(self, name: str, data: bytes) -> Ingested:
        """Run the pipeline on one file's bytes, into the store. Blocking: call it from a worker thread."""
        if len(data) > self.max_bytes:
            raise IngestError(f"the content is {len(data):,} bytes, over the cap of {self.max_bytes:,} bytes", 413,
                              "file")
        if not data.strip():
            raise IngestError("the content is empty: paste some text or choose a file", 422, "text")
        from detente.pipeline import run as run_pipeline
        from detente.store import StoreError, StoreLocked

        digest = hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:24]
        folder = Path(tempfile.gettempdir()) / "detente-ingest" / digest
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(data)
        try:
            with tempfile.TemporaryDirectory(prefix="detente-ingest-out-") as out:
                with self.gate.writing():
                    try:
                        try:
                            result = run_pipeline([str(target)], Path(out), self.db_path, workers=1,
                                                  progress=_GateProgress(self.gate))
                        except StoreError as err:
                            if isinstance(err, StoreLocked) or not _readers_in_the_way(err):
                                raise
                            self.gate.hold()  # nothing was written: again, with the readers out all along
                            result = run_pipeline([str(target)], Path(out), self.db_path, workers=1)
                    except StoreLocked as err:
                        raise IngestError(str(err), 409) from None
                    except StoreError as err:
                        raise IngestError(f"the store cannot take it: {err}", 503) from None
                # the run's rows are read from its files in `out`, before it goes
                documents = [{"doc_id": d.doc_id, "status": d.status, "title": d.title, "error": d.error}
                             for d in result.documents]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return Ingested(result.run_id, documents)
