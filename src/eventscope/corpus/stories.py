"""Stories: an article and its copies, kept as one story with all its sources.

Consumes the stored articles; produces one ``story_articles`` row per article and one
``stories`` row per story. Two articles are copies when

* their texts are identical (the same ``content_hash``): an *exact* copy, or
* their content is nearly the same: a syndicated wire story, or a version updated with small
  edits (a *near* copy). The content is the article's sentences that were not skipped as
  boilerplate, captions or bylines, so page furniture shared by every article of one outlet
  does not make them alike. Each is reduced to a MinHash signature of its word 5-grams
  (``datasketch``, 128 permutations); LSH finds candidate pairs (Jaccard above about 0.4),
  and a pair is a copy when the estimated Jaccard similarity is at least ``NEAR_JACCARD`` or
  the smaller text lies mostly inside the larger one (estimated overlap at least
  ``NEAR_OVERLAP``: a short wire story and its longer update). Texts under ``MIN_SHINGLES``
  word 5-grams are too short to judge and only match exactly.

A story is a connected group of copies, so it is the same whatever order the articles
arrived in. Its first article is the earliest published (then the lowest id), and its id is
"s-" + that article's id: an earlier copy arriving later renames the story. An exact copy from
the same source (same outlet, else url host) or at the same url (the page: no query) is the
same report stored twice under another id: it stays in the story (``duplicate_of``) but is
not counted as an article, a source or a mention. The same text from another source at
another url is syndication: another article, another source.

Signatures are kept in ``article_minhash`` so that a refresh hashes only new articles; they
are recomputed when the method (``METHOD``) changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import duckdb
import numpy as np

from eventscope.corpus.groups import Groups
from eventscope.store.database import insert_rows
from eventscope.store.schema import ARTICLE_MINHASH, STORY_ARTICLES

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
METHOD = f"words{SHINGLE_WORDS}-perm{NUM_PERM}-seed{SEED}-{SCHEME}"
CANDIDATE_THRESHOLD = 0.4  # LSH banding: pairs above about this Jaccard become candidates
NEAR_JACCARD = 0.5
NEAR_OVERLAP = 0.8
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a text is compared by: its exact hash, and its MinHash signature (None when the
    text has under ``MIN_SHINGLES`` shingles)."""

    content_hash: str
    n_shingles: int
    signature: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article as the story finder sees it."""

    id: str
    fingerprint: Fingerprint
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """A row of ``story_articles``: which story an article belongs to, and how."""

    story_id: str
    article_id: str
    outlet: str | None
    url: str | None
    source: str | None
    published: dt.date | None
    kind: str  # first, exact, near
    similarity: float | None
    duplicate_of: str | None

    def row(self) -> tuple[object, ...]:
        return (
            self.story_id,
            self.article_id,
            self.outlet,
            self.url,
            self.source,
            self.published,
            self.kind,
            self.similarity,
            self.duplicate_of,
        )


def shingles(text: str) -> set[bytes]:
    """The word 5-grams of a text, case- and punctuation-blind."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Drawing the permutations costs more than hashing a short text: once per process.
    from datasketch import MinHash  # imports scipy (0.7 s): only when hashing

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def fingerprint(text: str, *, content_hash: str | None = None) -> Fingerprint:
    """A text's fingerprint; ``content_hash`` defaults to the SHA-256 of the text."""
    if not content_hash:
        content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return Fingerprint(content_hash, len(grams))
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(list(grams))
    return Fingerprint(content_hash, len(grams), np.asarray(minhash.hashvalues, dtype=np.uint64))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two texts, estimated from their signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def overlap(similarity: float, n_a: int, n_b: int) -> float:
    """How much of the smaller text lies in the larger one (the overlap coefficient),
    from their Jaccard similarity and sizes: |A & B| = J (|A| + |B|) / (1 + J)."""
    common = similarity * (n_a + n_b) / (1 + similarity)
    return common / max(1, min(n_a, n_b))


def is_copy(a: Fingerprint, b: Fingerprint) -> tuple[bool, float | None]:
    """Whether two texts are copies of each other, and their similarity (None: not comparable)."""
    if a.content_hash == b.content_hash:
        return True, 1.0
    if a.signature is None or b.signature is None:
        return False, None
    similarity = jaccard(a.signature, b.signature)
    near = (
        similarity >= NEAR_JACCARD
        or overlap(similarity, a.n_shingles, b.n_shingles) >= NEAR_OVERLAP
    )
    return near, similarity


def source_of(outlet: str | None, url: str | None) -> str | None:
    """Who published an article: its outlet, else its url's host (without "www.")."""
    if outlet and outlet.strip():
        return outlet.strip()
    if url:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        return host or None
    return None


def _page(url: str | None) -> str | None:
    """A url as the page it names: without scheme, "www.", query or fragment."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _rank(article: StoryArticle) -> tuple[bool, dt.date, str]:
    return (article.published is None, article.published or dt.date.min, article.id)


def find_stories(articles: Sequence[StoryArticle]) -> list[Membership]:
    """Group articles into stories (see the module docstring); one membership per article,
    in rank order (earliest published first, then by id)."""
    from datasketch import LeanMinHash, MinHashLSH

    ranked = sorted(articles, key=_rank)
    groups = Groups(len(ranked))
    first_with_hash: dict[str, int] = {}
    for index, article in enumerate(ranked):
        earlier = first_with_hash.setdefault(article.fingerprint.content_hash, index)
        groups.join(earlier, index)
    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    hashes: dict[int, LeanMinHash] = {}
    for index in first_with_hash.values():  # exact copies are grouped already: one of each
        signature = ranked[index].fingerprint.signature
        if signature is not None:
            hashes[index] = LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)
            lsh.insert(index, hashes[index], check_duplication=False)
    for index, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other > index and groups.find(other) != groups.find(index):
                near, _ = is_copy(ranked[index].fingerprint, ranked[other].fingerprint)
                if near:
                    groups.join(index, other)
    members: list[Membership] = []
    seen_text: dict[tuple[int, str], int] = {}  # (story, content hash) -> first with it
    seen_copy: dict[tuple[str, str, str | None], str] = {}  # (hash, source or page) -> id
    for index, article in enumerate(ranked):
        root = groups.first(index)
        first = ranked[root]
        fp = article.fingerprint
        source = source_of(article.outlet, article.url)
        _, similarity = is_copy(first.fingerprint, fp)
        earlier_text = seen_text.setdefault((root, fp.content_hash), index)
        if index == root:
            kind = "first"
        elif earlier_text != index:
            kind = "exact"
        else:
            kind = "near"
        keys = [(fp.content_hash, "source", source)]
        if article.url:
            keys.append((fp.content_hash, "page", _page(article.url)))
        earlier = [seen_copy.setdefault(key, article.id) for key in keys]
        duplicate_of = next((found for found in earlier if found != article.id), None)
        members.append(
            Membership(
                story_id="s-" + first.id,
                article_id=article.id,
                outlet=article.outlet,
                url=article.url,
                source=source,
                published=article.published,
                kind=kind,
                similarity=None if similarity is None else round(similarity, 4),
                duplicate_of=duplicate_of,
            )
        )
    return members


# -- in the database ---------------------------------------------------------------------------

_UNHASHED = """
SELECT a.id, a.content_hash, a.text,
       string_agg(s.text, ' ' ORDER BY s.idx) FILTER (WHERE s.flag IS NULL) AS content
FROM articles a
LEFT JOIN article_minhash m ON m.article_id = a.id AND m.method = ?
LEFT JOIN sentences s ON s.article_id = a.id
WHERE m.article_id IS NULL
GROUP BY a.id, a.content_hash, a.text
"""

_HASHED = """
SELECT a.id, a.published, a.outlet, a.url, m.content_hash, m.n_shingles, m.signature
FROM articles a JOIN article_minhash m ON m.article_id = a.id AND m.method = ?
"""


def update_fingerprints(con: duckdb.DuckDBPyConnection) -> int:
    """Hash the articles that have no signature of this ``METHOD`` yet; how many."""
    found = con.execute(_UNHASHED, [METHOD]).fetchall()
    rows = []
    for article_id, content_hash, text, content in found:
        fp = fingerprint(content or text, content_hash=content_hash)
        signature = None if fp.signature is None else fp.signature.tolist()
        rows.append((article_id, fp.content_hash, METHOD, fp.n_shingles, signature))
    if rows:
        con.execute(
            "DELETE FROM article_minhash WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [[row[0] for row in rows]],
        )
        insert_rows(con, ARTICLE_MINHASH, rows)
    return len(rows)


def stored_articles(con: duckdb.DuckDBPyConnection) -> list[StoryArticle]:
    """Every stored article with its fingerprint (run ``update_fingerprints`` first)."""
    articles = []
    for article_id, published, outlet, url, content_hash, n_shingles, signature in con.execute(
        _HASHED, [METHOD]
    ).fetchall():
        array = None if signature is None else np.asarray(signature, dtype=np.uint64)
        articles.append(
            StoryArticle(
                id=article_id,
                fingerprint=Fingerprint(content_hash, n_shingles, array),
                published=published,
                outlet=outlet,
                url=url,
            )
        )
    return articles


_STORIES = """
INSERT INTO stories (story_id, first_article_id, title, earliest_published, latest_published,
                     n_articles, n_sources, n_duplicates)
SELECT sa.story_id,
       any_value(sa.article_id) FILTER (WHERE sa.kind = 'first'),
       any_value(a.title) FILTER (WHERE sa.kind = 'first'),
       min(sa.published), max(sa.published),
       count(*) FILTER (WHERE sa.duplicate_of IS NULL),
       count(DISTINCT coalesce(sa.source, '#' || sa.article_id))
           FILTER (WHERE sa.duplicate_of IS NULL),
       count(*) FILTER (WHERE sa.duplicate_of IS NOT NULL)
FROM story_articles sa JOIN articles a ON a.id = sa.article_id
GROUP BY sa.story_id
"""


def write_stories(con: duckdb.DuckDBPyConnection, members: Sequence[Membership]) -> None:
    """Replace ``story_articles`` and ``stories`` with these memberships."""
    con.execute("DELETE FROM stories")
    con.execute("DELETE FROM story_articles")
    insert_rows(con, STORY_ARTICLES, [member.row() for member in members])
    con.execute(_STORIES)
