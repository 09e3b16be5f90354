"""Places: toponyms in the text, resolved to a gazetteer, and where each event happened.

places = find_places(doc, sentences)              # every toponym, resolved
where = locate_event(event, places, sentences, doc)  # the one an event happened at
wheres = locate_events(events, places, sentences, doc)  # an article's events, incidents shared
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscope.nlp import doc_text
from eventscope.places.gazetteer import Candidate, Entry, Gazetteer, load_gazetteer, name_key
from eventscope.places.location import locate_event, locate_events, main_place
from eventscope.places.resolve import resolve_mentions
from eventscope.places.toponyms import find_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventscope.records import Place, Sentence

__all__ = [
    "Candidate",
    "Entry",
    "Gazetteer",
    "find_places",
    "load_gazetteer",
    "locate_event",
    "locate_events",
    "main_place",
    "name_key",
]


def find_places(
    doc: Doc, sentences: tuple[Sentence, ...], *, gazetteer: Gazetteer | None = None
) -> tuple[Place, ...]:
    """Toponyms in the content sentences of ``doc``, each resolved where the gazetteer can.

    Consumes the parsed article (``doc`` is made from exactly ``Article.text``) and its
    sentences; flagged sentences are skipped. Produces one ``Place`` per mention in text
    order; a mention the gazetteer does not know keeps its text as name, no coordinates and
    a low confidence. ``gazetteer`` defaults to the full one (``load_gazetteer()``).
    """
    gazetteer = gazetteer or load_gazetteer()
    mentions = find_mentions(doc, sentences, gazetteer=gazetteer)
    return resolve_mentions(mentions, gazetteer=gazetteer, text=doc_text(doc))
