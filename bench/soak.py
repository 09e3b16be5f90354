"""Soak: code a corpus while the API serves a steady read load; count errors, watch memory.

    python bench/soak.py [--corpus ../shared/corpus/abp-5k.jsonl] [-n 5000] [--workers 2]
                         [--clients 4] [--interval 0.25] [--baseline 500]

In one run:

1. baseline: ``eventscope ingest`` alone (no server, no reads) on the first ``--baseline``
   articles into a fresh database: articles per second;
2. soak: ``eventscope serve --ingest`` on the first ``-n`` articles into another fresh
   database, the server coding them (``--workers`` processes) while ``--clients`` threads
   each send a read every ``--interval`` seconds, cycling through what the web page asks
   for (event lists with filters, one event with its evidence, counts by day, country and
   dyad, the map's places, the network, the facets, the page itself). Every answer that is
   not 200 is an error, and so is a request that fails or takes over 30 s.

Prints the errors (they must be zero), the read latency, memory over time (the server
process and its worker processes, from /proc), and the coding rate under load against the
baseline's on the same first articles (a ratio from one run), then checks the database:
every article once, no event without its article. Not a timed test: the figures go in the
issue note. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "abp-5k.jsonl"
TOKEN = "soak-token"

READS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/api/health", {}),
    ("/api/events", {"limit": "50"}),
    ("/api/events", {"limit": "50", "country": "USA"}),
    ("/api/events", {"limit": "50", "type": "ASSAULT"}),
    ("/api/events", {"limit": "50", "q": "police"}),
    ("/api/events", {"limit": "20", "offset": "200", "quad": "4"}),
    ("/api/counts", {"by": "day", "split": "true", "limit": "500"}),
    ("/api/counts", {"by": "country", "limit": "100"}),
    ("/api/counts", {"by": "dyad", "limit": "100"}),
    ("/api/places", {"limit": "500"}),
    ("/api/network", {"limit": "30"}),
    ("/api/facets", {}),
    ("/", {}),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _subset(corpus: Path, n: int, folder: Path) -> Path:
    path = folder / f"first-{n}.jsonl"
    with corpus.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for line in itertools.islice(source, n):
            out.write(line)
    return path


def _eventscope(*args: str) -> list[str]:
    return [sys.executable, "-m", "eventscope.cli", *args]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def baseline(subset: Path, folder: Path, workers: int) -> dict:
    db = folder / "baseline.duckdb"
    started = time.perf_counter()
    subprocess.run(
        _eventscope("ingest", str(subset), "--db", str(db), "--workers", str(workers)),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    with duckdb.connect(str(db), read_only=True) as con:
        (stored,) = con.execute("SELECT count(*) FROM articles").fetchone()  # type: ignore[misc]
    return {"articles": stored, "seconds": round(seconds, 1), "per_s": stored / seconds}


class Readers:
    """``clients`` threads, each reading every ``interval`` s until stopped."""

    def __init__(self, base: str, clients: int, interval: float) -> None:
        self.base, self.clients, self.interval = base, clients, interval
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.event_ids: list[str] = []
        self.threads = [
            threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(clients)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _one(self, client: httpx.Client, path: str, query: dict[str, str]) -> None:
        started = time.perf_counter()
        try:
            answer = client.get(path, params=query)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            return
        took = time.perf_counter() - started
        with self.lock:
            self.latencies.append(took)
            if answer.status_code != 200:
                self.errors.append(f"{path} {query}: HTTP {answer.status_code} {answer.text[:200]}")
            elif path == "/api/events":
                self.event_ids.extend(item["id"] for item in answer.json()["items"][:5])

    def _run(self, k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=self.base, timeout=30) as client:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                path, query = READS[(n + k) % len(READS)]
                self._one(client, path, query)
                with self.lock:
                    ids = self.event_ids[-50:]
                if ids and n % 3 == 0:  # one event with its evidence and article
                    self._one(client, f"/api/events/{rng.choice(ids)}", {})
                self.stop.wait(self.interval)


def soak(subset: Path, folder: Path, args: argparse.Namespace) -> dict:
    db = folder / "soak.duckdb"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "EVENTSCOPE_TOKEN": TOKEN}
    command = _eventscope(
        "serve", "--db", str(db), "--port", str(port), "--ingest", str(subset),
        "--workers", str(args.workers),
    )  # fmt: skip
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    samples: list[dict] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start: {server.stderr.read()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.5)
        readers = Readers(base, args.clients, args.interval)
        started = time.monotonic()
        readers.start()
        reached: dict[int, float] = {}
        with httpx.Client(base_url=base, timeout=30) as monitor:
            while True:
                time.sleep(args.sample)
                status = monitor.get("/api/health").json()
                job = status["ingest"]
                workers = [round(mb) for mb in map(_rss_mb, _descendants(server.pid))]
                sample = {
                    "t": round(time.monotonic() - started, 1),
                    "stored": job["stored"],
                    "failed": job["failed"],
                    "server_mb": round(_rss_mb(server.pid)),
                    "workers_mb": [mb for mb in workers if mb > 50],  # not the small helpers
                    "requests": len(readers.latencies),
                    "errors": len(readers.errors),
                }
                samples.append(sample)
                done = job["stored"] + job["failed"] + job["skipped"]
                for mark in (args.baseline, args.n):
                    if done >= mark and mark not in reached:
                        reached[mark] = time.monotonic() - started
                print(json.dumps(sample), flush=True)
                if job["state"] != "running":
                    break
        readers.join()
        final = job
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    with duckdb.connect(str(db), read_only=True) as con:
        (articles, distinct) = con.execute(
            "SELECT count(*), count(DISTINCT id) FROM articles"
        ).fetchone()  # type: ignore[misc]
        (orphans,) = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()  # type: ignore[misc]
    latencies = sorted(readers.latencies)
    return {
        "ingest": final,
        "requests": len(latencies),
        "errors": readers.errors,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "reached_s": reached,
        "samples": samples,
        "db": {"articles": articles, "distinct": distinct, "orphan_events": orphans},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", type=int, default=5000, help="articles to code under load")
    parser.add_argument("--baseline", type=int, default=500, help="articles for the baseline")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4, help="reading threads")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between reads")
    parser.add_argument("--sample", type=float, default=15.0, help="seconds between samples")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found")
        return 0
    args.baseline = min(args.baseline, args.n)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        first = _subset(args.corpus, args.baseline, folder)
        base = baseline(first, folder, args.workers)
        print(f"baseline: {base['articles']} articles in {base['seconds']} s", flush=True)
        result = soak(_subset(args.corpus, args.n, folder), folder, args)
    job = result["ingest"]
    under_load = args.baseline / result["reached_s"][args.baseline]
    print(f"\nsoak: {args.n} articles, {args.workers} workers, {args.clients} readers")
    print(
        f"ingest: {job['state']}; {job['stored']} stored, {job['failed']} failed; "
        f"{job['articles_per_second']} articles/s over the run"
    )
    print(
        f"reads: {result['requests']} requests, {len(result['errors'])} errors; "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
    )
    for error in result["errors"][:10]:
        print(f"  error: {error}")
    print(
        f"coding rate on the first {args.baseline} articles: {under_load:.2f}/s under load "
        f"against {base['per_s']:.2f}/s alone ({under_load / base['per_s']:.0%})"
    )
    print("memory over time (MB): t s, stored, server, workers")
    for sample in result["samples"][:: max(1, len(result["samples"]) // 20)]:
        print(f"  {sample['t']:>7} {sample['stored']:>6} {sample['server_mb']:>6} "
              f"{sample['workers_mb']}")  # fmt: skip
    peak_server = max(s["server_mb"] for s in result["samples"])
    peak_worker = max((max(s["workers_mb"]) for s in result["samples"] if s["workers_mb"]),
                      default=0)  # fmt: skip
    print(f"peak: server {peak_server} MB, largest worker {peak_worker} MB")
    print(f"database: {result['db']}")
    ok = (
        not result["errors"]
        and job["state"] == "done"
        and result["db"]["articles"] == result["db"]["distinct"] == job["stored"]
        and result["db"]["orphan_events"] == 0
    )
    print(json.dumps({"baseline": base, **{k: v for k, v in result.items() if k != "samples"}}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
