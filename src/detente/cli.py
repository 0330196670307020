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
UNREAD = ("empty", "not_text")
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
        workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Processes for reading and cleaning."),
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
    from detente.pipeline import run as run_pipeline

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
            result = run_pipeline(inputs, out, db, workers=workers, progress=RichProgress(progress),
                                  stdin=sys.stdin.buffer if "-" in inputs else None)
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
    for stage, seconds in result.timings.items():
        table.add_row(f"{stage} (s)", f"{seconds:.1f}")
    console.print(table)
    console.print(f"wrote {out}/documents.jsonl, entities.jsonl, events.jsonl, quotes.jsonl, incidents.jsonl, "
                  f"brief.md, brief.html and {result.db_path}", markup=False)
    unread = [d for d in result.documents if d.status in UNREAD and d.error]
    if unread:
        typer.echo(f"detente run: {len(unread)} of {len(result.documents)} records could not be read "
                   f"(exit code {EXIT_UNREAD}):", err=True)
        for d in unread[:10]:
            typer.echo(f"  {d.source}: {_one_line(d.error)}", err=True)
        if len(unread) > 10:
            typer.echo(f"  ... and {len(unread) - 10} more: see the error field in {out}/documents.jsonl", err=True)
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


if __name__ == "__main__":
    app()
