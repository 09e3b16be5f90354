"""Events: triggers, PLOVER type/mode/context, CAMEO code, quad class, score, roles, factuality.

``find_events`` codes the events of a parsed article; ``classify`` gives the PLOVER type of
the event between two given actors of a sentence (``classify_by_rules``: the lexicon alone,
without the learned type model). The knowledge lives in ``eventscope/data/events/``
(verbs.tsv and friends, loaded once by ``load_lexicon``; type_model.json, by
``load_type_model``).
"""

from __future__ import annotations

from eventscope.events.acled import with_acled
from eventscope.events.classify import classify, classify_by_rules
from eventscope.events.coder import find_events
from eventscope.events.codes import PLOVER_TYPES, CodeTables, load_codes
from eventscope.events.lexicon import Lexicon, load_lexicon, validate_lexicon

__all__ = [
    "PLOVER_TYPES",
    "CodeTables",
    "Lexicon",
    "classify",
    "classify_by_rules",
    "find_events",
    "load_codes",
    "load_lexicon",
    "validate_lexicon",
    "with_acled",
]
