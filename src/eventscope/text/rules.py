"""Rules that tell page furniture, captions, credits and spliced headlines from the story.

Each rule looks at one stripped piece of text (a line or a sentence) and returns a Verdict
(which flag, and why) or None. They need no model, so they are tested on plain strings.
Most rules are data: data/text/boilerplate.tsv. Two need more than a regular expression and
are code: a "By Jane Doe" byline (name shape, not "By Tuesday, ...") and a headline of another
story (short, Headline Case, no final punctuation).
"""

from __future__ import annotations

import functools
import re
import re._parser as sre_parse
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Literal, cast, get_args

from eventscope.records import SentenceFlag

RuleKind = Literal[
    "boilerplate", "caption", "byline", "foreign_headline", "list_header", "nav_word"
]
RULE_KINDS: tuple[str, ...] = get_args(RuleKind)
TABLE_COLUMNS = ("pattern", "kind", "why", "example")


@dataclass(frozen=True, slots=True)
class TextRule:
    """One row of the boilerplate table."""

    pattern: str
    kind: RuleKind
    why: str
    example: str
    line: int  # line number in the table file, for error messages


@dataclass(frozen=True, slots=True)
class Verdict:
    """A flag for a line or sentence, the reason shown with it, and whether it opens a list."""

    flag: SentenceFlag
    reason: str
    opens_list: bool = False


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The table's rules compiled: searched in table order; nav words joined into one pattern."""

    rules: tuple[TextRule, ...]
    compiled: tuple[tuple[re.Pattern[str], TextRule], ...]
    navigation: re.Pattern[str] | None
    # Per compiled rule, lower-case words one of which any match contains (empty: none known,
    # or the rule is anchored at the start). A text with none of them is not searched: the
    # table is a hundred patterns, and searching every sentence with each was a tenth of the
    # time spent after the parse.
    needs: tuple[tuple[str, ...], ...] = ()


def parse_rules(lines: Iterable[str], *, source: str) -> tuple[TextRule, ...]:
    """Rows of a boilerplate table (TSV with a header; "#" lines are comments).

    Raises ValueError naming ``source`` and the line for a malformed row, an unknown kind or
    a pattern that does not compile.
    """
    rules: list[TextRule] = []
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != TABLE_COLUMNS:
                expected = " TAB ".join(TABLE_COLUMNS)
                raise ValueError(f"{source}:{number}: the header must be {expected}")
            header_seen = True
            continue
        if len(cells) != len(TABLE_COLUMNS) or not all(cell.strip() for cell in cells):
            raise ValueError(f"{source}:{number}: expected 4 non-empty tab-separated cells")
        pattern, kind, why, example = cells
        if kind not in RULE_KINDS:
            raise ValueError(f"{source}:{number}: unknown kind {kind!r}")
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{source}:{number}: bad pattern ({exc})") from None
        rules.append(TextRule(pattern, cast(RuleKind, kind), why, example, number))
    return tuple(rules)


def compile_rules(rules: Iterable[TextRule]) -> RuleSet:
    """A RuleSet from table rows."""
    rules = tuple(rules)
    compiled = tuple(
        (re.compile(rule.pattern, re.IGNORECASE), rule) for rule in rules if rule.kind != "nav_word"
    )
    # Longest first, so that "middle east" is tried before "middle" would be.
    words = sorted((r.pattern for r in rules if r.kind == "nav_word"), key=len, reverse=True)
    navigation = None
    if words:
        item = "(?:" + "|".join(words) + ")"
        navigation = re.compile(
            rf"^{item}(?:(?:\s*[|•·/>»,–-]\s*|\s+){item}){{2,}}[\s|]*$", re.IGNORECASE
        )
    needs = tuple(required_words(rule.pattern) for _, rule in compiled)
    return RuleSet(rules=rules, compiled=compiled, navigation=navigation, needs=needs)


_MIN_NEED = 3  # shorter words are in nearly every sentence: no use as a filter


def required_words(pattern: str) -> tuple[str, ...]:
    """Lower-case strings one of which every match of ``pattern`` contains: () when unknown,
    or when the pattern is anchored at the start."""
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return ()
    if _anchored(list(parsed)):
        return ()  # tried at the text's start only: quicker than any filter
    found = _sequence_needs(list(parsed))
    return tuple(sorted(found)) if found else ()


def _anchored(items: list[tuple[object, object]]) -> bool:
    if not items:
        return False
    op, arg = items[0]
    if op is sre_parse.AT:
        return arg is sre_parse.AT_BEGINNING
    if op is sre_parse.BRANCH:
        return all(_anchored(list(branch)) for branch in arg[1])  # type: ignore[index]
    return False


def _sequence_needs(items: list[tuple[object, object]]) -> frozenset[str] | None:
    # A sequence matches only if every item does: any one item's requirement is the
    # sequence's. Take a run of plain characters, or a group or alternation whose every
    # branch has one, whichever has the longest shortest word.
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is sre_parse.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if len(run) >= _MIN_NEED:
            options.append(frozenset(["".join(run).lower()]))
        run = []
        if op is sre_parse.SUBPATTERN:
            inner = _sequence_needs(list(arg[-1]))  # type: ignore[index]
        elif op is sre_parse.BRANCH:
            inner = _branch_needs(arg[1])  # type: ignore[index]
        else:
            inner = None
        if inner:
            options.append(inner)
    if not options:
        return None
    return max(options, key=lambda words: min(map(len, words)))


def _branch_needs(branches: list[object]) -> frozenset[str] | None:
    words: set[str] = set()
    for branch in branches:
        found = _sequence_needs(list(branch))  # type: ignore[call-overload]
        if not found:
            return None
        words |= found
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def load_text_rules() -> RuleSet:
    """The rules of data/text/boilerplate.tsv, parsed and compiled once per process."""
    path = resources.files("eventscope.data").joinpath("text/boilerplate.tsv")
    text = path.read_text(encoding="utf-8")
    return compile_rules(parse_rules(text.splitlines(), source="data/text/boilerplate.tsv"))


def match_table(text: str, *, rules: RuleSet) -> Verdict | None:
    """The first table rule that matches ``text`` (one stripped line or sentence), if any."""
    lower = text.lower()
    needs = rules.needs or ((),) * len(rules.compiled)
    for (pattern, rule), words in zip(rules.compiled, needs, strict=True):
        if words and not any(word in lower for word in words):
            continue
        if pattern.search(text):
            if rule.kind == "list_header":
                return Verdict("boilerplate", f"boilerplate: {rule.why}", opens_list=True)
            return Verdict(cast(SentenceFlag, rule.kind), f"{rule.kind}: {rule.why}")
    if rules.navigation is not None and rules.navigation.match(text):
        return Verdict("boilerplate", "boilerplate: navigation menu")
    return None


# "By" followed by one of these is a sentence ("By Tuesday, the army ..."), not a byline.
_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december the this that these those then "
    "now early late mid contrast comparison default far noon midnight dawn nightfall law "
    "order way all christmas easter ramadan spring summer autumn fall winter tonight today "
    "tomorrow yesterday some most many any one two three".split()
)
# Words that may stand in a byline without a capital: name particles and role words.
_BYLINE_LOWER = frozenset(
    "and of the in at for de del della van von der den da di du al el bin ibn bint la le "
    "dos das staff writer writers reporter reporters correspondent correspondents editor "
    "editors news senior chief deputy political diplomatic security defence defense foreign "
    "economics business health science technology world analyst columnist contributor "
    "producer".split()
)
_BYLINE_START = re.compile(r"^by[:\s]\s*", re.IGNORECASE)
# A byline often ends in a date or a place after a separator: "By Jane Doe | 4 March 2021".
_BYLINE_TAIL = re.compile(r"\s+(?:[|•·]|[-–—](?=\s))\s+.*$")
_NAME_TOKEN = re.compile(r"[,&]|[^\s,&]+")


def byline_verdict(text: str) -> Verdict | None:
    """A "By Jane Doe and Omar Khalid, Reuters" line: "By" and nothing but names after it."""
    start = _BYLINE_START.match(text)
    if start is None:
        return None
    if text.rstrip().endswith(":"):
        return None  # "By any means necessary:" introduces something
    rest = _BYLINE_TAIL.sub("", text[start.end() :]).strip().rstrip(".")
    tokens = [t for t in _NAME_TOKEN.findall(rest) if t not in {",", "&"}]
    if not 1 <= len(tokens) <= 12 or tokens[0].lower().strip(".'’") in _NOT_NAMES:
        return None
    if not tokens[0][0].isupper():
        return None
    for token in tokens:
        # "al-Masri", "el-Sisi": the name is the part after the particle.
        token = token.rsplit("-", 1)[-1] if "-" in token and token[0].islower() else token
        letter = next((char for char in token if char.isalpha()), None)
        if letter is None:
            continue  # "3", "10:32": a date or time after the names
        if not letter.isupper() and token.lower() not in _BYLINE_LOWER:
            return None
    return Verdict("byline", "byline: 'By' followed by names")


# Words that Headline Case leaves in lower case (and that say nothing either way).
_SMALL_WORDS = frozenset(
    "a an the and or but nor of in on at to for by with as from into over via vs v after "
    "amid up out off per is are be than".split()
)
_SENTENCE_END = ".!?:;…"
_CLOSERS = "\"'”’»)]"
# "DAMASCUS, Syria" or "NEW YORK, N.Y." alone on a line: a dateline, which places need.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’()-]{2,},")
# "ATTACKER: Jane Doe": a field label in capitals and its value, not a headline.
_FIELD_LABEL = re.compile(r"^[A-Z][A-Z0-9 '’&/-]{1,30}:")
# A line of two sentences is story or credits, not one headline ("U.S." does not count).
_TWO_SENTENCES = re.compile(r"\w{2,}[.!?]\s+[A-Z]")
_WORD = re.compile(r"[^\W_][\w'’.&-]*")
MAX_HEADLINE_WORDS = 14
MIN_HEADLINE_WORDS = 4
MIN_CAPITALISED_SHARE = 0.75


def headline_verdict(text: str) -> Verdict | None:
    """A headline of another story: short, no final punctuation, most words capitalised.

    Only meant for a whole line that is not the article's own title (the caller checks).
    """
    end = text.rstrip(_CLOSERS + " ")
    if not end or end[-1] in _SENTENCE_END or end[-1] in "-–—":
        return None
    if _DATELINE.match(text) or _FIELD_LABEL.match(text) or _TWO_SENTENCES.search(text):
        return None
    words = [w for w in _WORD.findall(text) if any(char.isalpha() for char in w)]
    if not MIN_HEADLINE_WORDS <= len(words) <= MAX_HEADLINE_WORDS:
        return None
    # The first word is capitalised in any sentence: only the rest tell Headline Case.
    content = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    if len(content) < 2:
        return None
    capitalised = sum(1 for w in content if w[0].isupper())
    if capitalised / len(content) < MIN_CAPITALISED_SHARE:
        return None
    return Verdict(
        "foreign_headline",
        "foreign_headline: short Headline Case line without final punctuation "
        "(another story's headline, or a subheading)",
    )


# "Kyle Smith, National Review": an author credited with an outlet (opinion round-ups).
_AUTHOR_OUTLET = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s+){1,2}[A-Z][\w.'’-]+(?:\s+and\s+(?:[A-Z][\w.'’-]+\s+){1,2}"
    r"[A-Z][\w.'’-]+)?,\s+(?:The\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z&][\w.&'’-]*){0,3}$"
)
# Place names that begin like a person's name: "New York, United States" is a dateline.
_PLACE_STARTS = frozenset("new north south east west san los las saint st. fort port".split())


def author_outlet_verdict(text: str) -> Verdict | None:
    """A line that is only an author's name and an outlet: "Jane Doe, Example Review"."""
    if not _AUTHOR_OUTLET.match(text) or text.split()[0].lower() in _PLACE_STARTS:
        return None
    return Verdict("byline", "byline: author name and outlet")


def classify_text(text: str, *, rules: RuleSet) -> Verdict | None:
    """The table rules, then the byline rule, on one stripped line or sentence."""
    return match_table(text, rules=rules) or byline_verdict(text)
