"""`detente watch`: poll RSS/Atom feeds and folders, fetch new pages politely, run the pipeline on them
incrementally, and alert on events that match a rule (docs/watch.md).

    feeds.py    RSS 2.0 and Atom, with the standard library
    fetch.py    polite HTTP: User-Agent, per-host delay, timeout, retries with backoff, robots.txt, byte caps
    state.py    OUT/watch-state.json (what was seen, feed validators, pending inputs), written atomically
    alerts.py   the rule language over rows of OUT/events.jsonl
    loop.py     one poll, and the loop of polls
    command.py  the Typer command, `watch`
    settings.py the defaults and budgets
"""
from detente.watch.command import watch

__all__ = ["watch"]
