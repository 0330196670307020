"""The scorer's result: precision, recall and F1 per part, extra figures, and the items behind them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class PartScore:
    """Counts for one part (documents, published, actors, events, quotes, ...)."""
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0   # nothing predicted: perfect only if nothing was to be found

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    """What `score` found. Metric names for `check` are "<part>.<precision|recall|f1>" or a figure's name."""
    gold_path: str
    out_dir: str
    kind: str                                   # events | corpus
    parts: dict[str, PartScore] = field(default_factory=dict)
    figures: dict[str, Optional[float]] = field(default_factory=dict)   # e.g. events.date_accuracy
    misses: list[dict[str, Any]] = field(default_factory=list)           # gold items the output lacks
    false_positives: list[dict[str, Any]] = field(default_factory=list)  # output items the gold lacks
    notes: list[str] = field(default_factory=list)

    def part(self, name: str) -> PartScore:
        if name not in self.parts:
            self.parts[name] = PartScore(name)
        return self.parts[name]

    def metric(self, name: str) -> Optional[float]:
        if name in self.figures:
            return self.figures[name]
        part, _, measure = name.rpartition(".")
        if part in self.parts and measure in ("precision", "recall", "f1"):
            return getattr(self.parts[part], measure)
        raise KeyError(name)

    def metrics(self) -> dict[str, Optional[float]]:
        out: dict[str, Optional[float]] = {}
        for name, p in self.parts.items():
            out.update({f"{name}.precision": p.precision, f"{name}.recall": p.recall, f"{name}.f1": p.f1})
        out.update(self.figures)
        return out

    def check(self, thresholds: dict[str, float]) -> list[str]:
        """One message per threshold not met, e.g. {"events.f1": 0.8} -> ["events.f1 0.71 < 0.80"]."""
        failures = []
        for name, minimum in thresholds.items():
            try:
                value = self.metric(name)
            except KeyError:
                failures.append(f"{name}: not measured by this gold file ({self.kind})")
                continue
            if value is None:
                failures.append(f"{name}: undefined (nothing to measure it on), needs >= {minimum:.2f}")
            elif value < minimum:
                failures.append(f"{name} {value:.3f} < {minimum:.2f}")
        return failures

    def to_dict(self) -> dict[str, Any]:
        return {"gold": self.gold_path, "out": self.out_dir, "kind": self.kind,
                "parts": {k: v.to_dict() for k, v in self.parts.items()},
                "figures": {k: (round(v, 4) if v is not None else None) for k, v in self.figures.items()},
                "misses": self.misses, "false_positives": self.false_positives, "notes": self.notes}

    def to_text(self, max_items: int = 40) -> str:
        lines = [f"detente eval: {self.gold_path} against {self.out_dir} ({self.kind} gold)", ""]
        lines.append(f"{'part':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
        for name, p in self.parts.items():
            lines.append(f"{name:<18}{p.precision:>7.3f}{p.recall:>7.3f}{p.f1:>7.3f}{p.tp:>6}{p.fp:>6}{p.fn:>6}")
        if self.figures:
            lines.append("")
            for name, v in self.figures.items():
                lines.append(f"{name:<32}{'n/a' if v is None else f'{v:.3f}':>8}")
        for title, items in (("misses", self.misses), ("false positives", self.false_positives)):
            if items:
                lines += ["", f"{title} ({len(items)}):"]
                for item in items[:max_items]:
                    lines.append("  " + _line(item))
                if len(items) > max_items:
                    lines.append(f"  ... {len(items) - max_items} more (see to_dict())")
        for note in self.notes:
            lines.append(f"note: {note}")
        return "\n".join(lines)


def _line(item: dict[str, Any]) -> str:
    head = f"[{item.get('part')}] {item.get('doc', '')}"
    body = item.get("summary") or ""
    return f"{head}: {body}"
