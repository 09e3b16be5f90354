"""Quality gate: score eventscope on the shared gold sets and compare with pinned floors.

    python bench/quality.py                      # every ../shared/evalsets/*.jsonl, and
                                                 # the project's held-out ACLED snippets
    python bench/quality.py --files plv-train.jsonl --limit 50
    python bench/quality.py --update-floors      # raise floors to today's figures (never lowers)

Runs ``eventscope.api.predict_records`` on every gold file (and ``classify_records`` on the
files in ``CLASSIFY_FILES``), prints each metric beside its floor, and exits 1 when a metric is
below its floor, 0 otherwise. Floors live in ``bench/quality_floors.json`` with the SHA-256 of
the gold files they were measured on; a changed gold file is reported, since its old floors
may no longer mean the same thing. Floors only go up here: lowering one is a manual, reviewed
edit of the JSON file. Exits 0 with "skipped" where the evalsets folder is absent (a checkout
without the shared data), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventscope.evaluation import Report, evaluate_file, format_report

ROOT = Path(__file__).resolve().parents[1]
EVALSETS = ROOT.parent / "shared" / "evalsets"
FLOORS = Path(__file__).resolve().with_name("quality_floors.json")
# Files whose gold events also get the classification score (types of given actor pairs).
# plv-train is also what classification mode's type model is trained on, so its figure here is
# in-sample: its floor catches weights that fail to load or work; the honest figure is the
# cross-validated one of training/train_classifier.py.
# news-dev's actor pairs (never trained on) gate the article path: the learned event coder's
# events pooled with the type model (api.classify_records).
CLASSIFY_FILES = frozenset({"plv-train.jsonl", "news-dev.jsonl"})
# The project's own held-out sets (team-written, never trained on), gated beside the shared
# ones when the shared folder is the default one.
PROJECT_SETS = (
    ROOT / "training" / "acled" / "heldout.jsonl",
    ROOT / "training" / "acled" / "heldout-b.jsonl",
)
# The short-text sets (single sentences, snippets) are also scored with the lexicon coder
# alone (event_coder = "lexicon"), under "<file> [lexicon]": the rules were written on two of
# them and still code such texts better than the learned coder, which learned from whole
# articles. A guard on the rules, which stay a setting and feed the learned coder.
LEXICON_FILES = frozenset({"plover-gsr.jsonl", "plv-train.jsonl", "conflibert-cameo-train.jsonl"})
LEXICON_SUFFIX = " [lexicon]"
# A new floor sits this far below today's figure (after rounding down to two decimals), so
# that harmless noise such as a changed tie-break does not fail the gate.
MARGIN = 0.01

Figures = dict[str, dict[str, float]]  # file name -> metric -> value
Predictor = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A metric below its floor (``value`` is None when the metric was not measured at all)."""

    file: str
    metric: str
    value: float | None
    floor: float


def compare_with_floors(figures: Figures, floors: Figures) -> list[Shortfall]:
    """Every pinned metric of the files measured that is missing or below its floor.

    Files not measured in this run (``--files``) are not judged; a metric the run should have
    produced but did not (a part of the report vanished) is a shortfall.
    """
    shortfalls: list[Shortfall] = []
    for file in sorted(floors):
        if file not in figures:
            continue
        for metric, floor in sorted(floors[file].items()):
            value = figures[file].get(metric)
            # A tiny tolerance: figures are rounded to 4 decimals, floors to 2.
            if value is None or value < floor - 1e-9:
                shortfalls.append(Shortfall(file, metric, value, floor))
    return shortfalls


def proposed_floor(value: float) -> float:
    """Today's figure rounded down to two decimals, less ``MARGIN`` (never below 0)."""
    return max(0.0, round(math.floor(value * 100 + 1e-9) / 100 - MARGIN, 2))


def raise_floors(floors: Figures, figures: Figures) -> tuple[Figures, list[str]]:
    """Floors raised to what ``figures`` support, and a line per change. Nothing goes down."""
    raised = {file: dict(metrics) for file, metrics in floors.items()}
    changes: list[str] = []
    for file in sorted(figures):
        for metric, value in sorted(figures[file].items()):
            candidate = proposed_floor(value)
            current = raised.get(file, {}).get(metric)
            if candidate <= 0 or (current is not None and candidate <= current):
                continue
            raised.setdefault(file, {})[metric] = candidate
            before = "new" if current is None else f"{current:.2f}"
            changes.append(f"{file} {metric}: {before} -> {candidate:.2f}")
    return raised, changes


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def changed_gold(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """Gold files whose hash differs from the one their floors were measured on."""
    return sorted(
        name for name, sha in current.items() if name in recorded and recorded[name] != sha
    )


def load_floors(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"gold_sha256": {}, "floors": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("gold_sha256", {})
    data.setdefault("floors", {})
    return data


def write_floors(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def measure(
    files: Sequence[Path],
    *,
    predict: Predictor,
    classify: Predictor,
    lexicon: Predictor | None = None,
    limit: int | None = None,
) -> tuple[Figures, list[Report]]:
    """Every file's metrics (extraction, plus classification where configured, plus the
    lexicon coder's extraction where configured) and reports."""
    figures: Figures = {}
    reports: list[Report] = []
    for path in files:
        report = evaluate_file(path, predict, limit=limit)
        reports.append(report)
        metrics = dict(report.metrics())
        if path.name in CLASSIFY_FILES:
            classified = evaluate_file(path, classify, limit=limit, mode="classify")
            reports.append(classified)
            metrics.update(classified.metrics())
        figures[path.name] = metrics
        if lexicon is not None and path.name in LEXICON_FILES:
            by_rules = evaluate_file(path, lexicon, limit=limit)
            reports.append(by_rules)
            figures[path.name + LEXICON_SUFFIX] = dict(by_rules.metrics())
    return figures, reports


def format_table(figures: Figures, floors: Figures, shortfalls: Sequence[Shortfall]) -> str:
    """One line per measured metric: value, floor and whether it holds."""
    below = {(s.file, s.metric) for s in shortfalls}
    rows = [f"{'file':<30} {'metric':<32} {'value':>7} {'floor':>7}  status"]
    for file in sorted(set(figures) | {s.file for s in shortfalls}):
        pinned = floors.get(file, {})
        for metric in sorted(set(figures.get(file, {})) | set(pinned)):
            value = figures.get(file, {}).get(metric)
            floor = pinned.get(metric)
            if (file, metric) in below:
                status = "BELOW FLOOR" if value is not None else "MISSING"
            else:
                status = "ok" if floor is not None else "-"
            shown = "-" if value is None else f"{value:.4f}"
            pinned_text = "-" if floor is None else f"{floor:.2f}"
            rows.append(f"{file:<30} {metric:<32} {shown:>7} {pinned_text:>7}  {status}")
    return "\n".join(rows)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="eventscope quality gate")
    parser.add_argument("--limit", type=int, default=None, help="score the first N per file")
    parser.add_argument("--files", default=None, help="comma-separated gold file names")
    parser.add_argument("--update-floors", action="store_true", help="raise floors (never lower)")
    parser.add_argument("--evalsets", type=Path, default=EVALSETS, help=argparse.SUPPRESS)
    parser.add_argument("--floors", type=Path, default=FLOORS, help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="print the full reports too")
    return parser.parse_args(argv)


def _default_predictors() -> tuple[Predictor, Predictor, Predictor]:
    import dataclasses
    import functools

    from eventscope.api import classify_records, predict_records
    from eventscope.pipeline import Pipeline
    from eventscope.settings import load_settings

    rules = Pipeline(dataclasses.replace(load_settings(), event_coder="lexicon"))
    return predict_records, classify_records, functools.partial(predict_records, pipeline=rules)


def main(
    argv: Sequence[str] | None = None,
    *,
    predict: Predictor | None = None,
    classify: Predictor | None = None,
    lexicon: Predictor | None = None,
) -> int:
    """Run the gate; ``predict``/``classify``/``lexicon`` replace the real pipeline (tests)."""
    args = _parse(argv)
    if not args.evalsets.is_dir():
        print("skipped: ../shared/evalsets not found")
        return 0
    files = sorted(args.evalsets.glob("*.jsonl"))
    if args.evalsets == EVALSETS:
        files += [f for f in PROJECT_SETS if f.is_file()]
    if args.files:
        wanted = [name.strip() for name in args.files.split(",") if name.strip()]
        unknown = sorted(set(wanted) - {f.name for f in files})
        if unknown:
            print(f"error: no such gold file: {', '.join(unknown)}", file=sys.stderr)
            return 2
        files = [f for f in files if f.name in wanted]
    if args.update_floors and args.limit is not None:
        print("error: --update-floors needs full files; drop --limit", file=sys.stderr)
        return 2
    if predict is None or classify is None:
        try:
            default_predict, default_classify, default_lexicon = _default_predictors()
        except ImportError as exc:
            print(f"error: the eventscope pipeline cannot be imported: {exc}", file=sys.stderr)
            return 2
        predict = predict or default_predict
        classify = classify or default_classify
        lexicon = lexicon or default_lexicon

    data = load_floors(args.floors)
    hashes = {f.name: sha256_file(f) for f in files}
    for name in changed_gold(data["gold_sha256"], hashes):
        print(f"warning: {name} changed since its floors were set; figures may not compare")

    figures, reports = measure(
        files, predict=predict, classify=classify, lexicon=lexicon, limit=args.limit
    )
    if args.verbose:
        for report in reports:
            print(format_report(report), end="\n\n")
    shortfalls = compare_with_floors(figures, data["floors"])
    print(format_table(figures, data["floors"], shortfalls))
    if args.limit is not None:
        print(f"(first {args.limit} records per file: figures are not the full-set figures)")

    if args.update_floors:
        data["floors"], changes = raise_floors(data["floors"], figures)
        data["gold_sha256"].update(hashes)
        write_floors(args.floors, data)
        print("\n".join(changes) if changes else "floors unchanged")
    if shortfalls:
        print(f"FAILED: {len(shortfalls)} metric(s) below floor")
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
