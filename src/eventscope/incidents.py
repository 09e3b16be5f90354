"""Mentions of one incident across an article: "gunmen attacked the hotel on Friday" ... "the
attack". Used to give a re-mention the date and place its first telling names."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventscope.records import Event


def same_incident(event: Event, other: Event, doc: Doc) -> bool:
    """Another mention of the same act: same type, and a trigger of the same word family
    ("bombed" ... "the bombing", "attacked" ... "the attack")."""
    if other is event or other.type != event.type:
        return False
    return word_family(event, doc) == word_family(other, doc)


def word_family(event: Event, doc: Doc) -> str:
    """The first four letters of the trigger's head lemma."""
    span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    word = span.root.lemma_ if span is not None and len(span) else event.trigger.text
    return word.lower()[:4]
