"""Actor mention coverage and resolution accuracy on the shared gold sets.

    python bench/actor_coverage.py                   # ../shared/evalsets
    python bench/actor_coverage.py --limit 200 --show 20

plv-train.jsonl (event source/target spans): recall = share of gold actor spans overlapped by
one of our mentions; precision proxy = share of our mentions overlapping a gold span (a lower
bound: the gold marks only the actors of its events, not every actor in the sentence).

plover-gsr.jsonl (actors with country and sector): for each gold actor overlapped by a mention
(the one with the largest overlap), country accuracy and sector accuracy. Gold codes are
normalised as follows: old CAMEO country codes JAP -> JPN, ITL -> ITA, VTN -> VNM; gold "---"
or no country is not scored; "lenient" country accuracy also counts the PLOVER non-state codes
IGO/NGO/IMG/ISM/UNO/EUR as one class. Sectors keep their first three letters (CVLalb -> CVL,
REFKUR -> REF); the typo CIV is read as CVL; "***", MOS (a religion, not a sector) and no
sector are not scored for "sector accuracy"; "sector agreement with none" also scores gold
actors without a sector, where the right answer is no sector (a country as a whole).

Also times find_actors against the spaCy parse. Exits 0 with "skipped" when the evalsets are
absent. Reads the gold files; never writes them anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eventscope.actors import find_actors, load_tables
from eventscope.nlp import load_nlp
from eventscope.records import Actor, Article, Sentence

ROOT = Path(__file__).resolve().parents[1]
EVALSETS = ROOT.parent / "shared" / "evalsets"
OLD_COUNTRY_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
NON_STATE = frozenset({"IGO", "NGO", "IMG", "ISM", "UNO", "EUR", "MNC"})
OLD_SECTORS = {"CIV": "CVL"}
UNSCORED_SECTORS = frozenset({"***", "MOS"})


def _records(path: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            if line.strip():
                yield json.loads(line)


def _sentences(article: Article, doc: Any) -> tuple[Sentence, ...]:
    try:
        from eventscope.text import split_sentences
    except ImportError:  # the text stage is not there yet: spaCy's sentences, unflagged
        return tuple(Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents))
    return split_sentences(article, doc)


def _gold_actors(record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for event in record.get("events") or []:
        for actor in (event.get("source") or []) + (event.get("target") or []):
            if isinstance(actor.get("start"), int) and isinstance(actor.get("end"), int):
                out.append(actor)
    return out


def _overlap(actor: Actor, gold: dict[str, Any]) -> int:
    return max(0, min(actor.span.end, gold["end"]) - max(actor.span.start, gold["start"]))


class Timer:
    def __init__(self) -> None:
        self.parse = 0.0
        self.actors = 0.0


def _run(record: dict[str, Any], nlp: Any, timer: Timer, dated: bool) -> list[Actor]:
    published = None
    if dated and record.get("published"):
        published = dt.date.fromisoformat(record["published"])
    article = Article(id=record["id"], text=record["text"], published=published)
    t0 = time.perf_counter()
    doc = nlp(article.text)
    t1 = time.perf_counter()
    sentences = _sentences(article, doc)
    t2 = time.perf_counter()
    actors = list(find_actors(doc, sentences, published=published))
    timer.parse += t1 - t0
    timer.actors += time.perf_counter() - t2
    return actors


def coverage(path: Path, nlp: Any, limit: int | None, show: int, timer: Timer) -> None:
    gold_total = gold_hit = ours_total = ours_hit = 0
    missed: list[str] = []
    for record in _records(path, limit):
        gold = _gold_actors(record)
        actors = _run(record, nlp, timer, dated=True)
        for g in gold:
            gold_total += 1
            if any(_overlap(a, g) for a in actors):
                gold_hit += 1
            elif len(missed) < show:
                missed.append(g["text"])
        for a in actors:
            ours_total += 1
            ours_hit += any(_overlap(a, g) for g in gold)
    print(f"{path.name}: {gold_total} gold actor spans, {ours_total} mentions")
    print(f"  recall (gold span overlapped by a mention)  {gold_hit / max(gold_total, 1):.3f}")
    print(f"  precision proxy (mention overlaps gold)     {ours_hit / max(ours_total, 1):.3f}")
    if missed:
        print("  some missed:", "; ".join(missed))


def _country(code: str | None) -> str | None:
    if not code or code == "---":
        return None
    return OLD_COUNTRY_CODES.get(code, code)


def _sector(code: str | None) -> str | None:
    if not code:
        return None
    code = code[:3].upper()
    return OLD_SECTORS.get(code, code)


def resolution(
    path: Path, nlp: Any, limit: int | None, show: int, timer: Timer, dated: bool
) -> None:
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for record in _records(path, limit):
        actors = _run(record, nlp, timer, dated=dated)
        for g in _gold_actors(record):
            counts["gold"] += 1
            best = max(actors, key=lambda a: _overlap(a, g), default=None)
            if best is None or not _overlap(best, g):
                continue
            counts["matched"] += 1
            gold_country = _country(g.get("country"))
            if gold_country is not None:
                counts["country_n"] += 1
                ok = best.country == gold_country
                counts["country_ok"] += ok
                lenient = ok or (gold_country in NON_STATE and best.country in NON_STATE)
                counts["country_lenient"] += lenient
                if not lenient and len(wrong) < show:
                    wrong.append(f"{g['text']!r}: {best.country} vs {gold_country}")
            gold_sector = _sector(g.get("sector"))
            if gold_sector in UNSCORED_SECTORS:
                continue
            counts["sector_any_n"] += 1
            counts["sector_any_ok"] += best.sector == gold_sector
            if gold_sector is not None:
                counts["sector_n"] += 1
                ok = best.sector == gold_sector
                counts["sector_ok"] += ok
                if not ok and len(wrong) < 2 * show:
                    wrong.append(f"{g['text']!r}: {best.sector} vs {gold_sector}")

    def share(hit: str, n: str) -> str:
        return f"{counts[hit] / max(counts[n], 1):.3f} ({counts[hit]}/{counts[n]})"

    label = "with" if dated else "without"
    print(f"{path.name} ({label} publication dates): {counts['gold']} gold actors")
    print(f"  overlapped by a mention        {share('matched', 'gold')}")
    print(f"  country accuracy (strict)      {share('country_ok', 'country_n')}")
    print(f"  country accuracy (lenient)     {share('country_lenient', 'country_n')}")
    print(f"  sector accuracy                {share('sector_ok', 'sector_n')}")
    print(f"  sector agreement with none     {share('sector_any_ok', 'sector_any_n')}")
    if wrong:
        print("  some errors:", "; ".join(wrong))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--evalsets", type=Path, default=EVALSETS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show", type=int, default=0, help="print this many errors")
    args = parser.parse_args(argv)
    plv = args.evalsets / "plv-train.jsonl"
    gsr = args.evalsets / "plover-gsr.jsonl"
    if not plv.exists() or not gsr.exists():
        print(f"skipped: no gold sets under {args.evalsets}")
        return 0
    nlp = load_nlp()
    load_tables()
    timer = Timer()
    coverage(plv, nlp, args.limit, args.show, timer)
    resolution(gsr, nlp, args.limit, args.show, timer, dated=True)
    resolution(gsr, nlp, args.limit, 0, timer, dated=False)
    print(
        f"time: spaCy parse {timer.parse:.1f}s, find_actors {timer.actors:.1f}s "
        f"({100 * timer.actors / max(timer.parse, 1e-9):.0f}% of the parse)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
