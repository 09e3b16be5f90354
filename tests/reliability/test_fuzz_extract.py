"""Issue 9, item 1: property tests on extraction with the real model (few examples: the model
is slow). Whatever text passes ingest's checks, ``extract_many`` yields exactly one result
per document, never raises, and every span it reports is a piece of the article's text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventscope.errors import InputError
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.records import Extraction, Failure, Span
from eventscope.settings import Limits, load_settings

pytestmark = pytest.mark.slow

WORDS = (
    "the police army president minister rebels protesters government Israel Gaza Russia "
    "Ukraine Kharkiv Lagos Nigeria UN NATO said arrested killed met signed attacked "
    "threatened denied accused on Monday in yesterday 12 1,000,000 2023-07-14 % and of to "
    "\" ' ( ) [ ] - -- ... ; : ! ? , . Mr. Dr. U.S. e.g. St. (AP) — Reuters"
).split()
ODD = [
    "\u200f", "\u202e", "\u2066", "\ufeff", "\u00a0", "\t", "\n", "\n\n", "\x0b", "\x0c",
    "مرحبا", "שלום", "Привет", "你好", "🙂", "e\u0301", "ﬁ", "Ⅻ", "x" * 300, "!" * 50,
    "https://example.org/a?b=c", "@user", "#tag", "<b>", "&amp;", "\\", "{", "}",
]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(ODD)),
    min_size=1,
    max_size=120,
).map(" ".join)


@pytest.fixture(scope="module")
def pipeline(nlp: Any) -> Pipeline:
    settings = load_settings().replace(limits=Limits(max_seconds=30), batch_size=4)
    return Pipeline(settings, nlp=nlp)


def _spans(value: Any) -> Iterator[Span]:
    if isinstance(value, Span):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _spans(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _spans(item)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(texts, min_size=1, max_size=3))
def test_extraction_never_raises_and_spans_are_the_text(
    pipeline: Pipeline, batch: list[str]
) -> None:
    articles = []
    for number, text in enumerate(batch):
        try:
            articles.append(make_article(text, origin=f"doc{number}"))
        except InputError:
            continue  # refused by ingest, with a reason: tested in test_fuzz_ingest.py
    assume(articles)
    results = list(pipeline.extract_many(articles))
    assert len(results) == len(articles)
    for article, result in zip(articles, results, strict=True):
        if isinstance(result, Failure):  # allowed, but must name the document and say why
            assert result.document == article.origin and result.reason
            continue
        assert isinstance(result, Extraction) and result.article == article
        for span in _spans(result):
            assert 0 <= span.start <= span.end <= len(article.text)
            assert article.text[span.start : span.end] == span.text, span
        for sentence in result.sentences:
            assert 0 <= sentence.start <= sentence.end <= len(article.text)
