"""Links spliced into the middle of a sentence: the parser reads the sentence without them.

Some sites splice a "name card" into their sentences wherever a politician is named: after
the name, the person's full name run together with the headlines of three other stories, and
the word MORE ("Senator Jane Roe Jane Ann RoeSenate passes budget Governor vetoes bill MORE
said on Monday ..."). Flagging whole sentences (``eventscope.text.rules``) cannot remove
them: the story's sentence is around the card. The headlines name actors and acts of other
stories, and the parse of the sentence breaks on them.

``masked_for_parse`` replaces each card (the full name, the headlines and MORE) with spaces,
so that offsets stay those of the article's text while spaCy parses "Senator Jane Roe said on
Monday ...". The article's text is never changed: sentences, evidence and the store keep the
words as published.
"""

from __future__ import annotations

import re

# The shown name's last word, then the full name (one to four words or a nickname in
# brackets) ending in the same word and run into a capital letter, then the headlines up to
# the word MORE. Requiring the repeated surname keeps ordinary run-together words
# ("McConnell", "iPhone") out.
_CARD = re.compile(
    r"\b(?P<last>[A-Z][\w'’-]+) "
    r"(?P<card>(?:(?:[A-Z][\w'’-]*\.?|\([A-Z][\w'’ -]*\)) ){1,4}(?P=last)"
    r"[A-Z][^\n]{10,800}? MORE)(?!\w)"
)
_HINT = " MORE"


def spliced_links(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of every name card in ``text``."""
    if _HINT not in text:
        return []
    return [m.span("card") for m in _CARD.finditer(text)]


def masked_for_parse(text: str) -> str:
    """``text`` with every name card replaced by spaces (the same length, the same offsets)."""
    spans = spliced_links(text)
    if not spans:
        return text
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(" " * (end - start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
