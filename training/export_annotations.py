"""Write stored codings back out as coders' files, for a completeness pass over earlier rounds.

    python training/export_annotations.py OUT_DIR b01 b02 ...     # or --all

The inverse of ``import_annotations.py``: for each named batch it writes, under ``OUT_DIR``
(outside the repository: it holds publishers' text),

- ``annot/<batch>.jsonl``: the batch's articles as coders read them (id, title, published,
  outlet and the coded text: the article's first ``extent`` characters), leaving out articles
  coded in more than one batch (their two codings measure agreement and must stay
  independent), and
- ``raw/<batch>/<article id>.json``: the batch's stored coding of every article, in the
  guide's format (evidence, trigger and actors as words, read back from the offsets).

A second coder reads ``annot`` and ``raw``, writes completed codings to ``pass/<batch>/``,
and ``python training/import_annotations.py OUT_DIR/pass OUT_DIR/raw`` takes them in; the
articles left out of the pass keep their coding through ``raw``. Exporting and importing
again without a pass gives back the same standoff file, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from eventscope.annotations import read_corpus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLAN = ROOT / "training" / "annotations" / "plan.json"
STANDOFF = ROOT / "training" / "annotations" / "news-extra.jsonl"


def coder_event(event: dict[str, Any], text: str) -> dict[str, Any]:
    """One standoff event in the guide's words-not-offsets format."""

    def words(span: list[int]) -> str:
        return text[span[0] : span[1]]

    def actors(role: str) -> list[dict[str, Any]]:
        return [
            {"text": words(a["span"]), "country": a["country"], "sector": a["sector"]}
            for a in event[role]
        ]

    return {
        "evidence": words(event["sentence"]),
        "type": event["type_as_coded"],
        "mode": event["mode"],
        "factuality": event["factuality"],
        "trigger": words(event["trigger"]),
        "source": actors("source"),
        "target": actors("target"),
    }


def export(plan: dict[str, Any], batches: list[str], out: Path) -> tuple[int, int]:
    """Write the batches' articles and codings under ``out``; (articles to pass, events)."""
    extents = {a["id"]: a["extent"] for a in plan["articles"]}
    coded_in = Counter(a for arts in plan["batches"].values() for a in arts)
    lines = {
        (line["coder"], line["id"]): line
        for line in map(json.loads, STANDOFF.read_text(encoding="utf-8").splitlines())
    }
    wanted = {a for b in batches for a in plan["batches"][b]}
    corpus = read_corpus(SHARED / "corpus", {a: extents[a] for a in wanted})
    articles = events = 0
    (out / "annot").mkdir(parents=True, exist_ok=True)
    for batch in batches:
        folder = out / "raw" / batch
        folder.mkdir(parents=True, exist_ok=True)
        readers = []
        for article in plan["batches"][batch]:
            line = lines.get((batch, article))
            if line is None:
                raise ValueError(f"{batch}/{article}: no stored coding in {STANDOFF.name}")
            record = corpus[article]
            text = record["text"][: extents[article]]
            coded = [coder_event(e, text) for e in line["events"]]
            body = {"id": article, "events": coded}
            (folder / f"{article}.json").write_text(
                json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            if coded_in[article] > 1:
                continue
            keys = ("title", "published", "outlet")
            readers.append({"id": article, **{k: record.get(k) for k in keys}, "text": text})
            articles += 1
            events += len(coded)
        (out / "annot" / f"{batch}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in readers), encoding="utf-8"
        )
    return articles, events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("batches", nargs="*")
    parser.add_argument("--all", action="store_true", help="every batch of the plan")
    args = parser.parse_args(argv)
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    batches = sorted(plan["batches"]) if args.all else args.batches
    if not batches:
        parser.error("name batches, or --all")
    unknown = [b for b in batches if b not in plan["batches"]]
    if unknown:
        parser.error(f"no such batch in {PLAN.name}: {', '.join(unknown)}")
    try:
        articles, events = export(plan, batches, args.out)
    except ValueError as error:
        print(f"export_annotations: {error}", file=sys.stderr)
        return 1
    print(f"{len(batches)} batches; {articles} articles to pass ({events} events) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
