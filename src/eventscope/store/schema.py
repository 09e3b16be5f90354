"""The database schema: one definition that both creates the tables and orders the inserts.

Columns are typed (no JSON blobs) so that counting queries are plain SQL. The two places
where a list is natural are kept relational instead: an event's source and target actors
live in ``event_actors`` (one row per actor, ``role`` = source/target), which makes
"events per source country" a join and a GROUP BY; only the version stamps are a MAP.

``start`` / ``end`` are character offsets into ``articles.text`` (end exclusive). ``end`` is
an SQL keyword, so queries must quote it: ``"end"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventscope.events.acled import ACLED_TYPES

# Bump when a table changes shape; the store refuses files written by a newer schema.
SCHEMA_VERSION = 4
# What changed since version 1, by the version that changed it: opening an older file for
# writing runs these statements in one transaction, so stored work is kept (new columns hold
# NULL in old rows). ``{ddl:NAME}`` stands for the CREATE statement of table NAME below.
# Version 2: events.acled; event_actors.role may be "reporter", which a CHECK constraint
# fixes at creation, so that table is rebuilt; the corpus tables (stories, aggregated
# events), which the next refresh fills from the stored articles.
# Version 3: articles.published_text, the publication date as the input wrote it.
# Version 4: events.acled_event_type, acled_sub_event_type (ACLED's names for the code),
# fatalities, inter1, inter2.
# A statement is SQL text, or SQL text with its parameters (values never go into the text).
Statement = str | tuple[str, tuple[str, ...]]
MIGRATIONS: dict[int, tuple[Statement, ...]] = {
    2: (
        "ALTER TABLE events ADD COLUMN acled VARCHAR",
        "ALTER TABLE event_actors RENAME TO event_actors_v1",
        "{ddl:event_actors}",
        "INSERT INTO event_actors SELECT * FROM event_actors_v1",
        "DROP TABLE event_actors_v1",
        "{ddl:article_minhash}",
        "{ddl:stories}",
        "{ddl:story_articles}",
        "{ddl:aggregated_events}",
        "{ddl:aggregated_event_links}",
    ),
    3: ("ALTER TABLE articles ADD COLUMN published_text VARCHAR",),
    4: (
        "ALTER TABLE events ADD COLUMN acled_event_type VARCHAR",
        "ALTER TABLE events ADD COLUMN acled_sub_event_type VARCHAR",
        "ALTER TABLE events ADD COLUMN fatalities INTEGER",
        "ALTER TABLE events ADD COLUMN inter1 INTEGER",
        "ALTER TABLE events ADD COLUMN inter2 INTEGER",
        # Stored codes get ACLED's names; fatalities and inter codes stay NULL until re-coded.
        *(
            (
                "UPDATE events SET acled_event_type = ?, acled_sub_event_type = ? WHERE acled = ?",
                (event_type, sub_event_type, code),
            )
            for code, (event_type, sub_event_type) in ACLED_TYPES.items()
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its columns in insert order, and constraints appended to the DDL."""

    name: str
    columns: tuple[tuple[str, str], ...]
    constraints: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def column_types(self) -> tuple[str, ...]:
        """The bare SQL type of each column (without its constraints)."""
        return tuple(_bare_type(kind) for _, kind in self.columns)

    def ddl(self) -> str:
        parts = [f"{quote(name)} {kind}" for name, kind in self.columns]
        parts.extend(self.constraints)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  " + ",\n  ".join(parts) + "\n)"


def _bare_type(kind: str) -> str:
    for marker in (" PRIMARY KEY", " NOT NULL", " CHECK"):
        kind = kind.split(marker)[0]
    return kind


def quote(column: str) -> str:
    """A column name as SQL: always double-quoted, because ``end`` is a keyword."""
    return '"' + column.replace('"', '""') + '"'


_SPAN = (("start", "INTEGER"), ("end", "INTEGER"), ("text", "VARCHAR"))

META = Table(
    "meta",
    (("key", "VARCHAR PRIMARY KEY"), ("value", "VARCHAR NOT NULL")),
)

ARTICLES = Table(
    "articles",
    (
        ("id", "VARCHAR PRIMARY KEY"),
        ("content_hash", "VARCHAR"),
        ("title", "VARCHAR"),
        ("published", "DATE"),
        ("url", "VARCHAR"),
        ("outlet", "VARCHAR"),
        ("author", "VARCHAR"),
        ("origin", "VARCHAR"),
        ("text", "VARCHAR NOT NULL"),
        ("n_sentences", "INTEGER NOT NULL"),
        ("stored_at", "TIMESTAMP NOT NULL"),  # UTC
        ("versions", "MAP(VARCHAR, VARCHAR)"),
        ("published_text", "VARCHAR"),  # as the input wrote it (a migration's column: last)
    ),
)

SENTENCES = Table(
    "sentences",
    (
        ("article_id", "VARCHAR NOT NULL"),
        ("idx", "INTEGER NOT NULL"),
        *_SPAN,
        ("flag", "VARCHAR"),
        ("flag_reason", "VARCHAR"),
    ),
)

_ACTOR = (
    ("name", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("country", "VARCHAR"),
    ("sector", "VARCHAR"),
    ("entity_id", "VARCHAR"),
    ("rule", "VARCHAR"),
)

ACTORS = Table(
    "actors",
    (("article_id", "VARCHAR NOT NULL"), ("sentence", "INTEGER"), *_SPAN, *_ACTOR),
)

EVENTS = Table(
    "events",
    (
        ("id", "VARCHAR PRIMARY KEY"),
        ("article_id", "VARCHAR NOT NULL"),
        ("sentence", "INTEGER"),
        ("evidence", "VARCHAR"),
        ("type", "VARCHAR NOT NULL"),
        ("mode", "VARCHAR"),
        ("context", "VARCHAR"),
        ("cameo", "VARCHAR"),
        ("quad", "VARCHAR"),
        ("score", "DOUBLE"),
        ("factuality", "VARCHAR"),
        ("trigger_start", "INTEGER"),
        ("trigger_end", "INTEGER"),
        ("trigger_text", "VARCHAR"),
        # The event date: ISO value as precise as known ("2018-05-31", "2018-05", "2018").
        ("date", "VARCHAR"),
        ("date_precision", "VARCHAR"),
        ("date_source", "VARCHAR"),
        ("date_sentence", "INTEGER"),
        ("date_span_start", "INTEGER"),
        ("date_span_end", "INTEGER"),
        ("date_span_text", "VARCHAR"),
        # The event location, copied whole so an event row answers "where" without a join.
        ("place_name", "VARCHAR"),
        ("geonameid", "BIGINT"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("place_country", "VARCHAR"),
        ("place_feature", "VARCHAR"),
        ("place_admin1", "VARCHAR"),
        ("place_confidence", "DOUBLE"),
        ("place_rule", "VARCHAR"),
        ("place_sentence", "INTEGER"),
        ("place_span_start", "INTEGER"),
        ("place_span_end", "INTEGER"),
        ("place_span_text", "VARCHAR"),
        ("rule", "VARCHAR"),
        ("confidence", "DOUBLE"),
        ("versions", "MAP(VARCHAR, VARCHAR)"),
        # Added in schema 2, so last: the ACLED sub-event code derived from the coding.
        ("acled", "VARCHAR"),
        # Added in schema 4: ACLED's names for the code, the death toll, the inter codes.
        ("acled_event_type", "VARCHAR"),
        ("acled_sub_event_type", "VARCHAR"),
        ("fatalities", "INTEGER"),
        ("inter1", "INTEGER"),
        ("inter2", "INTEGER"),
    ),
)

EVENT_ACTORS = Table(
    "event_actors",
    (
        ("event_id", "VARCHAR NOT NULL"),
        ("article_id", "VARCHAR NOT NULL"),
        # source and target of the event; reporter: whose statement reports it ("X said").
        ("role", "VARCHAR NOT NULL CHECK (role IN ('source', 'target', 'reporter'))"),
        ("position", "INTEGER NOT NULL"),  # order within the role, as the extractor gave it
        ("sentence", "INTEGER"),
        *_SPAN,
        *_ACTOR,
    ),
)

PLACES = Table(
    "places",
    (
        ("article_id", "VARCHAR NOT NULL"),
        ("sentence", "INTEGER"),
        *_SPAN,
        ("name", "VARCHAR"),
        ("geonameid", "BIGINT"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("country", "VARCHAR"),
        ("feature", "VARCHAR"),
        ("admin1", "VARCHAR"),
        ("confidence", "DOUBLE"),
        ("rule", "VARCHAR"),
    ),
)

QUOTES = Table(
    "quotes",
    (
        ("article_id", "VARCHAR NOT NULL"),
        ("sentence", "INTEGER"),
        ("content_start", "INTEGER"),
        ("content_end", "INTEGER"),
        ("content_text", "VARCHAR"),
        ("direct", "BOOLEAN"),
        ("cue_start", "INTEGER"),
        ("cue_end", "INTEGER"),
        ("cue_text", "VARCHAR"),
        ("speaker_start", "INTEGER"),
        ("speaker_end", "INTEGER"),
        ("speaker_text", "VARCHAR"),
        ("speaker_name", "VARCHAR"),
        ("speaker_country", "VARCHAR"),
        ("speaker_entity_id", "VARCHAR"),
        ("rule", "VARCHAR"),
    ),
)

DATES = Table(
    "dates",
    (
        ("article_id", "VARCHAR NOT NULL"),
        ("sentence", "INTEGER"),
        *_SPAN,
        ("value", "VARCHAR"),
        ("precision", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
)

FAILURES = Table(
    "failures",
    (
        ("document", "VARCHAR PRIMARY KEY"),  # one row per document: its latest failure
        ("stage", "VARCHAR NOT NULL"),
        ("reason", "VARCHAR NOT NULL"),
        ("article_id", "VARCHAR"),
        ("first_seen", "TIMESTAMP NOT NULL"),  # UTC
        ("last_seen", "TIMESTAMP NOT NULL"),
        ("attempts", "INTEGER NOT NULL"),
    ),
)

# -- the corpus: derived from the article tables by ``eventscope.corpus.refresh_aggregates``,
# which replaces them whole in one transaction (see that package for the keys).

# Each article's MinHash signature, kept so that a refresh hashes only new articles.
ARTICLE_MINHASH = Table(
    "article_minhash",
    (
        ("article_id", "VARCHAR PRIMARY KEY"),
        ("content_hash", "VARCHAR NOT NULL"),  # SHA-256 of the text: exact duplicates
        ("method", "VARCHAR NOT NULL"),  # shingling and hashing parameters; others are redone
        ("n_shingles", "INTEGER NOT NULL"),  # distinct word shingles of the content sentences
        ("signature", "UBIGINT[]"),  # NULL when the text is too short to compare
    ),
)

# A story: one article and its copies (exact duplicates, syndicated or lightly edited
# versions). Every article belongs to exactly one story.
STORIES = Table(
    "stories",
    (
        ("story_id", "VARCHAR PRIMARY KEY"),  # "s-" + the id of its first article
        ("first_article_id", "VARCHAR NOT NULL"),  # earliest published, then lowest id
        ("title", "VARCHAR"),  # the first article's
        ("earliest_published", "DATE"),
        ("latest_published", "DATE"),
        ("n_articles", "INTEGER NOT NULL"),  # duplicates not counted
        ("n_sources", "INTEGER NOT NULL"),  # distinct sources (story_articles.source)
        ("n_duplicates", "INTEGER NOT NULL"),  # articles stored twice (duplicate_of set)
    ),
)

STORY_ARTICLES = Table(
    "story_articles",
    (
        ("story_id", "VARCHAR NOT NULL"),
        ("article_id", "VARCHAR PRIMARY KEY"),
        ("outlet", "VARCHAR"),
        ("url", "VARCHAR"),
        ("source", "VARCHAR"),  # who published it: the outlet, else the url's host
        ("published", "DATE"),
        ("kind", "VARCHAR NOT NULL CHECK (kind IN ('first', 'exact', 'near'))"),
        ("similarity", "DOUBLE"),  # estimated Jaccard with the first article; 1 when exact
        # The article this one repeats: the same text from the same source or url, stored
        # under another id. Its events are linked to aggregated events but not counted.
        ("duplicate_of", "VARCHAR"),
    ),
)

# One real-world event however often it was reported: GDELT's NumMentions / NumArticles /
# NumSources. Actor, date and place columns are those of its earliest report that has them.
AGGREGATED_EVENTS = Table(
    "aggregated_events",
    (
        ("id", "VARCHAR PRIMARY KEY"),  # "g-" + the id of its earliest event row
        ("type", "VARCHAR NOT NULL"),
        ("factuality", "VARCHAR NOT NULL"),  # asserted (asserted or reported), negated ...
        ("cameo", "VARCHAR"),
        ("quad", "VARCHAR"),
        ("score", "DOUBLE"),
        ("source_name", "VARCHAR"),
        ("source_country", "VARCHAR"),
        ("source_sector", "VARCHAR"),
        ("target_name", "VARCHAR"),
        ("target_country", "VARCHAR"),
        ("target_sector", "VARCHAR"),
        ("date", "DATE"),  # the event day: from the text where any report dates it
        ("place_name", "VARCHAR"),
        ("geonameid", "BIGINT"),
        ("place_country", "VARCHAR"),
        ("num_mentions", "INTEGER NOT NULL"),  # event rows (duplicates left out)
        ("num_articles", "INTEGER NOT NULL"),
        ("num_sources", "INTEGER NOT NULL"),  # distinct sources (outlet, else url host)
        ("num_stories", "INTEGER NOT NULL"),
        ("first_reported", "DATE"),  # earliest and latest publication date of its articles
        ("last_reported", "DATE"),
        ("first_event_id", "VARCHAR NOT NULL"),
    ),
)

AGGREGATED_EVENT_LINKS = Table(
    "aggregated_event_links",
    (
        ("aggregated_event_id", "VARCHAR NOT NULL"),
        ("event_id", "VARCHAR PRIMARY KEY"),  # -> events.id (evidence, trigger, sentence)
        ("article_id", "VARCHAR NOT NULL"),
        ("story_id", "VARCHAR NOT NULL"),
        ("counted", "BOOLEAN NOT NULL"),  # false for the events of a duplicate article
    ),
)

# Creation order; also the order of ``Store.counts()``.
TABLES: tuple[Table, ...] = (
    META,
    ARTICLES,
    SENTENCES,
    ACTORS,
    EVENTS,
    EVENT_ACTORS,
    PLACES,
    QUOTES,
    DATES,
    FAILURES,
    ARTICLE_MINHASH,
    STORIES,
    STORY_ARTICLES,
    AGGREGATED_EVENTS,
    AGGREGATED_EVENT_LINKS,
)

# The tables a corpus refresh rewrites whole (``article_minhash`` only grows).
CORPUS_TABLES: tuple[Table, ...] = (
    STORIES,
    STORY_ARTICLES,
    AGGREGATED_EVENTS,
    AGGREGATED_EVENT_LINKS,
)

# The tables that hold an article's rows (everything ``Store.write`` inserts).
ARTICLE_TABLES: tuple[Table, ...] = (
    ARTICLES,
    SENTENCES,
    ACTORS,
    EVENTS,
    EVENT_ACTORS,
    PLACES,
    QUOTES,
    DATES,
)


class DDL:
    """Formats ``{ddl:NAME}`` in a migration statement as table NAME's CREATE statement."""

    def __format__(self, name: str) -> str:
        for table in TABLES:
            if table.name == name:
                return table.ddl()
        raise KeyError(f"no table {name!r} in the schema")
