"""The `detente` command: a thin shell over the library (pipeline.run, the actor resolver, the scorer)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from detente.watch import watch

app = typer.Typer(add_completion=False, no_args_is_help=True, help="""
Detente turns raw news pages into cited event data: who said and did what to whom, when and where.

Start with `detente run` on your pages, then read OUT/brief.md or query the DuckDB store OUT/detente.duckdb.
`detente COMMAND --help` tells more about each command, with an example.

Example:
  detente run ~/news/*.html archive.warc.gz feed.jsonl --out out

Exit codes of `detente run`:
  0  every record was read
  3  the run finished, but some records could not be read
  1  the run failed
  2  a bad command line
""")
console = Console(stderr=True)

# A record "could not be read" when it has one of these statuses and an error that says why. Articles may carry a
# note in `error` too (a replaced byte, a truncated text): those were read, and do not count.
EXIT_UNREAD, EXIT_FAILED = 3, 1


class RichProgress:
    """A progress bar per stage; Rich shows it only on a terminal."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def start(self, stage: str, total: Optional[int]) -> None:
        self.tasks[stage] = self.progress.add_task(stage, total=total)

    def advance(self, stage: str) -> None:
        self.progress.advance(self.tasks[stage])

    def finish(self, stage: str) -> None:
        task = self.tasks[stage]
        self.progress.update(task, total=self.progress.tasks[task].completed)


@app.command()
def run(inputs: List[str] = typer.Argument(..., metavar="INPUT",
                                           help="Files, folders (read recursively), globs, or - for standard input."),
        out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for the output files."),
        db: Optional[Path] = typer.Option(None, "--db", help="DuckDB store to add to (default: OUT/detente.duckdb)."),
        workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1,
                                              help="Processes for each stage (default: the number of cores)."),
        rebuild: bool = typer.Option(False, "--rebuild", help="Process every record again, also those the store "
                                                              "already holds unchanged (after an upgrade of detente)."),
        engine: str = typer.Option("local", "--engine", help="local: processes on this machine; spark: a Spark job "
                                                             "(pip install 'detente[spark]'; docs/spark.md)."),
        master: str = typer.Option("local[*]", "--master", help="With --engine spark: the Spark master URL."),
        stats_json: Optional[Path] = typer.Option(None, "--stats-json", metavar="FILE",
                                                  help="Write the run's counts, seconds per stage and parse figures to "
                                                       "FILE as JSON (for benchmarks)."),
        debug: bool = typer.Option(False, "--debug", help="When the run fails, show the traceback "
                                                          "(so does DETENTE_DEBUG=1).")):
    """Read, clean, deduplicate, annotate and code INPUT..., and write the results to OUT.

    Inputs are .txt, .html, .jsonl (fields text or html, plus url, published, title, outlet), .warc and .warc.gz
    files. OUT gets documents.jsonl, entities.jsonl, events.jsonl, quotes.jsonl, incidents.jsonl, brief.md,
    brief.html and the store detente.duckdb. A record that cannot be read gets its own row, with the reason in
    its error field, and the run goes on.

    Examples:
      detente run ~/news/*.html archive.warc.gz feed.jsonl --out out --db news.duckdb
      cat page.txt | detente run - --out out

    Exit codes:
      0  every record was read
      3  the run finished, but some records could not be read (each is listed, and its row says why)
      1  the run failed, for example on a store that another process holds: one line says why
      2  a bad command line
    """
    if engine not in ("local", "spark"):
        typer.echo(f"detente run: --engine {engine!r}: use local or spark", err=True)
        raise typer.Exit(2)
    if engine == "spark":
        try:
            from detente.spark import run_spark
        except ImportError as err:
            typer.echo(f"detente run: the Spark engine needs PySpark: pip install 'detente[spark]' ({err})", err=True)
            raise typer.Exit(EXIT_FAILED)

        def run_pipeline(inputs, out, db, workers, progress, stdin, rebuild):  # Spark codes every record again
            return run_spark(inputs, out, db, master=master, progress=progress, stdin=stdin)
    else:
        from detente.pipeline import run as run_pipeline

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
            result = run_pipeline(inputs, out, db, workers=workers, progress=RichProgress(progress),
                                  stdin=sys.stdin.buffer if "-" in inputs else None, rebuild=rebuild)
    except Exception as err:
        if debug or os.environ.get("DETENTE_DEBUG", "") not in ("", "0"):
            raise
        typer.echo(_failure_line(err), err=True)
        raise typer.Exit(EXIT_FAILED)
    table = Table(title=f"detente run {result.run_id}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in result.counts().items():
        table.add_row(key, str(value))
    if result.skipped:
        table.add_row("unchanged since an earlier run (not coded again)", str(result.skipped))
    for stage, seconds in result.timings.items():
        table.add_row(f"{stage} (s)", f"{seconds:.1f}")
    if stats_json is not None:
        stats = {"run_id": result.run_id, "counts": result.counts(), "unchanged": result.skipped,
                 "seconds": result.timings, "cpu_seconds": getattr(result, "cpu", {}), "parse": result.parse_stats}
        stats_json.write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    console.print(table)
    console.print(f"wrote {out}/documents.jsonl, entities.jsonl, events.jsonl, quotes.jsonl, incidents.jsonl, "
                  f"brief.md, brief.html and {result.db_path}", markup=False)
    if result.unread_count:
        documents = sum(v for k, v in result.counts().items() if k not in ("entities", "quotes", "events", "incidents"))
        typer.echo(f"detente run: {result.unread_count} of {documents} records could not be read "
                   f"(exit code {EXIT_UNREAD}):", err=True)
        for source, error in result.unread:
            typer.echo(f"  {source}: {_one_line(error)}", err=True)
        if result.unread_count > len(result.unread):
            typer.echo(f"  ... and {result.unread_count - len(result.unread)} more: see the error field in "
                       f"{out}/documents.jsonl", err=True)
        raise typer.Exit(EXIT_UNREAD)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _failure_line(err: Exception) -> str:
    """One line for a failed run. The store's own errors (another process holds it, a newer version made it) say
    why and what to do as they are; anything else names its kind, and how to see the traceback."""
    from detente import store

    message = _one_line(err)
    known = tuple(kind for kind in (getattr(store, "StoreError", None), getattr(store, "StoreLocked", None)) if kind)
    if known and isinstance(err, known) and message:
        return f"detente run: {message}"
    return f"detente run: failed: {type(err).__name__}" + (f": {message}" if message else "") \
        + " (--debug shows the traceback)"


@app.command()
def export(db: Optional[Path] = typer.Option(None, "--db", help="The DuckDB store to read (a run's "
                                              "OUT/detente.duckdb, or the OUT folder)."),
           fmt: Optional[str] = typer.Option(None, "--format", "-f", help="jsonl, csv, parquet or gdelt."),
           where: Optional[List[str]] = typer.Option(None, "--where", "-w", help="KEY=VALUE filter, repeatable: "
                                                     "dyad, actor, source, target, country, plover, cameo, root, "
                                                     "quad, since, until, aux_mode, doc, incident."),
           out: Optional[str] = typer.Option(None, "--out", "-o", help="The file to write (- for standard output; "
                                             "not for parquet)."),
           header: bool = typer.Option(False, "--header", help="gdelt: start with a line of the 61 column names.")):
    """Export the store's events as JSONL, CSV, Parquet or GDELT 2.0 event-table rows (docs/export.md).

    jsonl: the rows of events.jsonl, plus the incident's num_mentions, num_sources, num_articles and the document's
    URL, source and outlet. csv and parquet: the same, flat (source_actor_id, source_name, ..., target_*,
    location_name, location_country). gdelt: the 61 columns of the GDELT 2.0 event table, tab-separated, no
    header; only events that happened, unless --where aux_mode=... says otherwise. Rows are ordered by date, then
    event_id: two exports of one store are byte-identical. The store is read, never written.

    --where keys (different keys must all match; a key given twice, or a,b, matches either):
      dyad=RUS-USA (either direction), dyad=USA>RUS (from USA to RUS); actor=sergey-lavrov; source=, target= (an
      actor, country or organisation); country=RUS; plover=CONSULT; cameo=036 (or its start); root=04; quad=1..4;
      since=, until= (YYYY[-MM[-DD]]: the event's whole date on or after / before it); aux_mode=none, factual,
      any, future, hypothetical, negated or historical; doc=DOC_ID; incident=INCIDENT_ID.

    Examples:
      detente export --db out/detente.duckdb --format csv --out events.csv
      detente export --db out/detente.duckdb --format gdelt --where dyad=RUS-USA --where since=2021 --out ru-us.tsv
      detente export --db out/detente.duckdb --format parquet --where plover=CONSULT,AGREE --out talks.parquet

    Exit codes:
      0  the file was written (the number of rows goes to standard error)
      1  no store there, a store that cannot be read, or a file that cannot be written: one line says why
      2  a bad command line: an unknown format or --where key, a date that is no date
    """
    from detente.export import ExportError, export as export_events

    def fail(message: str, code: int) -> None:
        typer.echo(f"detente export: {' '.join(str(message).split())}", err=True)
        raise typer.Exit(code)

    if db is None or fmt is None or out is None:
        missing = [name for name, value in (("--db", db), ("--format", fmt), ("--out", out)) if value is None]
        fail(f"give {', '.join(missing)} (see detente export --help)", 2)
    try:
        n = export_events(db, fmt, out, where=where or [], header=header)
    except ExportError as err:
        fail(str(err), err.code)
    except BrokenPipeError:  # standard output closed early (| head): not an error of the export
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not complain
        raise typer.Exit(0)
    except Exception as err:
        if os.environ.get("DETENTE_DEBUG", "") not in ("", "0"):
            raise
        fail(f"failed: {type(err).__name__}: {err} (DETENTE_DEBUG=1 shows the traceback)", 1)
    target = "standard output" if out == "-" else out
    note = (f"; left out {n.left_out} that did not happen (future, hypothetical, negated: --where aux_mode=any "
            f"keeps them)" if n.left_out else "")
    typer.echo(f"detente export: wrote {int(n)} event{'' if n == 1 else 's'} to {target} ({fmt.lower()}){note}",
               err=True)


@app.command()
def actor(text: Optional[str] = typer.Argument(None, metavar="TEXT",
                                               help='A name or description, e.g. "the Russian foreign minister".'),
          date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD: resolve the role held at this date."),
          context: Optional[str] = typer.Option(None, "--context", help="The sentence the mention stands in."),
          jsonl: Optional[str] = typer.Option(None, "--jsonl", help='A JSONL file (or - for stdin) of '
                                              '{"text", "context", "date"} lines: one JSON line out per line in.')):
    """Resolve a mention to its actor, with the role held at --date, and print it as JSON.

    With --jsonl, many mentions: one JSON line out for each line in, in order; a bad line answers with its error.

    Examples:
      detente actor "the Russian foreign minister" --date 2003-01-01
      detente actor "Anthony Blinken" --context "Anthony Blinken met Sergey Lavrov in Geneva."
      detente actor --jsonl mentions.jsonl

    Exits 1 when nothing resolves (the JSON then says "no actor found").
    """
    from detente.annotate.actors.resolver import ActorResolver

    if jsonl is not None:
        if jsonl != "-" and not Path(jsonl).is_file():
            raise typer.BadParameter(f"no such file: {jsonl}")
        _actor_jsonl(ActorResolver(), sys.stdin if jsonl == "-" else open(jsonl, encoding="utf-8"))
        return
    if text is None:
        raise typer.BadParameter("give TEXT, or --jsonl FILE")
    resolution = ActorResolver().resolve(text, date=date, context=context)
    if resolution is None:
        typer.echo(json.dumps({"text": text, "actor_id": None, "note": "no actor found"}))
        raise typer.Exit(1)
    typer.echo(json.dumps(resolution.to_json(), ensure_ascii=False, indent=2))


def _actor_jsonl(resolver, lines) -> None:
    """One output line per input line, in order; a bad line answers with its error instead of stopping the batch."""
    with lines:
        for n, line in enumerate(lines, 1):
            try:
                if not line.strip():
                    raise ValueError("empty line")
                row = json.loads(line)
                if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
                    raise ValueError('needs an object with a non-empty "text"')
                text = row["text"]
                for key in ("context", "date"):
                    if row.get(key) is not None and not isinstance(row[key], str):
                        raise ValueError(f'"{key}" must be a string or null')
                resolution = resolver.resolve(text, date=row.get("date"), context=row.get("context"))
                out = resolution.to_json() if resolution else {"text": text, "actor_id": None, "note": "no actor found"}
            except Exception as e:  # one bad line (or resolver bug) must not lose the others' positions
                out = {"line": n, "error": f"{type(e).__name__}: {e}"}
            typer.echo(json.dumps(out, ensure_ascii=False))


@app.command("eval")
def evaluate(gold: Path = typer.Argument(..., metavar="GOLD", help="A gold file (see docs/eval.md)."),
             out: Path = typer.Option(Path("out/eval"), "--out", "-o", help="Where the evaluated run writes."),
             min_f1: Optional[float] = typer.Option(None, "--min-events-f1", help="Fail below this events F1."),
             min_precision: Optional[float] = typer.Option(None, "--min-events-precision",
                                                           help="Fail below this events precision.")):
    """Score the pipeline on a gold set: precision, recall and F1 per part, with every miss.

    Examples:
      detente eval eval/gold/dev.jsonl
      detente eval eval/gold/dev.jsonl --min-events-f1 0.80 --min-events-precision 0.90

    Exits 1 when a score falls below a --min-events-f1 or --min-events-precision threshold.
    """
    from detente.evaluate import run_eval

    report = run_eval(gold, out)
    typer.echo(report.to_text())
    thresholds = {k: v for k, v in (("events.f1", min_f1), ("events.precision", min_precision)) if v is not None}
    failures = report.check(thresholds)
    for f in failures:
        console.print(f"[red]FAIL[/red] {f}")
    if failures:
        raise typer.Exit(1)


@app.command("audit")
def audit_command(out: Optional[Path] = typer.Argument(None, metavar="OUT",
                                                      help="A run's output folder, or a DuckDB store file."),
                  sample_size: Optional[int] = typer.Option(None, "--sample", "-n", help="Events to draw."),
                  seed: Optional[int] = typer.Option(None, "--seed", help="The same seed draws the same sample."),
                  sheet: Optional[Path] = typer.Option(None, "--sheet", help="Where to write the CSV sheet "
                                                       "(default: OUT/audit.csv; a Markdown copy goes beside it)."),
                  db: Optional[Path] = typer.Option(None, "--db", help="Sample from this DuckDB store instead."),
                  force: bool = typer.Option(False, "--force", help="Overwrite a sheet that already has judgements."),
                  score_sheet_path: Optional[Path] = typer.Option(None, "--score", help="Score this judged sheet."),
                  as_json: bool = typer.Option(False, "--json", help="With --score: print a JSON object.")):
    """Draw coded events for a person to judge by hand, or score the judged sheet (precision).

    Examples:
      detente audit out --sample 100 --seed 7      (writes out/audit.csv, and out/audit.md beside it)
      detente audit --score out/audit.csv

    Exits 2 when it cannot draw or score: no run or store there, a bad sheet, a sheet that already has
    judgements.
    """
    from detente.evaluate import audit

    def fail(message: str) -> None:
        typer.echo(f"detente audit: {message}", err=True)
        raise typer.Exit(2)

    try:
        if score_sheet_path is not None:
            result = audit.score_sheet(audit.read_sheet(score_sheet_path), str(score_sheet_path))
            typer.echo(json.dumps(result, indent=2) if as_json else audit.format_score(result))
            return
        if out is None and db is None:
            fail("give a run's output folder (or --db STORE) to sample from, or --score SHEET")
        if sample_size is None or seed is None:
            fail("sampling needs --sample N and --seed S (the seed makes the sample reproducible)")
        events, documents = audit.load_run(out, db)
        store = db or out
        target = sheet or ((out if out is not None and out.is_dir() else store.parent) / "audit.csv")
        if target.exists() and not force and audit.sheet_has_judgements(target):
            fail(f"{target} already has judgements; pass --sheet for a new file, or --force to overwrite it")
        picked = audit.sample(events, sample_size, seed)
        csv_path, md_path = audit.write_sheet(audit.sheet_rows(picked, documents), target,
                                              title=f"{len(picked)} of {len(events)} events from {store}, seed {seed}")
        typer.echo(f"sampled {len(picked)} of {len(events)} events (seed {seed}): wrote {csv_path} and {md_path}")
    except audit.AuditError as e:
        fail(str(e))


@app.command("brief")
def brief_command(db: Path = typer.Option(..., "--db", help="The DuckDB store to read (e.g. a run's OUT/detente.duckdb)."),
                  out: Path = typer.Option(..., "--out", "-o", help="Folder for brief.md and brief.html."),
                  dyad: Optional[str] = typer.Option(None, "--dyad", help="Two parties, either direction: RUS-USA, "
                                                     "NATO-RUS (country codes, or organisations)."),
                  since: Optional[str] = typer.Option(None, "--since", help="YYYY-MM-DD (or YYYY-MM, YYYY): keep "
                                                      "events whose date lies on or after it."),
                  until: Optional[str] = typer.Option(None, "--until", help="YYYY-MM-DD (or YYYY-MM, YYYY): keep "
                                                      "events whose date lies on or before it.")):
    """Write brief.md and brief.html from a store, for one dyad and a date range.

    The store is read, never written, and only the rows the brief needs:
    the dyad's events (either direction) dated within the range, their
    incidents, documents and quotes. An event is in range when its whole
    date (a day, a month or a year) is; undated events are left out of a
    bounded brief. Coverage counts every document of the store.

    Examples:
      detente brief --db out/detente.duckdb --dyad RUS-USA --out brief
      detente brief --db news.duckdb --dyad RUS-USA --since 2021-01-01 --until 2021-12-31 --out b

    Exit codes:
      0  the brief was written
      1  no store there, a store that cannot be read, or a dyad with no
         events in it: one line says why
      2  a bad command line: a date that is no date (2022-13-01), a dyad
         that is not two codes (RUSUSA)
    """
    from detente.brief.query import BriefError, BriefUsageError, make_brief

    def fail(message: str, code: int) -> None:
        typer.echo(f"detente brief: {' '.join(message.split())}", err=True)
        raise typer.Exit(code)

    try:
        brief, md, html = make_brief(db, out, dyad=dyad, since=since, until=until)
    except BriefError as err:
        fail(str(err), 2 if isinstance(err, BriefUsageError) else 1)
    except Exception as err:
        if os.environ.get("DETENTE_DEBUG", "") not in ("", "0"):
            raise
        fail(f"failed: {type(err).__name__}: {err} (DETENTE_DEBUG=1 shows the traceback)", 1)
    counts = brief.counts
    typer.echo(f"wrote {md} and {html}: {counts['events']} events in {counts['incidents']} incidents from "
               f"{counts['documents']} documents")
    if not counts["events"]:
        typer.echo("detente brief: no events in that range; the brief says so", err=True)


@app.command("serve")
def serve_command(db: Path = typer.Option(..., "--db", help="The DuckDB store to serve (e.g. a run's OUT/detente.duckdb)."),
                  host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine "
                                                                       "only)."),
                  port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
                  max_upload: int = typer.Option(5 * 1024 * 1024, "--max-upload", min=1,
                                                 help="Largest ingest, pasted or uploaded, in bytes (default 5 MB)."),
                  create: bool = typer.Option(False, "--create", help="Make an empty store at --db when there is none.")):
    """Serve a web dashboard and a JSON API over a store, at http://HOST:PORT/ (the API is listed at /docs).

    Pages: overview, events with filters, incidents, dyads with their cooperation–conflict chart, documents with the
    evidence highlighted, actors with their role at each date, and an ingest form that runs the pipeline on pasted
    text or an upload into this store. Nothing is loaded from outside: it works offline. Each request reads the
    store read-only; only an ingest writes.

    Examples:
      detente serve --db out/detente.duckdb
      detente serve --db news.duckdb --port 8080 --max-upload 10000000

    Exits 2 when there is no store at --db (pass --create to start an empty one), or it is not a Detente store.
    """
    from detente.serve import StoreMissing, run_server

    if create and not db.exists():
        from detente.store import Store
        Store(db).close()
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"detente serve: listening on {host}: anyone who can reach it can read this store and ingest "
                   "into it", err=True)
    try:
        run_server(db, host, port, max_upload, announce=lambda url: typer.echo(
            f"detente serve: {url} over {db} (API: {url}docs, {url}openapi.json)", err=True))
    except StoreMissing as err:
        typer.echo(f"detente serve: {err} (make one with `detente run INPUT --db {db}`, or pass --create)", err=True)
        raise typer.Exit(2)


if __name__ == "__main__":
    app()


app.command("watch")(watch)
