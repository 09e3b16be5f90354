"""The learned type model of classification mode: softmax regression over pair features.

Consumes the named features of one actor pair (``features.pair_features``) and the weights in
``eventscope/data/events/type_model.json`` (written by ``training/train_classifier.py``);
produces a probability per PLOVER type (all 16, summing to 1). The file holds one weight per
(feature, type), a bias per type and a note of how the weights were trained; nothing else, no
text. A model trained with the sentence's embedding (``about["sentence_embedding"]``: the
encoder and a scale) also weighs its 384 numbers, as features ``emb:000`` ... ``emb:383``
(``embedding_features``). ``load_type_model`` reads the file once per process; a missing file
gives ``None`` and classification falls back to the rule scores.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventscope.events.codes import PLOVER_TYPES, data_dir

MODEL_FILE = "type_model.json"
FORMAT = 1
EMBEDDING_PREFIX = "emb:"


@dataclass(frozen=True, slots=True)
class TypeModel:
    """Softmax regression: score(type) = bias[type] + sum of value x weights[feature][type]."""

    types: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    about: Mapping[str, Any] = field(default_factory=dict)  # how and on what it was trained

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """A probability per PLOVER type (types the model never saw get none)."""
        logits = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is None or not value:
                continue
            for k, weight in enumerate(row):
                logits[k] += value * weight
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        known = {typ: e / total for typ, e in zip(self.types, exps, strict=True)}
        return {typ: known.get(typ, 0.0) for typ in PLOVER_TYPES}

    @property
    def embedding_scale(self) -> float | None:
        """The scale of the sentence embedding's features; None when the model uses none."""
        about = self.about.get("sentence_embedding")
        return float(about["scale"]) if isinstance(about, Mapping) else None

    @property
    def label(self) -> str:
        """A name that changes with the weights: "type-model+<sha256 of them, 12 digits>"."""
        body = json.dumps({k: v for k, v in self.to_json().items() if k != "about"})
        return "type-model+" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "types": list(self.types),
            "bias": [round(b, 5) for b in self.bias],
            "weights": {
                name: [round(w, 5) for w in row] for name, row in sorted(self.weights.items())
            },
            "about": dict(self.about),
        }


def parse_type_model(data: Mapping[str, Any]) -> TypeModel:
    """A ``TypeModel`` from the JSON shape ``to_json`` writes; ValueError when malformed."""
    if data.get("format") != FORMAT:
        raise ValueError(f"type model format {data.get('format')!r}, expected {FORMAT}")
    types = tuple(str(t) for t in data["types"])
    unknown = set(types) - set(PLOVER_TYPES)
    if unknown:
        raise ValueError(f"type model names unknown types {sorted(unknown)}")
    bias = tuple(float(b) for b in data["bias"])
    weights = {str(name): tuple(float(w) for w in row) for name, row in data["weights"].items()}
    if len(bias) != len(types) or any(len(row) != len(types) for row in weights.values()):
        raise ValueError("type model rows do not match its types")
    return TypeModel(types=types, bias=bias, weights=weights, about=dict(data.get("about", {})))


def save_type_model(model: TypeModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


@functools.lru_cache(maxsize=2)
def load_type_model(path: Path | None = None) -> TypeModel | None:
    """The shipped type model (or the one at ``path``), read once; None when there is none."""
    path = path or data_dir() / MODEL_FILE
    if not path.exists():
        return None
    return parse_type_model(json.loads(path.read_text(encoding="utf-8")))


def embedding_features(vector: Sequence[float], scale: float) -> dict[str, float]:
    """The sentence embedding as named features, each number times ``scale``."""
    return {f"{EMBEDDING_PREFIX}{k:03d}": scale * float(v) for k, v in enumerate(vector)}


def best_type(probabilities: Mapping[str, float], order: Sequence[str] = PLOVER_TYPES) -> str:
    """The most probable type; ties go to the type listed first in ``order``."""
    return max(order, key=lambda typ: (probabilities.get(typ, 0.0), -order.index(typ)))
