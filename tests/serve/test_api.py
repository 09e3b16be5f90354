"""The HTTP API over a small database coded from texts written in serve_sample.py: every
endpoint, bad parameters (422 naming the parameter), oversize bodies (413), the write token
(401/403), injection attempts and paging."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from serve_sample import ARTICLES, MORE_ARTICLES, NEW_TEXT, build_database

from eventscope.pipeline import Pipeline
from eventscope.serve import create_app
from eventscope.settings import Server, Settings, load_settings

pytestmark = pytest.mark.slow  # codes articles with the spaCy model

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:  # type: ignore[no-untyped-def]
    # The lexicon coder: its events on the sample are fixed (some not asserted, for the filters).
    return Pipeline(load_settings().replace(event_coder="lexicon"), nlp=nlp)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    return build_database(tmp_path_factory.mktemp("api") / "events.duckdb", pipeline)


def _client(db: Path, pipeline: Pipeline, **server: object) -> TestClient:
    settings = Settings(server=Server(**server))  # type: ignore[arg-type]
    return TestClient(create_app(db, settings=settings, pipeline=pipeline, idle_seconds=0.2))


@pytest.fixture(scope="module")
def client(sample_db: Path, pipeline: Pipeline) -> Iterator[TestClient]:
    with _client(sample_db, pipeline, max_page_size=50) as test_client:
        yield test_client


@pytest.fixture()
def writable(tmp_path: Path, sample_db: Path, pipeline: Pipeline) -> Iterator[TestClient]:
    """A client with a token over its own copy of the database (it gets written)."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, db)
    with _client(db, pipeline, token=TOKEN, max_body_bytes=20_000, max_batch=2) as test_client:
        yield test_client


def _events(client: TestClient, **params: object) -> dict:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# -- reads --------------------------------------------------------------------------------------


def test_health_counts_articles_and_events(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["articles"] == len(ARTICLES)
    assert body["events"] > 0
    assert body["writes"] is False
    assert body["page_size"] == 50  # the page reads lists in pages of this size


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/health",
        "/api/facets",
        "/api/events",
        "/api/events/{event_id}",
        "/api/counts",
        "/api/places",
        "/api/network",
        "/api/articles/{article_id}",
        "/api/statements",
        "/api/articles",
        "/api/articles/batch",
    ):
        assert path in paths


def test_facets_list_filter_values(client: TestClient) -> None:
    body = client.get("/api/facets").json()
    assert {"KEN", "FRA", "UKR"} <= {row["value"] for row in body["countries"]}
    assert "ASSAULT" in {row["value"] for row in body["types"]}
    assert body["first_day"] <= body["last_day"]


def test_events_list_carries_actors_trigger_and_place(client: TestClient) -> None:
    body = _events(client)
    assert body["total"] == len(body["items"]) > 0
    event = body["items"][0]
    for key in ("id", "type", "quad", "factuality", "evidence", "trigger_start", "day", "title"):
        assert key in event
    assert any(e["source"] for e in body["items"])
    days = [e["day"] for e in body["items"]]
    assert days == sorted(days, reverse=True)


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"country": "ken"}, lambda e: e["place_country"] == "KEN" or _has_country(e, "KEN")),
        (
            {"country": "FRA,DEU"},
            lambda e: (
                e["place_country"] == "FRA" or _has_country(e, "FRA") or _has_country(e, "DEU")
            ),
        ),
        ({"type": "assault"}, lambda e: e["type"] == "ASSAULT"),
        ({"quad": "4"}, lambda e: e["quad"] == "MATERIAL_CONFLICT"),
        ({"quad": "VERBAL_CONFLICT"}, lambda e: e["quad"] == "VERBAL_CONFLICT"),
        ({"factuality": "asserted"}, lambda e: e["factuality"] == "asserted"),
        ({"acled": "protests"}, lambda e: e["acled_event_type"] == "Protests"),
        (
            {"acled": "PEACEFUL_PROTEST,PROTEST_WITH_INTERVENTION"},
            lambda e: e["acled"] in ("PEACEFUL_PROTEST", "PROTEST_WITH_INTERVENTION"),
        ),
        ({"min_fatalities": 1}, lambda e: e["fatalities"] >= 1),
        ({"actor": "odinga"}, lambda e: any("Odinga" in (a["name"] or "") for a in e["source"])),
        ({"q": "TEAR GAS"}, lambda e: "tear gas" in (e["evidence"] + e["title"]).lower()),
        ({"since": "2024-02-01"}, lambda e: e["day"] >= "2024-02-01"),
        ({"until": "2024-01-31"}, lambda e: e["day"] <= "2024-01-31"),
        ({"bbox": "0,40,10,55"}, lambda e: 0 <= e["lon"] <= 10 and 40 <= e["lat"] <= 55),
    ],
)
def test_each_filter_keeps_only_matching_events(client: TestClient, params, check) -> None:  # type: ignore[no-untyped-def]
    everything = _events(client)["total"]
    body = _events(client, **params)
    assert 0 < body["total"] < everything, params
    assert all(check(event) for event in body["items"]), params


def _has_country(event: dict, country: str) -> bool:
    return any(a["country"] == country for a in event["source"] + event["target"])


def test_paging_walks_every_event_once(client: TestClient) -> None:
    total = _events(client)["total"]
    seen: list[str] = []
    for offset in range(0, total, 2):
        body = _events(client, limit=2, offset=offset)
        assert body["total"] == total and body["limit"] == 2 and body["offset"] == offset
        seen += [event["id"] for event in body["items"]]
    assert len(seen) == len(set(seen)) == total
    assert _events(client, offset=total)["items"] == []


def test_one_event_has_its_sentence_article_and_reports(client: TestClient) -> None:
    first = _events(client, type="ASSAULT", country="KEN")["items"][0]
    body = client.get(f"/api/events/{first['id']}").json()
    text = body["article"]["text"]
    span = body["sentence_span"]
    assert span["start"] <= body["trigger_start"] < body["trigger_end"] <= span["end"]
    assert text[body["trigger_start"] : body["trigger_end"]] == body["trigger_text"]
    for actor in body["source"] + body["target"]:
        assert text[actor["start"] : actor["end"]] == actor["text"]
    assert body["aggregated"]["type"] == "ASSAULT"
    assert [r["event_id"] for r in body["reports"]] == [first["id"]]
    assert client.get("/api/events/no-such-event").status_code == 404


def test_article_has_text_and_events_with_offsets(client: TestClient) -> None:
    body = client.get("/api/articles/t-france").json()
    assert body["title"] == "France and Germany sign energy pact"
    assert body["events"] and all(e["article_id"] == "t-france" for e in body["events"])
    assert all(e["sentence_span"] is not None for e in body["events"])
    assert client.get("/api/articles/nope").status_code == 404


@pytest.mark.parametrize("by", ["day", "week", "month", "country", "dyad", "type", "quad"])
def test_counts_by_every_key(client: TestClient, by: str) -> None:
    body = client.get("/api/counts", params={"by": by}).json()
    assert body["by"] == by and body["items"]
    assert sum(row["mentions"] for row in body["items"]) == _events(client)["total"]
    assert all(row["events"] <= row["mentions"] for row in body["items"])


def test_counts_split_by_quad_and_filtered(client: TestClient) -> None:
    body = client.get("/api/counts", params={"by": "month", "split": True, "country": "KEN"})
    rows = body.json()["items"]
    assert rows and all(row["key"] == "2024-03" for row in rows)
    assert {row["quad"] for row in rows} <= {"MATERIAL_CONFLICT", "VERBAL_CONFLICT"}
    dyads = client.get("/api/counts", params={"by": "dyad"}).json()["items"]
    assert any(row["key"] == "KEN -> KEN" for row in dyads)


def test_counts_say_the_span_of_event_days_and_count_by_year(client: TestClient) -> None:
    facets = client.get("/api/facets").json()
    body = client.get("/api/counts", params={"by": "year", "split": True}).json()
    assert {row["key"] for row in body["items"]} == {"2024"}
    assert (body["first_day"], body["last_day"]) == (facets["first_day"], facets["last_day"])
    assert body["undated"] == 0
    kenya = client.get("/api/counts", params={"by": "day", "country": "KEN", "limit": 1}).json()
    assert kenya["first_day"] >= "2024-03-01" and kenya["last_day"] <= "2024-03-31"


def test_network_actors_are_canonical_ids_that_filter_events(client: TestClient) -> None:
    edges = client.get("/api/network").json()["items"]
    macron = next(e for e in edges if e["source"] == "Emmanuel Macron")
    assert macron["source_id"].startswith("id:")  # the Wikidata id, not the words
    assert macron["source_generic"] is False
    body = _events(client, actor_id=macron["source_id"])
    assert 0 < body["total"] < _events(client)["total"]
    for event in body["items"]:
        names = [a["name"] for a in event["source"] + event["target"]]
        assert "Emmanuel Macron" in names
    assert _events(client, actor_id="id:Q0")["total"] == 0


def test_generic_actors_and_skipped_sentences(writable: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    texts = {a["id"]: a for a in MORE_ARTICLES}
    for name in ("t-belgium", "t-labour"):
        article = texts[name]
        payload = {"text": article["text"], "published": str(article["published"])}
        response = writable.post("/api/articles", json=payload, headers=headers)
        assert response.status_code == 201, response.text
        if name == "t-belgium":
            stored = response.json()["article"]
            skipped = {stored["text"][s["start"] : s["end"]]: s for s in stored["skipped"]}
            assert "Subscribe now for our daily briefing." in skipped
            assert skipped["Subscribe now for our daily briefing."]["flag"] == "boilerplate"
            assert "subscribe" in skipped["Subscribe now for our daily briefing."]["reason"]
            assert not any("dock workers" in text for text in skipped)
    everyone = writable.get("/api/network", params={"limit": 50}).json()["items"]
    companies = [e for e in everyone if e["source"] == "Companies"]
    assert companies and companies[0]["source_generic"] is True
    named = writable.get("/api/network", params={"limit": 50, "generic": False}).json()
    assert named["total"] < len(everyone)
    for edge in named["items"]:
        assert not edge["source_generic"] and not edge["target_generic"]
    assert "Companies" not in {e["source"] for e in named["items"]}


def test_places_have_coordinates_and_quad_counts(client: TestClient) -> None:
    body = client.get("/api/places").json()
    places = {row["place"]: row for row in body["items"]}
    assert "Paris" in places and abs(places["Paris"]["lat"] - 48.85) < 0.1
    row = places["Paris"]
    quads = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
    assert sum(row[q] for q in quads) == row["events"]


def test_network_edges_are_weighted_actor_pairs(client: TestClient) -> None:
    body = client.get("/api/network").json()
    edges = {(e["source"], e["target"]): e for e in body["items"]}
    assert ("Emmanuel Macron", "Olaf Scholz") in edges
    assert all(e["events"] >= 1 for e in body["items"])
    assert client.get("/api/network", params={"limit": 1}).json()["total"] == body["total"]


def test_statements_by_speaker(client: TestClient) -> None:
    body = client.get("/api/statements", params={"speaker": "ukrainian"}).json()
    assert body["total"] >= 1
    assert "Kharkiv" in body["items"][0]["content_text"]
    assert client.get("/api/statements", params={"speaker": "nobody"}).json()["total"] == 0
    paged = client.get("/api/statements", params={"limit": 1, "offset": 5}).json()
    assert paged["items"] == []


# -- bad parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "name", "words"),
    [
        ("/api/events", {"limit": 51}, "limit", "between 1 and 50"),
        ("/api/events", {"limit": 0}, "limit", "between 1 and 50"),
        ("/api/events", {"limit": "many"}, "limit", "valid integer"),
        ("/api/events", {"offset": -1}, "offset", "0 or more"),
        ("/api/events", {"since": "yesterday"}, "since", "valid date"),
        ("/api/events", {"since": "2024-03-01", "until": "2024-01-01"}, "until", "before since"),
        ("/api/events", {"country": "Kenya"}, "country", "alpha-3"),
        ("/api/events", {"type": "BOMB"}, "type", "PLOVER event type"),
        ("/api/events", {"quad": "9"}, "quad", "quad class"),
        ("/api/events", {"factuality": "maybe"}, "factuality", "not one of"),
        ("/api/events", {"acled": "BOMBING"}, "acled", "ACLED sub-event code"),
        ("/api/events", {"min_fatalities": -1}, "min_fatalities", "0 or more"),
        ("/api/events", {"bbox": "1,2,3"}, "bbox", "four numbers"),
        ("/api/events", {"bbox": "10,0,0,5"}, "bbox", "west <= east"),
        ("/api/events", {"bbox": "0,0,nan,5"}, "bbox", "finite"),
        ("/api/events", {"actor": "x" * 201}, "actor", "at most 200"),
        ("/api/events", {"actor_id": "x" * 201}, "actor_id", "at most 200"),
        ("/api/counts", {"by": "planet"}, "by", "'day'"),
        ("/api/places", {"limit": 1000}, "limit", "page size"),
        ("/api/network", {"q": "y" * 500}, "q", "at most 200"),
        ("/api/statements", {"country": "12"}, "country", "alpha-3"),
        ("/api/facets", {"limit": 0}, "limit", "greater than or equal"),
    ],
)
def test_bad_parameter_is_422_naming_it(client: TestClient, path, params, name, words) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert f"'{name}'" in body["message"] and words in body["message"], body["message"]
    assert any(error["loc"][-1] == name for error in body["detail"])


@pytest.mark.parametrize(
    "attempt",
    [
        "'; DROP TABLE events; --",
        '" OR 1=1 --',
        "%' OR '1'='1",
        "x') UNION SELECT text FROM articles --",
        "$text",
    ],
)
def test_injection_attempts_match_nothing_and_break_nothing(
    client: TestClient, attempt: str
) -> None:
    for params in ({"q": attempt}, {"actor": attempt}):
        response = client.get("/api/events", params=params)
        assert response.status_code == 200
        assert response.json()["total"] == 0
    for path in (f"/api/events/{attempt}", f"/api/articles/{attempt}"):
        assert client.get(path).status_code == 404
    response = client.get("/api/statements", params={"speaker": attempt})
    assert response.status_code == 200 and response.json()["total"] == 0
    assert client.get("/api/health").json()["events"] == _events(client)["total"] > 0


def test_static_files_are_a_fixed_list(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "eventscope" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    world = client.get("/static/world.svg")
    assert world.status_code == 200 and len(world.content) < 1_000_000
    for name in ("../app.py", "..%2Fapp.py", "secret.txt", "%2e%2e/%2e%2e/pyproject.toml"):
        assert client.get(f"/static/{name}").status_code == 404


# -- writes ---------------------------------------------------------------------------------------


def test_writes_are_off_without_a_configured_token(client: TestClient) -> None:
    response = client.post(
        "/api/articles", json={"text": NEW_TEXT}, headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 403
    assert "no token" in response.json()["message"]


def test_missing_or_wrong_token(writable: TestClient) -> None:
    missing = writable.post("/api/articles", json={"text": NEW_TEXT})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = writable.post(
        "/api/articles", json={"text": NEW_TEXT}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    assert writable.get("/api/health").json()["articles"] == len(ARTICLES)


def test_post_codes_stores_and_answers_highlightable_events(writable: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    payload = {"text": NEW_TEXT, "title": "Arrests in Nairobi", "published": "2024-04-02"}
    response = writable.post("/api/articles", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["outcome"] == "stored" and body["events"] >= 1
    article = body["article"]
    event = article["events"][0]
    assert article["text"][event["trigger_start"] : event["trigger_end"]] == event["trigger_text"]
    assert writable.get("/api/health").json()["articles"] == len(ARTICLES) + 1
    found = writable.get("/api/events", params={"q": "arrested", "country": "KEN"}).json()
    assert found["total"] >= 1
    again = writable.post("/api/articles", json=payload, headers={"X-Eventscope-Token": TOKEN})
    assert again.status_code == 200 and again.json()["outcome"] == "skipped"


def test_post_refuses_bad_bodies(writable: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for payload, name in (
        ({"text": ""}, "text"),
        ({"text": NEW_TEXT, "path": "/etc/passwd"}, "path"),
        ({"title": "no text"}, "text"),
        ({"text": NEW_TEXT, "published": "soon"}, "published"),
    ):
        response = writable.post("/api/articles", json=payload, headers=headers)
        assert response.status_code == 422, payload
        assert f"'{name}'" in response.json()["message"]
    not_english = writable.post(
        "/api/articles", json={"text": "\x00\x01\x02" * 50}, headers=headers
    )
    assert not_english.status_code == 422


def test_oversize_bodies_are_413(writable: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    big = b'{"text": "' + b"a" * 30_000 + b'"}'
    response = writable.post("/api/articles", content=big, headers=headers)
    assert response.status_code == 413
    assert "at most 20,000 bytes" in response.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(30):
            yield b"a" * 1000
        yield b'"}'

    streamed = writable.post("/api/articles", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert writable.get("/api/health").json()["articles"] == len(ARTICLES)


def test_batch_codes_each_article_and_is_bounded(writable: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    batch = {"articles": [{"text": NEW_TEXT}, {"text": ARTICLES[0]["text"], "title": "again"}]}
    body = writable.post("/api/articles/batch", json=batch, headers=headers).json()
    assert [item["outcome"] for item in body["items"]] == ["stored", "stored"]
    assert body["stored"] == 2 and body["failed"] == 0
    too_many = {"articles": [{"text": NEW_TEXT}] * 3}
    response = writable.post("/api/articles/batch", json=too_many, headers=headers)
    assert response.status_code == 422
    assert "'articles'" in response.json()["message"] and "at most 2" in response.json()["message"]
    empty = writable.post("/api/articles/batch", json={"articles": []}, headers=headers)
    assert empty.status_code == 422
    assert writable.post("/api/articles/batch", json=batch).status_code == 401


# -- the database held by another process ------------------------------------------------------


def test_reads_answer_503_while_another_process_writes(
    tmp_path: Path, sample_db: Path, pipeline: Pipeline
) -> None:
    db = tmp_path / "busy.duckdb"
    shutil.copy(sample_db, db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
            "print('holding', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with _client(db, pipeline) as busy:
            response = busy.get("/api/events")
            assert response.status_code == 503
            assert "database is busy" in response.json()["message"]
            assert response.headers["retry-after"]
            holder.kill()
            holder.wait()
            deadline = time.monotonic() + 10
            while busy.get("/api/health").status_code == 503 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert busy.get("/api/health").status_code == 200
    finally:
        holder.kill()
        holder.wait()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(ARTICLES),)


def test_a_query_past_the_time_limit_is_stopped(sample_db: Path) -> None:
    from eventscope.serve.database import Database, QueryTimeout

    database = Database(sample_db, query_seconds=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="longer than 0.2 s"):
            with database.read() as cursor:
                cursor.execute("SELECT count(*) FROM range(100000000000)").fetchall()
        assert time.monotonic() - started < 5
        with database.read() as cursor:  # the next request is fine
            assert cursor.execute("SELECT count(*) FROM articles").fetchone() == (len(ARTICLES),)
    finally:
        database.close()


def test_pronouns_and_bare_roles_are_generic_actors() -> None:
    import duckdb

    from eventscope.serve.queries import generic_actor

    rows = [
        ("They", "USA", None, "other"),  # a pronoun, whatever it resolved to
        ("I", None, None, "other"),
        ("companies", None, None, "role"),
        ("All workers", None, None, "other"),
        ("Raila Odinga", "KEN", "Q312745", "person"),
        ("Kenya Defence Forces", "KEN", None, "org"),
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE x (name VARCHAR, country VARCHAR, entity_id VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO x VALUES (?, ?, ?, ?)", rows)
    text = "NULL AS text"
    found = con.execute(f"SELECT name, {generic_actor('y')} FROM (SELECT *, {text} FROM x) y")
    assert dict(found.fetchall()) == {
        "They": True, "I": True, "companies": True, "All workers": True,
        "Raila Odinga": False, "Kenya Defence Forces": False,
    }  # fmt: skip
