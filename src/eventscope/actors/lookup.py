"""How a phrase resolves, and why: for ``eventscope actors lookup``.

``lookup_phrase`` resolves a phrase as ``resolve_phrase`` does and adds what a person needs
to check it: each part of the rule string in plain words, and every table entry the words of
the phrase can mean (shipped or from the user's actors file), the one used marked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventscope.actors.matching import match_names
from eventscope.actors.phrase import resolve_phrase, tokenize_phrase
from eventscope.actors.resolve import pick_entry
from eventscope.actors.tables import ActorTables, NameEntry, load_tables, name_key, term_key
from eventscope.records import Actor

TABLE_WORDS = {
    "leaders": "the people table",
    "orgs": "the organisations table",
    "countries": "the country names",
    "demonyms": "the nationality words",
    "seats": "the seats of government",
    "states": "the US states",
    "regions": "the regions",
}
# PLOVER's country codes for actors that are not states.
NON_STATES = {
    "IGO": "intergovernmental organisation",
    "NGO": "non-governmental organisation",
    "IMG": "transnational militarized group",
    "ISM": "transnational social movement",
    "MNC": "multinational company",
    "KOS": "Kosovo",
}
PLACE_TAGS = frozenset({"country", "demonym", "state"})  # modifiers that give a country
NAMED_TAGS = {"person": "a person", "org": "an organisation", "seat": "a seat of government"}
PREPOSITIONS = frozenset({"of", "in", "from", "for", "at"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A table entry that words of the phrase can mean."""

    surface: str  # the words, as written in the phrase
    entry: NameEntry
    chosen: bool = False  # the entry the resolution used

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "words": self.surface,
            "table": e.table,
            "name": e.name,
            "kind": e.kind,
            "country": e.country,
            "sector": e.sector,
            "office": e.office or None,
            "start_year": e.start_year,
            "end_year": e.end_year,
            "entity_id": e.entity_id,
            "source": e.source,
            "in_article_only": e.doc_only,
            "chosen": self.chosen,
        }


@dataclass(frozen=True, slots=True)
class RulePart:
    part: str  # one "+"-separated piece of Actor.rule
    meaning: str  # the same in plain words


@dataclass(frozen=True, slots=True)
class Lookup:
    """A phrase, what it resolved to (None: nothing known), and why."""

    text: str
    published: dt.date | None
    actor: Actor | None
    country_name: str | None
    parts: tuple[RulePart, ...]
    candidates: tuple[Candidate, ...]
    user_file: str | None  # the user actors file in the tables, if any

    def to_dict(self) -> dict[str, Any]:
        actor = self.actor
        return {
            "phrase": self.text,
            "date": self.published.isoformat() if self.published else None,
            "resolved": actor is not None,
            "name": actor.name if actor else None,
            "kind": actor.kind if actor else None,
            "country": actor.country if actor else None,
            "country_name": self.country_name,
            "sector": actor.sector if actor else None,
            "entity_id": actor.entity_id if actor else None,
            "rule": actor.rule if actor else None,
            "why": [{"part": p.part, "meaning": p.meaning} for p in self.parts],
            "entries": [c.to_dict() for c in self.candidates],
            "actors_file": self.user_file,
        }


def lookup_phrase(
    text: str, *, published: dt.date | None = None, tables: ActorTables | None = None
) -> Lookup:
    """Resolve ``text`` (as ``resolve_phrase``) and explain the result."""
    tables = tables or load_tables()
    stripped = text.strip()
    actor = resolve_phrase(stripped, published=published, tables=tables)
    year = published.year if published else None
    candidates = _candidates(stripped, tables)
    parts: tuple[RulePart, ...] = ()
    if actor is not None:
        chosen = _chosen_entry(actor, candidates, year)
        candidates = [dataclasses.replace(c, chosen=c.entry == chosen) for c in candidates]
        parts = tuple(
            RulePart(part, explain_part(part, actor, tables, chosen=chosen, year=year))
            for part in actor.rule.split("+")
        )
    return Lookup(
        text=stripped,
        published=published,
        actor=actor,
        country_name=country_name(actor.country, tables) if actor else None,
        parts=parts,
        candidates=tuple(candidates),
        user_file=tables.user_file,
    )


def country_name(code: str | None, tables: ActorTables) -> str | None:
    """The name of a country code: a state's short name, or what a PLOVER non-state code means."""
    if code is None:
        return None
    return NON_STATES.get(code) or tables.country_names.get(code)


def _candidates(text: str, tables: ActorTables) -> list[Candidate]:
    """Every entry of every table name in the phrase, in text order (in-article aliases too)."""
    words, _spaces, starts = tokenize_phrase(text)
    out: list[Candidate] = []
    for match in match_names(words, tables):
        last = match.end - 1
        surface = text[starts[match.start] : starts[last] + len(words[last].text)]
        out.extend(Candidate(surface, entry) for entry in match.entries)
    return out


def _chosen_entry(
    actor: Actor, candidates: Sequence[Candidate], year: int | None
) -> NameEntry | None:
    """The entry behind the rule's "table:TABLE:NAME[@status]" part, picked by year as the
    resolver picks it."""
    head = next((p for p in actor.rule.split("+") if p.startswith("table:")), None)
    if head is None:
        return None
    table, _, rest = head.removeprefix("table:").partition(":")
    if rest.startswith("ambiguous:"):
        return None
    shown = rest.partition("@")[0]
    pool = [
        c.entry
        for c in candidates
        if c.entry.table == table and shown in (c.entry.name, c.surface) and not c.entry.doc_only
    ]
    picked = pick_entry(pool, year, actor.country) if pool else None
    return picked[0] if picked else None


# --- rule parts in plain words -----------------------------------------------------------


def explain_part(
    part: str,
    actor: Actor,
    tables: ActorTables,
    *,
    chosen: NameEntry | None = None,
    year: int | None = None,
) -> str:
    """One part of a rule string ("title:minister", "table:leaders:X@former") in plain words.
    ``chosen`` is the table entry behind a "table:" part; ``year`` the date's year."""
    tag, _, value = part.partition(":")
    if tag == "table":
        return _explain_table(value, actor, tables, chosen, year)
    if tag in ("title", "noun"):
        return _explain_term(tag, value, tables)
    simple = _SIMPLE.get(tag)
    if simple is not None:
        return simple.format(value=value)
    if tag in NAMED_TAGS or tag in PLACE_TAGS:
        return _explain_modifier(tag, value, actor, tables)
    if tag in PREPOSITIONS:
        return f"the place after '{tag}' ({value}) gives the country {_country(actor, tables)}"
    if tag == "coref":
        words, _, name = value.partition("->")
        return f"'{words}' refers back to {name}, named earlier in the article"
    if tag == "user":
        return "the table entry comes from your actors file"
    return "a rule this version does not explain"


_SIMPLE = {
    "former": "out of office in that year: a former {value} is coded ELI (former officials)",
    "people": "'{value}' names a nationality's people: civilians, sector CVL",
    "ethnic": "'{value}' names an ethnic group, not a state: civilians, sector CVL",
    "alias": "a short form of {value}, named in full earlier in the article",
    "us-state": "{value} with a US state office or party is the US state: country USA",
    "appos": "'{value}', set beside the mention, says who it is",
    "coord": "joined by 'and' to '{value}', it shares its country",
    "context": (
        "the article names one state only, {value}: a person or role with no country of its "
        "own is taken to be of it"
    ),
    "ner": "no table or rule knows it; spaCy's entity recogniser labels it {value}",
    "unresolved": "no table, title or rule says who this is",
}


def _country(actor: Actor, tables: ActorTables) -> str:
    name = country_name(actor.country, tables)
    return f"{actor.country} ({name})" if name and name != actor.country else str(actor.country)


def _explain_term(tag: str, term: str, tables: ActorTables) -> str:
    found = tables.terms.get(term_key(term.split()))
    word = "title" if tag == "title" else "word"
    if found is None:
        return f"the {word} '{term}' in the phrase"
    if found.strength == "override":
        return f"the word '{term}' makes an office holder a former official: sector ELI"
    if found.sector is None:
        return f"the word '{term}' names an actor but not its sector"
    return f"the {word} '{term}' in the phrase gives sector {found.sector}"


def _explain_modifier(tag: str, value: str, actor: Actor, tables: ActorTables) -> str:
    """ "person:Vladimir Putin", "demonym:Kenyan": a name in the phrase that is not its head.
    A person, organisation or seat may have given the sector or the country: say which."""
    if tag in PLACE_TAGS:
        return f"{value}, named in the phrase, gives the country {_country(actor, tables)}"
    entries = [e for a in tables.names.get(name_key(value), ()) for e in a.entries]
    gives = []
    if actor.sector and any(e.sector == actor.sector for e in entries):
        gives.append(f"the sector {actor.sector}")
    if actor.country and any(e.country == actor.country for e in entries):
        gives.append(f"the country {_country(actor, tables)}")
    return f"{value}, {NAMED_TAGS[tag]} named in the phrase, gives " + (
        " and ".join(gives) or "its country or sector"
    )


def _explain_table(
    value: str, actor: Actor, tables: ActorTables, chosen: NameEntry | None, year: int | None
) -> str:
    table, _, rest = value.partition(":")
    where = TABLE_WORDS.get(table, f"the {table} table")
    if rest.startswith("ambiguous:"):
        names = ", ".join(rest.removeprefix("ambiguous:").split("|"))
        return f"several in {where} fit in {year} ({names}): what they share is kept, not who it is"
    shown, _, status = rest.partition("@")
    if chosen is not None and chosen.source != "shipped":
        where += " (from your actors file)"
    if table in ("leaders", "orgs"):
        return f"{shown} is in {where}; {_office_status(chosen, status or 'current', year)}"
    if table == "countries":
        return f"{shown} names a country: {_country(actor, tables)}"
    if table == "demonyms":
        plural = chosen is not None and chosen.plural
        what = "the people of" if plural else "a nationality word for"
        return f"'{shown}' is {what} {_country(actor, tables)}"
    if table == "seats":
        if chosen is not None and chosen.office == "capital":
            return f"{shown} is the capital of {_country(actor, tables)}, standing for the state"
        sector = f", sector {chosen.sector}" if chosen is not None and chosen.sector else ""
        return f"{shown} is the seat of a {_country(actor, tables)} institution{sector}"
    if table == "states":
        return f"{shown} is a US state: country USA"
    return f"{shown} is in {where}: no country"


def _office_status(entry: NameEntry | None, status: str, year: int | None) -> str:
    """ "in office in 2018 (Foreign Minister, 2004-)", "out of office in 2000 (...)"."""
    held = f" ({describe_entry(entry)})" if entry is not None else ""
    if year is None:
        return f"no date given, so its latest entry{held}"
    if status == "former":
        return f"out of office in {year}; last entry{held}"
    if status == "future":
        return f"not yet in office in {year}; first entry{held}"
    return f"its entry for {year}{held}"


def describe_entry(entry: NameEntry) -> str:
    """An entry in a few words: "Foreign Minister, RUS GOV, 2004-"."""
    code = " ".join(filter(None, [entry.country, entry.sector]))
    return ", ".join(filter(None, [entry.office, code, years(entry)]))


def years(entry: NameEntry) -> str:
    if entry.start_year is None and entry.end_year is None:
        return ""
    start = str(entry.start_year) if entry.start_year is not None else ""
    end = str(entry.end_year) if entry.end_year is not None else ""
    return f"{start}-{end}"
