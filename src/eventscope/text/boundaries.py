"""Sentence boundaries the parser must respect: line breaks and datelines.

spaCy glues a line without final punctuation (a headline, a caption) to the next line and
parses them as one sentence, so a headline's verb takes the next paragraph's subject. This
component runs before the parser and marks a sentence start at every line (or, in
hard-wrapped text, every paragraph) and after a dateline ("DAMASCUS -", "BEIRUT (Reuters) -"),
so that every dependency tree stays inside one line of story. ``split_sentences`` cuts at the
same places, so parse sentences and article sentences agree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.language import Language

from eventscope.nlp import doc_text
from eventscope.text.sentences import _BLANK_LINE, _LINE_BREAK, is_hard_wrapped, text_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

COMPONENT = "eventscope_boundaries"

# "DAMASCUS -", "NEW YORK, May 3 (Reuters) -", "KYIV —" at the start of a line.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'\u2019]+(?:[ -][A-Z][A-Z.'\u2019]+){0,3}"
    r"(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?"
    r"(?:\s+\([^()\n]{1,40}\))?\s+[-\u2013\u2014]+\s+(?=\S)"
)


def unit_starts(text: str) -> list[int]:
    """Character offsets where a new line of story (and a dateline's sentence) begins."""
    lines = text_spans(text, _LINE_BREAK)
    units = text_spans(text, _BLANK_LINE) if is_hard_wrapped(text, lines) else lines
    starts: list[int] = []
    for start, _end in units:
        starts.append(start)
        match = _DATELINE.match(text, start)
        if match:
            starts.append(match.end())
    return starts


def mark_boundaries(doc: Doc) -> Doc:
    """Set ``is_sent_start`` at line starts and after datelines; leave the rest to the parser."""
    starts = set(unit_starts(doc_text(doc)))
    if not starts:
        return doc
    from spacy.attrs import IDX

    for i, offset in enumerate(doc.to_array(IDX).tolist()):
        if i and offset in starts:
            doc[i].is_sent_start = True
    return doc


@Language.component(COMPONENT)
def boundaries_component(doc: Doc) -> Doc:
    return mark_boundaries(doc)
