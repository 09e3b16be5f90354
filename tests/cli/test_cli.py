"""The command line on files the tests write: output shapes, bad input, safe re-runs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from eventscope.cli import app

STORY = (
    "BEIRUT - French President Emmanuel Macron met Lebanese Prime Minister Saad Hariri in "
    "Beirut on Tuesday.\n"
    "Israeli jets struck Hamas positions in the Gaza Strip on Monday, the army said.\n"
)
OTHER = "Kenyan police arrested 40 protesters in Nairobi on Friday, officials said.\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "lebanon.txt").write_text(STORY, encoding="utf-8")
    (folder / "kenya.jsonl").write_text(
        json.dumps({"id": "kenya-1", "text": OTHER, "published": "2023-07-14"}) + "\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def bad_inbox(inbox: Path) -> Path:
    """The good folder plus one file of every kind of bad input."""
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "latin1.txt").write_bytes(
        "Le pr\xe9sident a rencontr\xe9 le ministre.".encode("latin-1")
    )
    (inbox / "huge.txt").write_bytes(b"Troops attacked the town. " * 800_000)  # ~20 MB
    (inbox / "broken.jsonl").write_text(
        '{"id": "ok-line", "text": "Turkish forces shelled Kurdish positions in Syria."}\n'
        '{"id": "bad-line", "text": \n',
        encoding="utf-8",
    )
    return inbox


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_extract_prints_events_with_type_actors_date_place_and_sentence(
    runner: CliRunner, inbox: Path
) -> None:
    result = runner.invoke(
        app,
        ["extract", str(inbox / "lebanon.txt"), "--published", "2019-03-14"],
        env={"COLUMNS": "220"},
    )
    assert result.exit_code == 0, result.output
    assert "CONSULT" in result.stdout and "ASSAULT" in result.stdout
    assert "FRA/GOV" in result.stdout and "2019-03-12" in result.stdout  # "Tuesday"
    assert "Gaza Strip" in result.stdout
    assert "Israeli jets struck Hamas positions" in result.stdout


def test_extract_jsonl_writes_one_record_per_input_in_the_evalsets_shape(
    runner: CliRunner, inbox: Path
) -> None:
    result = runner.invoke(app, ["extract", str(inbox), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) == 2
    kenya = next(r for r in records if r["id"] == "kenya-1")
    assert {"events", "places", "quotes"} <= set(kenya)
    event = kenya["events"][0]
    assert event["type"] == "COERCE"
    assert {"source", "target", "evidence", "versions", "factuality"} <= set(event)
    assert event["source"][0]["country"] == "KEN"


def test_extract_csv_has_one_row_per_event(runner: CliRunner, inbox: Path) -> None:
    result = runner.invoke(app, ["extract", str(inbox / "kenya.jsonl"), "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["type"] == "COERCE"


def test_extract_and_export_write_one_csv_layout(
    runner: CliRunner, inbox: Path, tmp_path: Path
) -> None:
    kenya = str(inbox / "kenya.jsonl")
    extracted = runner.invoke(app, ["extract", kenya, "-f", "csv"]).stdout
    db = tmp_path / "events.duckdb"
    runner.invoke(app, ["ingest", kenya, "--db", str(db)])
    exported = runner.invoke(app, ["export", "--db", str(db), "-f", "csv"]).stdout
    [one] = list(csv.DictReader(io.StringIO(extracted)))
    [two] = list(csv.DictReader(io.StringIO(exported)))
    assert list(one) == list(two)
    assert {k: one[k] for k in ("source_text", "location_name", "trigger_text", "date")} == {
        k: two[k] for k in ("source_text", "location_name", "trigger_text", "date")
    }
    assert one["source_text"] == "Kenyan police" and one["location_name"] == "Nairobi"


def test_extract_of_a_dead_path_is_one_line_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = runner.invoke(app, ["extract", str(missing)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "nowhere.txt" in lines[0]


def test_ingest_twice_stores_nothing_twice(runner: CliRunner, inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    first = runner.invoke(app, ["ingest", str(inbox), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "2 stored, 0 already stored, 0 failed" in first.stdout
    counts = _rows(db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)")
    second = runner.invoke(app, ["ingest", str(inbox), "--db", str(db)])
    assert "0 stored, 2 already stored, 0 failed" in second.stdout
    assert (
        _rows(db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)") == counts
    )


def test_ingest_records_every_bad_input_and_goes_on(
    runner: CliRunner, bad_inbox: Path, tmp_path: Path
) -> None:
    db = tmp_path / "events.duckdb"
    dead = str(bad_inbox / "gone.txt")
    result = runner.invoke(app, ["ingest", str(bad_inbox), dead, "--db", str(db)])
    # Some documents failed: exit code 1, and the first reasons in the summary.
    assert result.exit_code == 1, result.output
    assert "3 stored" in result.stdout and "6 failed" in result.stdout
    assert "6 document(s) failed, first:" in result.stderr
    assert "binary.txt: ingest: " in result.stderr
    assert f"eventscope failures --db {db}" in result.stderr
    failures = dict(_rows(db, "SELECT document, reason FROM failures"))
    by_name = {Path(doc.split(":")[0]).name: reason for doc, reason in failures.items()}
    assert set(by_name) == {
        "binary.txt",
        "empty.txt",
        "latin1.txt",
        "huge.txt",
        "broken.jsonl",
        "gone.txt",
    }
    assert "empty" in by_name["empty.txt"]
    assert "UTF-8" in by_name["latin1.txt"] or "utf-8" in by_name["latin1.txt"]
    assert "large" in by_name["huge.txt"] or "limit" in by_name["huge.txt"]
    assert any(doc.startswith(str(bad_inbox / "broken.jsonl") + ":2") for doc in failures)
    stored = {row[0] for row in _rows(db, "SELECT id FROM articles")}
    assert "ok-line" in stored and "kenya-1" in stored
    # Running again records the same failures once each and stores nothing new.
    again = runner.invoke(app, ["ingest", str(bad_inbox), dead, "--db", str(db)])
    assert "0 stored, 3 already stored, 6 failed" in again.stdout
    assert len(_rows(db, "SELECT document FROM failures")) == 6


def test_extract_names_each_bad_document_on_one_line(runner: CliRunner, bad_inbox: Path) -> None:
    result = runner.invoke(app, ["extract", str(bad_inbox), "-f", "jsonl"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 5
    for name in ("binary.txt", "empty.txt", "latin1.txt", "huge.txt", "broken.jsonl:2"):
        assert sum(name in line for line in errors) == 1, (name, errors)
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert {r["id"] for r in records} >= {"kenya-1", "ok-line"}


def test_export_every_format(runner: CliRunner, inbox: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    runner.invoke(app, ["ingest", str(inbox), "--db", str(db)])
    jsonl = runner.invoke(app, ["export", "--db", str(db), "--format", "jsonl"])
    assert jsonl.exit_code == 0, jsonl.output
    events = [json.loads(line) for line in jsonl.stdout.splitlines() if line.strip()]
    assert events and all(e["evidence"] for e in events)
    parquet = tmp_path / "events.parquet"
    result = runner.invoke(app, ["export", "--db", str(db), "-f", "parquet", "-o", str(parquet)])
    assert result.exit_code == 0, result.output
    assert duckdb.sql(f"SELECT count(*) FROM '{parquet}'").fetchall()[0][0] == len(events)
    missing = runner.invoke(app, ["export", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "none.duckdb" in missing.stderr


def test_eval_scores_a_team_written_gold_file(runner: CliRunner, tmp_path: Path) -> None:
    text = "Kenyan police arrested 40 protesters in Nairobi on Friday."
    gold = {
        "id": "g1",
        "text": text,
        "published": "2023-07-14",
        "events": [
            {
                "type": "COERCE",
                "source": [{"text": "Kenyan police", "start": 0, "end": 13, "country": "KEN"}],
                "target": [{"text": "40 protesters", "start": 23, "end": 36, "country": "KEN"}],
            }
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    table = runner.invoke(app, ["eval", str(path)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "F1" in table.stdout
    machine = runner.invoke(app, ["eval", str(path), "--json"])
    payload = json.loads(machine.stdout)
    assert payload[str(path)]["events"]["typed"]["f1"] == pytest.approx(1.0)
    # Which sets the learned coder saw, in the table and in the JSON.
    assert "event coder eventscope-news-events" in table.stdout
    assert "ACLED classifier acled-" in table.stdout and "snippets.jsonl" in table.stdout
    assert "news-train.jsonl" in payload["event_coder"]["trained_on"]["per_file"]
    assert "news-dev.jsonl" in payload["event_coder"]["not_trained_on"]
    assert "in-sample" not in table.stdout


def test_eval_warns_when_the_coder_was_trained_on_the_gold_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    gold = {"id": "g1", "text": "Kenyan police arrested 40 protesters.", "events": []}
    path = tmp_path / "news-train.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    table = runner.invoke(app, ["eval", str(path)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "news-train.jsonl: the event coder was trained on these articles" in table.stdout


def test_demo_codes_the_sample_into_an_embedded_database(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["demo", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "6 stored" in result.stdout
    assert "THREATEN" in result.stdout
    assert _rows(db, "SELECT count(*) FROM failures") == [(0,)]


def test_missing_model_is_one_clear_message(runner: CliRunner, inbox: Path) -> None:
    result = runner.invoke(app, ["extract", str(inbox), "--model", "no_such_model_xyz"])
    assert result.exit_code == 2
    assert "no_such_model_xyz" in result.stderr and "install" in result.stderr


def test_the_readme_example_is_what_extract_prints(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ eventscope extract examples/syria.txt --published 2018-05-31\n")[1]
    block = block.split("```")[0]
    result = runner.invoke(
        app,
        ["extract", str(root / "examples" / "syria.txt"), "--published", "2018-05-31"],
        env={"COLUMNS": "100"},
    )
    assert result.exit_code == 0, result.output

    def first_cells(table: str) -> list[str]:
        return [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]

    assert first_cells(result.stdout) == first_cells(block)
    assert "2018-05-30" in result.stdout and "Deir ez-Zor" in result.stdout


def test_failures_lists_document_stage_and_reason(
    runner: CliRunner, bad_inbox: Path, tmp_path: Path
) -> None:
    db = tmp_path / "events.duckdb"
    runner.invoke(app, ["ingest", str(bad_inbox), "--db", str(db)])
    listed = runner.invoke(app, ["failures", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 5
    empty = next(line for line in lines if "empty.txt" in line)
    assert empty.split("\t")[1] == "ingest" and "empty" in empty.split("\t")[2]
    rows = [
        json.loads(x)
        for x in runner.invoke(app, ["failures", "--db", str(db), "--json"]).stdout.splitlines()
    ]  # noqa: E501
    assert {Path(r["document"].split(":")[0]).name for r in rows} >= {"binary.txt", "huge.txt"}
    assert all(r["stage"] == "ingest" and r["attempts"] == 1 for r in rows)


def test_ingest_of_good_input_exits_0_and_an_empty_database_has_no_failures(
    runner: CliRunner, inbox: Path, tmp_path: Path
) -> None:
    db = tmp_path / "events.duckdb"
    result = runner.invoke(app, ["ingest", str(inbox), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["failures", "--db", str(db)]).stdout.startswith("no failures")


def test_a_page_date_is_read_kept_and_an_unreadable_one_leaves_the_article_undated(
    runner: CliRunner, tmp_path: Path
) -> None:
    lines = [
        {"id": "cst", "text": OTHER, "published": "December 13, 2016 6:35PM CST"},
        {"id": "pipe", "text": OTHER, "published": "Wed Nov 23, 2016 | 4:58pm EST"},
        {"id": "dayfirst", "text": OTHER, "published": "13/12/2016"},
        {"id": "caps", "text": OTHER, "published": "DEC. 14, 2016, 2:54 AM EST"},
        {"id": "both", "text": OTHER, "published": "05/06/2016"},
        {"id": "junk", "text": OTHER, "published": "last Tuesday afternoon"},
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(source), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert {k: r["published"] for k, r in records.items()} == {
        "cst": "2016-12-13",
        "pipe": "2016-11-23",
        "dayfirst": "2016-12-13",
        "caps": "2016-12-14",
        "both": "2016-05-06",  # month first unless the settings say day_first
        "junk": None,
    }
    assert records["pipe"]["published_text"] == "Wed Nov 23, 2016 | 4:58pm EST"
    assert records["junk"]["events"], "the undated article is still coded"
    [warning] = [line for line in result.stderr.splitlines() if line.strip()]
    assert warning.startswith(f"warning: {source}:6: published 'last Tuesday afternoon'")
    assert "coded undated" in warning
    settings = tmp_path / "dayfirst.toml"
    settings.write_text("day_first = true\n", encoding="utf-8")
    again = runner.invoke(app, ["extract", str(source), "-f", "jsonl", "--config", str(settings)])
    records = {r["id"]: r for r in map(json.loads, again.stdout.splitlines())}
    assert records["both"]["published"] == "2016-06-05"
    assert records["dayfirst"]["published"] == "2016-12-13"


def test_an_empty_jsonl_says_it_has_no_articles(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(empty)])
    assert result.exit_code == 1
    assert f"no articles in {empty}" in result.stderr


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`eventscope extract ... | head -1`: the pipe closes early, the command exits 0 quietly."""
    import subprocess
    import sys

    inbox = tmp_path / "news.jsonl"
    lines = [
        {"id": f"a{n}", "text": f"Police arrested {n + 2} protesters in Nairobi on Monday."}
        for n in range(40)
    ]
    inbox.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        command = [sys.executable, "-m", "eventscope.cli", "extract", str(inbox), "-f", fmt]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline()  # one line, then the reader goes away
        proc.stdout.close()
        assert proc.wait(timeout=120) == 0, fmt
        assert b"Error" not in proc.stderr.read()
