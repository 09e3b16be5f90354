"""Standoff annotations: hand-coded events of corpus articles, without the articles' text.

The project's own annotations (``training/annotations/*.jsonl``) hold, per coded article, only
its id, which corpus file it is in, how many characters of it were coded (``extent``), the
SHA-256 of that coded text, the annotation guide's version, the coder, and the events as
character offsets and labels. The publishers' texts stay in the corpus; ``gold_records``
rebuilds FORMAT.md gold records from the two, after checking that the text is the one coded.

A line (one article as coded by one coder)::

    {"id": "abp-...", "corpus": "abp-5k.jsonl", "extent": 2870, "sha256": "...",
     "guide": "9f1c...", "coder": "b05", "primary": true,
     "events": [{"type": "AGREE", "type_as_coded": "CONSULT", "mode": null,
                 "factuality": "planned", "sentence": [120, 260], "trigger": [131, 135],
                 "source": [{"span": [120, 129], "country": "USA", "sector": "GOV"}],
                 "target": []}]}

``primary`` marks the coding that trains the model; an article coded twice has a second,
independent coding (``primary: false``) kept for measuring agreement.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from eventscope.errors import EventscopeError

TYPES = frozenset(
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST "
    "SANCTION MOBILIZE COERCE ASSAULT".split()
)
FACTUALITY = frozenset({"asserted", "negated", "hypothetical", "planned", "reported"})


class AnnotationError(EventscopeError):
    """A standoff annotation that does not fit its article or the format."""


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_standoff(folder: Path) -> Iterator[dict[str, Any]]:
    """Every annotation line of the ``*.jsonl`` files of ``folder``, in file order."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    record = json.loads(line)
                    record["_where"] = f"{path.name}:{number}"
                    yield record


def check_standoff(record: Mapping[str, Any], text: str | None = None) -> list[str]:
    """The problems of one annotation line (empty when it is well formed); with ``text`` (the
    coded text of its article) also whether every span lies inside it."""
    where = record.get("_where") or record.get("id")
    problems: list[str] = []
    for key in ("id", "corpus", "extent", "sha256", "guide", "coder", "events"):
        if key not in record:
            problems.append(f"{where}: no {key!r}")
    if problems:
        return problems
    if text is not None and text_digest(text) != record["sha256"]:
        problems.append(f"{where}: the corpus text of {record['id']} is not the text coded")
        return problems
    extent = int(record["extent"])
    for k, event in enumerate(record["events"]):
        at = f"{where} event {k}"
        if event.get("type_as_coded") not in TYPES:
            problems.append(f"{at}: type {event.get('type_as_coded')!r}")
        if event.get("factuality") not in FACTUALITY:
            problems.append(f"{at}: factuality {event.get('factuality')!r}")
        spans = [("sentence", event.get("sentence")), ("trigger", event.get("trigger"))]
        for role in ("source", "target"):
            spans += [(role, actor.get("span")) for actor in event.get(role, [])]
        sentence = event.get("sentence") or [0, 0]
        for name, span in spans:
            if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1] <= extent):
                problems.append(f"{at}: {name} span {span!r} is not inside the coded text")
            elif name != "sentence" and not (sentence[0] <= span[0] and span[1] <= sentence[1]):
                problems.append(f"{at}: {name} span {span!r} is outside its sentence")
    return problems


def _span(text: str, span: list[int]) -> dict[str, Any]:
    return {"text": text[span[0] : span[1]], "start": span[0], "end": span[1]}


def gold_record(annotation: Mapping[str, Any], article: Mapping[str, Any]) -> dict[str, Any]:
    """The FORMAT.md gold record of one annotation line and its corpus article."""
    text = str(article["text"])[: int(annotation["extent"])]
    problems = check_standoff(annotation, text)
    if problems:
        raise AnnotationError("; ".join(problems))
    events = []
    for event in annotation["events"]:
        out: dict[str, Any] = {
            "type": event["type"],
            "type_as_coded": event["type_as_coded"],
            "mode": event.get("mode"),
            "factuality": event["factuality"],
            "sentence": _span(text, event["sentence"]),
            "trigger": _span(text, event["trigger"]),
        }
        for role in ("source", "target"):
            out[role] = [
                _span(text, actor["span"])
                | {"country": actor.get("country"), "sector": actor.get("sector")}
                for actor in event.get(role, [])
            ]
        events.append(out)
    record = {k: article[k] for k in ("id", "title", "published", "outlet") if article.get(k)}
    return record | {
        "text": text,
        "events": events,
        "meta": {
            "set": "eventscope-annotations",
            "coder": annotation["coder"],
            "guide": annotation["guide"],
            "primary": bool(annotation.get("primary", True)),
        },
    }


def read_corpus(folder: Path, wanted: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The corpus articles (``folder/*.jsonl``) whose ids are in ``wanted``."""
    ids = set(wanted)
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                if record.get("id") in ids:
                    found[record["id"]] = record
    return found


def gold_records_from_standoff(
    folder: Path, corpus: Path, *, primary_only: bool = True
) -> list[dict[str, Any]]:
    """Gold records (FORMAT.md) of the annotations in ``folder``, texts from ``corpus``.

    Raises AnnotationError naming the line when an article is missing from the corpus or its
    text is not the one that was coded.
    """
    annotations = [a for a in read_standoff(folder) if not primary_only or a.get("primary", True)]
    articles = read_corpus(corpus, (a["id"] for a in annotations))
    records = []
    for annotation in annotations:
        article = articles.get(annotation["id"])
        if article is None:
            raise AnnotationError(
                f"{annotation['_where']}: article {annotation['id']} is not in {corpus}"
            )
        records.append(gold_record(annotation, article))
    return records
