"""What the CLI shows people: event tables with evidence, JSONL and CSV streams.

Writers take a rich Console (or any text stream behind it) from the CLI; nothing here
decides where output goes.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from eventscope.actors.lookup import Candidate, Lookup, years
from eventscope.ingest import parse_published
from eventscope.output import (
    CSV_COLUMNS,
    export_record,
    extraction_record,
    failure_record,
    flatten,
)
from eventscope.records import Article, Event, Extraction, Failure, Quote

Result = Extraction | Failure

# fmt: skip


def is_failure(result: Result) -> bool:
    return isinstance(result, Failure)


def failure_line(failure: Failure) -> str:
    return f"{failure.document}: {failure.reason}"


def warning_lines(extraction: Extraction) -> list[str]:
    """What reading an article could not do ("published ... is not a date ...; coded
    undated"), each naming the document."""
    article = extraction.article
    return [f"{article.origin or article.id}: {w}" for w in article.warnings]


def with_published(
    documents: Iterable[Article | Failure], published: str
) -> Iterator[Article | Failure]:
    """Give ``published`` to every article that has no publication date of its own."""
    date = parse_published(published, document="--published")
    for item in documents:
        if isinstance(item, Article) and item.published is None:
            item = dataclasses.replace(item, published=date)
        yield item


def _actors(actors: Iterable[Any]) -> str:
    parts = []
    for actor in actors:
        tags = "/".join(t for t in (actor.country, actor.sector) if t)
        parts.append(f"{actor.span.text} [{tags}]" if tags else actor.span.text)
    return "; ".join(parts)


def _evidence(event: Event, sentence_start: int) -> Text:
    """The evidence sentence with the trigger in bold and the actors underlined."""
    text = Text(event.evidence)
    for actor in (*event.source, *event.target):
        start = actor.span.start - sentence_start
        text.stylize("underline", start, start + len(actor.span.text))
    start = event.trigger.start - sentence_start
    text.stylize("bold magenta", start, start + len(event.trigger.text))
    return text


def _events_table(*, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True, expand=True)
    # Four columns, so that an 80-column terminal still shows whole words.
    table.add_column("event", min_width=14, no_wrap=True)
    table.add_column("who -> whom", ratio=3, overflow="fold")
    table.add_column("when, where", width=13, overflow="fold")
    table.add_column("evidence", ratio=6, overflow="fold")
    return table


def _event_cells(event: Event, sentence_start: int) -> tuple[str | Text, ...]:
    kind = event.type + (f"\n({event.factuality})" if event.factuality != "asserted" else "")
    roles = _actors(event.source) or "?"
    if event.target:
        roles += "\n-> " + _actors(event.target)
    if event.reported_by:
        roles += "\n(says " + ", ".join(a.name for a in event.reported_by) + ")"
    when = event.date.value if event.date else ""
    if event.date and event.date.source != "text":
        when += f"\n({event.date.source})"
    if event.location:
        place = event.location.name
        if event.location.country:
            place += f" [{event.location.country}]"
        when += "\n" + place
    return (kind, roles, when, _evidence(event, sentence_start))


def event_table(extraction: Extraction) -> Table:
    article = extraction.article
    published = article.published.isoformat() if article.published else "no date"
    name = article.title or article.origin or article.id
    title = f"{name}  ({published}, {len(extraction.events)} events)"
    table = _events_table(title=title)
    starts = {s.index: s.start for s in extraction.sentences}
    for event in extraction.events:
        table.add_row(*_event_cells(event, starts.get(event.sentence, 0)))
    notes = [f"quotes: {quote_line(q)}" for q in extraction.quotes if q.direct]
    skipped = [s for s in extraction.sentences if not s.is_content]
    if skipped:
        notes.append("skipped: " + "; ".join(f"{s.text[:40]!r} ({s.flag})" for s in skipped))
    if notes:
        table.caption = "\n".join(notes)
        table.caption_justify = "left"
    return table


def quote_line(quote: Quote) -> str:
    """'Assad: "We will liberate ..."' (the speaker's resolved name where known)."""
    speaker = quote.speaker_actor.name if quote.speaker_actor else None
    speaker = speaker or (quote.speaker.text if quote.speaker else "unattributed")
    content = quote.content.text
    if len(content) > 70:
        content = content[:67] + "..."
    return f'{speaker}: "{content}"'


def csv_rows(extraction: Extraction) -> Iterator[list[str]]:
    """The article's events as CSV rows, in ``CSV_COLUMNS`` order (the export's layout)."""
    for event in extraction.events:
        yield flatten(export_record(extraction.article, event))


def writer(fmt: str, console: Console) -> Callable[[Result], None]:
    """A function that shows one result in ``fmt`` (table, jsonl or csv) on ``console``."""
    if fmt == "jsonl":

        def write_jsonl(result: Result) -> None:
            record = (
                failure_record(result) if isinstance(result, Failure) else extraction_record(result)
            )
            console.out(json.dumps(record, ensure_ascii=False), highlight=False)

        return write_jsonl
    if fmt == "csv":
        header_written = False

        def write_csv(result: Result) -> None:
            nonlocal header_written
            if isinstance(result, Failure):
                return
            buffer = io.StringIO()
            rows = csv.writer(buffer, lineterminator="\n")
            if not header_written:
                rows.writerow(CSV_COLUMNS)
                header_written = True
            rows.writerows(csv_rows(result))
            console.out(buffer.getvalue(), end="", highlight=False)

        return write_csv

    def write_table(result: Result) -> None:
        if isinstance(result, Extraction):
            console.print(event_table(result))

    return write_table


def print_database(db: Path, console: Console) -> None:
    """A summary of what a database holds, then each article's events with their evidence."""
    from eventscope.store import Store

    with Store(db, read_only=True) as store:
        counts = store.counts()
        events = store.events()
        starts = {
            (row["article_id"], row["idx"]): row["start"]
            for row in store.query("SELECT article_id, idx, start FROM sentences")
        }
        articles = store.query("SELECT id, title, published FROM articles ORDER BY id")
    summary = ", ".join(f"{n} {table}" for table, n in counts.items() if table != "meta")
    console.print(f"database {db}: {summary}", highlight=False)
    by_article: dict[str, list[Event]] = {}
    for event in events:
        by_article.setdefault(event.article_id, []).append(event)
    for article in articles:
        found = by_article.get(article["id"], [])
        published = article["published"].isoformat() if article["published"] else "no date"
        name = article["title"] or article["id"]
        table = _events_table(title=f"{name}  ({published}, {len(found)} events)")
        for event in found:
            start = starts.get((event.article_id, event.sentence), 0)
            table.add_row(*_event_cells(event, start))
        console.print(table)


def lookup_text(lookup: Lookup) -> str:
    """``eventscope actors lookup``: what a phrase resolved to, why, and the table entries
    its words can mean."""
    date = f"  ({lookup.published.isoformat()})" if lookup.published else "  (no date)"
    lines = [f"{lookup.text}{date}"]
    actor = lookup.actor
    if actor is None:
        lines.append("  not known: no table, title or rule says who this is")
    else:
        country = actor.country or "-"
        if lookup.country_name and lookup.country_name != actor.country:
            country += f" ({lookup.country_name})"
        fields = [
            ("name", actor.name), ("kind", actor.kind), ("country", country),
            ("sector", actor.sector or "-"), ("entity id", actor.entity_id or "-"),
            ("rule", actor.rule),
        ]  # fmt: skip
        lines += [f"  {label:<10} {value}" for label, value in fields]
        lines += ["", "why"]
        for part in lookup.parts:
            lines += [f"  {part.part}", f"      {part.meaning}"]
    if lookup.candidates:
        lines += ["", "table entries its words can mean (* = the one used)"]
        header = [
            "",
            "words",
            "table",
            "name",
            "country",
            "sector",
            "office",
            "years",
            "id",
            "from",
        ]
        lines += _aligned([header, *(_candidate_cells(c) for c in lookup.candidates)])
    if lookup.user_file:
        lines += ["", f"actors file: {lookup.user_file}"]
    return "\n".join(lines)


def _candidate_cells(candidate: Candidate) -> list[str]:
    e = candidate.entry
    source = e.source + (", in-article only" if e.doc_only else "")
    return [
        "*" if candidate.chosen else " ", candidate.surface, e.table, e.name, e.country or "-",
        e.sector or "-", e.office or "-", years(e) or "-", e.entity_id or "-", source,
    ]  # fmt: skip


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip
