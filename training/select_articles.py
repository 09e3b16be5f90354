"""Choose the corpus articles to hand-code next, and write the coders' batches.

    python training/select_articles.py --out /tmp/annot          # plan + batches (texts) there
    python training/select_articles.py --plan-only  # only training/annotations/plan.json

What it does (seeded, so the same corpus gives the same choice):

1. Reads ``../shared/corpus/abp-5k.jsonl`` and ``bbc.jsonl`` and leaves out every article already
   in ``../shared/evalsets/news-train.jsonl``, every article that shares a run of eight words
   with a news-dev article (a copy of a measured article must never be trained on) or with
   more than ``--train-overlap`` runs of a news-train article (the same story again teaches
   little), and articles shorter than ``--min-chars``.
2. Draws ``--abp`` abp articles, half from the foreign, security and conflict topics and half
   from US domestic politics (where the coder is weakest), and ``--bbc`` BBC articles from
   politics and business (a model must also learn what is not an event).
3. Cuts each text as news-train was cut: the longest prefix of at most ``--extent`` characters
   that ends at a paragraph break (else at a sentence end).
4. Picks ``--double`` of them to be coded twice, and deals the codings into batches so that the
   two codings of an article are in batches of different coders.

``--more`` adds a round to an existing plan: articles not chosen before (drawn with the seed plus
the round number), dealt into batches numbered after the plan's last one.

Only ids, extents and batch assignments enter the repository (``training/annotations/plan.json``);
the texts of the batches are written under ``--out`` for the coders and never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLAN = ROOT / "training" / "annotations" / "plan.json"

FOREIGN_TOPICS = frozenset(
    "middle_east world foreign_policy terrorism national_security us_military north_korea russia "
    "trade immigration violence_in_america justice justice_department fbi europe china "
    "asia africa latin_america israel iran syria".split()
)
DOMESTIC_TOPICS = frozenset(
    "elections politics white_house us_house us_senate us_congress supreme_court impeachment "
    "healthcare federal_budget republican_party democratic_party gun_control_and_gun_rights "
    "economy_and_jobs coronavirus polarization race_and_racism".split()
)
BBC_SECTIONS = ("politics", "business")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str, n: int = 8) -> set[str]:
    w = words(text)
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


def cut(text: str, extent: int) -> str:
    """The coded prefix: whole paragraphs up to ``extent`` characters, else whole sentences."""
    if len(text) <= extent:
        return text
    head = text[: extent + 1]
    para = head.rfind("\n")
    if para >= extent // 2:
        return text[: para + 1]
    ends = [m.end() for m in re.finditer(r"[.!?][\"'”’)]?\s", head)]
    return text[: ends[-1]] if ends else text[:extent]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def eligible(args: argparse.Namespace) -> tuple[list[dict], list[dict]]:
    evalsets = SHARED / "evalsets"
    train = read_jsonl(evalsets / "news-train.jsonl")
    dev = read_jsonl(evalsets / "news-dev.jsonl")
    train_ids = {r["id"] for r in train}
    dev_shingles = set().union(*(shingles(r["text"]) for r in dev))
    train_index: dict[str, set[str]] = defaultdict(set)
    for record in train:
        for s in shingles(record["text"]):
            train_index[s].add(record["id"])
    abp: list[dict] = []
    bbc: list[dict] = []
    for name, bucket in (("abp-5k.jsonl", abp), ("bbc.jsonl", bbc)):
        for record in read_jsonl(SHARED / "corpus" / name):
            if record["id"] in train_ids or len(record["text"]) < args.min_chars:
                continue
            mine = shingles(cut(record["text"], args.extent))
            if mine & dev_shingles:
                continue
            shared: dict[str, int] = defaultdict(int)
            for s in mine:
                for other in train_index.get(s, ()):
                    shared[other] += 1
            if shared and max(shared.values()) > args.train_overlap:
                continue
            bucket.append(record)
    return abp, bbc


def choose(args: argparse.Namespace, taken: frozenset[str] = frozenset()) -> list[dict]:
    rng = random.Random(args.seed)
    abp, bbc = eligible(args)
    abp = [r for r in abp if r["id"] not in taken]
    bbc = [r for r in bbc if r["id"] not in taken]
    foreign = sorted((r for r in abp if r.get("topic") in FOREIGN_TOPICS), key=lambda r: r["id"])
    domestic = sorted((r for r in abp if r.get("topic") in DOMESTIC_TOPICS), key=lambda r: r["id"])
    chosen = rng.sample(foreign, args.abp - args.abp // 2) + rng.sample(domestic, args.abp // 2)
    per_section = args.bbc // len(BBC_SECTIONS)
    for k, section in enumerate(BBC_SECTIONS):
        pool = sorted((r for r in bbc if r.get("section") == section), key=lambda r: r["id"])
        n = per_section + (1 if k < args.bbc % len(BBC_SECTIONS) else 0)
        chosen += rng.sample(pool, n)
    # Near-copies among the chosen (wire stories reprinted by several outlets): keep the first.
    kept: list[dict] = []
    seen: set[str] = set()
    for record in chosen:
        mine = shingles(cut(record["text"], args.extent))
        if len(mine & seen) > args.train_overlap:
            continue
        seen |= mine
        kept.append(record)
    rng.shuffle(kept)
    return kept


def deal(ids: list[str], double: list[str], batches: int) -> list[list[str]]:
    """Codings dealt round-robin; an article's second coding goes to a later batch whose
    coder is another one (batch k is coded by coder k mod ``batches``'s helper)."""
    dealt: list[list[str]] = [[] for _ in range(batches)]
    for k, article in enumerate(ids):
        dealt[k % batches].append(article)
    for k, article in enumerate(double):
        first = next(n for n, batch in enumerate(dealt) if article in batch)
        second = (first + 1 + k % (batches - 1)) % batches
        dealt[second].append(article)
    return dealt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the coders' batches (texts)")
    parser.add_argument("--plan-only", action="store_true")
    parser.add_argument("--abp", type=int, default=134)
    parser.add_argument("--bbc", type=int, default=34)
    parser.add_argument("--double", type=int, default=30)
    parser.add_argument("--batches", type=int, default=16)
    parser.add_argument("--extent", type=int, default=3000)
    parser.add_argument("--min-chars", type=int, default=1200)
    parser.add_argument("--train-overlap", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--more", action="store_true", help="add a round to the existing plan")
    args = parser.parse_args(argv)
    old: dict = json.loads(PLAN.read_text(encoding="utf-8")) if args.more else {}
    rounds = old.get("rounds", [old["settings"]] if old else [])
    if args.more:
        args.seed += len(rounds)
    taken = frozenset(a["id"] for a in old.get("articles", []))
    chosen = choose(args, taken)
    ids = [r["id"] for r in chosen]
    rng = random.Random(args.seed + 1)
    double = sorted(rng.sample(ids, args.double), key=ids.index)
    dealt = deal(ids, double, args.batches)
    extents = {r["id"]: len(cut(r["text"], args.extent)) for r in chosen}
    first = len(old.get("batches", {}))
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "plan_only", "more")}
    plan = {
        "seed": old.get("seed", args.seed),
        "settings": old.get("settings", settings),
        "rounds": [*rounds, settings],
        "articles": old.get("articles", [])
        + [
            {"id": r["id"], "extent": extents[r["id"]], "topic": r.get("topic") or r.get("section")}
            for r in chosen
        ],
        "double_coded": old.get("double_coded", []) + double,
        "batches": old.get("batches", {})
        | {f"b{first + k + 1:02d}": batch for k, batch in enumerate(dealt)},
    }
    PLAN.parent.mkdir(parents=True, exist_ok=True)
    PLAN.write_text(json.dumps(plan, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(ids)} new articles ({len(double)} coded twice) in {args.batches} batches -> {PLAN}"
    )
    if args.plan_only or args.out is None:
        return 0
    by_id = {r["id"]: r for r in chosen}
    args.out.mkdir(parents=True, exist_ok=True)
    new = {
        name: batch for name, batch in plan["batches"].items() if name not in old.get("batches", {})
    }
    for name, batch in new.items():
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for article in batch:
                record = by_id[article]
                text = record["text"][: extents[article]]
                row = {
                    k: record[k] for k in ("id", "title", "published", "outlet") if record.get(k)
                }
                handle.write(json.dumps(row | {"text": text}, ensure_ascii=False) + "\n")
    print(f"batches written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
