"""The quality loop: gold sets and the scorer behind `detente eval GOLD`.

    from detente.evaluate import score, gold_to_input, run_eval
    report = score(Path("out"), Path("eval/gold/dev.jsonl"))
    print(report.to_text()); failures = report.check({"events.f1": 0.8})

The gold format and the matching rules are in docs/eval.md and eval/README.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from detente.evaluate.gold import (PLOVER_TYPES, expected_plover, gold_inputs, gold_kind, gold_to_input, load_jsonl,
                                   valid_date, validate_gold)
from detente.evaluate.gsr import gsr_to_input, is_gsr, score_gsr
from detente.evaluate.actors import is_actor_gold, score_actors, validate_actor_gold
from detente.evaluate.report import PartScore, Report
from detente.evaluate.score import score, write_report

__all__ = ["score", "gold_to_input", "gold_inputs", "run_eval", "validate_gold", "Report", "PartScore",
           "DEFAULT_THRESHOLDS", "is_gsr", "score_gsr", "gsr_to_input",
           "is_actor_gold", "score_actors", "validate_actor_gold", "PLOVER_TYPES", "expected_plover", "gold_kind", "load_jsonl", "valid_date"]

# Suggested floors per kind of gold file (the CLI passes its own; `make eval` uses events.f1/precision).
DEFAULT_THRESHOLDS = {
    "events": {"events.f1": 0.80, "events.precision": 0.90},
    "corpus": {"status.f1": 1.0, "cleaning.f1": 0.90, "published.f1": 0.90},
}


def run_eval(gold_path: Path, out_dir: Path, workers: Optional[int] = None) -> Report:
    """gold_to_input (or the corpus files) -> the normal pipeline into out_dir -> score. Writes out_dir/eval.json."""
    from detente.pipeline import run as run_pipeline  # the pipeline loads spaCy; keep it out of plain scoring

    gold_path, out_dir = Path(gold_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if is_actor_gold(gold_path):  # mentions only: one resolver in-process, no pipeline run
        report = score_actors(gold_path)
    elif is_gsr(gold_path):
        run_pipeline([str(gsr_to_input(gold_path, out_dir / "input"))], out_dir, workers=workers)
        report = score_gsr(out_dir, gold_path)
    else:
        run_pipeline(gold_inputs(gold_path, out_dir / "input"), out_dir, workers=workers)
        report = score(out_dir, gold_path)
    write_report(report, out_dir / "eval.json")
    return report
