"""How long a post to the API takes on a large database, against one rebuild of the stories
and aggregated events (what each post waited for before the rebuild moved to the background).

    python bench/post_latency.py --db abp5k.duckdb [--posts 6]

Works on a copy of ``--db`` (build one with ``bench/api_latency.py``), through the app in
this process (FastAPI's TestClient): a warm-up post loads the model; then ``--posts`` posts,
each after the previous one's background rebuild has finished, and ``--posts`` more a second
apart, each meeting the rebuild its predecessor started (it waits for it); a read right after
each post; then one full rebuild on the copy is timed, the baseline. Not a
timed test: the figures go in the README.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from eventscope.corpus import refresh_aggregates
from eventscope.serve import create_app
from eventscope.settings import Server, Settings
from eventscope.store import Store

TOKEN = "bench-token"
TEXT = "NAIROBI - Kenyan police arrested {n} protesters in Nairobi on Monday, officials said."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=6)
    args = parser.parse_args()
    if not args.db.is_file():
        print(f"skipped: {args.db} not found (bench/api_latency.py builds one)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "copy.duckdb"
        shutil.copy(args.db, db)
        app = create_app(db, settings=Settings(server=Server(token=TOKEN)))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        spaced: list[float] = []  # each post after the previous one's rebuild has finished
        meeting: list[float] = []  # each post while the previous one's rebuild runs
        reads: list[float] = []
        with TestClient(app) as client:
            client.post("/api/articles", json={"text": TEXT.format(n=1000)}, headers=headers)
            refresher = app.state.coder.refresher(app.state.database)
            refresher.wait(300)

            def post(n: int, into: list[float]) -> None:
                started = time.perf_counter()
                answer = client.post("/api/articles", json={"text": TEXT.format(n=n)},
                                     headers=headers)  # fmt: skip
                into.append(time.perf_counter() - started)
                assert answer.status_code == 201, answer.text
                started = time.perf_counter()
                assert client.get("/api/events", params={"limit": 50}).status_code == 200
                reads.append(time.perf_counter() - started)

            for n in range(args.posts):
                post(n + 2, spaced)
                refresher.wait(300)
            for n in range(args.posts):
                post(n + 100, meeting)
                time.sleep(1.0)  # the rebuild has started: the next post meets it
            refresher.wait(300)
            articles = client.get("/api/health").json()["articles"]
        started = time.perf_counter()
        with Store(db) as store:
            refresh_aggregates(store)
        rebuild = time.perf_counter() - started
    print(f"database: {articles} articles (a copy of {args.db})")
    print(f"one rebuild of stories and aggregates (the baseline): {rebuild:.2f} s")
    for name, times in (("post, no rebuild running", spaced),
                        ("post meeting a running rebuild", meeting)):  # fmt: skip
        median = statistics.median(times)
        print(f"{name}: median {median:.3f} s, max {max(times):.3f} s "
              f"({len(times)} posts; median / rebuild {median / rebuild:.2f})")  # fmt: skip
    print(f"read right after a post: median {statistics.median(reads):.3f} s, "
          f"max {max(reads):.3f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
