"""One poll, and the loop of polls.

A poll: read each feed (a conditional GET) and each folder; fetch the new items' pages, and the failed ones whose
time has come, politely (fetch.Fetcher); write the pages as one JSONL file into OUT/inbox/; run the pipeline on that
file and on the folders' new files; alert on the run's events that match a rule. The state file is saved after
the fetching and again after the run, so a watch stopped at any point neither fetches a page twice nor loses one:
inputs not yet through a finished run stay `pending` and go into the next run.
"""
from __future__ import annotations

import itertools
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlsplit

from detente import pipeline
from detente.read.decode import decode_text
from detente import settings as S
from detente.watch.alerts import Rule, find_alerts, read_jsonl
from detente.watch.feeds import FeedError, Item, parse_feed
from detente.watch.fetch import Disallowed, Fetcher, FetchError, NotText, Stop, Stopped, TooLarge
from detente.watch.state import DISALLOWED, FAILED, FETCHED, NOT_TEXT, RETRY, TOO_LARGE, WatchState

INBOX = "inbox"                # OUT/inbox/: each poll's fetched pages, one JSONL file per poll
ALERTS_FILE = "alerts.jsonl"   # OUT/alerts.jsonl unless --alerts names another file


@dataclass(frozen=True)
class Source:
    text: str   # as given
    kind: str   # feed | folder
    where: str  # the URL, or the folder's absolute path


def source(text: str) -> Source:
    """A SOURCE of the command line; ValueError (one line) when it is neither a feed URL nor a folder."""
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return Source(text, "feed", text)
    if parts.scheme and len(parts.scheme) > 1 and "://" in text:
        raise ValueError(f"{text}: only http and https feeds are read")
    if os.path.isdir(text):
        return Source(text, "folder", os.path.abspath(text))
    raise ValueError(f"{text}: neither an http(s) feed URL nor a folder")


@dataclass
class PollReport:
    number: int
    feeds: int = 0
    unchanged: int = 0
    feed_errors: int = 0
    new_items: int = 0
    fetched: int = 0
    skipped: int = 0           # settled without a page: robots.txt, not text, too large
    failed: int = 0            # to be tried again, or given up
    files: int = 0
    inputs: int = 0            # handed to the run (inbox files, folder files, left over from before)
    documents: int = 0
    counts: Optional[dict] = None
    unread: int = 0
    run_error: Optional[str] = None
    alerts: int = 0
    stopped: bool = False

    @property
    def trouble(self) -> bool:
        return bool(self.feed_errors or self.failed or self.unread)

    def line(self) -> str:
        parts = []
        if self.feeds:
            notes = [f"{n} {what}" for n, what in ((self.unchanged, "unchanged"), (self.feed_errors, "failed")) if n]
            parts.append(f"{self.feeds} feed{'s' * (self.feeds != 1)}" + (f" ({', '.join(notes)})" if notes else ""))
        if self.new_items or self.fetched or self.failed or self.skipped:
            notes = [f"{n} {what}" for n, what in ((self.fetched, "fetched"), (self.skipped, "skipped"),
                                                   (self.failed, "failed")) if n]
            parts.append(f"{self.new_items} new item{'s' * (self.new_items != 1)}" +
                         (f" ({', '.join(notes)})" if notes else ""))
        if self.files:
            parts.append(f"{self.files} new file{'s' * (self.files != 1)}")
        if self.counts is not None:
            c = self.counts
            parts.append(f"run: {self.documents} document{'s' * (self.documents != 1)} ({c.get('article', 0)} "
                         f"articles), {c.get('events', 0)} events, {c.get('quotes', 0)} quotes" +
                         (f", {self.unread} records unread" if self.unread else ""))
            parts.append(f"{self.alerts} alert{'s' * (self.alerts != 1)}")
        elif self.run_error:
            parts.append(f"run failed ({self.run_error}); its inputs wait for the next poll")
        elif not self.stopped:
            parts.append("nothing new, no run")
        if self.stopped:
            parts.append("stopped")
        stamp = datetime.now().strftime("%H:%M:%S")
        return f"poll {self.number} at {stamp}: " + "; ".join(parts)


def _one_line(text) -> str:
    return " ".join(str(text).split())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class _FeedPoll:
    """A feed read in this poll: its new validators are kept only once every new item of it was handled, so that a
    poll stopped half way reads the whole feed again next time instead of getting a 304 and missing items."""
    url: str
    validators: dict = field(default_factory=dict)
    outstanding: int = 0
    complete: bool = True


class Watcher:
    """Polls `sources` into `out_dir`. `warn` takes one line for standard error, `on_alert` one alert."""

    def __init__(self, sources: list[Source], out_dir: Path, db_path: Optional[Path], rules: list[Rule],
                 alerts_path: Optional[Path], fetcher: Fetcher, state: WatchState, workers: Optional[int] = None,
                 warn: Callable[[str], None] = print, on_alert: Callable[[dict], None] = lambda a: None):
        self.sources, self.out_dir, self.db_path, self.rules = sources, Path(out_dir), db_path, rules
        self.alerts_path = Path(alerts_path) if alerts_path else self.out_dir / ALERTS_FILE
        self.fetcher, self.state, self.workers = fetcher, state, workers
        self.warn, self.on_alert = warn, on_alert
        self.stop = fetcher.stop
        self.polls = 0

    # -- one poll

    def poll(self) -> PollReport:
        self.polls += 1
        report = PollReport(self.polls)
        records: list[dict] = []
        feeds: dict[str, _FeedPoll] = {}
        files: list[str] = []
        completed = False
        try:
            self._collect(report, records, feeds, files)
            completed = True
        except Stopped:
            report.stopped = True
        finally:  # even on a second Ctrl-C: what was fetched is kept, so that no page is fetched twice nor lost
            if records:
                self.state.pending.append(str(self._write_inbox(records)))
            self.state.pending += [f for f in files if f not in self.state.pending]
            for fp in feeds.values():
                if completed and fp.complete and fp.outstanding == 0:
                    self.state.feeds.setdefault(fp.url, {}).update(fp.validators)
            self.state.save()
        if self.state.pending and not report.stopped and not self.stop.is_set():
            self._run(report)
            self.state.save()
        report.stopped = report.stopped or self.stop.is_set()
        return report

    def _collect(self, report: PollReport, records: list[dict], feeds: dict[str, "_FeedPoll"],
                 files: list[str]) -> None:
        seen = self.state.seen_urls()  # links, and the keys of items queued in this poll
        queues: list[list[tuple[str, dict, _FeedPoll]]] = []
        for src in self.sources:
            if self.stop.is_set():
                raise Stopped()
            if src.kind == "folder":
                found = self._scan(src.where)
                report.files += len(found)
                files += found
                continue
            report.feeds += 1
            fp = feeds[src.where] = _FeedPoll(src.where)
            queues.append(self._feed_items(src.where, fp, report, seen))
        now = time.time()
        retries = [(key, entry, None) for key, entry in self.state.items.items()
                   if entry.get("status") == RETRY and entry.get("next_try", 0) <= now]
        new = [job for job in itertools.chain.from_iterable(itertools.zip_longest(*queues)) if job]
        report.new_items = len(new)
        for key, entry, fp in retries + new:  # new items round-robin over feeds: hosts take turns
            self._fetch_page(key, entry, report, records)
            if fp is not None:
                fp.outstanding -= 1

    def _feed_items(self, url: str, fp: _FeedPoll, report: PollReport, seen: set[str]) -> list:
        """The feed's new items as (key, entry, fp); warns and gives none when the feed cannot be read."""
        known = self.state.feeds.get(url, {})
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        headers["Accept"] = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
        status = {"checked": _now()}
        try:
            response = self.fetcher.get(url, headers, max_bytes=S.MAX_FEED_BYTES)
            if response.status == 304:
                report.unchanged += 1
                self.state.feeds.setdefault(url, {}).update(status, status_text="unchanged")
                return []
            feed = parse_feed(response.body, response.url)
        except (FetchError, FeedError) as err:
            report.feed_errors += 1
            self.warn(f"feed {url}: {_one_line(err)}; the other sources go on")
            self.state.feeds.setdefault(url, {}).update(status, status_text=f"error: {_one_line(err)}")
            return []
        fp.validators = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified"),
                         **status, "status_text": f"{len(feed.items)} items"}
        out = []
        for item in feed.items:
            if self.state.known(item.key, item.link, seen) or item.key in seen:
                continue
            if len(out) >= S.MAX_ITEMS_PER_FEED:
                fp.complete = False  # the rest wait for the next poll, which must read the feed in full
                break
            seen.update((item.link, item.key))
            out.append((item.key, self._entry(item, url, feed.title), fp))
        fp.outstanding = len(out)
        return out

    @staticmethod
    def _entry(item: Item, feed_url: str, outlet: Optional[str]) -> dict:
        return {"url": item.link, "feed": feed_url, "title": item.title, "published": item.published,
                "outlet": outlet, "attempts": 0}

    def _fetch_page(self, key: str, entry: dict, report: PollReport, records: list[dict]) -> None:
        url = entry["url"]
        try:
            response = self.fetcher.get(url, {"Accept": "text/html, application/xhtml+xml, text/plain;q=0.8"},
                                        max_bytes=S.MAX_PAGE_BYTES, types=S.PAGE_TYPES)
        except (Disallowed, NotText, TooLarge) as err:
            status = DISALLOWED if isinstance(err, Disallowed) else NOT_TEXT if isinstance(err, NotText) else TOO_LARGE
            report.skipped += 1
            self.warn(f"page {url}: {_one_line(err)}; not fetched")
            self._settle(key, entry, status, str(err))
            return
        except FetchError as err:
            report.failed += 1
            attempts = entry.get("attempts", 0) + 1
            if attempts >= S.MAX_PAGE_ATTEMPTS:
                self.warn(f"page {url}: {_one_line(err)}; given up after {attempts} polls")
                self._settle(key, entry, FAILED, str(err), attempts=attempts)
                return
            wait = max(S.RETRY_PAGE_SECONDS * 2 ** (attempts - 1), err.retry_after or 0.0)
            when = datetime.fromtimestamp(time.time() + wait).strftime("%H:%M")
            self.warn(f"page {url}: {_one_line(err)}; trying again after {when}")
            self.state.items[key] = {**entry, "status": RETRY, "attempts": attempts, "error": str(err),
                                     "next_try": time.time() + wait, "at": _now()}
            return
        is_html = response.media_type != "text/plain"
        text, _encoding, _note = decode_text(response.body, hint=response.charset, is_html=is_html)
        if text is None:
            report.skipped += 1
            self.warn(f"page {url}: not decodable text; not fetched")
            self._settle(key, entry, NOT_TEXT, "not decodable text")
            return
        records.append({"url": response.url, "html" if is_html else "text": text, "title": entry.get("title"),
                        "published": entry.get("published"), "outlet": entry.get("outlet")})
        report.fetched += 1
        self._settle(key, entry, FETCHED, None, attempts=entry.get("attempts", 0) + 1)

    def _settle(self, key: str, entry: dict, status: str, error: Optional[str], attempts: Optional[int] = None) -> None:
        """A settled item keeps only what identifies it (the page itself went to the inbox)."""
        settled = {"url": entry["url"], "feed": entry.get("feed"), "status": status, "at": _now()}
        if error:
            settled["error"] = _one_line(error)
        if attempts:
            settled["attempts"] = attempts
        self.state.items.pop(key, None)  # re-insert: the newest go last, the oldest are forgotten first
        self.state.items[key] = settled

    def _scan(self, folder: str) -> list[str]:
        """New or changed files of a folder (recursively; hidden files, OUT and files still being written left out)."""
        out_real = os.path.realpath(self.out_dir)
        now = time.time()
        found, present = [], set()
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and os.path.realpath(os.path.join(root, d)) != out_real)
            for name in sorted(names):
                if name.startswith(".") or not name.lower().endswith(S.FOLDER_TYPES):
                    continue
                path = os.path.join(root, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                real = os.path.realpath(path)
                present.add(real)
                if now - st.st_mtime < S.FOLDER_SETTLE_SECONDS:
                    continue  # perhaps still being written: the next poll takes it
                signature = [st.st_size, st.st_mtime_ns]
                if self.state.files.get(real) != signature:
                    self.state.files.pop(real, None)
                    self.state.files[real] = signature
                    found.append(path)
        prefix = os.path.realpath(folder) + os.sep
        for gone in [p for p in self.state.files if p.startswith(prefix) and p not in present]:
            del self.state.files[gone]
        return found

    def _write_inbox(self, records: list[dict]) -> Path:
        inbox = self.out_dir / INBOX
        inbox.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        path = inbox / f"{stamp}-{os.getpid()}-{self.polls:04d}.jsonl"
        tmp = inbox / f".{path.name}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return path.resolve()

    # -- the run and its alerts

    def _run(self, report: PollReport) -> None:
        inputs = [p for p in self.state.pending if os.path.exists(p)]
        for gone in set(self.state.pending) - set(inputs):
            self.warn(f"{gone}: gone before it could be run; left out")
        if not inputs:
            self.state.pending = []
            return
        report.inputs = len(inputs)
        try:
            result = pipeline.run(inputs, self.out_dir, self.db_path, workers=self.workers)
        except (KeyboardInterrupt, SystemExit):  # the run's own SIGTERM/SIGINT handling stopped it: so do we
            self.stop.set()
            report.stopped = True
            self.warn(f"run stopped; its {len(inputs)} input(s) wait for the next start")
            return
        except Exception as err:  # the store is held by another run, or cannot be used: try again next poll
            report.run_error = _one_line(f"{type(err).__name__}: {err}" if not str(err) else err)
            self.warn(f"run failed: {report.run_error}; its {len(inputs)} input(s) wait for the next poll")
            return
        self.state.pending = [p for p in self.state.pending if p not in inputs]
        report.counts = result.counts()
        report.documents = len(result.documents)
        report.unread = sum(1 for d in result.documents if d.status in ("empty", "not_text") and d.error)
        report.alerts = self._alert()

    def _alert(self) -> int:
        """Alerts on the run's events (OUT/events.jsonl), each (rule, event) once across polls."""
        if not self.rules:
            return 0
        documents = {d.get("doc_id"): d for d in read_jsonl(self.out_dir / "documents.jsonl")}
        alerted = self.state.alerted
        found = find_alerts(self.rules, read_jsonl(self.out_dir / "events.jsonl"), documents, _now(),
                            already=lambda rule, event_id: f"{rule}\t{event_id}" in alerted)
        if not found:
            return 0
        self.alerts_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.alerts_path, "a", encoding="utf-8") as f:
            for a in found:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        for a in found:
            alerted[f"{a['rule']}\t{a['event_id']}"] = a["alerted_at"]
            self.on_alert(a)
        return len(found)


class Signals:
    """While the loop runs: the first Ctrl-C or SIGTERM asks it to stop after the step at hand (the state is saved);
    a second one stops at once. Only the main thread may set handlers; elsewhere this does nothing."""

    def __init__(self, stop: Stop, say: Callable[[str], None]):
        self.stop, self.say = stop, say
        self.saved: dict[int, object] = {}

    def __enter__(self) -> "Signals":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.saved[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()
        self.say("stopping after the step at hand (the state is saved); once more stops at once")

    def __exit__(self, *exc) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def loop(watcher: Watcher, interval: float, once: bool, max_polls: Optional[int],
         report_line: Callable[[PollReport], None]) -> list[PollReport]:
    """Poll until stopped, after one poll with `once`, or after `max_polls`; each poll starts `interval` seconds
    after the one before started. The state is saved however the loop ends."""
    reports: list[PollReport] = []
    try:
        while True:
            started = time.monotonic()
            report = watcher.poll()
            reports.append(report)
            report_line(report)
            if once or report.stopped or (max_polls and len(reports) >= max_polls):
                break
            if watcher.stop.wait(interval - (time.monotonic() - started)):
                break
    finally:
        watcher.state.save()
    return reports
