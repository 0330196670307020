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
def actor(text: str = typer.Argument(..., help='A name or description, e.g. "the Russian foreign minister".'),
          date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD: resolve the role held at this date."),
          context: Optional[str] = typer.Option(None, "--context", help="The sentence the mention stands in.")):
    """Resolve one actor mention and print the resolution as JSON."""
    from detente.annotate.actors.resolver import ActorResolver

    resolution = ActorResolver().resolve(text, date=date, context=context)
    if resolution is None:
        typer.echo(json.dumps({"text": text, "actor_id": None, "note": "no actor found"}))
        raise typer.Exit(1)
    typer.echo(json.dumps(resolution.to_json(), ensure_ascii=False, indent=2))


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


if __name__ == "__main__":
    app()
