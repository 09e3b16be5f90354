"""Text: an article's sentences, with boilerplate, captions, bylines and spliced headlines flagged.

``split_sentences`` is the stage; the rule functions are exported so that each rule can be
used and tested on a plain string.
"""

from __future__ import annotations

from eventscope.text.rules import (
    RuleSet,
    TextRule,
    Verdict,
    byline_verdict,
    classify_text,
    compile_rules,
    headline_verdict,
    load_text_rules,
    match_table,
    parse_rules,
)
from eventscope.text.sentences import (
    content_spans,
    flag_units,
    is_hard_wrapped,
    split_sentences,
    text_spans,
)

__all__ = [
    "RuleSet",
    "TextRule",
    "Verdict",
    "byline_verdict",
    "classify_text",
    "compile_rules",
    "content_spans",
    "flag_units",
    "headline_verdict",
    "is_hard_wrapped",
    "load_text_rules",
    "match_table",
    "parse_rules",
    "split_sentences",
    "text_spans",
]
