"""PLOVER and CAMEO code tables: types, quad classes, scores, the CAMEO->PLOVER mapping.

Consumes the TSV files in ``eventscope/data/events/`` (types.tsv, modes.tsv, cameo.tsv) and
produces a ``CodeTables`` record, loaded once per process by ``load_codes``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
QUADS: tuple[str, ...] = (
    "VERBAL_COOPERATION",
    "MATERIAL_COOPERATION",
    "VERBAL_CONFLICT",
    "MATERIAL_CONFLICT",
)


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """One PLOVER event type: its quad class, base score and coding defaults."""

    type: str
    quad: str
    score: float
    requires_recipient: bool
    target_preps: frozenset[str]
    planned_as: str | None  # the type a promised or threatened act of this type is coded as
    planned_cameo: str | None
    negated_as: str | None  # the type a refused act of this type is coded as


@dataclass(frozen=True, slots=True)
class CameoCode:
    """A CAMEO code as the CAMEO->PLOVER conversion table maps it."""

    code: str
    type: str
    mode: str | None
    context: str | None
    description: str


@dataclass(frozen=True, slots=True)
class CodeTables:
    types: dict[str, TypeInfo]
    mode_scores: dict[tuple[str, str], float]
    cameo: dict[str, CameoCode]

    def quad(self, event_type: str) -> str | None:
        info = self.types.get(event_type)
        return info.quad if info else None

    def score(self, event_type: str, mode: str | None) -> float | None:
        """The PLOVER conflict/cooperation score of a type, refined by its mode when listed."""
        if mode and (event_type, mode) in self.mode_scores:
            return self.mode_scores[(event_type, mode)]
        info = self.types.get(event_type)
        return info.score if info else None

    def modes(self, event_type: str) -> frozenset[str]:
        return frozenset(mode for typ, mode in self.mode_scores if typ == event_type)


def data_dir() -> Path:
    """The folder holding the shipped event tables."""
    return Path(str(resources.files("eventscope.data").joinpath("events")))


def read_tsv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a TSV file as dicts keyed by its header, with 1-based line numbers.

    Lines starting with ``#`` and blank lines are comments; the first other line is the header.
    """
    header: list[str] | None = None
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [cell.strip() for cell in line.split("\t")]
            if header is None:
                header = cells
                continue
            cells += [""] * (len(header) - len(cells))
            yield number, dict(zip(header, cells, strict=False))


def _optional(value: str) -> str | None:
    return value or None


def parse_codes(folder: Path) -> CodeTables:
    types: dict[str, TypeInfo] = {}
    for _, row in read_tsv(folder / "types.tsv"):
        types[row["type"]] = TypeInfo(
            type=row["type"],
            quad=row["quad"],
            score=float(row["score"]),
            requires_recipient=row["requires_recipient"] == "yes",
            target_preps=frozenset(p for p in row["target_preps"].split(",") if p),
            planned_as=_optional(row["planned_as"]),
            planned_cameo=_optional(row["planned_cameo"]),
            negated_as=_optional(row.get("negated_as", "")),
        )
    mode_scores = {
        (row["type"], row["mode"]): float(row["score"]) for _, row in read_tsv(folder / "modes.tsv")
    }
    cameo: dict[str, CameoCode] = {}
    for _, row in read_tsv(folder / "cameo.tsv"):
        cameo.setdefault(
            row["code"],
            CameoCode(
                code=row["code"],
                type=row["type"],
                mode=_optional(row["mode"]),
                context=_optional(row["context"]),
                description=row["description"],
            ),
        )
    return CodeTables(types=types, mode_scores=mode_scores, cameo=cameo)


@functools.lru_cache(maxsize=2)
def load_codes(folder: Path | None = None) -> CodeTables:
    """The code tables, read once per process (``folder`` defaults to the shipped data)."""
    return parse_codes(folder or data_dir())
