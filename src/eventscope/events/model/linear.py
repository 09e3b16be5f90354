"""Softmax regression over named sparse features and a dense vector (``LinearModel``), and a
network with one hidden layer over the same inputs (``HiddenModel``): the learned coder's
scorers.

A ``LinearModel`` maps an instance (a list of feature names, and optionally a dense vector such
as spaCy's token vector) to a probability per class. Weights live in one ``.npz`` archive: the
class names, the feature names (the vocabulary), a weight row per feature, the dense weights and
the biases. Nothing else is stored: no text, no examples. Inference needs numpy only; training
(``fit``) is done by ``training/train_events.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

SEPARATOR = "\x00"  # between the feature names of a saved model


def sum_rows(
    matrix: np.ndarray, vocabulary: dict[str, int], instances: Sequence[Sequence[str]]
) -> np.ndarray:
    """Per instance, the sum of the matrix rows of its known features (each counted once):
    (instances, columns), float32."""
    out = np.zeros((len(instances), matrix.shape[1]), dtype=np.float32)
    lookup = vocabulary.get
    rows: list[int] = []  # every instance's feature rows, one after the other
    starts: list[int] = []
    owners: list[int] = []
    for n, names in enumerate(instances):
        found = set(map(lookup, names))
        found.discard(None)  # type: ignore[arg-type]
        if found:
            starts.append(len(rows))
            owners.append(n)
            rows.extend(found)  # type: ignore[arg-type]
    if rows:
        out[owners] = np.add.reduceat(matrix[rows], starts, axis=0)
    return out


@dataclass(frozen=True)
class LinearModel:
    """score(class) = bias + sum of the rows of the instance's features + dense @ dense_weights."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, classes)
    dense_weights: np.ndarray  # (dense dims, classes); zero rows when no dense input
    bias: np.ndarray  # (classes,)

    @property
    def dense_size(self) -> int:
        return int(self.dense_weights.shape[0])

    def logits(self, instances: Sequence[Sequence[str]], dense: np.ndarray | None) -> np.ndarray:
        """Scores (instances, classes) before the softmax."""
        out = sum_rows(self.weights, self.vocabulary, instances)
        out += self.bias
        if dense is not None and self.dense_size:
            out += dense @ self.dense_weights
        return out

    def probabilities(
        self, instances: Sequence[Sequence[str]], dense: np.ndarray | None = None
    ) -> np.ndarray:
        return softmax(self.logits(instances, dense))

    def pruned(self, min_weight: float) -> LinearModel:
        """The model without the features whose weights all stay below ``min_weight`` in
        absolute value once stored (float16): they barely move a score, and every one of them
        costs load time."""
        return _pruned(self, min_weight)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **_stored_rows(self))

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(**_read_rows(path, data))


_Rows = TypeVar("_Rows", "LinearModel", "HiddenModel")


def _pruned(model: _Rows, min_weight: float) -> _Rows:
    """``model`` without the feature rows whose weights all stay below ``min_weight``."""
    if min_weight <= 0:
        return model
    vocabulary, keep = _kept_rows(model.weights, model.vocabulary, min_weight)
    return dataclasses.replace(model, vocabulary=vocabulary, weights=model.weights[keep])


def _stored_rows(model: LinearModel | HiddenModel) -> dict[str, np.ndarray]:
    """The arrays both models store: classes, feature names, feature rows (float16), dense
    weights and biases."""
    return {
        "classes": np.array(model.classes),
        "vocabulary_utf8": _joined_names(model.vocabulary),
        "weights": model.weights.astype(np.float16),
        "dense_weights": model.dense_weights.astype(np.float32),
        "bias": model.bias.astype(np.float32),
    }


def _read_rows(path: Path, data: Any) -> dict[str, Any]:
    """The fields ``_stored_rows`` stored, read back (the feature rows as float32)."""
    names = _names(data)
    return {
        "classes": tuple(str(c) for c in data["classes"]),
        "vocabulary": dict(zip(names, range(len(names)), strict=True)),
        "weights": _float32_weights(path, data, "weights"),
        "dense_weights": data["dense_weights"].astype(np.float32),
        "bias": data["bias"].astype(np.float32),
    }


def _kept_rows(
    weights: np.ndarray, vocabulary: dict[str, int], min_weight: float
) -> tuple[dict[str, int], np.ndarray]:
    """The vocabulary of the feature rows whose weights reach ``min_weight`` in absolute value
    once stored as float16, and those rows' indices."""
    stored = np.abs(weights.astype(np.float16).astype(np.float32)).max(axis=1)
    keep = np.flatnonzero(stored >= min_weight)
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    return {names[row]: n for n, row in enumerate(keep)}, keep


def _joined_names(vocabulary: dict[str, int]) -> np.ndarray:
    """The feature names in row order as one UTF-8 text, NUL between them: far quicker to load
    than an array of strings (start-up waits for it). A name may hold a line break, never a
    NUL."""
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    if any(SEPARATOR in name for name in names):
        raise ValueError("a feature name holds a NUL character")
    return np.frombuffer(SEPARATOR.join(names).encode("utf-8"), dtype=np.uint8)


def _names(data: Any) -> list[str]:
    """The feature names of a saved model, in row order."""
    if "vocabulary_utf8" in data.files:
        text = data["vocabulary_utf8"].tobytes().decode("utf-8")
        return text.split(SEPARATOR) if text else []
    return list(data["vocabulary"].tolist())  # models saved before the names were one text


def _float32_weights(path: Path, data: Any, key: str) -> np.ndarray:
    """The model's weight matrix as float32. Stored compressed as float16 (half the size in
    the repository), it takes a decompression and a conversion at every start; so the first
    load keeps the float32 matrix in the cache folder, and later loads map that file, which
    costs next to nothing. The cached file is named by the model file's folder, name, size and
    time, so a retrained model is converted afresh; where the cache cannot be written, the matrix is
    converted in memory as before."""
    from eventscope.places.gazetteer import cache_dir

    stat = path.stat()
    prefix = f"{path.parent.name}-{path.stem}"
    cached = cache_dir() / "models" / f"{prefix}-{stat.st_size}-{stat.st_mtime_ns}.npy"
    try:
        # A plain array over the mapped file (a memmap's own indexing is slower).
        return np.asarray(np.load(cached, mmap_mode="r", allow_pickle=False))
    except (OSError, ValueError):
        pass
    weights = data[key].astype(np.float32)
    partial = cached.with_name(f"{cached.stem}.{os.getpid()}.partial")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            np.save(out, weights, allow_pickle=False)
        os.replace(partial, cached)  # atomic: workers starting together may race here
        for older in cached.parent.glob(f"{prefix}-*.npy"):
            if older != cached:  # an earlier version of the same model
                older.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):  # a half-written copy (a full disk) is not left
            partial.unlink()
    return weights


@dataclass(frozen=True)
class HiddenModel:
    """One hidden layer over the same instances: h = relu(sum of the rows of the instance's
    features + dense @ dense_weights + bias), score(class) = h @ output + output_bias; or
    several such networks side by side (``members``: each its own slice of h and its own
    output), whose probabilities are averaged. Where a
    linear model adds up what each feature says alone, the hidden units read features
    together (a word and its object, its head and the sentence's rules); the event coder
    averages its probabilities with the linear model's (``EventModel.trigger_probabilities``).
    Stored like ``LinearModel``, with the hidden weights as float16."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, hidden)
    dense_weights: np.ndarray  # (dense dims, hidden)
    bias: np.ndarray  # (hidden,)
    output: np.ndarray  # (members, hidden per member, classes), or (hidden, classes)
    output_bias: np.ndarray  # (members, classes), or (classes,)

    @property
    def dense_size(self) -> int:
        return int(self.dense_weights.shape[0])

    def hidden(self, instances: Sequence[Sequence[str]], dense: np.ndarray | None) -> np.ndarray:
        """The hidden units (instances, hidden) after the rectifier."""
        out = sum_rows(self.weights, self.vocabulary, instances)
        out += self.bias
        if dense is not None and self.dense_size:
            out += dense @ self.dense_weights
        return np.maximum(out, 0.0)

    @property
    def members(self) -> int:
        """How many networks share the feature rows (each its own columns of the hidden
        layer and its own output); 1 for a model saved with a two-dimensional output."""
        return 1 if self.output.ndim == 2 else int(self.output.shape[0])

    def probabilities(
        self, instances: Sequence[Sequence[str]], dense: np.ndarray | None = None
    ) -> np.ndarray:
        """The mean of the members' softmax probabilities (instances, classes)."""
        h = self.hidden(instances, dense)
        output = self.output.reshape(self.members, -1, len(self.classes))
        bias = self.output_bias.reshape(self.members, len(self.classes))
        z = np.einsum("nmh,mhc->nmc", h.reshape(len(h), self.members, -1), output) + bias
        z -= z.max(axis=2, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=2, keepdims=True)).mean(axis=1)

    def pruned(self, min_weight: float) -> HiddenModel:
        """The model without the feature rows whose weights all stay below ``min_weight``
        once stored (as ``LinearModel.pruned``)."""
        return _pruned(self, min_weight)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            **_stored_rows(self),
            output=self.output.astype(np.float32),
            output_bias=self.output_bias.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> HiddenModel:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                **_read_rows(path, data),
                output=data["output"].astype(np.float32),
                output_bias=data["output_bias"].astype(np.float32),
            )


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
