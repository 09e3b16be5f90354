"""The event-trigger lexicon: verbs and phrases, light verbs, blockers, object-refined modes.

Consumes verbs.tsv, lightverbs.tsv, blockers.tsv and objects.tsv from ``eventscope/data/events/``
(plus the code tables of ``codes.py``) and produces a ``Lexicon`` with the lookups the trigger
matcher needs precompiled. ``load_lexicon`` reads it once per process; tests and callers may
build their own with ``parse_lexicon(folder)`` and pass it in.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from eventscope.events.codes import PLOVER_TYPES, CodeTables, data_dir, parse_codes, read_tsv

POS_VALUES = frozenset({"v", "n", "m"})
FRAMES = frozenset({"", "dobj", "nodobj"})
# The PLOVER 0.8 general contexts (manual, table "General contexts"); cameo.tsv adds a few
# older ones (humanitarian, democracy) that rows may also use.
PLOVER_CONTEXTS = frozenset(
    "military intelligence executive legislative election political_institutions "
    "pro_democracy pro_autocracy economic legal reparations human_rights rights_freedoms "
    "repression human_security gender lgbt religion_ethnicity inequality diplomatic territory "
    "peacekeeping health asylum migration disasters natural_resource environment technology "
    "terrorism cbrn cyber misinformation crime corruption illegal_drugs trafficking".split()
)
PLOVER_NOTE = "plover:"  # a row whose type departs from the CAMEO table says why, like this


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row. ``words`` are lemmas; ``words[head]`` is the word the parse anchors on."""

    text: str
    words: tuple[str, ...]
    head: int
    type: str
    mode: str | None
    context: str | None
    cameo: str
    pos: str
    frame: str
    preps: frozenset[str] | None
    strength: float
    notes: str
    line: int

    @property
    def head_word(self) -> str:
        return self.words[self.head]

    @property
    def others(self) -> tuple[str, ...]:
        return self.words[: self.head] + self.words[self.head + 1 :]

    @property
    def rule(self) -> str:
        return f"verbs.tsv:{self.text}" if len(self.words) == 1 else f"phrase:{self.text}"


@dataclass(frozen=True, slots=True)
class ObjectRule:
    """A governing type's mode and CAMEO code refined by what it is about (objects.tsv)."""

    mode: str | None
    cameo: str | None
    context: str | None
    recode: str | None = None  # the type the event becomes instead, if any


@dataclass(frozen=True, slots=True)
class Lexicon:
    entries: tuple[Entry, ...]
    light_verbs: dict[str, tuple[tuple[str, ...], ...]]  # verb lemma -> particle sequences
    blockers: dict[str, frozenset[str]]  # entry text -> blocked dependent lemmas
    objects: dict[tuple[str, str], ObjectRule]  # (lemma or "@TYPE", governing type) -> rule
    codes: CodeTables
    by_head: dict[tuple[str, str], tuple[Entry, ...]] = field(default_factory=dict)
    object_types: frozenset[str] = frozenset()  # types whose mode objects.tsv refines
    recode_types: frozenset[str] = frozenset()  # types objects.tsv may turn into another

    def candidates(self, key: str, pos: str) -> tuple[Entry, ...]:
        return self.by_head.get((key, pos), ())


def _words(text: str) -> tuple[tuple[str, ...], int | None]:
    words: list[str] = []
    head: int | None = None
    for index, word in enumerate(text.lower().split()):
        if word.startswith("*"):
            head = index
            word = word[1:]
        words.append(word)
    return tuple(words), head


def _entry(line: int, row: dict[str, str]) -> Entry:
    words, head = _words(row["entry"])
    pos = row["pos"]
    if head is None:
        head = 0 if pos == "v" else len(words) - 1
    preps = frozenset(p for p in row["preps"].split(",") if p) or None
    return Entry(
        text=row["entry"].replace("*", ""),
        words=words,
        head=head,
        type=row["type"],
        mode=row["mode"] or None,
        context=row["context"] or None,
        cameo=row["cameo"],
        pos=pos,
        frame=row["frame"],
        preps=preps,
        strength=float(row["strength"] or 0),
        notes=row["notes"],
        line=line,
    )


def parse_lexicon(folder: Path) -> Lexicon:
    """Read the lexicon tables from ``folder`` (the layout of ``eventscope/data/events``)."""
    entries = tuple(_entry(line, row) for line, row in read_tsv(folder / "verbs.tsv"))
    light: dict[str, list[tuple[str, ...]]] = {}
    for _, row in read_tsv(folder / "lightverbs.tsv"):
        verb, *particles = row["verb"].lower().split()
        light.setdefault(verb, []).append(tuple(particles))
    blockers: dict[str, frozenset[str]] = {}
    for _, row in read_tsv(folder / "blockers.tsv"):
        blocked = frozenset(w.strip().lower() for w in row["blocked"].split(",") if w.strip())
        blockers[row["entry"]] = blockers.get(row["entry"], frozenset()) | blocked
    objects = {
        (row["key"].lower() if not row["key"].startswith("@") else row["key"], row["type"]): (
            ObjectRule(
                mode=row["mode"] or None,
                cameo=row["cameo"] or None,
                context=row["context"] or None,
                recode=row.get("recode") or None,
            )
        )
        for _, row in read_tsv(folder / "objects.tsv")
    }
    by_head: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        by_head.setdefault((entry.head_word, entry.pos), []).append(entry)
    return Lexicon(
        entries=entries,
        light_verbs={verb: tuple(parts) for verb, parts in light.items()},
        blockers=blockers,
        objects=objects,
        codes=parse_codes(folder),
        by_head={key: tuple(rows) for key, rows in by_head.items()},
        object_types=frozenset(typ for _, typ in objects),
        recode_types=frozenset(typ for (_, typ), rule in objects.items() if rule.recode),
    )


@functools.lru_cache(maxsize=2)
def load_lexicon(folder: Path | None = None) -> Lexicon:
    """The shipped lexicon (or the one in ``folder``), read once per process."""
    return parse_lexicon(folder or data_dir())


def validate_lexicon(lexicon: Lexicon) -> list[str]:
    """Problems with the tables, one line each (empty when the tables are consistent)."""
    problems: list[str] = []
    codes = lexicon.codes
    contexts = PLOVER_CONTEXTS | {
        part for code in codes.cameo.values() if code.context for part in code.context.split(";")
    }
    missing_types = set(PLOVER_TYPES) - set(codes.types)
    if missing_types:
        problems.append(f"types.tsv lacks {sorted(missing_types)}")
    seen: dict[tuple[str, str, str], int] = {}
    for entry in lexicon.entries:
        where = f"verbs.tsv:{entry.line} {entry.text!r}"
        key = (entry.text, entry.pos, entry.frame)
        if key in seen:
            problems.append(f"{where}: duplicate of line {seen[key]}")
        seen[key] = entry.line
        if entry.type not in PLOVER_TYPES:
            problems.append(f"{where}: unknown type {entry.type}")
        if entry.mode and entry.mode not in codes.modes(entry.type):
            problems.append(f"{where}: mode {entry.mode} is not a {entry.type} mode")
        if entry.context and entry.context not in contexts:
            problems.append(f"{where}: unknown context {entry.context}")
        cameo = codes.cameo.get(entry.cameo)
        if cameo is None:
            problems.append(f"{where}: CAMEO code {entry.cameo!r} not in cameo.tsv")
        elif cameo.type != entry.type and not entry.notes.startswith(PLOVER_NOTE):
            problems.append(
                f"{where}: CAMEO {entry.cameo} is {cameo.type}, row says {entry.type} "
                f"without a '{PLOVER_NOTE}' note"
            )
        if entry.pos not in POS_VALUES:
            problems.append(f"{where}: pos must be v, n or m")
        if entry.frame not in FRAMES:
            problems.append(f"{where}: unknown frame {entry.frame!r}")
        if not 0.0 < entry.strength <= 1.0:
            problems.append(f"{where}: strength must be in (0, 1]")
    known = {entry.text for entry in lexicon.entries}
    for text in lexicon.blockers:
        if text not in known:
            problems.append(f"blockers.tsv: {text!r} is not a verbs.tsv entry")
    for (key, typ), rule in lexicon.objects.items():
        if typ not in PLOVER_TYPES:
            problems.append(f"objects.tsv: {key}: unknown type {typ}")
        if key.startswith("@") and key[1:] not in PLOVER_TYPES:
            problems.append(f"objects.tsv: {key}: unknown embedded type")
        if rule.cameo and rule.cameo not in codes.cameo:
            problems.append(f"objects.tsv: {key}: CAMEO code {rule.cameo} not in cameo.tsv")
        final = rule.recode or typ
        if rule.recode and rule.recode not in PLOVER_TYPES:
            problems.append(f"objects.tsv: {key}: unknown recode type {rule.recode}")
        if rule.mode and rule.mode not in codes.modes(final):
            problems.append(f"objects.tsv: {key}: mode {rule.mode} is not a {final} mode")
    return problems
