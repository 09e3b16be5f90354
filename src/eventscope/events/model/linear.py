"""Softmax regression over named sparse features and a dense vector: the learned coder's scorer.

A ``LinearModel`` maps an instance (a list of feature names, and optionally a dense vector such
as spaCy's token vector) to a probability per class. Weights live in one ``.npz`` archive: the
class names, the feature names (the vocabulary), a weight row per feature, the dense weights and
the biases. Nothing else is stored: no text, no examples. Inference needs numpy only; training
(``fit``) is done by ``training/train_events.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
        out = np.zeros((len(instances), len(self.classes)), dtype=np.float32)
        lookup = self.vocabulary.get
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
            out[owners] = np.add.reduceat(self.weights[rows], starts, axis=0)
        out += self.bias
        if dense is not None and self.dense_size:
            out += dense @ self.dense_weights
        return out

    def probabilities(
        self, instances: Sequence[Sequence[str]], dense: np.ndarray | None = None
    ) -> np.ndarray:
        return softmax(self.logits(instances, dense))

    def save(self, path: Path) -> None:
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            vocabulary=np.array(names),
            weights=self.weights.astype(np.float16),
            dense_weights=self.dense_weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as data:
            names: list[str] = data["vocabulary"].tolist()
            return cls(
                classes=tuple(str(c) for c in data["classes"]),
                vocabulary={name: n for n, name in enumerate(names)},
                weights=data["weights"].astype(np.float32),
                dense_weights=data["dense_weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
            )


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
