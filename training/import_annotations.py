"""Turn the coders' annotation files into the repository's standoff annotations.

    python training/import_annotations.py RAW_DIR [RAW_DIR ...]

Each RAW_DIR holds one folder per batch (``b01`` ...), each with one ``<article id>.json`` per
article in the format of ``../shared/annotation/GUIDE.md`` (evidence, trigger and actors as
words); where several hold a batch's file (a completeness pass over a first coding), the first
RAW_DIR named wins. Each
file is checked and converted by the guide's own checker (``make_gold.py``, which finds the
offsets), against the coded text of the article (its first ``extent`` characters, from
``training/annotations/plan.json``). The result is written to
``training/annotations/news-extra.jsonl``: ids, offsets and labels only (``eventscope.annotations``
describes the format), never the words. An article coded in two batches gets both codings; the
one of the earlier batch is the primary one (it trains the model), the other measures agreement.
A file the checker finds problems in is reported and left out. A batch that no RAW_DIR holds a
folder of keeps its lines of the existing ``news-extra.jsonl`` (a new round is imported with
only its own folders, and the earlier rounds' codings stay as they were).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from pathlib import Path

from eventscope.annotations import check_standoff, read_corpus, text_digest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLAN = ROOT / "training" / "annotations" / "plan.json"
OUT = ROOT / "training" / "annotations" / "news-extra.jsonl"


def load_checker():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_gold", SHARED / "annotation" / "make_gold.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def standoff_event(event: dict) -> dict:
    def span(s: dict) -> list[int]:
        return [s["start"], s["end"]]

    return {
        "type": event["type"],
        "type_as_coded": event["type_as_coded"],
        "mode": event.get("mode"),
        "factuality": event["factuality"],
        "sentence": span(event["sentence"]),
        "trigger": span(event["trigger"]),
        "source": [
            {"span": span(a), "country": a.get("country"), "sector": a.get("sector")}
            for a in event["source"]
        ],
        "target": [
            {"span": span(a), "country": a.get("country"), "sector": a.get("sector")}
            for a in event["target"]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, nargs="+")
    args = parser.parse_args(argv)
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    extents = {a["id"]: a["extent"] for a in plan["articles"]}
    corpus = read_corpus(SHARED / "corpus", extents)
    checker = load_checker()
    texts = {i: corpus[i]["text"][: extents[i]] for i in extents}
    checker.ARTICLES.update({i: {"id": i, "text": t} for i, t in texts.items()})
    guide = hashlib.sha256((SHARED / "annotation" / "GUIDE.md").read_bytes()).hexdigest()[:12]
    corpus_file = {i: ("bbc.jsonl" if i.startswith("bbc-") else "abp-5k.jsonl") for i in extents}
    kept: dict[str, list[dict]] = {}
    if OUT.exists():
        for line in map(json.loads, OUT.read_text(encoding="utf-8").splitlines()):
            kept.setdefault(line["coder"], []).append(line)
    lines, seen, bad = [], set(), 0
    for batch in sorted(plan["batches"]):
        if not any((d / batch).is_dir() for d in args.raw):
            for line in kept.get(batch, []):
                lines.append(line | {"primary": line["id"] not in seen})
                seen.add(line["id"])
            continue
        for article in plan["batches"][batch]:
            found = [d / batch / f"{article}.json" for d in args.raw]
            path = next((p for p in found if p.exists()), found[-1])
            if not path.exists():
                print(f"{path}: missing", file=sys.stderr)
                bad += 1
                continue
            converted, problems = checker.convert(json.loads(path.read_text(encoding="utf-8")))
            if problems or converted is None:
                print(
                    f"{path}: {len(problems)} problems, left out: {problems[:2]}", file=sys.stderr
                )
                bad += 1
                continue
            line = {
                "id": article,
                "corpus": corpus_file[article],
                "extent": extents[article],
                "sha256": text_digest(texts[article]),
                "guide": guide,
                "coder": batch,
                "primary": article not in seen,
                "events": [standoff_event(e) for e in converted["events"]],
            }
            problems = check_standoff(line, texts[article])
            if problems:
                print(f"{path}: {problems[:2]}", file=sys.stderr)
                bad += 1
                continue
            seen.add(article)
            lines.append(line)
    OUT.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    primary = [line for line in lines if line["primary"]]
    print(
        f"{len(primary)} articles ({sum(len(line['events']) for line in primary)} events), "
        f"{len(lines) - len(primary)} second codings, {bad} files left out -> {OUT}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
