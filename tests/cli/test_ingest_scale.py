"""`eventscope ingest` at scale (issue 7): engine options, new input kinds, progress lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventscope.cli import app
from eventscope.store import Store

pytestmark = pytest.mark.slow

STORY = "Kenyan police arrested 40 protesters in Nairobi on Friday, officials said."
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Clashes in Gaza</title><link>https://example.org/gaza</link>
<description>Israeli jets struck Hamas positions in the Gaza Strip on Monday.</description>
</item></channel></rss>"""


def test_ingest_reads_globs_gzip_and_feeds_with_the_workers_flag(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(
        gzip.compress((json.dumps({"id": "kenya", "text": STORY}) + "\n").encode())
    )
    (tmp_path / "b.jsonl.gz").write_bytes(b"broken")
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    db = tmp_path / "events.duckdb"
    pattern = str(tmp_path / "*.jsonl.gz")
    result = CliRunner().invoke(
        app, ["ingest", pattern, str(tmp_path / "wire.rss"), "--db", str(db), "--workers", "1"]
    )
    assert result.exit_code == 1, result.output  # the broken file failed
    assert result.stdout.startswith("2 stored, 0 already stored, 1 failed")
    # Not a terminal: a plain progress line rather than a bar.
    assert "ingest: 3 documents (2 stored" in result.stderr
    with Store(db, read_only=True) as store:
        assert {f.document for f in store.failures()} == {str(tmp_path / "b.jsonl.gz")}
        urls = store.query("SELECT url FROM articles ORDER BY url NULLS FIRST")
    assert [row["url"] for row in urls] == [None, "https://example.org/gaza"]


def test_address_without_the_ray_engine_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.duckdb"), "--address", "auto"]
    )
    assert result.exit_code == 2
    assert "--address is for the Ray engine" in result.stderr


def test_negative_workers_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--workers", "-1"])
    assert result.exit_code == 2
