"""Speed of classification mode on whole articles, against spaCy alone on the same texts.

    python bench/classify_speed.py [--set ../shared/evalsets/news-train.jsonl] [-n 100]
                                   [--repeat 3]

Classification mode (``eventscope.api.classify_records``) parses each record, scores every
actor pair with the type model and, in an article, runs the pipeline's event coder. The
baseline is spaCy alone parsing the same texts with ``nlp.pipe`` in the same process, timed in
the same round. Both run once untimed first (models loaded, caches warm). Prints per round the
seconds of each and the ratio spaCy / classification (the share of spaCy's speed the mode
keeps), their medians and one JSON line. Only the texts and the actor spans of the set are read;
no score is computed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from eventscope.api import classify_records, default_pipeline

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = ROOT.parent / "shared" / "evalsets" / "news-train.jsonl"


def read_records(path: Path, n: int) -> list[dict]:
    """The first ``n`` records that have events, each with its events' actors only."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("events"):
                events = [{k: e.get(k, []) for k in ("source", "target")} for e in record["events"]]
                out.append({"id": record["id"], "text": record["text"], "events": events})
            if len(out) == n:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("-n", type=int, default=100, help="articles (default 100)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = read_records(args.set, args.n)
    pipeline = default_pipeline()
    texts = [r["text"] for r in records]
    list(pipeline.nlp.pipe(texts[:5]))
    classify_records(records[:5], pipeline=pipeline)
    rounds = []
    for number in range(args.repeat):
        started = time.perf_counter()
        list(pipeline.nlp.pipe(texts))
        spacy_s = time.perf_counter() - started
        started = time.perf_counter()
        classify_records(records, pipeline=pipeline)
        classify_s = time.perf_counter() - started
        rounds.append((spacy_s, classify_s))
        print(
            f"round {number + 1}: spaCy alone {spacy_s:.1f} s, classification {classify_s:.1f} s,"
            f" ratio {spacy_s / classify_s:.2f}"
        )
    spacy_s = statistics.median(r[0] for r in rounds)
    classify_s = statistics.median(r[1] for r in rounds)
    pairs = sum(len(r["events"]) for r in records)
    print(
        f"{len(records)} articles, {pairs} pairs: spaCy alone {spacy_s:.1f} s, classification"
        f" {classify_s:.1f} s, ratio {spacy_s / classify_s:.2f} (median of {len(rounds)})"
    )
    print(
        json.dumps(
            {
                "articles": len(records),
                "pairs": pairs,
                "spacy_s": round(spacy_s, 2),
                "classify_s": round(classify_s, 2),
                "ratio": round(spacy_s / classify_s, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
