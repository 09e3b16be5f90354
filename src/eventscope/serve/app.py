"""The HTTP API (FastAPI; schema at /openapi.json) and the web page, over one database.

Reads (``GET /api/...``) need no token and run on read-only cursors; writes
(``POST /api/articles``, ``POST /api/articles/batch``) need the operator's token and go
through the single writer, one at a time. Every list is paged (``limit``, ``offset``; the
answer says ``total``). A bad parameter is a 422 whose ``message`` names it and says why.
"""

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from eventscope import __version__
from eventscope.errors import StoreError
from eventscope.pipeline import Pipeline
from eventscope.serve import params, queries
from eventscope.serve.background import BackgroundIngest
from eventscope.serve.coding import Coder, Submission
from eventscope.serve.database import Database, DatabaseBusy, QueryTimeout
from eventscope.serve.guard import SECURITY_HEADERS, BodyLimit, TokenError, check_token
from eventscope.serve.queries import EventFilter, Page, Rows
from eventscope.settings import Settings, load_settings
from eventscope.store.statements import StatementFilter

# The page's files, read once from the package: a request names one of these, never a path.
STATIC_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "dom.js": "text/javascript; charset=utf-8",
    "map.js": "text/javascript; charset=utf-8",
    "timeline.js": "text/javascript; charset=utf-8",
    "network.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "world.svg": "image/svg+xml",
}


def _static_files() -> dict[str, bytes]:
    folder = resources.files("eventscope.serve").joinpath("static")
    return {name: folder.joinpath(name).read_bytes() for name in STATIC_TYPES}


class ArticleIn(BaseModel):
    """An article to code: its text and optional metadata (unknown fields are refused)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The article's text (plain text).")
    title: str | None = Field(default=None, max_length=1000)
    published: dt.date | None = Field(
        default=None, description="Publication date; anchors relative dates."
    )
    url: str | None = Field(default=None, max_length=2000)
    outlet: str | None = Field(default=None, max_length=200)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1)


def _not_found(message: str) -> JSONResponse:
    return JSONResponse({"message": message, "detail": "not found"}, status_code=404)


def _page(rows: Rows, page: Page) -> dict[str, Any]:
    return {"total": rows.total, "limit": page.limit, "offset": page.offset, "items": rows.items}


def create_app(
    db: str | Path,
    *,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
    idle_seconds: float = 2.0,
    ingest: Sequence[str] = (),
) -> FastAPI:
    """The API and page over the database file ``db`` (``settings.server`` for the token
    and limits; ``pipeline`` codes posted articles, made on first post unless given).

    ``ingest``: documents (files, folders, globs) that the server codes into ``db`` while it
    serves, holding the single writer (see ``serve.background``); reads see each committed
    batch, and ``/api/health`` reports the progress."""
    settings = settings or load_settings()
    server = settings.server
    database = Database(db, idle_seconds=idle_seconds, query_seconds=server.request_seconds)
    coder = Coder(settings, pipeline=pipeline)
    static = _static_files()

    job = (
        BackgroundIngest(ingest, settings=settings.replace(database=str(db)), database=database)
        if ingest
        else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if job is not None:
            job.start()
        yield
        if job is not None:
            job.stop()
        coder.close()
        database.close()

    app = FastAPI(
        title="eventscope",
        version=__version__,
        description=__doc__,
        # The interactive docs load scripts from a CDN; the schema is at /openapi.json.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.coder = coder
    app.state.ingest = job
    app.add_middleware(BodyLimit, max_bytes=server.max_body_bytes)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[..., Any]) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(params.error_body(errors), status_code=422)

    @app.exception_handler(params.ParamError)
    async def bad_param(_: Request, exc: params.ParamError) -> JSONResponse:
        error = {"loc": [exc.where, exc.name], "msg": exc.message, "type": "value_error"}
        return JSONResponse(params.error_body([error]), status_code=422)

    @app.exception_handler(TokenError)
    async def no_token(_: Request, exc: TokenError) -> JSONResponse:
        extra = {"www-authenticate": "Bearer"} if exc.status == 401 else {}
        return JSONResponse(
            {"message": exc.message, "detail": exc.message}, status_code=exc.status, headers=extra
        )

    @app.exception_handler(StoreError)
    async def unavailable(_: Request, exc: StoreError) -> JSONResponse:
        message = str(exc)
        if not isinstance(exc, DatabaseBusy | QueryTimeout):
            message = f"database unavailable: {message}"
        return JSONResponse(
            {"message": message, "detail": message},
            status_code=503,
            headers={"retry-after": "5"},
        )

    @app.exception_handler(duckdb.Error)
    async def query_failed(_: Request, exc: duckdb.Error) -> JSONResponse:
        # Never the SQL or the exception text: a generic answer, the details in the log.
        message = "the query failed"
        return JSONResponse({"message": message, "detail": message}, status_code=500)

    # -- parameters shared by the lists -------------------------------------------------------

    def event_filter(
        since: Annotated[dt.date | None, Query(description="Event day on or after")] = None,
        until: Annotated[dt.date | None, Query(description="Event day on or before")] = None,
        country: Annotated[
            list[str] | None,
            Query(description="ISO3 where it happened or of an actor; repeat or comma-separate"),
        ] = None,
        actor: Annotated[
            str | None, Query(description="Part of an actor's name, any case; or its ISO3")
        ] = None,
        type: Annotated[list[str] | None, Query(description="PLOVER event type(s)")] = None,
        quad: Annotated[
            list[str] | None, Query(description="Quad class(es): 1-4 or VERBAL_COOPERATION ...")
        ] = None,
        factuality: Annotated[
            list[str] | None, Query(description="asserted, negated, hypothetical, planned ...")
        ] = None,
        q: Annotated[
            str | None, Query(description="Words in the evidence sentence or headline")
        ] = None,
        bbox: Annotated[str | None, Query(description="west,south,east,north in degrees")] = None,
        actor_id: Annotated[
            str | None,
            Query(description="An actor's canonical key, as /api/network names it (source_id)"),
        ] = None,
        acled: Annotated[
            list[str] | None,
            Query(
                description="ACLED sub-event code(s) (AIR_STRIKE ...) or event type(s) "
                "(Battles, Riots ...)"
            ),
        ] = None,
        min_fatalities: Annotated[
            int | None, Query(description="Events whose text states at least this death toll")
        ] = None,
    ) -> EventFilter:
        return params.event_filter(
            since=since,
            until=until,
            country=country,
            actor=actor,
            type=type,
            quad=quad,
            factuality=factuality,
            q=q,
            bbox_raw=bbox,
            actor_id=actor_id,
            acled=acled,
            min_fatalities=min_fatalities,
        )

    default_page = min(100, server.max_page_size)

    def page(
        limit: Annotated[
            int, Query(description=f"Rows per page, 1-{server.max_page_size}")
        ] = default_page,
        offset: Annotated[int, Query(description="Rows to skip")] = 0,
    ) -> Page:
        return params.page(limit, offset, max_size=server.max_page_size)

    Filter = Annotated[EventFilter, Depends(event_filter)]
    Paged = Annotated[Page, Depends(page)]

    # -- reads ---------------------------------------------------------------------------------

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """The server is up and the database readable: its article and event counts."""
        with database.read() as cursor:
            row = cursor.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)"
            ).fetchone()
        articles, events = row if row else (0, 0)
        return {
            "status": "ok",
            "version": __version__,
            "articles": articles,
            "events": events,
            "writes": bool(server.token),
            "page_size": server.max_page_size,
            "ingest": job.status() if job is not None else None,
            # Stories and aggregated events are rebuilt in the background after posts.
            "aggregates": coder.aggregates(),
        }

    @app.get("/api/facets", tags=["meta"])
    def facets(
        limit: Annotated[int, Query(ge=1, le=1000, description="Values per facet")] = 300,
    ) -> dict[str, Any]:
        """The values the filters can take, most events first, and the range of event days."""
        with database.read() as cursor:
            return queries.facets(cursor, limit=limit)

    @app.get("/api/events", tags=["events"])
    def events(where: Filter, paged: Paged) -> dict[str, Any]:
        """Event rows under the filters, newest event day first, each with its actors,
        trigger, place and article headline."""
        with database.read() as cursor:
            return _page(queries.list_events(cursor, where, paged), paged)

    @app.get("/api/events/{event_id}", tags=["events"])
    def event(event_id: Annotated[str, PathParam(max_length=100)]) -> dict[str, Any]:
        """One event: evidence sentence (offsets), trigger, actors, its article's text, and
        every report of the same real-world event with its article."""
        with database.read() as cursor:
            found = queries.get_event(cursor, event_id)
        if found is None:
            return _not_found(f"no event {event_id!r}")  # type: ignore[return-value]
        return found

    @app.get("/api/counts", tags=["aggregates"])
    def counts(
        where: Filter,
        paged: Paged,
        by: Annotated[
            queries.CountKey,
            Query(description="day, week, month, year, country, dyad, type or quad"),
        ] = "day",
        split: Annotated[bool, Query(description="Also split each key by quad class")] = False,
    ) -> dict[str, Any]:
        """Events (each aggregated event once) and mentions (event rows) per key, and the
        first and last event day under the filters (``undated``: rows with no day)."""
        with database.read() as cursor:
            rows = queries.count_events(cursor, where, by=by, split_quad=split, page=paged)
            span = queries.day_span(cursor, where)
        return {"by": by, **span, **_page(rows, paged)}

    @app.get("/api/places", tags=["aggregates"])
    def places(where: Filter, paged: Paged) -> dict[str, Any]:
        """Located events per place (lat/lon) and per quad class, most first: the map."""
        with database.read() as cursor:
            return _page(queries.count_places(cursor, where, paged), paged)

    @app.get("/api/network", tags=["aggregates"])
    def network(
        where: Filter,
        paged: Paged,
        generic: Annotated[
            bool, Query(description='Also generic and unresolved actors ("all workers")')
        ] = True,
    ) -> dict[str, Any]:
        """Who acts on whom: source actor -> target actor edges weighted by event rows; an
        actor is its canonical identity (``source_id``: a country's ISO3, else its entity id,
        else resolved name and country), flagged ``source_generic`` when generic or
        unresolved (no country, no entity id, a lower-case or generic name)."""
        with database.read() as cursor:
            return _page(queries.actor_network(cursor, where, paged, generic=generic), paged)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(article_id: Annotated[str, PathParam(max_length=100)]) -> dict[str, Any]:
        """One article's text with its events (sentence, trigger and actor offsets)."""
        with database.read() as cursor:
            found = queries.get_article(cursor, article_id)
        if found is None:
            return _not_found(f"no article {article_id!r}")  # type: ignore[return-value]
        return found

    @app.get("/api/statements", tags=["statements"])
    def statements(
        paged: Paged,
        speaker: Annotated[str | None, Query(description="Part of the speaker's name")] = None,
        country: Annotated[str | None, Query(description="Speaker's country, ISO3")] = None,
        since: Annotated[dt.date | None, Query(description="Published on or after")] = None,
        until: Annotated[dt.date | None, Query(description="Published on or before")] = None,
    ) -> dict[str, Any]:
        """Quotes and attributions by speaker, country and date, each with its events."""
        params.date_range(since, until)
        codes = params.countries([country] if country else None)
        if len(codes) > 1:
            raise params.ParamError("country", "one country code")
        where = StatementFilter(
            speaker=params.text("speaker", speaker),
            country=codes[0] if codes else None,
            since=since,
            until=until,
            limit=paged.limit,
            offset=paged.offset,
        )
        with database.read() as cursor:
            return _page(queries.list_statements(cursor, where), paged)

    # -- writes ----------------------------------------------------------------------------------

    def token(
        authorization: Annotated[str | None, Header()] = None,
        x_eventscope_token: Annotated[str | None, Header()] = None,
    ) -> None:
        check_token(server.token, authorization, x_eventscope_token)

    def code(items: list[ArticleIn]) -> list[dict[str, Any]]:
        submissions = [Submission(**item.model_dump()) for item in items]
        results = coder.code(submissions, database)
        out = []
        with database.read() as cursor:
            for result in results:
                record: dict[str, Any] = dataclasses.asdict(result)
                if result.article_id and result.outcome != "failed":
                    record["article"] = queries.get_article(cursor, result.article_id)
                out.append(record)
        return out

    @app.post("/api/articles", tags=["articles"], dependencies=[Depends(token)])
    def submit(item: ArticleIn) -> JSONResponse:
        """Code one article and store it (token required). Answers the stored article with
        its events; 422 when the text cannot be coded (empty, not English, too long)."""
        result = code([item])[0]
        if result["outcome"] == "failed":
            error = {"loc": ["body", "text"], "msg": result["reason"], "type": "value_error"}
            return JSONResponse(params.error_body([error]), status_code=422)
        return JSONResponse(
            _jsonable(result), status_code=201 if result["outcome"] == "stored" else 200
        )

    @app.post("/api/articles/batch", tags=["articles"], dependencies=[Depends(token)])
    def submit_batch(batch: BatchIn) -> dict[str, Any]:
        """Code up to ``max_batch`` articles (token required); per article its outcome
        (stored, skipped: already stored, or failed with the reason)."""
        if len(batch.articles) > server.max_batch:
            raise params.ParamError(
                "articles", f"at most {server.max_batch} articles per batch", where="body"
            )
        results = code(batch.articles)
        return {
            "stored": sum(r["outcome"] == "stored" for r in results),
            "skipped": sum(r["outcome"] == "skipped" for r in results),
            "failed": sum(r["outcome"] == "failed" for r in results),
            "items": results,
        }

    # -- the page ---------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return Response(static["index.html"], media_type=STATIC_TYPES["index.html"])

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in static:
            return _not_found("not found")
        return Response(
            static[name],
            media_type=STATIC_TYPES[name],
            headers={"cache-control": "no-cache"},
        )

    return app


def _jsonable(value: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(value)
