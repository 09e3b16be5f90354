"""RSS and Atom feeds -> one Article per item.

An item's article is its title and its text (``content:encoded`` or Atom ``content`` when
there is one, else ``description`` / ``summary``), HTML markup removed; its link, date and
the feed's title become ``url``, ``published`` and ``outlet``. With ``fetch.follow_links``
the page an item links to is fetched and coded instead (``ingest.fetch`` rules apply).

The XML is parsed without resolving entities, loading DTDs or touching the network, so a
hostile feed cannot read local files or expand into gigabytes.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eventscope.errors import InputError
from eventscope.ingest.article import make_article, parse_published
from eventscope.ingest.fetch import fetch
from eventscope.ingest.html import DEFAULT_MAX_SECONDS, extract_html
from eventscope.records import Article, Failure
from eventscope.settings import Fetch

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
# Elements after which text breaks a line when feed HTML is flattened.
# Characters XML cannot hold (lxml refuses text with them): control characters but for tab,
# line feed and carriage return. In feed HTML they are noise; they become spaces.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote tr table section article pre".split()
)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed, as written there (text still HTML)."""

    title: str | None
    body: str | None
    link: str | None
    published: str | None
    guid: str | None


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a document are an RSS, RDF or Atom feed."""
    start = head[:2000].lower()
    return b"<rss" in start or b"<feed" in start or b"<rdf:rdf" in start


def parse_feed(data: bytes, *, document: str) -> tuple[str | None, list[FeedItem]]:
    """The feed's title and its items. Raises InputError when ``data`` is not a feed."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(document, f"not well-formed XML ({exc})") from None
    if root is None:
        raise InputError(document, "not well-formed XML (nothing could be parsed)")
    # Not etree.QName(root): it raises on the odd root names a recovering parser leaves.
    tag = root.tag.rpartition("}")[2].lower() if isinstance(root.tag, str) else ""
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise InputError(document, "an RSS feed without a <channel>")
        items = [_rss_item(item) for item in channel.iter("item")]
        return _text(channel.find("title")), items
    if tag == "rdf":
        channel = root.find(f"{_RSS1}channel")
        items = [_rss_item(item, ns=_RSS1) for item in root.iter(f"{_RSS1}item")]
        return _text(channel.find(f"{_RSS1}title") if channel is not None else None), items
    if tag == "feed":
        items = [_atom_entry(entry) for entry in root.iter(f"{_ATOM}entry")]
        return _text(root.find(f"{_ATOM}title")), items
    raise InputError(document, f"not an RSS or Atom feed (its root element is <{tag}>)")


def read_feed(
    data: bytes,
    *,
    source: str,
    policy: Fetch,
    max_chars: int,
    max_garbage_ratio: float,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> Iterator[Article | Failure]:
    """An Article or a Failure per item of the feed in ``data`` (read from ``source``)."""
    try:
        outlet, items = parse_feed(data, document=source)
    except InputError as exc:
        yield Failure(document=source, stage="ingest", reason=exc.reason)
        return
    except ValueError as exc:  # lxml on some garbled markup
        yield Failure(document=source, stage="ingest", reason=f"not a readable feed ({exc})")
        return
    if not items:
        yield Failure(document=source, stage="ingest", reason="a feed with no items")
        return
    for number, item in enumerate(items, start=1):
        # Named by link when it has one: item numbers shift as a live feed gains items.
        document = f"{source} <{item.link or item.guid}>" if item.link or item.guid else None
        document = document or f"{source}#{number}"
        try:
            if policy.follow_links:
                yield _linked_page(
                    item, document, outlet, policy, max_chars, max_garbage_ratio, max_seconds
                )
            else:
                yield _item_article(item, document, outlet, max_chars, max_garbage_ratio)
        except InputError as exc:
            yield Failure(document=document, stage="ingest", reason=exc.reason)


def _item_article(
    item: FeedItem, document: str, outlet: str | None, max_chars: int, max_garbage_ratio: float
) -> Article:
    body = html_to_text(item.body or "")
    title = html_to_text(item.title or "") or None
    if not body.strip():
        raise InputError(document, "an item with no text (no description or content)")
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    return make_article(
        text,
        title=title,
        published=_item_date(item.published),
        url=item.link,
        outlet=outlet,
        origin=document,
        max_chars=max_chars,
        max_garbage_ratio=max_garbage_ratio,
    )


def _linked_page(
    item: FeedItem,
    document: str,
    outlet: str | None,
    policy: Fetch,
    max_chars: int,
    max_garbage_ratio: float,
    max_seconds: float,
) -> Article:
    if not item.link:
        raise InputError(document, "an item with no link to follow (settings: fetch.follow_links)")
    page = fetch(item.link, policy=policy)
    content = extract_html(page.data, document=document, max_seconds=max_seconds)
    return make_article(
        content.text,
        title=content.title or html_to_text(item.title or "") or None,
        published=content.published or _item_date(item.published),
        url=item.link,
        outlet=content.outlet or outlet,
        author=content.author,
        origin=document,
        max_chars=max_chars,
        max_garbage_ratio=max_garbage_ratio,
    )


def _item_date(value: str | None) -> dt.date | None:
    """An RSS (RFC 822) or Atom (ISO 8601) date; a date that cannot be read is dropped
    (the item keeps its text, like an HTML page whose date is unreadable)."""
    if not value or not value.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return parse_published(value, document="feed")
    except InputError:
        return None


def _text(element: Any) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def _rss_item(item: Any, ns: str = "") -> FeedItem:
    find = item.find
    body = _text(find(_CONTENT)) or _text(find(f"{ns}description"))
    return FeedItem(
        title=_text(find(f"{ns}title")),
        body=body,
        link=_text(find(f"{ns}link")),
        published=_text(find("pubDate")) or _text(find(_DC_DATE)),
        guid=_text(find("guid")) or item.get(_RDF_ABOUT),
    )


def _atom_entry(entry: Any) -> FeedItem:
    find = entry.find
    link = None
    for candidate in entry.iter(f"{_ATOM}link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href")
            break
    content = find(f"{_ATOM}content")
    body = _atom_text(content) or _atom_text(find(f"{_ATOM}summary"))
    return FeedItem(
        title=_atom_text(find(f"{_ATOM}title")),
        body=body,
        link=link,
        published=_text(find(f"{_ATOM}published")) or _text(find(f"{_ATOM}updated")),
        guid=_text(find(f"{_ATOM}id")),
    )


def _atom_text(element: Any) -> str | None:
    """Atom text constructs: type="xhtml" holds markup as elements, others as text."""
    if element is None:
        return None
    if element.get("type") == "xhtml":
        from lxml import etree

        inner = "".join(etree.tostring(child, encoding="unicode") for child in element)
        return inner.strip() or None
    return _text(element)


def html_to_text(markup: str) -> str:
    """Plain text from a fragment of feed HTML: tags removed, block elements as line breaks,
    runs of spaces collapsed. Text without markup is returned unchanged but for spacing."""
    if "<" not in markup and "&" not in markup:
        return _tidy(markup)
    markup = _NOT_XML.sub(" ", markup)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(markup)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    parts: list[str] = []
    _flatten(root, parts)
    return _tidy("".join(parts))


def _flatten(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # comments have no str tag
    if element.text:
        parts.append(element.text)
    for child in element:
        _flatten(child, parts)
        if child.tail:
            parts.append(child.tail)
    if tag.lower() in _BLOCKS:
        parts.append("\n")


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    return "\n".join(paragraphs)
