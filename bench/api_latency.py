"""Latency of the HTTP API's list and aggregate endpoints under concurrent requests.

    python bench/api_latency.py [--db abp5k.duckdb] [--corpus ../shared/corpus/abp-5k.jsonl]
                                [--clients 8] [--requests 50] [--workers 2]

Builds the database with ``eventscope ingest`` when ``--db`` does not exist yet (5,000
articles take 15-25 minutes on two cores), starts ``eventscope serve`` on it as a child
process, and sends each request mix from ``--clients`` threads (one httpx client each),
``--requests`` requests per client. Prints p50/p95/p99 latency and requests/s per mix, and
the p95 as a multiple of /api/health's (the baseline: the server's own overhead, one tiny
query) measured in the same run. Not a timed test: the figures go in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "abp-5k.jsonl"

# (name, path, query): the page's own requests, with a few filter mixes.
MIXES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("health (baseline)", "/api/health", {}),
    ("events: no filter", "/api/events", {"limit": "50"}),
    ("events: country", "/api/events", {"limit": "50", "country": "USA"}),
    (
        "events: type+dates",
        "/api/events",
        {"limit": "50", "type": "ASSAULT", "since": "2000-01-01", "until": "2030-12-31"},
    ),
    ("events: text search", "/api/events", {"limit": "50", "q": "police"}),
    ("events: actor+quad", "/api/events", {"limit": "50", "actor": "president", "quad": "1"}),
    ("events: page 20", "/api/events", {"limit": "50", "offset": "1000"}),
    ("counts: month x quad", "/api/counts", {"by": "month", "split": "true", "limit": "500"}),
    ("counts: day x quad", "/api/counts", {"by": "day", "split": "true", "limit": "500"}),
    ("counts: country", "/api/counts", {"by": "country", "limit": "100"}),
    ("counts: dyad", "/api/counts", {"by": "dyad", "limit": "100"}),
    ("counts: week, filtered", "/api/counts", {"by": "week", "country": "USA", "quad": "4"}),
    ("places (map)", "/api/places", {"limit": "500"}),
    ("network", "/api/network", {"limit": "30"}),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build(db: Path, corpus: Path, workers: int) -> None:
    print(f"building {db} from {corpus} ({workers} workers) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "eventscope.cli",
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--workers",
            str(workers),
        ],
        check=True,
    )
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "EVENTSCOPE_TOKEN": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "eventscope.cli", "serve", "--db", str(db), "--port", str(port)],
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def run_mix(base: str, path: str, query: dict[str, str], clients: int, requests: int) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get(path, params=query)  # warm this connection
            for _ in range(requests):
                started = time.perf_counter()
                response = http.get(path, params=query)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "rps": len(latencies) / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "abp5k.duckdb")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2, help="ingest workers (building)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=50, help="per client and mix")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not args.db.exists():
        build(args.db, args.corpus, args.workers)
    port = _free_port()
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        health = httpx.get(base + "/api/health").json()
        print(
            f"{args.db}: {health['articles']:,} articles, {health['events']:,} events; "
            f"{args.clients} concurrent clients x {args.requests} requests per mix; "
            f"{os.cpu_count()} CPUs"
        )
        results = {}
        print(
            f"{'mix':<24} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'p95/health':>10}"
        )
        for name, path, query in MIXES:
            result = run_mix(base, path, query, args.clients, args.requests)
            results[name] = result
            ratio = result["p95_ms"] / results["health (baseline)"]["p95_ms"]
            failed = f"  ({result['errors']} errors)" if result["errors"] else ""
            print(
                f"{name:<24} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} "
                f"{result['p99_ms']:>8.1f} {result['rps']:>8.1f} {ratio:>10.1f}{failed}",
                flush=True,
            )
        if args.json:
            args.json.write_text(json.dumps({"db": str(args.db), **health, "mixes": results}))
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
