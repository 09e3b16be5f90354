"""Name cards spliced into sentences (full name, other stories' headlines, MORE) are blanked for
the parser; the article's text, and every offset, stay as published."""

from __future__ import annotations

import eventscope
from eventscope.text.spliced import masked_for_parse, spliced_links

# Written for this test in the layout such sites use; the headlines are invented.
CARD = (
    "Jane Ann RoeGovernor vetoes river bill Police arrest protesters outside the capitol "
    "Rivals attack budget plan MORE"
)
TEXT = (
    f"Senator Jane Roe {CARD} urged the governor on Monday to sign the water bill.\n\n"
    "Mitch McConnell said MORE talks were needed."
)


def test_the_card_is_found_from_the_full_name_to_more() -> None:
    (start, end), *rest = spliced_links(TEXT)
    assert not rest  # "McConnell" and a lone "MORE" are no card
    assert TEXT[start:end] == CARD


def test_the_parser_reads_the_sentence_without_the_card() -> None:
    masked = masked_for_parse(TEXT)
    assert len(masked) == len(TEXT)
    assert "Senator Jane Roe " in masked and "urged the governor on Monday" in masked
    assert "vetoes" not in masked and "Police" not in masked
    assert masked_for_parse("No card here.") == "No card here."


def test_no_actor_or_event_comes_from_the_headlines() -> None:
    out = eventscope.extract(TEXT, published="2019-11-12", id="card")
    assert out.article.text == TEXT  # the stored text is the published one
    triggers = {e.trigger.text for e in out.events}
    assert "urged" in triggers
    assert not triggers & {"vetoes", "arrest", "attack"}
    start = TEXT.index(CARD)
    inside = [a for a in out.actors if start <= a.span.start < start + len(CARD)]
    assert inside == []
    request = next(e for e in out.events if e.trigger.text == "urged")
    assert "Roe" in " ".join(a.span.text for a in request.source)
    assert CARD in request.evidence  # the evidence quotes the sentence as published
