"""Sentences of an article, with page furniture, captions, credits and spliced headlines flagged.

spaCy's sentence boundaries are used, and also cut at line breaks: in news text a caption, a
byline or another story's headline is usually a line of its own, and spaCy glues a line
without final punctuation to the next sentence. Hard-wrapped text (plain-text wire copy with
a line break every 70 characters) is recognised and cut at blank lines only.

Flags are decided per line first (a caption line is a caption whatever spaCy makes of it),
then per sentence for the lines that are not flagged as a whole.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from eventscope.nlp import doc_text
from eventscope.records import Article, Sentence
from eventscope.text.rules import (
    RuleSet,
    Verdict,
    author_outlet_verdict,
    classify_text,
    headline_verdict,
    load_text_rules,
)
from eventscope.text.spliced import masked_for_parse

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_LINE_BREAK = re.compile(r"[\n\u2028\u2029\x0b\x0c]")
_BLANK_LINE = re.compile(r"[\n\u2028\u2029\x0b\x0c][^\S\n]*[\n\u2028\u2029\x0b\x0c]\s*")
_NON_ALNUM = re.compile(r"[\W_]+")
_CLOSERS = "\"'”’»)] "
# A line longer than this is a paragraph of story: line rules would only risk flagging it
# whole, so it is judged sentence by sentence instead.
MAX_LINE_WORDS = 60
# In a "Latest News" block, lines up to this long without a full stop are other headlines.
MAX_LISTED_WORDS = 20
# Hard wrapping: at least this many line breaks inside a sentence, and this share of all
# single line breaks, before a text is read as hard-wrapped.
MIN_WRAPPED_BREAKS = 3
MIN_WRAPPED_SHARE = 0.3

# A line this short with no sentence end inside is a single sentence, whatever spaCy says.
MAX_UNSPLIT_WORDS = 30
_SENTENCE_END_INSIDE = re.compile(r"[.!?…][\"'”’)\]]*\s")
_DASHES = "-–—"

Spans = list[tuple[int, int]]


def split_sentences(
    article: Article, doc: Doc, *, rules: RuleSet | None = None
) -> tuple[Sentence, ...]:
    """The article's sentences, in order, each flagged when it is not part of the story.

    Consumes the Article and the spaCy Doc made from ``article.text`` (or from
    ``masked_for_parse`` of it: spliced name cards blanked); produces
    Sentences with article offsets (stripped of surrounding whitespace, consecutive
    ``index`` from 0). Flagged sentences (boilerplate, caption, foreign_headline, byline)
    are kept, with the rule that fired in ``flag_reason``. ``rules`` defaults to the table
    in data/text/boilerplate.tsv.
    """
    text = article.text
    if doc_text(doc) != text and doc_text(doc) != masked_for_parse(text):
        raise ValueError("the spaCy Doc was not made from this article's text")
    rules = rules if rules is not None else load_text_rules()
    lines = text_spans(text, _LINE_BREAK)
    units = text_spans(text, _BLANK_LINE) if is_hard_wrapped(text, lines) else lines
    verdicts = flag_units(text, units, title=article.title, rules=rules)

    sentences: list[Sentence] = []
    for number, start, end in _pieces(text, doc, units):
        verdict = verdicts[number]
        if verdict is None and (start, end) != units[number]:
            # Only part of the line: the line as a whole was judged already.
            verdict = classify_text(_flat(text[start:end]), rules=rules)
        sentences.append(
            Sentence(
                index=len(sentences),
                start=start,
                end=end,
                text=text[start:end],
                flag=verdict.flag if verdict else None,
                flag_reason=verdict.reason if verdict else None,
            )
        )
    return tuple(sentences)


def _pieces(text: str, doc: Doc, units: Spans) -> list[tuple[int, int, int]]:
    """spaCy's sentences cut at unit boundaries, as (unit number, start, end), stripped.

    Two repairs of spaCy's cuts inside one unit: a piece ending in a dash ("ATHENS
    (Reuters) -") belongs to what follows it, and a short line with no sentence end inside
    ("Rebels Seize Second City In Eastern Congo") is one piece, never two.
    """
    starts = [start for start, _ in units]
    pieces: list[tuple[int, int, int]] = []
    for sent in doc.sents:
        first = max(bisect.bisect_right(starts, sent.start_char) - 1, 0)
        for number in range(first, len(units)):
            unit_start, unit_end = units[number]
            if unit_start >= sent.end_char:
                break
            start, end = _strip(
                text, max(unit_start, sent.start_char), min(unit_end, sent.end_char)
            )
            if start >= end:
                continue
            if pieces and pieces[-1][0] == number:
                _, previous_start, previous_end = pieces[-1]
                if text[previous_end - 1] in _DASHES or _is_one_sentence(text[unit_start:unit_end]):
                    pieces[-1] = (number, previous_start, end)
                    continue
            pieces.append((number, start, end))
    return pieces


def _is_one_sentence(unit: str) -> bool:
    return unit.count(" ") < MAX_UNSPLIT_WORDS and _SENTENCE_END_INSIDE.search(unit) is None


def content_spans(doc: Doc, sentences: Sequence[Sentence]) -> Iterator[tuple[Sentence, Span]]:
    """The content sentences (not captions, furniture ...) with their non-empty spaCy spans."""
    for sentence in sentences:
        if not sentence.is_content:
            continue
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is not None and len(span):
            yield sentence, span


def text_spans(text: str, separator: re.Pattern[str]) -> Spans:
    """The stripped, non-blank pieces of ``text`` between matches of ``separator``."""
    spans: Spans = []
    position = 0
    for match in separator.finditer(text):
        start, end = _strip(text, position, match.start())
        if start < end:
            spans.append((start, end))
        position = match.end()
    start, end = _strip(text, position, len(text))
    if start < end:
        spans.append((start, end))
    return spans


def is_hard_wrapped(text: str, lines: Sequence[tuple[int, int]]) -> bool:
    """Whether line breaks fall inside sentences: a line that does not end a sentence,
    followed (no blank line between) by one that starts in lower case, again and again."""
    single_breaks = 0
    inside = 0
    for (_, end), (next_start, _) in zip(lines, lines[1:], strict=False):
        if text.count("\n", end, next_start) != 1:
            continue  # a paragraph break
        single_breaks += 1
        if text[end - 1] not in ".!?:;\"'”’)" and text[next_start].islower():
            inside += 1
    return inside >= MIN_WRAPPED_BREAKS and inside >= MIN_WRAPPED_SHARE * single_breaks


def flag_units(
    text: str, units: Sequence[tuple[int, int]], *, title: str | None, rules: RuleSet
) -> list[Verdict | None]:
    """A verdict per line (or paragraph): the rules table, bylines, then spliced headlines.

    The first line and a line repeating ``title`` are never taken for another story's
    headline: they are the article's own. After a "Latest News"-style line, the short lines
    without a full stop that follow are the list's headlines.
    """
    title_key = _key(title) if title else None
    verdicts: list[Verdict | None] = []
    in_list = False
    for number, (start, end) in enumerate(units):
        unit = _flat(text[start:end])
        words = unit.count(" ") + 1
        verdict = classify_text(unit, rules=rules) if words <= MAX_LINE_WORDS else None
        own_title = number == 0 or (title_key is not None and _key(unit) == title_key)
        if verdict is None and not own_title:
            if in_list and words <= MAX_LISTED_WORDS and _is_link_text(unit):
                verdict = Verdict("foreign_headline", "foreign_headline: listed under a header")
            else:
                verdict = author_outlet_verdict(unit) or headline_verdict(unit)
        if verdict is not None and verdict.opens_list:
            in_list = True
        elif verdict is None:
            in_list = False
        verdicts.append(verdict)
    return verdicts


def _is_link_text(unit: str) -> bool:
    # Headlines in a list may end in "?" but not in a full stop: that is story again.
    return unit.rstrip(_CLOSERS)[-1:] not in (".", "!", ";", ":", "")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _flat(piece: str) -> str:
    return piece.replace("\n", " ") if "\n" in piece else piece


def _key(piece: str) -> str:
    return _NON_ALNUM.sub(" ", piece.casefold()).strip()
