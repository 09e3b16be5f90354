"""`eventscope actors lookup` and `eventscope actors validate` (issue 3, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventscope.cli import app

ACTORS_CSV = """\
name,aliases,kind,country,sector,office,start_year,end_year,entity_id
Jane Doe,Doe,person,NOR,GOV,Minister of the Interior,2021,2024,Q4115189
Hamas,,org,PSE,GOV,,,,
"""
JSON_KEYS = {
    "phrase", "date", "resolved", "name", "kind", "country", "country_name", "sector",
    "entity_id", "rule", "why", "entries", "actors_file",
}  # fmt: skip
ENTRY_KEYS = {
    "words", "table", "name", "kind", "country", "sector", "office", "start_year", "end_year",
    "entity_id", "source", "in_article_only", "chosen",
}  # fmt: skip


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    # No settings or actors file from the machine running the tests.
    monkeypatch.delenv("EVENTSCOPE_CONFIG", raising=False)
    monkeypatch.delenv("EVENTSCOPE_ACTORS", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _lookup(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(app, ["actors", "lookup", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_shipped_leader_has_the_sector_of_the_date(runner: CliRunner) -> None:
    businessman = _lookup(runner, "Donald Trump", "--date", "2010-04-01")
    president = _lookup(runner, "Donald Trump", "--date", "2018-04-01")
    assert (businessman["sector"], president["sector"]) == ("BUS", "GOV")
    assert businessman["entity_id"] == president["entity_id"] == "Q22686"
    chosen = [e for e in president["entries"] if e["chosen"]]
    assert len(chosen) == 1 and chosen[0]["start_year"] == 2017
    assert len(president["entries"]) >= 4  # every office of the name is listed


def test_the_text_output_names_the_rule_its_meaning_and_the_entries(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["actors", "lookup", "Russian Foreign Minister Sergei Lavrov", "--date", "2018-05-31"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Sergei Lavrov" in text and "person" in text
    assert "RUS (Russia)" in text and "GOV" in text
    assert "table:leaders:Sergei Lavrov" in text
    assert "Sergei Lavrov is in the people table; its entry for 2018" in text
    marked = [line for line in text.splitlines() if line.lstrip().startswith("*")]
    assert len(marked) == 1 and "Foreign Minister" in marked[0] and "2004-" in marked[0]
    assert any("demonyms" in line and "Russian" in line for line in text.splitlines())


def test_the_json_shape(runner: CliRunner) -> None:
    found = _lookup(runner, "former Defense Minister Jan Kowalski")
    assert set(found) == JSON_KEYS
    assert (found["sector"], found["date"], found["resolved"]) == ("ELI", None, True)
    assert [part["part"] for part in found["why"]] == found["rule"].split("+")
    assert all(part["meaning"] for part in found["why"])
    assert any("gives sector GOV" in part["meaning"] for part in found["why"])
    lavrov = _lookup(runner, "Sergei Lavrov", "--date", "2018-05-31")
    assert all(set(entry) == ENTRY_KEYS for entry in lavrov["entries"])
    assert {entry["source"] for entry in lavrov["entries"]} == {"shipped"}


def test_an_unknown_phrase_says_so_and_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["actors", "lookup", "a blue kettle"])
    assert result.exit_code == 1
    assert "not known" in result.stdout
    machine = runner.invoke(app, ["actors", "lookup", "a blue kettle", "--json"])
    assert machine.exit_code == 1
    assert json.loads(machine.stdout)["resolved"] is False


def test_a_bad_date_is_one_line_and_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["actors", "lookup", "Hamas", "--date", "31/31/2018"])
    assert result.exit_code == 2
    assert "--date" in result.stderr and "31/31/2018" in result.stderr


def test_a_user_file_named_in_the_settings_file(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "actors.csv").write_text(ACTORS_CSV, encoding="utf-8")
    (folder / "eventscope.toml").write_text('actors_file = "actors.csv"\n')
    config = str(folder / "eventscope.toml")

    doe = _lookup(runner, "Interior Minister Jane Doe", "--date", "2022-01-10", "--config", config)
    assert (doe["name"], doe["country"], doe["sector"]) == ("Jane Doe", "NOR", "GOV")
    assert doe["actors_file"] == str(folder / "actors.csv")
    assert [e["source"] for e in doe["entries"] if e["chosen"]] == ["user"]
    assert "from your actors file" in doe["why"][0]["meaning"]

    hamas = _lookup(runner, "Hamas", "--config", config)
    assert (hamas["country"], hamas["sector"]) == ("PSE", "GOV")
    assert _lookup(runner, "Hamas")["sector"] == "REB"  # without the settings file


def test_the_actors_flag_is_relative_to_the_current_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "mine.csv").write_text(ACTORS_CSV, encoding="utf-8")
    doe = _lookup(runner, "Doe", "--date", "2023-01-01", "--actors", "mine.csv")
    assert (doe["name"], doe["sector"]) == ("Jane Doe", "GOV")


def test_a_bad_user_file_is_one_line_and_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(ACTORS_CSV.replace("PSE,GOV", "PSE,GOVT"))
    result = runner.invoke(app, ["actors", "lookup", "Hamas", "--actors", "bad.csv"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.csv, line 3" in lines[0] and "'GOVT'" in lines[0]


def test_validate_counts_additions_and_overrides(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text(ACTORS_CSV, encoding="utf-8")
    good = runner.invoke(app, ["actors", "validate", "mine.csv"])
    assert good.exit_code == 0, good.output
    assert "2 rows, valid; adds 2 names, overrides 1 shipped name: Hamas" in good.stdout
    (tmp_path / "bad.yaml").write_text("- name: Jane Doe\n  end_year: soon\n")
    bad = runner.invoke(app, ["actors", "validate", "bad.yaml"])
    assert bad.exit_code == 2
    assert "bad.yaml, line 1: end_year 'soon' is not a year" in bad.stderr
