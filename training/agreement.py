"""How far two independent codings of the same articles agree (the data's own consistency).

    python training/agreement.py [--json]

Reads the articles of ``training/annotations`` coded twice (a primary and a second coding, by
coders who never saw each other's work), rebuilds both as gold records (texts from
``../shared/corpus``) and scores one against the other with the project's own event scorer
(``eventscope.evaluation``), in both directions: the figures are the mean of A-as-gold and
B-as-gold. A coding's "A|B" type (an unrealised act) is read as its coded type when it plays
the predicted side, as a model's output would be. Reports event F1 (typed: the types agree;
untyped), type agreement on matched events, source and target span F1, country and sector
agreement of matched actors, and factuality agreement.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from eventscope.annotations import gold_record, read_corpus, read_standoff
from eventscope.evaluation.events import score_events

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "training" / "annotations"
CORPUS = ROOT.parent / "shared" / "corpus"


def as_predicted(record: dict[str, Any]) -> dict[str, Any]:
    events = [e | {"type": e.get("type_as_coded") or e["type"]} for e in record["events"]]
    return record | {"events": events}


def figures(pairs: list[tuple[dict, dict]]) -> dict[str, float | None]:
    result = score_events(pairs)
    assert result is not None
    return {
        "typed_f1": result.typed.f1,
        "untyped_f1": result.untyped.f1,
        "typed_f1_trigger_overlap": result.trigger_typed.f1,
        "type_agreement": result.type_accuracy.value,
        "source_f1": result.source.f1,
        "target_f1": result.target.f1,
        "country_agreement": result.country.value,
        "sector_agreement": result.sector.value,
        "factuality_agreement": result.factuality.value,
        "events_a": result.typed.n_gold,
        "events_b": result.typed.n_pred,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    codings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in read_standoff(ANNOTATIONS):
        codings[line["id"]].append(line)
    twice = {i: c for i, c in codings.items() if len(c) >= 2}
    corpus = read_corpus(CORPUS, twice)
    forward, backward = [], []
    for article, (first, second, *_) in sorted(twice.items()):
        a = gold_record(first, corpus[article])
        b = gold_record(second, corpus[article])
        forward.append((a, as_predicted(b)))
        backward.append((b, as_predicted(a)))
    one, two = figures(forward), figures(backward)
    mean = {
        k: (None if one[k] is None or two[k] is None else round((one[k] + two[k]) / 2, 3))
        for k in one
    }
    mean["articles"] = len(twice)
    if args.json:
        print(json.dumps(mean, indent=1))
    else:
        print(
            f"{len(twice)} articles coded twice, independently "
            f"({one['events_a']} and {one['events_b']} events)"
        )
        for key, value in mean.items():
            if key not in ("articles", "events_a", "events_b"):
                print(f"  {key:<26} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
