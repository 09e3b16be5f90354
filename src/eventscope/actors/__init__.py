"""Actors: who is named in an article, resolved to a canonical identity.

``find_actors`` finds the mentions of a parsed article and resolves each to a canonical name,
kind, country (ISO 3166 alpha-3 or a PLOVER non-state code such as IGO), PLOVER sector and,
where the tables are sure, a Wikidata id; ``resolve_phrase`` does the same for a bare phrase.
The knowledge lives in ``eventscope/data/actors/`` and is compiled once by ``load_tables``.
"""

from eventscope.actors.mentions import find_actors
from eventscope.actors.phrase import resolve_phrase
from eventscope.actors.tables import ActorTables, build_tables, load_tables

__all__ = ["ActorTables", "build_tables", "find_actors", "load_tables", "resolve_phrase"]
