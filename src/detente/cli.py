"""The `detente` command: a thin shell over the library (pipeline.run, the actor resolver, the scorer)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Detente: turn raw news pages into cited event data (actors, events, quotes, incidents).")
console = Console(stderr=True)


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
def run(inputs: List[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
        out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for the output files."),
        db: Optional[Path] = typer.Option(None, "--db", help="DuckDB store (default: OUT/detente.duckdb)."),
        workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Processes for reading and cleaning.")):
    """Read, clean, deduplicate, annotate and code INPUT..., and write the output contract's files to OUT."""
    from detente.pipeline import run as run_pipeline

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        result = run_pipeline(inputs, out, db, workers=workers, progress=RichProgress(progress),
                              stdin=sys.stdin.buffer if "-" in inputs else None)
    table = Table(title=f"detente run {result.run_id}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in result.counts().items():
        table.add_row(key, str(value))
    for stage, seconds in result.timings.items():
        table.add_row(f"{stage} (s)", f"{seconds:.1f}")
    console.print(table)
    console.print(f"wrote {out}/documents.jsonl, entities.jsonl, events.jsonl, quotes.jsonl, incidents.jsonl, "
                  f"brief.md, brief.html and {result.db_path}")


@app.command()
def actor(text: Optional[str] = typer.Argument(None, help='A name or description, e.g. "the Russian foreign minister".'),
          date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD: resolve the role held at this date."),
          context: Optional[str] = typer.Option(None, "--context", help="The sentence the mention stands in."),
          jsonl: Optional[str] = typer.Option(None, "--jsonl", help='A JSONL file (or - for stdin) of '
                                              '{"text", "context", "date"} lines: one JSON line out per line in.')):
    """Resolve one actor mention and print the resolution as JSON (or many, one per line, with --jsonl)."""
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
def evaluate(gold: Path = typer.Argument(..., help="A gold file (see docs/eval.md)."),
             out: Path = typer.Option(Path("out/eval"), "--out", "-o", help="Where the evaluated run writes."),
             min_f1: Optional[float] = typer.Option(None, "--min-events-f1", help="Fail below this events F1."),
             min_precision: Optional[float] = typer.Option(None, "--min-events-precision",
                                                           help="Fail below this events precision.")):
    """Run the pipeline on a gold set and print precision, recall and F1 per part, with the misses."""
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
def audit_command(out: Optional[Path] = typer.Argument(None, help="A run's output folder, or a DuckDB store file."),
                  sample_size: Optional[int] = typer.Option(None, "--sample", "-n", help="Events to draw."),
                  seed: Optional[int] = typer.Option(None, "--seed", help="The same seed draws the same sample."),
                  sheet: Optional[Path] = typer.Option(None, "--sheet", help="Where to write the CSV sheet "
                                                       "(default: OUT/audit.csv; a Markdown copy goes beside it)."),
                  db: Optional[Path] = typer.Option(None, "--db", help="Sample from this DuckDB store instead."),
                  force: bool = typer.Option(False, "--force", help="Overwrite a sheet that already has judgements."),
                  score_sheet_path: Optional[Path] = typer.Option(None, "--score", help="Score this judged sheet."),
                  as_json: bool = typer.Option(False, "--json", help="With --score: print a JSON object.")):
    """Draw a random sample of coded events into a sheet to judge by hand, or score a judged sheet (precision)."""
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
