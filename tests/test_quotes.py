"""Direct and reported attributions, and the speech cue table.

Every text here was written for these tests.
"""

from __future__ import annotations

from eventscope.quotes import CUE_KINDS, load_cues
from eventscope.quotes import find_quotes as _find_quotes
from eventscope.records import Actor, Quote, Sentence, Span

_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "country", "NORP": "group"}


def _sentences(doc, flags=None):  # type: ignore[no-untyped-def]
    """Sentence records straight from spaCy, so these tests need no other stage."""
    flags = flags or {}
    return tuple(
        Sentence(index=i, start=s.start_char, end=s.end_char, text=s.text, flag=flags.get(i))
        for i, s in enumerate(doc.sents)
    )


def _actors(doc):  # type: ignore[no-untyped-def]
    """Actors from spaCy's entities: enough to test that speakers are linked to actors."""
    return tuple(
        Actor(
            span=Span(e.start_char, e.end_char, e.text),
            sentence=0,
            name=e.text,
            kind=_KINDS[e.label_],  # type: ignore[arg-type]
        )
        for e in doc.ents
        if e.label_ in _KINDS
    )


def _quotes(nlp, text, flags=None, actors=None) -> tuple[Quote, ...]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    found = _find_quotes(doc, _sentences(doc, flags), _actors(doc) if actors is None else actors)
    for quote in found:  # every span is a true piece of the article text
        for span in (quote.content, quote.cue, quote.speaker):
            assert span is None or text[span.start : span.end] == span.text
    return found


def _only(quotes: tuple[Quote, ...]) -> Quote:
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_split_curly_quote_is_one_quote_with_a_pronoun_speaker(nlp):  # type: ignore[no-untyped-def]
    text = (
        "General Lina Osei inspected the front line. "
        "“We will not retreat,” she said, “not one step.”"
    )
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text.startswith("We will not retreat")
    assert quote.content.text.endswith("not one step.")
    assert quote.cue is not None and quote.cue.text == "said"
    assert quote.speaker is not None and quote.speaker.text == "she"
    assert quote.speaker_actor is not None and quote.speaker_actor.name == "Lina Osei"
    assert "pronoun->previous person" in quote.rule
    assert quote.sentence == 1


def test_straight_quotes_with_full_noun_phrase_speaker(nlp):  # type: ignore[no-untyped-def]
    text = (
        '"The economy is recovering faster than expected," '
        "Finance Minister Ana Ruiz told reporters."
    )
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text == "The economy is recovering faster than expected,"
    assert quote.cue is not None and quote.cue.text == "told"
    assert quote.speaker is not None and quote.speaker.text == "Finance Minister Ana Ruiz"
    assert quote.speaker_actor is not None and quote.speaker_actor.name == "Ana Ruiz"


def test_single_quotes_are_quotes_and_apostrophes_are_not(nlp):  # type: ignore[no-untyped-def]
    text = "'We are ready to talk to anyone,' the rebels' spokesman said on the radio."
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text == "We are ready to talk to anyone,"
    assert quote.speaker is not None and quote.speaker.text == "the rebels' spokesman"


def test_apostrophe_before_a_single_quoted_quote(nlp):  # type: ignore[no-untyped-def]
    text = "The minister's aide said: 'We won't sign the accord today.'"
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text == "We won't sign the accord today."
    assert quote.speaker is not None and quote.speaker.text == "The minister's aide"


def test_apostrophes_do_not_open_a_quote(nlp):  # type: ignore[no-untyped-def]
    text = "The officials' plan didn't pass, and Iran's minister said the vote wasn't fair."
    quote = _only(_quotes(nlp, text))
    assert not quote.direct
    assert quote.content.text == "the vote wasn't fair"
    assert quote.speaker is not None and quote.speaker.text == "Iran's minister"


def test_multi_sentence_quote_in_guillemets_is_one_quote(nlp):  # type: ignore[no-untyped-def]
    text = (
        "The ferry stopped. Mayor Tomas Berg said: «The border stays closed. Nobody will cross it.»"
    )
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text == "The border stays closed. Nobody will cross it."
    assert quote.sentence == 1
    assert quote.speaker is not None and quote.speaker.text == "Mayor Tomas Berg"


def test_quote_running_over_paragraphs_takes_the_later_speaker(nlp):  # type: ignore[no-untyped-def]
    text = (
        "“The first thing we did was close the roads to the north.\n\n"
        "“Then we opened the shelters to every family,” the governor said."
    )
    quote = _only(_quotes(nlp, text))
    assert quote.direct
    assert quote.content.text.startswith("The first thing")
    assert quote.content.text.endswith("to every family,")
    assert quote.speaker is not None and quote.speaker.text == "the governor"


def test_quote_paragraph_after_reported_speech_keeps_the_speaker(nlp):  # type: ignore[no-untyped-def]
    text = (
        "Senator Mara Lind said the talks had failed.\n\n"
        "“We tried everything we could to reach a deal with them.”"
    )
    reported, direct = _quotes(nlp, text)
    assert not reported.direct and reported.content.text == "the talks had failed"
    assert direct.direct and direct.speaker is not None
    assert direct.speaker.text == "Senator Mara Lind"
    assert direct.cue is None


def test_reported_speech_with_that_and_a_told_object(nlp):  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, "Viktor Smith told the agency that the deal was dead."))
    assert not quote.direct
    assert quote.content.text == "the deal was dead"
    assert quote.cue is not None and quote.cue.text == "told"
    assert quote.speaker is not None and quote.speaker.text == "Viktor Smith"
    assert quote.rule == "reported, complement clause"


def test_reported_speech_with_other_cue_verbs(nlp):  # type: ignore[no-untyped-def]
    texts = {
        "The army denied that its soldiers fired on the crowd.": "denied",
        "The ministry warned that the sanctions would backfire.": "warned",
        "The party claimed it had won the vote in the south.": "claimed",
        "The government announced that the border would reopen.": "announced",
        "The mayor insisted that the city was safe for visitors.": "insisted",
    }
    for text, cue in texts.items():
        quote = _only(_quotes(nlp, text))
        assert quote.cue is not None and quote.cue.text == cue
        assert quote.speaker is not None and quote.speaker.text.startswith("The ")
        assert quote.content.start > quote.cue.end


def test_cue_after_the_reported_clause(nlp):  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, "The ceasefire has collapsed, officials said on Tuesday."))
    assert quote.content.text == "The ceasefire has collapsed"
    assert quote.speaker is not None and quote.speaker.text == "officials"


def test_according_to_before_and_after(nlp):  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, "According to the ministry, the convoy reached the city."))
    assert quote.content.text == "the convoy reached the city"
    assert quote.cue is not None and quote.cue.text == "According to"
    assert quote.speaker is not None and quote.speaker.text == "the ministry"
    assert quote.rule == "according to"
    quote = _only(_quotes(nlp, "The convoy reached the city, according to the ministry."))
    assert quote.content.text == "The convoy reached the city"
    assert quote.speaker is not None and quote.speaker.text == "the ministry"


def test_quoted_words_inside_reported_speech_are_reported(nlp):  # type: ignore[no-untyped-def]
    quote = _only(
        _quotes(nlp, "The envoy said the plan was “a disaster for everyone” in the region.")
    )
    assert not quote.direct
    assert quote.content.text == "the plan was “a disaster for everyone” in the region"


def test_transcript_lines(nlp):  # type: ignore[no-untyped-def]
    text = "HOST: Will you attend the summit next week?\n\nOKAFOR: I will be there with my team."
    first, second = _quotes(nlp, text)
    assert first.speaker is not None and first.speaker.text == "HOST"
    assert first.content.text == "Will you attend the summit next week?"
    assert second.speaker is not None and second.speaker.text == "OKAFOR"
    assert second.rule == "transcript label"


def test_short_scare_quotes_without_a_cue_are_not_quotes(nlp):  # type: ignore[no-untyped-def]
    assert _quotes(nlp, "The so-called “peace plan” was shelved by the cabinet.") == ()


def test_flagged_sentences_give_no_quotes(nlp):  # type: ignore[no-untyped-def]
    text = "“Smoke rises over the old harbour at dawn,” the caption said. The port was closed."
    assert _quotes(nlp, text, flags={0: "caption"}) == ()


def test_it_resolves_to_the_previous_organisation(nlp):  # type: ignore[no-untyped-def]
    text = "Amnesty International published a report. It said the prisoners were tortured."
    quote = _only(_quotes(nlp, text))
    assert quote.speaker is not None and quote.speaker.text == "It"
    assert quote.speaker_actor is not None and quote.speaker_actor.name == "Amnesty International"
    assert quote.rule.endswith("pronoun->previous organisation")


def test_speaker_actor_needs_an_overlapping_actor(nlp):  # type: ignore[no-untyped-def]
    quote = _only(_quotes(nlp, "The spokesman said the talks would go on.", actors=()))
    assert quote.speaker is not None and quote.speaker_actor is None


def test_cue_table_is_valid():  # type: ignore[no-untyped-def]
    cues = load_cues()
    assert len(cues) >= 50
    for lemma, kind in cues.items():
        assert kind in CUE_KINDS
        assert lemma == lemma.strip().lower() and lemma.isalpha(), lemma
    for verb in ("say", "tell", "warn", "deny", "claim", "announce", "insist", "add"):
        assert cues[verb] == "speech"
    assert cues["believe"] == "belief"  # a stance, off by default


def test_cue_table_has_no_duplicates_and_a_header():  # type: ignore[no-untyped-def]
    from importlib import resources

    text = resources.files("eventscope").joinpath("data/quotes/speech_cues.tsv").read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rows[0] == "lemma\tkind"
    lemmas = [row.split("\t")[0] for row in rows[1:]]
    assert len(lemmas) == len(set(lemmas))
    assert all(len(row.split("\t")) == 2 for row in rows)


def test_speakers_resolved_through_the_actor_stage_descriptions_and_pronouns():  # type: ignore[no-untyped-def]
    import datetime as dt

    import eventscope

    result = eventscope.extract(
        "Syrian President Bashar al-Assad met Russian envoys on Monday.\n\n"
        '"We will not retreat," the Syrian leader told state television. '
        "He said the army would stay in the east.",
        published=dt.date(2018, 5, 31),
    )
    speakers = [(q.speaker.text if q.speaker else None, q.speaker_actor) for q in result.quotes]
    assert [text for text, _ in speakers] == ["the Syrian leader", "He"]
    assert {actor.name for _, actor in speakers if actor} == {"Bashar al-Assad"}
    assert all(actor and actor.country == "SYR" for _, actor in speakers)
