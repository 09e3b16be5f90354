"""Resolving one actor mention (a run of words and its head) to a canonical identity: name,
kind, country, PLOVER sector, Wikidata id, and the rule that decided.

How a mention resolves, in order of evidence:

- a surname already introduced in the article ("Bashar al-Assad" ... "Assad");
- the head's own table entry (a person, organisation, seat, country or demonym), chosen by the
  publication year: a person in office that year takes the office's sector; before it, no
  sector; after it, ELI (PLOVER's "former officials") unless a title in the phrase says what
  the text says they are ("President Reagan" stays GOV whatever the date);
- otherwise the sector from the phrase's nouns and titles: the head's if strong ("Syrian
  government forces" -> MIL), else a strong modifier ("army commander" -> MIL), else a named
  modifier in office ("Hamas leader" -> REB), else weak words ("Russian officials" -> GOV);
  "former"/"ex-" turn an office into ELI;
- country from the head, else places in the phrase (country names, demonyms, seats), else
  named people and organisations in it, else hints the caller found around it (a
  prepositional "of Syria", an apposition); "Iranian-backed" and "pro-Iranian" never give it;
  "ethnic Albanians" names an ethnicity, not Albania.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eventscope.actors.matching import HYPHENS, NameMatch, TermMatch, Word, match_names, match_terms
from eventscope.actors.tables import ActorTables, NameEntry, name_key

# Sectors of office holders: "former" turns these into ELI (PLOVER manual, sector ELI).
OFFICE_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY"})
PLACE_TABLES = frozenset({"countries", "demonyms", "seats", "states", "regions"})
# Which table wins when one name is in several ("Washington": the seat, not the state).
TABLE_ORDER = ("leaders", "orgs", "seats", "countries", "demonyms", "states", "regions")
# A country named as a sponsor is not the actor's own country ("Iranian-backed militias") ...
PROXY_WORDS = frozenset(
    {"backed", "sponsored", "supported", "funded", "armed", "allied", "aligned", "trained",
     "linked", "inspired", "controlled", "held", "run", "led"}
)  # fmt: skip
# ... but a leader is ("US-led coalition", "Hamas-run ministry").
LEADING_WORDS = frozenset({"led", "run", "controlled", "held"})
PROXY_PREFIXES = frozenset({"pro", "anti"})
HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
AMBIGUOUS = "(ambiguous)"  # office of an entry standing for several people
# Entities inside which a country name is part of another name ("Indian Ocean").
NAME_ENTITIES = frozenset({"LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})


@dataclass(frozen=True, slots=True)
class Hints:
    """Evidence found around a mention by the caller, used when the mention has none."""

    country: str | None = None
    country_rule: str = ""
    sector: str | None = None
    sector_rule: str = ""


@dataclass(frozen=True, slots=True)
class DocAlias:
    """A name introduced earlier in the same article, for later short mentions of it."""

    name: str
    kind: str
    country: str | None
    sector: str | None
    entity_id: str | None
    full_key: str
    upper: bool = False  # an acronym: matches only text written in capitals ("SDF")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a mention resolved to (the fields of an Actor, less its span)."""

    name: str
    kind: str
    country: str | None
    sector: str | None
    entity_id: str | None
    rule: str
    person_name: str | None = None  # the person's full name as written, for in-article aliases
    person_entry: str | None = None  # the leaders-table name, when the person is in it
    resolved: bool = True  # False: no table, title or rule said anything about it


def pick_entry(
    entries: Sequence[NameEntry], year: int | None, prefer_country: str | None = None
) -> tuple[NameEntry, str] | None:
    """The entry meant in ``year`` and its status: "current", "former" or "future".

    Several people can share a name ("Bush", "Clinton"): the one in office that year wins; if
    none is, the one nearest in time. A tie between different people is ambiguous (None)
    unless ``prefer_country`` separates them. With no year, the most recent entry wins.
    """
    if not entries:
        return None
    if prefer_country is not None:
        same = [e for e in entries if e.country == prefer_country]
        if same:
            entries = same
    if year is None:
        best = max(entries, key=lambda e: (e.start_year or -10_000, e.end_year or 10_000))
        return best, "current"
    now = [e for e in entries if e.covers(year)]
    if now:
        if len({e.name for e in now}) > 1:
            return None
        return max(now, key=lambda e: e.start_year or -10_000), "current"

    def distance(entry: NameEntry) -> int:
        if entry.end_year is not None and entry.end_year < year:
            return year - entry.end_year
        return (entry.start_year or year) - year

    ranked = sorted(entries, key=distance)
    best = ranked[0]
    if any(e.name != best.name and distance(e) == distance(best) for e in ranked[1:]):
        return None
    rows = [e for e in entries if e.name == best.name]
    past = [e for e in rows if e.end_year is not None and e.end_year < year]
    if past:
        # Out of office: the last office that makes them a former official, if any.
        offices = [e for e in past if e.sector in OFFICE_SECTORS] or past
        return max(offices, key=lambda e: e.end_year or 0), "former"
    return min(rows, key=lambda e: e.start_year or 0), "future"


def _common_ground(entries: Sequence[NameEntry], year: int | None) -> NameEntry | None:
    """For a name several people shared in ``year`` ("President Assad" in 2000), what they
    have in common: an entry with their country and sector but no identity."""
    now = [e for e in entries if year is not None and e.covers(year)]
    if not now or len({(e.country, e.sector) for e in now}) != 1:
        return None
    names = "|".join(sorted({e.name for e in now}))
    return NameEntry(now[0].table, names, now[0].country, now[0].sector, "person", office=AMBIGUOUS)


def _table_entries(match: NameMatch, table_order: Sequence[str] = TABLE_ORDER) -> list[NameEntry]:
    for table in table_order:
        chosen = [e for e in match.entries if e.table == table]
        if chosen:
            return chosen
    return []


def _is_proxy(words: Sequence[Word], match: NameMatch) -> bool:
    """ "Iranian-backed", "pro-Iranian": the name is a sponsor or a cause, not the actor's own
    country ("US-led" is: the leader)."""
    after = match.end
    if after + 1 < len(words) and words[after].text in HYPHENS:
        if words[after + 1].lower in PROXY_WORDS - LEADING_WORDS:
            return True
    before = match.start
    return (
        before >= 2
        and words[before - 1].text in HYPHENS
        and (words[before - 2].lower in PROXY_PREFIXES)
    )


def _inside_longer_entity(words: Sequence[Word], match: NameMatch, labels: frozenset[str]) -> bool:
    ids = {words[k].ent_id for k in range(match.start, match.end)}
    if len(ids) != 1:
        return False
    ent_id = ids.pop()
    if ent_id < 0 or words[match.start].ent not in labels:
        return False
    before = match.start > 0 and words[match.start - 1].ent_id == ent_id
    after = match.end < len(words) and words[match.end].ent_id == ent_id
    return before or after


def usable_names(words: Sequence[Word], tables: ActorTables) -> list[NameMatch]:
    """Name matches with the entries a mention may use: no in-article-only aliases, and no
    place name that is only part of a longer person or place name ("Georgia Smith",
    "the Indian Ocean")."""
    out = []
    for match in match_names(words, tables):
        entries = tuple(e for e in match.entries if not e.doc_only)
        if not entries:
            continue
        tables_of = {e.table for e in entries}
        if tables_of <= PLACE_TABLES and (
            _inside_longer_entity(words, match, frozenset({"PERSON"}))
            or _inside_longer_entity(words, match, NAME_ENTITIES)
        ):
            continue
        if words[match.start].ent in ("DATE", "TIME") and not tables_of <= {"orgs"}:
            continue
        out.append(NameMatch(match.start, match.end, match.surface, entries))
    return out


def _name_run(words: Sequence[Word], head: int, blocked: set[int]) -> tuple[int, int] | None:
    """The capitalised name around the head ("Bashar al-Assad"), without titles."""

    def ok(k: int) -> bool:
        w = words[k]
        if k in blocked or w.lower in HONORIFICS:
            return False
        return w.text in HYPHENS or (w.text[:1].isupper() or w.lower in ("al", "el", "bin", "de"))

    if not ok(head) or words[head].text in HYPHENS:
        return None
    lo = hi = head
    while lo - 1 >= 0 and ok(lo - 1):
        lo -= 1
    while hi + 1 < len(words) and ok(hi + 1):
        hi += 1
    while lo < hi and (
        words[lo].text in HYPHENS
        or not words[lo].text[:1].isupper()
        or words[lo].lower in DETERMINERS  # "The SDF" at the start of a sentence
    ):
        lo += 1
    return lo, hi + 1


def _text(words: Sequence[Word], start: int, end: int, spaces: Sequence[str]) -> str:
    return "".join(words[k].text + (spaces[k] if k < end - 1 else "") for k in range(start, end))


def strip_determiner(text: str) -> str:
    first, _, rest = text.partition(" ")
    return rest if first.lower() in DETERMINERS and rest else text


@dataclass
class _Evidence:
    """What a mention's words say, collected once and read by the deciding steps."""

    words: Sequence[Word]
    spaces: Sequence[str]
    head: int
    names: list[NameMatch]
    terms: list[TermMatch]
    head_name: NameMatch | None
    head_term: TermMatch | None
    modifiers: list[NameMatch]  # other names, nearest the head first, sponsors left out
    ethnic_head: NameMatch | None = None  # the head is an ethnicity ("ethnic Albanians")

    def text(self, match: NameMatch | TermMatch) -> str:
        return _text(self.words, match.start, match.end, self.spaces)

    def strong(self) -> list[TermMatch]:
        return sorted(
            (t for t in self.terms if t.term.strength == "strong"), key=lambda t: -t.start
        )

    def weak(self) -> list[TermMatch]:
        return sorted((t for t in self.terms if t.term.strength == "weak"), key=lambda t: -t.start)

    def override(self) -> TermMatch | None:
        return next(
            (t for t in self.terms if t.term.strength == "override" and t.start < self.head),
            None,
        )


def _evidence(
    words: Sequence[Word], head: int, spaces: Sequence[str], tables: ActorTables
) -> _Evidence:
    names = usable_names(words, tables)
    # "ethnic Albanians": an ethnicity, not the state of Albania.
    ethnic = [
        m for m in names if m.start > 0 and words[m.start - 1].lower == "ethnic"
        and m.tables() <= PLACE_TABLES
    ]  # fmt: skip
    names = [m for m in names if m not in ethnic]
    covered = {k for m in names + ethnic for k in range(m.start, m.end)}
    terms = match_terms(words, tables, skip=covered)
    head_name = next((m for m in names if m.start <= head < m.end), None)
    head_term = next((t for t in terms if t.start <= head < t.end), None)
    modifiers = [
        m
        for m in sorted(names, key=lambda m: -m.start)
        if m is not head_name and not _is_proxy(words, m)
    ]
    ethnic_head = next((m for m in ethnic if m.start <= head < m.end), None)
    return _Evidence(
        words, spaces, head, names, terms, head_name, head_term, modifiers, ethnic_head
    )


def _term_sector(ev: _Evidence, label: str, *, weak_too: bool) -> tuple[str | None, str]:
    """Sector from the phrase's nouns and titles: the strongest, nearest the head."""
    for t in ev.strong() + (ev.weak() if weak_too else []):
        if t.term.sector:
            return t.term.sector, f"{label}:{t.term.term}"
    return None, ""


def _named_modifier_sector(ev: _Evidence, year: int | None) -> tuple[str | None, str]:
    """Sector from a named modifier in office: "Hamas leader", "Pentagon officials"."""
    for m in ev.modifiers:
        # A capital as a modifier is where, not who ("a Paris court", "London teacher").
        entries = [
            e for e in _table_entries(m, ("leaders", "orgs", "seats")) if e.office != "capital"
        ]
        picked = pick_entry(entries, year) if entries else None
        if picked is None:
            continue
        entry, status = picked
        if entry.sector and status == "current":
            tag = {"leaders": "person", "orgs": "org"}.get(entry.table, "seat")
            return entry.sector, f"{tag}:{entry.name}"
    return None, ""


# Countries that are also US states, and words that mark the state: "Georgia Gov. Brian Kemp",
# "Georgia Republicans", "the Georgia legislature".
US_STATE_HOMONYMS = frozenset({"Georgia"})
US_STATE_OFFICES = frozenset(
    {"gov.", "governor", "lt.", "sen.", "senator", "rep.", "representative", "legislature",
     "lawmakers", "legislators", "republican", "republicans", "democrat", "democrats",
     "democratic", "attorney", "sheriff", "county", "state", "statehouse", "senate"}
)  # fmt: skip


def _modifier_country(ev: _Evidence, year: int | None) -> tuple[str | None, str]:
    """Country from the phrase: places named in it first ("Serbian Labour Minister" is not
    the British Labour Party's), then named people and organisations ("Hamas leader")."""
    for wanted in (("countries", "demonyms", "seats", "states"), ("leaders", "orgs")):
        for m in ev.modifiers:
            entries = _table_entries(m, wanted)
            picked = pick_entry(entries, year) if entries else None
            if picked is None or picked[0].country is None:
                continue
            entry = picked[0]
            name = ev.text(m)
            if name in US_STATE_HOMONYMS and {w.lower for w in ev.words} & US_STATE_OFFICES:
                return "USA", f"us-state:{name}"  # "Georgia Gov. Brian Kemp"
            tag = {"leaders": "person", "orgs": "org", "countries": "country"}.get(
                entry.table, entry.table.rstrip("s")
            )
            return entry.country, f"{tag}:{name}"
    return None, ""


@dataclass
class _Outcome:
    """The answer being built for one mention, with the rule pieces that justify it."""

    name: str = ""
    kind: str = ""
    country: str | None = None
    sector: str | None = None
    entity_id: str | None = None
    person_entry: str | None = None
    rule_head: str = ""
    rule_sector: str = ""
    rule_country: str = ""
    decided: bool = False  # the head (alias or table entry) settled who this is


def _from_alias(out: _Outcome, alias: DocAlias, ev: _Evidence, label: str) -> None:
    out.name, out.kind, out.country, out.entity_id = (
        alias.name, alias.kind, alias.country, alias.entity_id,
    )  # fmt: skip
    out.sector, out.rule_head, out.decided = alias.sector, f"alias:{alias.name}", True
    sector, rule = _term_sector(ev, label, weak_too=False)
    if sector:  # "former minister Lieberman" after "Defense Minister Avigdor Lieberman"
        out.sector, out.rule_sector = sector, rule


def _from_entry(
    out: _Outcome,
    entry: NameEntry,
    status: str,
    ev: _Evidence,
    label: str,
    run_text: str,
    hints: Hints,
) -> None:
    out.name, out.kind, out.country, out.entity_id = (
        entry.name, entry.kind, entry.country, entry.entity_id,
    )  # fmt: skip
    out.decided = True
    shown = ev.text(ev.head_name) if entry.table == "demonyms" and ev.head_name else entry.name
    out.rule_head = f"table:{entry.table}:{shown}" + ("" if status == "current" else f"@{status}")
    out.rule_head += "" if entry.source == "shipped" else f"+{entry.source}"
    if entry.office == AMBIGUOUS:
        # Several people fit: keep what they share, name the mention as written.
        out.name = run_text or strip_determiner(_text(ev.words, 0, len(ev.words), ev.spaces))
        out.rule_head = f"table:{entry.table}:ambiguous:{entry.name}"
    elif entry.table == "leaders":
        out.person_entry = entry.name
    if entry.table in ("leaders", "orgs"):
        if status == "current":
            out.sector = entry.sector
        else:
            # The text's own title says what they are ("President Reagan" in 2000).
            out.sector, out.rule_sector = _term_sector(ev, label, weak_too=False)
            if out.sector is None and status == "former" and entry.sector in OFFICE_SECTORS:
                out.sector, out.rule_sector = "ELI", f"former:{entry.office or entry.sector}"
    elif entry.table == "seats":
        out.sector = entry.sector
    elif hints.sector:  # a nationality sharing a noun ("Polish and Czech officials")
        out.sector, out.rule_sector = hints.sector, hints.sector_rule
    elif entry.table == "demonyms" and entry.plural:
        # "Palestinians", "168 Liberians": a nationality's people, civilians as PLOVER codes them.
        out.sector, out.rule_sector = "CVL", f"people:{shown}"


def _phrase_sector(
    ev: _Evidence, label: str, year: int | None, hints: Hints
) -> tuple[str | None, str]:
    """The sector the phrase's words give when its head did not decide it."""
    head_term = ev.head_term
    if head_term is not None and head_term.term.strength == "strong":
        return head_term.term.sector, f"{label}:{head_term.term.term}"
    weak_head: tuple[str | None, str] = (None, "")
    if head_term is not None:
        weak_head = (head_term.term.sector, f"{label}:{head_term.term.term}")
    ethnic: tuple[str | None, str] = (None, "")
    if ev.ethnic_head is not None:
        ethnic = ("CVL", f"ethnic:{ev.text(ev.ethnic_head)}")
    for found in (
        ethnic,
        _term_sector(ev, label, weak_too=False),
        _named_modifier_sector(ev, year),
        weak_head,
        _term_sector(ev, label, weak_too=True),
        (hints.sector, hints.sector_rule),
    ):
        if found[0]:
            return found
    return None, ""


def _alias_modifier(
    out: _Outcome,
    ev: _Evidence,
    run: tuple[int, int] | None,
    doc_aliases: Mapping[str, DocAlias],
) -> None:
    """Country (and, failing all else, sector) from a name the article introduced, used as
    a modifier: "SDF fighters", "Haftar's forces"."""
    words = ev.words
    for k, word in enumerate(words):
        if run is not None and run[0] <= k < run[1]:
            continue
        if k == ev.head or not word.text[:1].isupper():
            continue
        alias = doc_aliases.get(name_key(word.text))
        if alias is None or alias.country is None or (alias.upper and not word.text.isupper()):
            continue
        out.country, out.rule_country = alias.country, f"alias:{alias.name}"
        if out.sector is None and alias.sector:
            out.sector, out.rule_sector = alias.sector, f"alias:{alias.name}"
        return


def resolve_words(
    words: Sequence[Word],
    head: int,
    *,
    year: int | None,
    tables: ActorTables,
    spaces: Sequence[str] | None = None,
    hints: Hints | None = None,
    doc_aliases: Mapping[str, DocAlias] | None = None,
) -> Resolution:
    """Resolve the mention ``words`` whose syntactic head is ``words[head]``.

    ``year`` is the publication year (None: no date); ``spaces`` the whitespace after each
    word (to rebuild names as written); ``hints`` what the caller found around the mention;
    ``doc_aliases`` the names introduced earlier in the article.
    """
    spaces = spaces if spaces is not None else [" "] * len(words)
    hints = hints or Hints()
    ev = _evidence(words, head, spaces, tables)
    head_name = ev.head_name
    person_head = words[head].ent == "PERSON" or bool(head_name and "leaders" in head_name.tables())
    named_head = bool(head_name and head_name.tables() & {"leaders", "orgs"})
    label = "title" if person_head or named_head else "noun"

    # The capitalised name around the head, for people and in-article aliases.
    blocked = {k for t in ev.terms for k in range(t.start, t.end)} | {
        k for m in ev.names if m is not head_name for k in range(m.start, m.end)
    }
    run = _name_run(words, head, blocked)
    run_text = _text(words, run[0], run[1], spaces) if run else ""
    run_key = name_key(run_text)
    alias = doc_aliases.get(run_key) if doc_aliases and run else None
    if alias is not None and (
        alias.full_key == run_key or (alias.upper and not run_text.isupper())
    ):
        alias = None  # the full name itself: the tables decide, as the first time

    # 1. Who the head is: an in-article alias, or a table entry picked by year.
    out = _Outcome()
    if alias is not None:
        _from_alias(out, alias, ev, label)
    elif head_name is not None:
        prefer = next(
            (e.country for m in ev.modifiers for e in m.entries if e.table in PLACE_TABLES),
            None,
        )
        candidates = _table_entries(head_name)
        picked = pick_entry(candidates, year, prefer)
        entry, status = picked if picked is not None else (_common_ground(candidates, year), "")
        if entry is not None:
            _from_entry(out, entry, status or "current", ev, label, run_text, hints)

    # 2. The sector the phrase's words give; "former" turns an office into ELI.
    if not out.decided:
        out.sector, out.rule_sector = _phrase_sector(ev, label, year, hints)
    former = ev.override()
    if former is not None and out.sector in OFFICE_SECTORS:
        out.sector = "ELI"
        out.rule_sector = "+".join(filter(None, [out.rule_sector, f"{label}:{former.term.term}"]))

    # 3. Country from the phrase, then from the caller's hints.
    if out.country is None:
        out.country, out.rule_country = _modifier_country(ev, year)
        if out.country is None and doc_aliases:
            _alias_modifier(out, ev, run, doc_aliases)
        if out.country is None and hints.country:
            out.country, out.rule_country = hints.country, hints.country_rule

    # 4. Name and kind when no table or alias named the head.
    if not out.name:
        text = strip_determiner(_text(words, 0, len(words), spaces))
        if person_head and run:
            out.name, out.kind = run_text, "person"
        elif ev.head_term is not None:
            out.name, out.kind = text, "role"
        elif ev.ethnic_head is not None:
            out.name, out.kind = text, "group"
        else:
            out.name = text
            out.kind = {"ORG": "org", "NORP": "group", "PERSON": "person"}.get(
                words[head].ent, "other"
            )
    rule = "+".join(dict.fromkeys(filter(None, [out.rule_head, out.rule_sector, out.rule_country])))
    return Resolution(
        name=out.name,
        kind=out.kind,
        country=out.country,
        sector=out.sector,
        entity_id=out.entity_id,
        rule=rule or (f"ner:{words[head].ent}" if words[head].ent else "unresolved"),
        person_name=run_text if out.kind == "person" and len(run_text.split()) > 1 else None,
        person_entry=out.person_entry,
        resolved=bool(rule),
    )
