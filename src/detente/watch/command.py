"""`detente watch`: the command line over watch.loop. Registered in cli.py with `app.command("watch")(watch)`."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from detente import settings as S

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TROUBLE = 0, 1, 2, 3


def watch(sources: List[str] = typer.Argument(..., metavar="SOURCE",
                                              help="RSS 2.0 or Atom feed URLs (http/https), or folders where new "
                                                   ".html, .txt, .jsonl, .warc, .warc.gz files land."),
          out: Path = typer.Option(..., "--out", "-o", help="Folder for the run's files, the state file, the inbox "
                                                             "of fetched pages and the alerts."),
          db: Optional[Path] = typer.Option(None, "--db", help="DuckDB store to add to (default: OUT/detente.duckdb)."),
          interval: float = typer.Option(S.INTERVAL_SECONDS, "--interval", min=0.0,
                                         help="Seconds from the start of one poll to the start of the next."),
          once: bool = typer.Option(False, "--once", help="Poll once, then exit."),
          max_polls: Optional[int] = typer.Option(None, "--max-polls", min=1, help="Exit after this many polls."),
          alert: Optional[List[str]] = typer.Option(None, "--alert", metavar="RULE",
                                                    help="Alert on events matching RULE, e.g. 'dyad=RUS-USA and "
                                                         "goldstein<=-5' (repeatable; see docs/watch.md)."),
          alerts_file: Optional[Path] = typer.Option(None, "--alerts", metavar="FILE",
                                                     help="Append alerts to FILE (default: OUT/alerts.jsonl)."),
          user_agent: str = typer.Option(S.USER_AGENT, "--user-agent", help="The User-Agent of every request; name "
                                                                            "yourself and how to reach you."),
          per_host_delay: float = typer.Option(S.PER_HOST_DELAY_SECONDS, "--per-host-delay", min=0.0,
                                               help="Minimum seconds between two requests to one host."),
          timeout: float = typer.Option(S.TIMEOUT_SECONDS, "--timeout", min=0.01,
                                        help="Seconds to wait for a connection or for the next bytes."),
          retries: int = typer.Option(S.RETRIES, "--retries", min=0,
                                      help="Retries on connection errors, timeouts, 429 and 5xx, with backoff."),
          workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1,
                                                help="Processes for each pipeline run.")):
    """Watch feeds and folders: fetch new items politely, run the pipeline on them, and alert on matching events.

    Each poll reads every SOURCE, fetches the pages of new feed items (robots.txt obeyed, one request per host at a
    time with --per-host-delay between them), writes them to OUT/inbox/ as one JSONL file, and runs the pipeline on
    it and on the folders' new files, adding to the store. Nothing new: no run. What was seen is kept in
    OUT/watch-state.json, so a restarted watch goes on where it stopped. Ctrl-C or SIGTERM stops after the step at
    hand, with the state saved.

    Alerts fire only on events reported as having happened, unless the rule names aux_mode; each goes to
    standard output as one line and to the alerts file as one JSON object.

    Examples:
      detente watch https://example.org/world/rss.xml ~/inbox --out watch-out --alert 'dyad=RUS-USA and goldstein<=-5'
      detente watch https://example.org/feed.atom --out w --once --user-agent 'MyLab-Detente/1.0 (+mailto:me@lab.org)'

    Exit codes:
      0  the polls went well, or the watch was stopped (Ctrl-C, SIGTERM)
      3  the last poll could not read some feed or page, or some records of its run
      1  the last run failed (its inputs wait in the state), or OUT is watched already
      2  a bad command line: a SOURCE that is no feed URL nor folder, a rule that cannot be read
    """
    from detente.watch.alerts import RuleError, alert_line, parse_rule
    from detente.watch.fetch import Fetcher, Stop
    from detente.watch.loop import Signals, Watcher, loop, source
    from detente.watch.state import StateError, WatchLock, WatchState

    console = Console(stderr=True, highlight=False)

    def say(line: str) -> None:
        console.print(line, markup=False, soft_wrap=True)

    def fail(message: str, code: int) -> None:
        typer.echo(f"detente watch: {' '.join(str(message).split())}", err=True)
        raise typer.Exit(code)

    try:
        parsed = [source(s) for s in sources]
    except ValueError as err:
        fail(str(err), EXIT_USAGE)
    try:
        rules = [parse_rule(r) for r in alert or []]
    except RuleError as err:
        fail(str(err), EXIT_USAGE)
    if not user_agent.strip():
        fail("--user-agent must name the watcher", EXIT_USAGE)

    stop = Stop()
    fetcher = Fetcher(user_agent=user_agent, per_host_delay=per_host_delay, timeout=timeout, retries=retries,
                      stop=stop)
    try:
        with WatchLock(out), Signals(stop, lambda line: say(f"detente watch: {line}")):
            state = WatchState.load(out)
            watcher = Watcher(parsed, out, db, rules, alerts_file, fetcher, state, workers=workers,
                              warn=lambda line: say(f"detente watch: {line}"),
                              on_alert=lambda a: typer.echo(alert_line(a)))
            every = "once" if once else f"every {interval:g} s" + (f", {max_polls} polls" if max_polls else "")
            say(f"detente watch: {len(parsed)} source{'s' * (len(parsed) != 1)} into {out}, {every}; "
                f"{len(rules)} alert rule{'s' * (len(rules) != 1)}" + ("" if once else "; Ctrl-C stops"))
            try:
                reports = loop(watcher, interval, once, max_polls, lambda r: say(r.line()))
            except KeyboardInterrupt:
                say("detente watch: stopped at once; the state is saved")
                raise typer.Exit(EXIT_OK)
    except StateError as err:
        fail(str(err), EXIT_FAILED)
    except typer.Exit:
        raise
    except Exception as err:
        if os.environ.get("DETENTE_DEBUG", "") not in ("", "0"):
            raise
        fail(f"failed: {type(err).__name__}: {err} (DETENTE_DEBUG=1 shows the traceback)", EXIT_FAILED)
    last = reports[-1] if reports else None
    if last is None or last.stopped or stop.is_set():
        raise typer.Exit(EXIT_OK)
    if state.pending and last.run_error:
        raise typer.Exit(EXIT_FAILED)
    if last.trouble:
        raise typer.Exit(EXIT_TROUBLE)
