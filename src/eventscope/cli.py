"""The ``eventscope`` command: thin commands over the library's functions.

Every command reads settings once (``--config``, then flags) and turns library errors into
one-line messages with exit code 2; nothing below this module prints or exits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from eventscope import __version__
from eventscope.errors import EventscopeError
from eventscope.settings import Settings, load_settings

app = typer.Typer(
    name="eventscope",
    help=(
        "Political event data from news text: who did what to whom, when and where, with the "
        "sentence that says so.\n\n"
        "Start with `eventscope demo`; code your own text with `eventscope extract FILE`; "
        "build a database with `eventscope ingest FOLDER --db events.duckdb`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)


def _reader_stopped() -> None:
    """A reader that stops early (``eventscope extract ... | head``) is not an error: rich
    would exit 1 here; exit 0, quietly, with what is still buffered sent to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(0)


out.on_broken_pipe = _reader_stopped  # type: ignore[method-assign]
err = Console(stderr=True, soft_wrap=True)  # an error is one line, however narrow

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Settings file (TOML) overriding the shipped defaults."),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="spaCy pipeline to use (package name or folder)."),
]
ActorsOption = Annotated[
    Path | None,
    typer.Option(
        "--actors", help="Your own actors file (.csv, .tsv, .yaml), over the setting actors_file."
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class EvalMode(StrEnum):
    extract = "extract"
    classify = "classify"


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors become one clear line on stderr and exit code 2. A reader that stops
    early (``eventscope export ... | head``) is not an error: exit 0, quietly."""
    try:
        yield
    except EventscopeError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(2) from None
    except BrokenPipeError:
        _reader_stopped()


def _settings(config: Path | None, *, actors: Path | None = None, **flags: Any) -> Settings:
    # A relative --actors is relative to the current folder, whatever folder runs later.
    actors_file = str(actors.absolute()) if actors is not None else None
    with _errors():
        return load_settings(config).replace(actors_file=actors_file, **flags)


def _version(value: bool) -> None:
    if value:
        out.print(f"eventscope {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """eventscope command line."""


@app.command()
def extract(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (.txt, .html, .jsonl), or - for stdin.")
    ],
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="table: readable events with evidence; jsonl: one record per input article "
            "in the evalsets shape; csv: one row per event.",
        ),
    ] = OutputFormat.table,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD) for inputs that carry none."),
    ] = None,
    config: ConfigOption = None,
    model: ModelOption = None,
    actors: ActorsOption = None,
) -> None:
    """Code articles and print their events; nothing is stored.

    Example: eventscope extract article.txt --published 2018-05-31
    """
    from eventscope import display as report
    from eventscope.ingest import read_documents
    from eventscope.pipeline import Pipeline

    settings = _settings(config, actors=actors, model=model)
    failed = 0
    with _errors():
        pipeline = Pipeline(settings)
        documents = read_documents(
            paths,
            stdin=sys.stdin,
            max_chars=settings.limits.max_chars,
            max_garbage_ratio=settings.limits.max_garbage_ratio,
            max_seconds=settings.limits.max_seconds,
            day_first=settings.day_first,
        )
        if published:
            documents = report.with_published(documents, published)
        writer = report.writer(format.value, out)
        for result in pipeline.extract_many(documents):
            if report.is_failure(result):
                failed += 1
                err.print(f"[red]error:[/red] {report.failure_line(result)}", highlight=False)
            else:
                for line in report.warning_lines(result):
                    err.print(f"warning: {line}", markup=False, highlight=False)
            writer(result)
    if failed:
        raise typer.Exit(1)


class EngineName(StrEnum):
    local = "local"
    ray = "ray"


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, glob patterns ('data/*.jsonl.gz'), .warc(.gz) files, RSS/Atom "
            "feeds (files or http(s) URLs), or - for stdin."
        ),
    ],
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB file to write.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Worker processes (or Ray actors), each loading the model once; 0: one per "
            "CPU core. 1 codes in this process. Setting: workers.",
        ),
    ] = None,
    engine: Annotated[
        EngineName | None,
        typer.Option("--engine", help="local: this machine; ray: a Ray cluster. Setting: engine."),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="Ray cluster to join with --engine ray ('auto', 'ray://host:10001'). "
            "Setting: ray_address.",
        ),
    ] = None,
    config: ConfigOption = None,
    model: ModelOption = None,
    actors: ActorsOption = None,
) -> None:
    """Code articles into the database; already stored articles are skipped, failures recorded.

    Re-running on the same input is safe: nothing is duplicated, and a run that was stopped
    (Ctrl-C, a crash, kill -9) goes on where it stopped. Exit code 0 when every document was
    stored (or already was), 1 when any failed (their reasons: eventscope failures), 2 when
    the run itself could not go on (a bad setting, an unwritable database).
    """
    settings = _settings(
        config,
        actors=actors,
        model=model,
        database=str(db) if db else None,
        workers=workers,
        engine=engine.value if engine else None,
        ray_address=address,
    )
    if settings.engine != "ray" and address:
        err.print("[red]error:[/red] --address is for the Ray engine: add --engine ray")
        raise typer.Exit(2)
    with _errors():
        summary = _ingest_with_progress(paths, settings)
    out.print(summary.describe())
    if summary.warned:
        err.print(
            f"{summary.warned} article(s) stored with a warning, for example:",
            markup=False,
            highlight=False,
        )
        for line in summary.warnings[:3]:
            err.print(f"  warning: {line}", markup=False, highlight=False)
    if summary.failed:
        err.print(f"{summary.failed} document(s) failed, first:", markup=False, highlight=False)
        for line in summary.failures:
            err.print(f"  {line}", markup=False, highlight=False)
        err.print(
            f"all of them: eventscope failures --db {summary.db}", markup=False, highlight=False
        )
        raise typer.Exit(1)


@app.command()
def export(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to read.")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output file (stdout if omitted; required for parquet)."),
    ] = None,
) -> None:
    """Export stored events: jsonl (POLECAT-like), csv or parquet."""
    from eventscope.store import export as export_events

    with _errors():
        if not db.exists():
            raise EventscopeError(f"{db}: no such database")
        count = export_events(db, format.value, output)
    if output is not None:
        err.print(f"{count} events written to {output}")


@app.command()
def statements(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to read.")],
    speaker: Annotated[
        str | None, typer.Option(help="Speaker name or words (case-insensitive, part of)")
    ] = None,
    country: Annotated[str | None, typer.Option(help="Speaker's country, ISO3 (SYR)")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Stored statements (quotes and attributions) by speaker, country and date, with the
    events each contains or is."""
    from eventscope.store import Store
    from eventscope.store.statements import StatementFilter
    from eventscope.store.statements import statements as find_statements

    with _errors():
        where = StatementFilter(
            speaker=speaker,
            country=country,
            since=_date_option(since, "--since"),
            until=_date_option(until, "--until"),
            limit=limit,
        )
        if not db.exists():
            raise EventscopeError(f"{db}: no such database")
        with Store(db, read_only=True) as store:
            found = find_statements(store, where)
    for row in found:
        if as_json:
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
            continue
        who = row["speaker_name"] or row["speaker_text"] or "?"
        country_code = f" [{row['speaker_country']}]" if row["speaker_country"] else ""
        quote = f'"{row["content_text"]}"' if row["direct"] else row["content_text"]
        events = ", ".join(f"{e['type']} ({e['factuality']})" for e in row["events"])
        out.print(
            f"{row['published'] or '?'}  {who}{country_code} {row['cue_text'] or ''}: {quote}"
            + (f"\n    events: {events}" if events else ""),
            markup=False,
            highlight=False,
        )
    err.print(f"{len(found)} statements")


def _date_option(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EventscopeError(f"{flag} {value!r}: not a date (YYYY-MM-DD)") from None


@app.command(name="eval")
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files (evalsets format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[int | None, typer.Option(help="Score only the first N records.")] = None,
    mode: Annotated[
        EvalMode,
        typer.Option(help="extract: code the texts end to end; classify: types for gold actors."),
    ] = EvalMode.extract,
    config: ConfigOption = None,
    model: ModelOption = None,
    actors: ActorsOption = None,
) -> None:
    """Score eventscope against gold files: events, actors, places, quotes (P/R/F1)."""
    from eventscope import api
    from eventscope.evaluation import evaluate_file, format_report
    from eventscope.pipeline import Pipeline

    settings = _settings(config, actors=actors, model=model)
    results = {}
    with _errors():
        pipeline = Pipeline(settings)
        coder = pipeline.event_model
        if coder is not None and not as_json:
            out.print(coder.training_note(), highlight=False, markup=False)
        if pipeline.acled_model is not None and not as_json:
            out.print(pipeline.acled_model.training_note(), highlight=False, markup=False)
        for path in gold:
            if not path.is_file():
                raise EventscopeError(f"{path}: no such gold file")
            if coder is not None and coder.trained_on(str(path)) and not as_json:
                out.print(
                    f"{path.name}: the event coder was trained on these articles; "
                    "its event figures here are in-sample, not a measurement",
                    highlight=False,
                    markup=False,
                )
            if mode is EvalMode.classify:
                predict = lambda recs: api.classify_records(recs, pipeline=pipeline)  # noqa: E731
            else:
                predict = lambda recs: api.predict_records(recs, pipeline=pipeline)  # noqa: E731
            report = evaluate_file(path, predict, limit=limit, mode=mode.value)
            results[str(path)] = report
            if not as_json:
                out.print(format_report(report), highlight=False, markup=False)
    if as_json:
        payload: dict[str, Any] = {k: v.to_dict() for k, v in results.items()}
        if coder is not None:
            payload["event_coder"] = {
                "model": coder.label,
                "trained_on": coder.meta.get("trained_on", {}),
                "not_trained_on": coder.meta.get("not_trained_on", []),
            }
        out.print_json(json.dumps(payload))


@app.command()
def classify(
    path: Annotated[Path, typer.Argument(help="JSONL records with events' source/target spans.")],
    config: ConfigOption = None,
    model: ModelOption = None,
    actors: ActorsOption = None,
) -> None:
    """Classification mode: give each event's type from its sentence and its two actors."""
    from eventscope import api
    from eventscope.pipeline import Pipeline

    settings = _settings(config, actors=actors, model=model)
    with _errors():
        records = _read_jsonl(path)
        for record in api.classify_records(records, pipeline=Pipeline(settings)):
            out.print(json.dumps(record, ensure_ascii=False), highlight=False, soft_wrap=True)


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to put the demo database.")] = Path(
        "eventscope-demo.duckdb"
    ),
    config: ConfigOption = None,
) -> None:
    """Code the bundled sample articles into an embedded database and show what was found."""
    from eventscope import display as report

    settings = _settings(config, database=str(db))
    sample = resources.files("eventscope.data").joinpath("sample", "sample.jsonl")
    with _errors(), resources.as_file(sample) as sample_path:
        summary = _ingest_with_progress([str(sample_path)], settings)
        out.print(summary.describe())
        report.print_database(db, out)


actors_app = typer.Typer(
    name="actors",
    help="Actors: how a name resolves, and your own actors file (setting actors_file).",
    no_args_is_help=True,
)
app.add_typer(actors_app)


@actors_app.command()
def lookup(
    phrase: Annotated[str, typer.Argument(help='A phrase naming one actor, e.g. "Hamas".')],
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date of the text (YYYY-MM-DD): decides who held office."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    config: ConfigOption = None,
    actors: ActorsOption = None,
) -> None:
    """How a phrase resolves, and why (exit code 1 when nothing is known).

    Shows the name, kind, country and sector, each part of the rule in plain words, and
    every table entry the phrase's words can mean (shipped or from your actors file).

    Example: eventscope actors lookup "Russian Foreign Minister Sergei Lavrov" --date 2018-05-31
    """
    from eventscope import display as report
    from eventscope.actors import load_tables
    from eventscope.actors.lookup import lookup_phrase
    from eventscope.ingest import parse_published

    settings = _settings(config, actors=actors)
    with _errors():
        published = parse_published(date, document="--date") if date else None
        found = lookup_phrase(
            phrase, published=published, tables=load_tables(settings.actors_file or None)
        )
    if as_json:
        out.print(
            json.dumps(found.to_dict(), ensure_ascii=False),
            highlight=False,
            markup=False,
            emoji=False,
        )
    else:
        out.print(report.lookup_text(found), highlight=False, markup=False, emoji=False)
    if found.actor is None:
        raise typer.Exit(1)


@actors_app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="An actors file: .csv, .tsv, .yaml or .yml.")],
) -> None:
    """Check an actors file: what it adds and overrides, or its first bad row (exit code 2).

    Every row is checked; the first bad one is named with the file, the line and the reason.
    """
    from eventscope.actors import load_tables
    from eventscope.actors.user import compare, read_actors_file

    with _errors():
        user = read_actors_file(file)
        changes = compare(user, load_tables())
    out.print(changes.describe(), highlight=False, markup=False, emoji=False)


# Without a terminal (a log file, a pipe), progress is a line per this many seconds.
_PROGRESS_LINE_SECONDS = 10.0


def _ingest_with_progress(paths: list[str], settings: Settings) -> Any:
    """Ingest with a progress bar (articles/s, and an ETA when the number of documents is
    cheap to know: counted in the background while the work starts). Without a terminal,
    a plain line after the first stored batch and then every few seconds."""
    import threading
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from eventscope.ingest import count_documents
    from eventscope.jobs import IngestSummary, ingest_paths

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} articles/s" if speed else "")

    columns = (
        SpinnerColumn(),
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        "eta",
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    last_line: list[float] = []
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("coding articles", total=None)

        def count() -> None:
            total = count_documents(paths)
            if total is not None:
                bar.update(task, total=total)

        threading.Thread(target=count, daemon=True).start()

        def advance(summary: IngestSummary) -> None:
            done = summary.stored + summary.skipped + summary.failed
            bar.update(
                task,
                completed=done,
                description=f"coding articles ({summary.events} events, {summary.failed} failed)",
            )
            now = time.monotonic()
            if err.is_terminal or (last_line and now - last_line[-1] < _PROGRESS_LINE_SECONDS):
                return
            last_line.append(now)
            total = bar.tasks[0].total
            err.print(
                f"ingest: {done:,}{f' of {total:,.0f}' if total else ''} documents "
                f"({summary.stored:,} stored, {summary.skipped:,} already stored, "
                f"{summary.failed:,} failed), {done / max(now - started, 1e-9):.1f} articles/s",
                highlight=False,
                markup=False,
            )

        return ingest_paths(paths, settings=settings, on_progress=advance)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    from eventscope.errors import InputError

    if not path.is_file():
        raise InputError(str(path), "no such file")
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}", f"invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{path}:{number}", "a record needs a string 'text'")
            records.append(record)
    return records


# -- the corpus: stories and aggregated events ----------------------------------------------


class CountBy(StrEnum):
    type = "type"
    country = "country"
    dyad = "dyad"
    day = "day"
    week = "week"
    month = "month"


def _many(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _existing(db: Path) -> Path:
    if not db.exists():
        raise EventscopeError(f"{db}: no such database")
    return db


@app.command()
def aggregate(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to refresh.")],
    top: Annotated[
        int, typer.Option(help="Then show the N events reported by most sources, with evidence.")
    ] = 0,
) -> None:
    """Group copies of an article into stories, and reports of one event into aggregated
    events (with mention, article and source counts).

    Ingest does this after every run; run it after writing with the Python API. Running it
    again changes nothing.
    """
    from eventscope.corpus import most_reported, refresh_aggregates
    from eventscope.store import Store

    with _errors(), Store(_existing(db)) as store:
        summary = refresh_aggregates(store)
        found = most_reported(store, limit=top) if top > 0 else []
    out.print(summary.describe(), highlight=False)
    for event in found:
        who = f"{event['source_name'] or '?'} [{event['source_country'] or '?'}]"
        whom = f"{event['target_name'] or '?'} [{event['target_country'] or '?'}]"
        out.print(
            f"\n{event['type']} ({event['factuality']}) {who} -> {whom}, {event['date']}, "
            f"{event['place_name'] or '?'}: {event['num_mentions']} mentions, "
            f"{event['num_articles']} articles, {event['num_sources']} sources",
            markup=False,
            highlight=False,
        )
        for report in event["reports"]:
            twice = "" if report["counted"] else " (stored twice, not counted)"
            out.print(
                f"    {report['published'] or '?'}  {report['source'] or report['article_id']}"
                f"{twice}: {report['evidence']}",
                markup=False,
                highlight=False,
            )


@app.command()
def failures(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to read.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Documents that failed and have not gone through since: document, stage, reason."""
    from eventscope.store import Store

    with _errors(), Store(_existing(db), read_only=True) as store:
        found = store.failures()
    if as_json:
        for row in found:
            record = {
                "document": row.document,
                "stage": row.stage,
                "reason": row.reason,
                "article_id": row.article_id,
                "first_seen": row.first_seen.isoformat(),
                "last_seen": row.last_seen.isoformat(),
                "attempts": row.attempts,
            }
            sys.stdout.write(json.dumps(record) + "\n")
        return
    if not found:
        out.print(f"no failures in {db}", markup=False, highlight=False)
        return
    for row in found:  # tab-separated: document, stage, reason (and attempts past one)
        again = f" ({row.attempts} attempts)" if row.attempts > 1 else ""
        sys.stdout.write(f"{row.document}\t{row.stage}\t{row.reason}{again}\n")


@app.command()
def counts(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to read.")],
    by: Annotated[
        CountBy,
        typer.Option(
            help="type; country (where it happened); dyad (source -> target country); "
            "day, week or month (event date)."
        ),
    ] = CountBy.type,
    raw: Annotated[
        bool, typer.Option("--raw", help="Count event rows (every mention) instead.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Events per type, country, dyad or period: each real-world event once (aggregated
    events, with the mentions that report them), or every event row with --raw."""
    from eventscope.corpus import count_events, unaggregated_articles
    from eventscope.store import Store

    with _errors(), Store(_existing(db), read_only=True) as store:
        found = count_events(store, by=by.value, raw=raw, limit=limit)
        behind = 0 if raw else unaggregated_articles(store)
    if behind:
        err.print(
            f"note: {behind} article(s) stored since the last refresh are not counted; "
            f"run `eventscope aggregate --db {db}`",
            markup=False,
            highlight=False,
        )
    if as_json:
        for row in found:
            record = {"key": row.key, "events": row.events}
            if not raw:
                record["mentions"] = row.mentions
            sys.stdout.write(json.dumps({by.value: record.pop("key"), **record}) + "\n")
        return
    width = max([len(by.value), *(len(row.key or "(unknown)") for row in found)])
    header = "event rows" if raw else "events  mentions"
    out.print(f"{by.value:<{width}}  {header}", markup=False, highlight=False)
    for row in found:
        numbers = f"{row.events:>10}" if raw else f"{row.events:>6}  {row.mentions:>8}"
        out.print(f"{row.key or '(unknown)':<{width}}  {numbers}", markup=False, highlight=False)


@app.command()
def stories(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to read.")],
    min_articles: Annotated[
        int, typer.Option(help="Only stories of at least this many articles (1: all).")
    ] = 2,
    limit: Annotated[int, typer.Option(help="At most this many stories")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Stories (an article and its copies: syndicated, lightly edited or stored twice) with
    every source and url, largest first."""
    from eventscope.corpus import list_stories
    from eventscope.store import Store

    with _errors(), Store(_existing(db), read_only=True) as store:
        found = list_stories(store, min_articles=min_articles, limit=limit)
    for story in found:
        if as_json:
            sys.stdout.write(json.dumps(story, default=str, ensure_ascii=False) + "\n")
            continue
        duplicates = f", {story['n_duplicates']} stored twice" if story["n_duplicates"] else ""
        out.print(
            f"{story['story_id']}  {story['earliest_published'] or '?'}  "
            f"{_many(story['n_articles'], 'article')}, {_many(story['n_sources'], 'source')}"
            f"{duplicates}: {story['title'] or ''}",
            markup=False,
            highlight=False,
        )
        for article in story["articles"]:
            similarity = (
                f"{article['similarity']:.2f}" if article["similarity"] is not None else "-"
            )
            twice = f" (= {article['duplicate_of']})" if article["duplicate_of"] else ""
            out.print(
                f"    {article['kind']:<5} {similarity}  {article['published'] or '?'}  "
                f"{article['source'] or '?'}  {article['url'] or article['article_id']}{twice}",
                markup=False,
                highlight=False,
            )
    err.print("1 story" if len(found) == 1 else f"{len(found)} stories")


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file to serve (read-only reads).")],
    host: Annotated[
        str | None, typer.Option(help="Address to listen on. Setting: server.host.")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port. Setting: server.port.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Token that writes (POST /api/articles) need; without one, writes are off. "
            "Also $EVENTSCOPE_TOKEN or the setting server.token.",
        ),
    ] = None,
    ingest: Annotated[
        list[str] | None,
        typer.Option(
            "--ingest",
            help="Code these documents (files, folders, globs; repeat the option) into the "
            "database while serving it: the API shows each batch once committed, and "
            "/api/health the progress. The only way to read a database while it is written.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=0, help="Worker processes for --ingest (0: one per core)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the HTTP API (/api/..., schema at /openapi.json) and the web page (/): map,
    timeline, actor network, events with their evidence, and a box to code an article."""
    import dataclasses

    from eventscope.serve import serve as run_server

    settings = _settings(config)
    changes = {"host": host, "port": port, "token": token}
    server = dataclasses.replace(
        settings.server, **{k: v for k, v in changes.items() if v is not None}
    )
    settings = settings.replace(server=server, workers=workers)
    with _errors():
        if not ingest:
            _existing(db)
        err.print(
            f"eventscope: serving {db} on http://{server.host}:{server.port}/ "
            f"(writes {'on: token required' if server.token else 'off: no token set'})",
            markup=False,
            highlight=False,
        )
        if ingest:
            err.print(
                f"eventscope: coding {len(ingest)} path(s) into {db} while serving "
                "(progress: /api/health)",
                markup=False,
                highlight=False,
            )
        run_server(db, settings=settings, ingest=ingest or ())


if __name__ == "__main__":  # pragma: no cover
    app()
