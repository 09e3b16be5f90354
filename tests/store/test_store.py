"""The store and export, on hand-built records (no spaCy): what is written reads back, an
article is all-or-nothing, failures stay accurate, and the exports round-trip."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from eventscope.errors import StoreError
from eventscope.output import CSV_COLUMNS
from eventscope.records import (
    Actor,
    Article,
    DateMention,
    Event,
    Extraction,
    Failure,
    Place,
    Quote,
    Sentence,
    Span,
)
from eventscope.store import SCHEMA_VERSION, Store, export
from eventscope.store import database as database_module
from eventscope.store.schema import CORPUS_TABLES, EVENT_ACTORS

FIRST = "Envoys of Brelia met the Korvan delegation in Lisbon on 3 March 2021."
SECOND = '"We will, of course, keep talking," the Brelian envoy said, smiling.'
THIRD = "Photo: a harbour at dusk."
TEXT = f"{FIRST} {SECOND}\n{THIRD}"


def span(piece: str, after: int = 0) -> Span:
    start = TEXT.index(piece, after)
    return Span(start, start + len(piece), piece)


def make_extraction(article_id: str = "art-1", origin: str = "news/one.txt") -> Extraction:
    s2 = TEXT.index(SECOND)
    s3 = TEXT.index(THIRD)
    sentences = (
        Sentence(0, 0, len(FIRST), FIRST),
        Sentence(1, s2, s2 + len(SECOND), SECOND),
        Sentence(2, s3, s3 + len(THIRD), THIRD, flag="caption", flag_reason="starts with Photo:"),
    )
    brelia = Actor(
        span("Envoys of Brelia"),
        0,
        "Brelia",
        kind="country",
        country="BRL",
        sector="GOV",
        entity_id="Q-BRL",
        rule="table:countries",
    )
    korvan = Actor(span("Korvan delegation"), 0, "Korvan", kind="group", country="KRV")
    envoy = Actor(span("the Brelian envoy"), 1, "Brelia", kind="role", country="BRL", sector="GOV")
    lisbon = Place(
        span("Lisbon"),
        0,
        "Lisbon",
        geonameid=2267057,
        lat=38.71667,
        lon=-9.13333,
        country="PRT",
        feature="city",
        admin1="Lisbon",
        confidence=0.9,
        rule="gazetteer:capital",
    )
    on_date = DateMention(span("3 March 2021"), 0, "2021-03-03", "day")
    published = DateMention(None, None, "2021-03-04", "day", source="published")
    versions = {"code": "0.1.0", "tables": "abc123"}
    meet = Event(
        id=f"{article_id}:e0",
        article_id=article_id,
        sentence=0,
        evidence=FIRST,
        type="CONSULT",
        trigger=span("met"),
        source=(brelia,),
        target=(korvan,),
        mode="visit",
        cameo="043",
        quad="verbal_coop",
        score=1.0,
        date=on_date,
        location=lisbon,
        rule="consult:meet",
        confidence=0.8,
        versions=versions,
    )
    talk = Event(
        id=f"{article_id}:e1",
        article_id=article_id,
        sentence=1,
        evidence=SECOND,
        type="CONSULT",
        trigger=span("keep talking"),
        source=(envoy, brelia),
        factuality="planned",
        date=published,
        rule="consult:talk",
        confidence=0.5,
        versions=versions,
    )
    quote = Quote(
        content=span("We will, of course, keep talking,"),
        direct=True,
        sentence=1,
        cue=span("said"),
        speaker=span("the Brelian envoy"),
        speaker_actor=envoy,
        rule="quote:direct",
    )
    article = Article(
        id=article_id,
        text=TEXT,
        title="Envoys meet",
        published=dt.date(2021, 3, 4),
        url=f"https://example.org/{article_id}",
        outlet="Example Daily",
        author="A. Writer",
        origin=origin,
        content_hash="hash-" + article_id,
    )
    return Extraction(
        article=article,
        sentences=sentences,
        actors=(brelia, korvan, envoy),
        events=(meet, talk),
        places=(lisbon,),
        quotes=(quote,),
        dates=(on_date,),
    )


EXPECTED_COUNTS = {
    "articles": 1,
    "sentences": 3,
    "actors": 3,
    "events": 2,
    "event_actors": 4,
    "places": 1,
    "quotes": 1,
    "dates": 1,
    "failures": 0,
    # The corpus tables: filled by a refresh (eventscope.corpus), never by a write.
    "article_minhash": 0,
    "stories": 0,
    "story_articles": 0,
    "aggregated_events": 0,
    "aggregated_event_links": 0,
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folder" / "events.duckdb"


@pytest.fixture
def filled(db_path: Path) -> Path:
    with Store(db_path) as store:
        assert store.write(make_extraction("art-1", "news/one.txt"))
        assert store.write(make_extraction("art-2", "news/two.txt"))
    return db_path


# -- opening -------------------------------------------------------------------------------


def test_opening_creates_folder_and_schema(db_path: Path) -> None:
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert set(store.counts()) == set(EXPECTED_COUNTS)
        assert all(n == 0 for n in store.counts().values())
    assert db_path.is_file()
    with Store(db_path, read_only=True) as store:  # reopening keeps it
        assert store.schema_version() == SCHEMA_VERSION


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "notes.duckdb"
    junk.write_text("these are notes, not a database\n" * 50)
    with pytest.raises(StoreError, match=r"notes\.duckdb is not an eventscope database"):
        Store(junk)


def test_duckdb_file_of_someone_else(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE sales (amount INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="is not an eventscope database"):
        Store(other)


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match="newer than this eventscope"):
        Store(db_path)


SCHEMA_4_COLUMNS = ("acled_event_type", "acled_sub_event_type", "fatalities", "inter1", "inter2")


def _drop_schema_4_columns(con: duckdb.DuckDBPyConnection) -> None:
    for column in SCHEMA_4_COLUMNS:
        con.execute(f"ALTER TABLE events DROP COLUMN {column}")


def test_a_schema_3_file_gains_the_acled_columns(db_path: Path) -> None:
    with Store(db_path) as store:
        store.write(make_extraction("art-1", "news/one.txt"))
    con = duckdb.connect(str(db_path))
    _drop_schema_4_columns(con)
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE events SET acled = 'ARRESTS' WHERE sentence = 0")
    con.close()
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert [e.fatalities for e in store.events()] == [None, None]
        # A stored code gets ACLED's names in the migration.
        assert store.query("SELECT acled_sub_event_type FROM events WHERE acled IS NOT NULL") == [
            {"acled_sub_event_type": "Arrests"}
        ]
        labelled = make_extraction("art-2", "news/two.txt")
        event = dataclasses.replace(
            labelled.events[0], acled="AIR_STRIKE", fatalities=6, inter1=8, inter2=7
        )
        store.write(dataclasses.replace(labelled, events=(event, labelled.events[1])))
        again = store.events(article_id="art-2")
        assert [(e.acled, e.fatalities, e.inter1, e.inter2) for e in again] == [
            ("AIR_STRIKE", 6, 8, 7),
            (None, None, None, None),
        ]
        names = store.query(
            "SELECT acled_event_type, acled_sub_event_type FROM events "
            "WHERE acled IS NOT NULL AND article_id = 'art-2'"
        )
        assert names == [
            {
                "acled_event_type": "Explosions/Remote violence",
                "acled_sub_event_type": "Air/drone strike",
            }
        ]


def test_older_schema_is_migrated_in_place_keeping_stored_work(db_path: Path) -> None:
    with Store(db_path) as store:
        store.write(make_extraction("art-1", "news/one.txt"))
    # Make the file what schema 1 wrote: no acled column, no reporter role, version 1.
    con = duckdb.connect(str(db_path))
    _drop_schema_4_columns(con)
    con.execute("ALTER TABLE events DROP COLUMN acled")
    con.execute("ALTER TABLE articles DROP COLUMN published_text")
    con.execute("ALTER TABLE event_actors RENAME TO kept")
    con.execute(EVENT_ACTORS.ddl().replace(", 'reporter'", ""))
    con.execute("INSERT INTO event_actors SELECT * FROM kept")
    con.execute("DROP TABLE kept")
    for table in CORPUS_TABLES:  # schema 1 had no corpus tables either
        con.execute(f"DROP TABLE {table.name}")
    con.execute("DROP TABLE article_minhash")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="open it once for writing"):
        Store(db_path, read_only=True)
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert set(store.counts()) == set(EXPECTED_COUNTS)  # the corpus tables are back
        assert [e.acled for e in store.events()] == [None, None]
        labelled = make_extraction("art-2", "news/two.txt")
        reporter = labelled.actors[2]
        event = dataclasses.replace(
            labelled.events[0], acled="ARMED_CLASH", reported_by=(reporter,)
        )
        store.write(dataclasses.replace(labelled, events=(event, labelled.events[1])))
        again = store.events(article_id="art-2")
        assert [e.acled for e in again] == ["ARMED_CLASH", None]
        assert [e.reported_by for e in again] == [(reporter,), ()]
        assert len(store.events()) == 4
        assert [len(e.source) + len(e.target) for e in store.events(article_id="art-1")] == [2, 2]


def test_a_schema_2_file_gains_the_written_publication_date(db_path: Path) -> None:
    with Store(db_path) as store:
        store.write(make_extraction("art-1", "news/one.txt"))
    con = duckdb.connect(str(db_path))
    _drop_schema_4_columns(con)
    con.execute("ALTER TABLE articles DROP COLUMN published_text")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        old = store.article("art-1")
        assert old is not None and old.published_text is None
        new = make_extraction("art-2", "news/two.txt")
        written = dataclasses.replace(new.article, published_text="Wed Nov 23, 2016 | 4:58pm EST")
        store.write(dataclasses.replace(new, article=written))
        again = store.article("art-2")
        assert again is not None and again.published_text == "Wed Nov 23, 2016 | 4:58pm EST"


def test_a_current_file_missing_newer_tables_gains_them_when_opened_for_writing(
    db_path: Path,
) -> None:
    with Store(db_path) as store:
        store.write(make_extraction())
    con = duckdb.connect(str(db_path))  # schema 2 before the corpus tables were added to it
    for table in CORPUS_TABLES:
        con.execute(f"DROP TABLE {table.name}")
    con.close()
    with Store(db_path) as store:
        assert store.counts() == EXPECTED_COUNTS


def test_transact_is_all_or_nothing(db_path: Path) -> None:
    def write_then_break(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("INSERT INTO stories VALUES ('s-1', 'a-1', NULL, NULL, NULL, 1, 1, 0)")
        con.execute("INSERT INTO no_such_table VALUES (1)")

    with Store(db_path) as store:
        with pytest.raises(StoreError, match="could not write"):
            store.transact(write_then_break)
        assert store.counts()["stories"] == 0
        assert store.transact(lambda con: con.execute("SELECT 42").fetchone()) == (42,)


def test_read_only(db_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(db_path, read_only=True)
    Store(db_path).close()
    with Store(db_path, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.write(make_extraction())


BUSY_HOLDER = textwrap.dedent(
    """
    import sys
    from eventscope.store import Store
    with Store(sys.argv[1]):
        print("ready", flush=True)
        sys.stdin.readline()
    """
)


def test_busy_database_from_another_process(db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", BUSY_HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        message = (
            f"database {db_path} is busy: another eventscope process is writing to it "
            "(one writer at a time)"
        )
        with pytest.raises(StoreError) as caught:
            Store(db_path)
        assert str(caught.value) == message
        with pytest.raises(StoreError, match="is busy"):
            Store(db_path, read_only=True)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    with Store(db_path) as store:  # released when the other process is done
        assert store.write(make_extraction())


# -- writing and reading back --------------------------------------------------------------


def test_write_then_read_back(db_path: Path) -> None:
    extraction = make_extraction()
    with Store(db_path) as store:
        assert store.write(extraction) is True
    with Store(db_path, read_only=True) as store:
        assert store.has_article("art-1")
        assert not store.has_article("art-9")
        assert store.counts() == EXPECTED_COUNTS
        assert store.article("art-1") == extraction.article
        events = store.events(article_id="art-1")
        assert events == list(extraction.events)  # nothing lost on the way
        meet = events[0]
        assert [a.country for a in meet.source] == ["BRL"]
        assert meet.target[0].name == "Korvan"
        assert meet.location is not None and meet.location.geonameid == 2267057
        assert meet.date is not None and meet.date.value == "2021-03-03"
        assert meet.evidence == FIRST
        assert TEXT[meet.trigger.start : meet.trigger.end] == "met"
        assert [a.name for a in events[1].source] == ["Brelia", "Brelia"]
        (caption,) = store.query("SELECT flag, flag_reason FROM sentences WHERE idx = 2")
        assert caption == {"flag": "caption", "flag_reason": "starts with Photo:"}
        (row,) = store.query("SELECT n_sentences, versions FROM articles")
        assert row == {"n_sentences": 3, "versions": {"code": "0.1.0", "tables": "abc123"}}
        (quote,) = store.query("SELECT content_text, speaker_name, direct FROM quotes")
        assert quote["speaker_name"] == "Brelia" and quote["direct"] is True


def test_counting_events_by_source_country_is_plain_sql(filled: Path) -> None:
    with Store(filled, read_only=True) as store:
        rows = store.query(
            "SELECT ea.country, count(DISTINCT e.id) AS n FROM events e "
            "JOIN event_actors ea ON ea.event_id = e.id AND ea.role = 'source' "
            "GROUP BY ea.country ORDER BY ea.country"
        )
    assert rows == [{"country": "BRL", "n": 4}]


def test_rewriting_the_same_article_stores_nothing(db_path: Path) -> None:
    with Store(db_path) as store:
        assert store.write(make_extraction())
        before = store.counts()
        assert store.write(make_extraction()) is False
        assert store.counts() == before
    with Store(db_path) as store:  # and across sessions
        assert store.write(make_extraction()) is False
        assert store.counts() == before


def test_a_write_failing_midway_leaves_no_partial_article(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = database_module._insert
    inserted: list[str] = []

    def insert_then_break(con, table, values):  # type: ignore[no-untyped-def]
        if table.name == "events":
            raise RuntimeError("disk on fire")
        real_insert(con, table, values)
        inserted.append(table.name)

    with Store(db_path) as store:
        monkeypatch.setattr(database_module, "_insert", insert_then_break)
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.write(make_extraction())
        assert inserted[:1] == ["articles"]  # the article row had gone in
        assert not store.has_article("art-1")
        assert all(n == 0 for n in store.counts().values())
        monkeypatch.setattr(database_module, "_insert", real_insert)
        assert store.write(make_extraction())  # the store is still usable
        assert store.counts() == EXPECTED_COUNTS


def test_a_database_error_is_rolled_back_and_reported(db_path: Path) -> None:
    first = make_extraction("art-1")
    # A second article whose event id collides with one already stored.
    clash = make_extraction("art-2", "news/two.txt")
    bad_events = (dataclasses.replace(clash.events[0], id="art-1:e0"),)
    clash = Extraction(article=clash.article, sentences=clash.sentences, events=bad_events)
    with Store(db_path) as store:
        assert store.write(first)
        before = store.counts()
        with pytest.raises(StoreError, match="could not store article art-2"):
            store.write(clash)
        assert store.counts() == before
        assert not store.has_article("art-2")


def test_write_many_stores_a_batch_and_isolates_a_bad_article(db_path: Path) -> None:
    one = make_extraction("art-1", "news/one.txt")
    two = make_extraction("art-2", "news/two.txt")
    # art-3's event id collides with art-1's, so the batch transaction fails as a whole.
    three = make_extraction("art-3", "news/three.txt")
    three = Extraction(
        article=three.article,
        sentences=three.sentences,
        events=(dataclasses.replace(three.events[0], id="art-1:e0"),),
    )
    four = make_extraction("art-4", "news/four.txt")
    with Store(db_path) as store:
        assert store.write(one)
        outcomes = store.write_many([one, two, three, four, two])
        assert outcomes == ["skipped", "stored", "failed", "stored", "skipped"]
        assert [store.has_article(f"art-{n}") for n in (1, 2, 3, 4)] == [True, True, False, True]
        counts = store.counts()
        assert counts["articles"] == 3 and counts["events"] == 6 and counts["sentences"] == 9
        (failure,) = store.failures()
        assert (failure.document, failure.stage, failure.article_id) == (
            "news/three.txt",
            "store",
            "art-3",
        )
        assert "could not store article art-3" in failure.reason
        assert store.write_many([make_extraction("art-5"), make_extraction("art-6")]) == [
            "stored",
            "stored",
        ]


def test_a_batch_mixing_articles_with_and_without_events_is_one_transaction(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An article in which nothing was coded once made the batch's version maps untypeable
    # ({} beside filled maps), so every batch fell back to one transaction per article.
    coded = make_extraction("art-1", "news/one.txt")
    empty = Extraction(
        article=make_extraction("art-2", "news/two.txt").article,
        sentences=coded.sentences,
        versions={"eventscope": "9.9", "tables": "t1", "model": "m1"},
    )
    bare = Extraction(article=make_extraction("art-3", "news/three.txt").article, sentences=())
    with Store(db_path) as store:
        calls = []
        original = store._write_batch
        monkeypatch.setattr(
            store,
            "_write_batch",
            lambda batch, **kw: calls.append(len(batch)) or original(batch, **kw),
        )
        assert store.write_many([coded, empty, bare]) == ["stored"] * 3
        assert calls == [3]
        rows = dict(store._connection.execute("SELECT id, versions FROM articles").fetchall())
    assert rows["art-2"] == {"eventscope": "9.9", "tables": "t1", "model": "m1"}
    assert rows["art-3"] == {}
    assert rows["art-1"] == dict(coded.events[0].versions)


# -- failures ------------------------------------------------------------------------------


def test_failures_are_recorded_once_per_document(db_path: Path) -> None:
    with Store(db_path) as store:
        store.write_failure(Failure("news/one.txt", "parse", "too long"))
        store.write_failure(Failure("news/one.txt", "extract", "bad offsets", "art-1"))
        store.write_failure(Failure("news/bad.html", "ingest", "empty after cleaning"))
        assert store.counts()["failures"] == 2
        one, bad = store.failures()
        assert (one.document, one.stage, one.reason, one.attempts) == (
            "news/one.txt",
            "extract",
            "bad offsets",
            2,
        )
        assert one.last_seen >= one.first_seen
        assert (bad.document, bad.attempts) == ("news/bad.html", 1)


def test_success_clears_the_documents_failure(db_path: Path) -> None:
    with Store(db_path) as store:
        store.write_failure(Failure("news/one.txt", "extract", "crashed"))
        store.write_failure(Failure("news/other.txt", "ingest", "unreadable"))
        assert store.write(make_extraction("art-1", origin="news/one.txt"))
        assert [f.document for f in store.failures()] == ["news/other.txt"]
        assert store.clear_failure("news/other.txt") is True
        assert store.clear_failure("news/other.txt") is False
        assert store.failures() == []


# -- export --------------------------------------------------------------------------------


def test_export_jsonl(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "events.jsonl"
    assert export(filled, "jsonl", out) == 4
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["event_id"] for r in records] == ["art-1:e0", "art-1:e1", "art-2:e0", "art-2:e1"]
    meet = records[0]
    assert meet["type"] == "CONSULT" and meet["cameo"] == "043" and meet["quad"] == "verbal_coop"
    assert (meet["date"], meet["date_precision"], meet["date_source"]) == (
        "2021-03-03",
        "day",
        "text",
    )
    assert meet["source"] == [
        {
            "text": "Envoys of Brelia",
            "name": "Brelia",
            "country": "BRL",
            "sector": "GOV",
            "entity_id": "Q-BRL",
        }
    ]
    assert meet["target"][0]["country"] == "KRV"
    assert meet["location"] == {
        "name": "Lisbon",
        "geonameid": 2267057,
        "lat": 38.71667,
        "lon": -9.13333,
        "country": "PRT",
    }
    assert meet["evidence"] == FIRST
    assert meet["trigger"] == {"text": "met", "start": 17, "end": 20}
    assert meet["versions"] == {"code": "0.1.0", "tables": "abc123"}
    assert meet["article"]["published"] == "2021-03-04"
    assert meet["article"]["url"] == "https://example.org/art-1"
    talk = records[1]
    assert talk["location"] is None and talk["target"] == []
    assert talk["factuality"] == "planned" and talk["date_source"] == "published"


def test_export_to_stdout(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(filled) as store:  # an open store, passed in
        assert export(store, "jsonl") == 4
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and json.loads(lines[2])["article_id"] == "art-2"


def test_export_by_path_while_the_writer_is_open_in_this_process(filled: Path) -> None:
    buffer = io.StringIO()
    with Store(filled):
        assert export(filled, "jsonl", buffer) == 4


def test_export_csv_quotes_commas_and_quotes(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    assert export(filled, "csv", out) == 4
    raw = out.read_bytes().decode("utf-8")
    assert raw.count("\r\n") == 5  # header + 4 rows, CRLF per RFC 4180
    # The quote marks inside the evidence are doubled and the field is quoted.
    assert '"""We will, of course, keep talking,"" the Brelian envoy said, smiling."' in raw
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert body[1]["evidence"] == SECOND
    assert body[1]["source_name"] == "Brelia;Brelia"
    assert body[1]["source_sector"] == "GOV;GOV"
    assert body[1]["source_entity_id"] == ";Q-BRL"  # positions line up across columns
    assert body[1]["location_name"] == ""
    assert body[0]["location_geonameid"] == "2267057"
    assert json.loads(body[0]["versions"]) == {"code": "0.1.0", "tables": "abc123"}
    assert body[0]["article_published"] == "2021-03-04"


def test_export_parquet_round_trip(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    assert export(filled, "parquet", out) == 4
    con = duckdb.connect()
    (count,) = con.execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchone() or (0,)
    assert count == 4
    row = con.execute(
        "SELECT evidence, source[1].country, location.geonameid, article.published "
        "FROM read_parquet(?) WHERE event_id = 'art-2:e0'",
        [str(out)],
    ).fetchone()
    con.close()
    assert row == (FIRST, "BRL", 2267057, dt.date(2021, 3, 4))


def test_export_refusals(filled: Path) -> None:
    with pytest.raises(StoreError, match="parquet export needs an output file"):
        export(filled, "parquet", None)
    with pytest.raises(StoreError, match="unknown export format"):
        export(filled, "xml", None)  # type: ignore[arg-type]
