"""A user's own actors file (setting ``actors_file``): CSV, TSV and YAML; adding a person
with offices by year; overriding a shipped name; one clear error per kind of bad row; the
pipeline coding with it and saying so in the versions of its events (issue 3, item 5)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

import eventscope
from eventscope.actors import load_tables, resolve_phrase
from eventscope.actors.tables import name_key
from eventscope.actors.user import compare, read_actors_file
from eventscope.errors import ActorsFileError, SettingsError
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.records import Actor, Article
from eventscope.settings import load_settings
from eventscope.versions import tables_version

# A fictional Norwegian minister with two offices, and Hamas made a Palestinian government body.
CSV = """\
# Our desk's own actors
name,aliases,kind,country,sector,office,start_year,end_year,entity_id
Jane Doe,Doe|J. Doe,person,NOR,GOV,Minister of the Interior,2021,2024,Q4115189
Jane Doe,,person,NOR,PTY,party chair,2015,2020,
Hamas,,org,PSE,GOV,,,,
"""
YAML = """\
# Our desk's own actors
- name: Jane Doe
  aliases: [Doe, J. Doe]
  kind: person
  country: NOR
  sector: GOV
  office: Minister of the Interior
  start_year: 2021
  end_year: 2024
  entity_id: Q4115189
- {name: Jane Doe, kind: person, country: NOR, sector: PTY, office: party chair,
   start_year: 2015, end_year: 2020}
- name: Hamas
  kind: org
  country: PSE
  sector: GOV
"""
FORMATS = {".csv": CSV, ".tsv": CSV.replace(",", "\t"), ".yaml": YAML, ".yml": YAML}


def _on(year: int) -> dt.date:
    return dt.date(year, 6, 1)


def _head(rule: str) -> str:
    return rule.split("+")[0]


def _resolved(text: str, **kwargs: Any) -> Actor:
    actor = resolve_phrase(text, **kwargs)
    assert actor is not None, text
    return actor


@pytest.fixture(params=sorted(FORMATS))
def actors_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"actors{request.param}"
    path.write_text(FORMATS[request.param], encoding="utf-8")
    return path


def test_every_format_reads_the_same_rows(actors_file: Path) -> None:
    user = read_actors_file(actors_file)
    assert [(a.name, a.kind, a.country, a.sector) for a in user.actors] == [
        ("Jane Doe", "person", "NOR", "GOV"),
        ("Jane Doe", "person", "NOR", "PTY"),
        ("Hamas", "org", "PSE", "GOV"),
    ]
    assert user.actors[0].aliases == ("Doe", "J. Doe")
    assert user.actors[0].entity_id == "Q4115189"
    assert (user.actors[1].start_year, user.actors[1].end_year) == (2015, 2020)


def test_a_new_person_resolves_by_the_years_of_their_offices(actors_file: Path) -> None:
    tables = load_tables(actors_file)
    before = _resolved("Jane Doe", published=_on(2010), tables=tables)
    chair = _resolved("Jane Doe", published=_on(2018), tables=tables)
    minister = _resolved("Jane Doe", published=_on(2022), tables=tables)
    after = _resolved("Jane Doe", published=_on(2027), tables=tables)
    # (The first rule part: a "+user" part may follow it, saying where the entry came from.)
    assert (before.country, before.sector, _head(before.rule)) == (
        "NOR",
        None,
        "table:leaders:Jane Doe@future",
    )
    assert (chair.sector, _head(chair.rule)) == ("PTY", "table:leaders:Jane Doe")
    assert (minister.kind, minister.sector, minister.entity_id) == ("person", "GOV", "Q4115189")
    assert after.sector == "ELI" and after.rule.startswith("table:leaders:Jane Doe@former")
    # Aliases on one row serve every row of the name.
    assert _resolved("Doe", published=_on(2018), tables=tables).sector == "PTY"
    # The shipped tables alone know nothing of her.
    assert resolve_phrase("Jane Doe", published=_on(2022)) is None


def test_a_user_name_replaces_every_shipped_entry_under_it(actors_file: Path) -> None:
    tables = load_tables(actors_file)
    hamas = _resolved("Hamas", published=_on(2020), tables=tables)
    assert (hamas.country, hamas.sector, _head(hamas.rule)) == ("PSE", "GOV", "table:orgs:Hamas")
    entries = [e for a in tables.names[name_key("Hamas")] for e in a.entries]
    assert entries and {e.source for e in entries} == {"user"}  # "HAMAS" went too
    # The shipped tables are untouched, and so are shipped aliases the file does not name.
    assert _resolved("Hamas", published=_on(2020)).sector == "REB"
    other = _resolved("Islamic Resistance Movement", published=_on(2020), tables=tables)
    assert other.sector == "REB"


def test_tables_record_the_file_and_are_compiled_once_per_version_of_it(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(CSV, encoding="utf-8")
    tables = load_tables(path)
    assert load_tables(path) is tables
    assert tables.user_file == str(path) and str(path) in tables.sources
    assert re.fullmatch(r"[0-9a-f]{12}", tables.user_digest)
    assert load_tables() is not tables and load_tables().user_digest == ""
    path.write_text(CSV.replace("PSE,GOV", "PSE,LEG"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock says
    changed = load_tables(path)
    assert changed is not tables and changed.user_digest != tables.user_digest
    assert _resolved("Hamas", tables=changed).sector == "LEG"


def test_yaml_under_an_actors_key_with_groups_countries_and_in_article_aliases(
    tmp_path: Path,
) -> None:
    path = tmp_path / "more.yml"
    path.write_text(
        "actors:\n"
        "  - name: Blue Lantern Brigade\n"
        "    aliases: BLB|~the Brigade\n"
        "    kind: group\n"
        "    country: IMG\n"
        "    sector: reb\n"
        "  - {name: Burma, kind: country, country: mmr}\n",
        encoding="utf-8",
    )
    tables = load_tables(path)
    brigade = _resolved("BLB fighters", tables=tables)
    assert (brigade.country, brigade.sector) == ("IMG", "REB")
    assert _resolved("the Blue Lantern Brigade", tables=tables).kind == "group"
    doc_only = [e for a in tables.names[name_key("the Brigade")] for e in a.entries]
    assert doc_only and all(e.doc_only for e in doc_only)
    burma = _resolved("Burma", tables=tables)
    assert (burma.kind, burma.country, _head(burma.rule)) == (
        "country",
        "MMR",
        "table:countries:Burma",
    )


def test_validate_counts_what_the_file_adds_and_overrides(actors_file: Path) -> None:
    changes = compare(read_actors_file(actors_file), load_tables())
    assert set(changes.added) == {"Jane Doe", "Doe", "J. Doe"}
    assert changes.overridden == ("Hamas",)
    assert changes.describe().endswith("adds 3 names, overrides 1 shipped name: Hamas")


HEADER = "name,aliases,kind,country,sector,office,start_year,end_year,entity_id\n"


@pytest.mark.parametrize(
    ("filename", "content", "line", "reason"),
    [
        ("a.csv", "name,party,country\nJane Doe,Left,NOR\n", 1, "unknown column 'party'"),
        ("a.csv", HEADER + "Jane Doe,,person,XYZ,GOV,,,,\n", 2, "country 'XYZ' is not an ISO"),
        ("a.csv", HEADER + "Jane Doe,,person,NO,GOV,,,,\n", 2, "did you mean NOR"),
        ("a.csv", HEADER + "Jane Doe,,person,NOR,MINISTRY,,,,\n", 2, "not a PLOVER sector"),
        ("a.csv", HEADER + "\nJane Doe,,person,NOR,GOV,,20x1,,\n", 3, "start_year '20x1'"),
        ("a.csv", HEADER + "Jane Doe,,person,NOR,GOV,,2024,2021,\n", 2, "2024 is after"),
        ("a.csv", HEADER + "Jane Doe,,person,NOR,GOV,,,21,\n", 2, "end_year '21' is not"),
        ("a.csv", HEADER + "Jane Doe,,person,NOR,GOV,,,,P31\n", 2, "not a Wikidata id"),
        ("a.csv", HEADER + ",Doe,person,NOR,GOV,,,,\n", 2, "no name"),
        ("a.csv", HEADER + "Jane Doe,,minister,NOR,GOV,,,,\n", 2, "kind 'minister'"),
        ("a.csv", HEADER + "Ruritania,,country,NOR,GOV,,,,\n", 2, "has no sector"),
        ("a.csv", HEADER + 'Jane Doe,"Doe,person,NOR\n', 2, "not valid CSV"),
        ("a.csv", HEADER + "Jane Doe,,person,NOR,GOV,,,,,extra\n", 2, "10 fields"),
        ("a.tsv", "name\tcountry\nJane Doe\tNORW\n", 2, "country 'NORW'"),
        ("a.yaml", "- name: Jane Doe\n  country: [NOR\n", 3, "not valid YAML"),
        ("a.yaml", "- name: Jane Doe\n- name: Doe\n  party: Left\n", 2, "unknown key 'party'"),
        ("a.yaml", "- name: Jane Doe\n  start_year: 2020-01-01\n", 1, "not a year"),
        ("a.yaml", "name: Jane Doe\n", 1, "expected a list of actors"),
        ("a.yaml", "- Jane Doe\n", 1, "an actor must be a set of keys"),
        ("a.yml", "- name: {first: Jane}\n", 1, "name must be text"),
    ],
)
def test_each_bad_row_names_the_file_the_line_and_the_reason(
    tmp_path: Path, filename: str, content: str, line: int, reason: str
) -> None:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ActorsFileError, match=re.escape(reason)) as info:
        load_tables(path)
    assert str(info.value).startswith(f"{path}, line {line}: "), str(info.value)
    assert isinstance(info.value, SettingsError) and info.value.line == line


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("missing.csv", None, "cannot read actors file"),
        ("actors.json", "[]", "unknown format"),
        ("empty.csv", "# only a comment\n", "no header line"),
        ("empty.yaml", "", "empty"),
        ("latin.csv", "name\nJos\xe9\n", "not UTF-8"),
    ],
)
def test_files_that_cannot_be_used_are_named(
    tmp_path: Path, filename: str, content: str | None, reason: str
) -> None:
    path = tmp_path / filename
    if content is not None:
        path.write_bytes(content.encode("latin-1"))
    with pytest.raises(ActorsFileError, match=reason) as info:
        load_tables(path)
    assert str(info.value).startswith(str(path))


# --- settings -----------------------------------------------------------------------------


def test_a_relative_actors_file_is_relative_to_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EVENTSCOPE_ACTORS", raising=False)
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "eventscope.toml").write_text('actors_file = "desk/actors.csv"\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings(folder / "eventscope.toml")
    assert Path(settings.actors_file) == folder / "desk" / "actors.csv"


def test_the_environment_names_a_file_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EVENTSCOPE_ACTORS", "mine.yaml")
    (tmp_path / "s.toml").write_text('actors_file = "other.csv"\n')
    assert Path(load_settings(tmp_path / "s.toml").actors_file) == tmp_path / "mine.yaml"


def test_defaults_name_no_actors_file_and_a_bad_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVENTSCOPE_ACTORS", raising=False)
    monkeypatch.delenv("EVENTSCOPE_CONFIG", raising=False)
    assert load_settings().actors_file == ""
    (tmp_path / "bad.toml").write_text("actors_file = 3\n")
    with pytest.raises(SettingsError, match="actors_file"):
        load_settings(tmp_path / "bad.toml")


# --- end to end ---------------------------------------------------------------------------

STORY = (
    "OSLO - Interior Minister Jane Doe accused Hamas on Tuesday of smuggling weapons.\n"
    "Doe met Swedish police officials in Oslo on Wednesday.\n"
)


def test_extract_codes_actors_from_the_file_and_says_so_in_the_versions(
    tmp_path: Path, nlp, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("EVENTSCOPE_ACTORS", raising=False)
    path = tmp_path / "actors.csv"
    path.write_text(CSV, encoding="utf-8")
    shipped = Pipeline(load_settings().replace(actors_file=""), nlp=nlp)
    mine = Pipeline(load_settings().replace(actors_file=str(path)), nlp=nlp)
    article = make_article(STORY, published="2022-03-01", origin="story")
    before, after = shipped.extract(article), mine.extract(article)

    doe = next(a for a in after.actors if a.span.text.endswith("Jane Doe"))
    assert (doe.name, doe.country, doe.sector) == ("Jane Doe", "NOR", "GOV")
    assert "table:leaders:Jane Doe" in doe.rule
    accuse = next(e for e in after.events if e.type == "ACCUSE")
    assert [(a.name, a.country) for a in accuse.source] == [("Jane Doe", "NOR")]
    assert [(a.name, a.sector) for a in accuse.target] == [("Hamas", "GOV")]
    old = next(e for e in before.events if e.type == "ACCUSE")
    assert [a.sector for a in old.target] == ["REB"]

    digest = load_tables(path).user_digest
    assert accuse.versions["tables"] == f"{tables_version()}+user.{digest}"
    assert old.versions["tables"] == tables_version() != accuse.versions["tables"]


def test_the_api_takes_settings_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text(YAML, encoding="utf-8")
    result = eventscope.extract(
        STORY, published="2022-03-01", settings=_settings_with(path, tmp_path)
    )
    assert any(a.name == "Jane Doe" and a.country == "NOR" for a in result.actors)
    assert all("+user." in e.versions["tables"] for e in result.events)


def test_a_bad_file_stops_a_batch_once_instead_of_failing_every_document(
    tmp_path: Path, nlp
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "actors.csv"
    path.write_text(HEADER + "Jane Doe,,person,XYZ,GOV,,,,\n", encoding="utf-8")
    pipeline = Pipeline(load_settings().replace(actors_file=str(path)), nlp=nlp)
    articles = [Article(id="a", text=STORY), Article(id="b", text=STORY)]
    with pytest.raises(ActorsFileError, match="line 2"):
        list(pipeline.extract_many(articles))


def _settings_with(path: Path, folder: Path):  # type: ignore[no-untyped-def]
    config = folder / "eventscope.toml"
    config.write_text(f'actors_file = "{path.name}"\n')
    return load_settings(config)
