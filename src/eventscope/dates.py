"""Dates: date expressions in the text, resolved against the publication date; event dates.

``find_dates`` consumes the parsed article (spaCy ``Doc``), its sentences and the publication
date, and produces one ``DateMention`` per date expression in a content sentence, with an ISO
value as precise as the words allow ("2018-05-30" / "2018-05" / "2018").

``date_event`` consumes one event and those mentions and produces the date that governs the
event: a mention in the trigger's clause, else one in the same sentence, else the publication
date (``source="published"``). ``date_events`` dates all the events of an article and, for an
event its own sentence leaves undated, first looks where a reader would: the same incident
dated elsewhere in the article ("the attack" after "gunmen attacked the hotel on Friday":
``source="incident"``), then the story's day, the one its opening sentences name for what
happened ("said on Friday", "late Tuesday": ``source="story"``), and only then the
publication date. A planned or hypothetical event never takes the story's day, nor does an
act told in the present tense ("China is threatening to retaliate"): it holds on the day of
publication.

How expressions are resolved (``published`` is the anchor; without it only expressions that
carry their own year resolve, and nothing is ever anchored on today's date):

- "May 10, 2018", "10 May 2018", "2018-05-10", "5/10/2018": that day.
- "May 10" / "10 May": the year of publication, or the previous year when that day would lie
  more than about a month after publication; when the governing verb is in the future ("will
  meet on January 5") the next such day instead, and when it is in the present ("the
  exchanges open Oct. 1") the such day nearest to publication.
- "in April", "end of April", "early April", "last April": month precision, same year rule.
- "in 2017", "since 2017", "the 2016 election" (spaCy DATE entity), "last summer": year.
- Weekdays ("on Wednesday", "Monday night"): the most recent such day on or before
  publication; "last Wednesday" strictly before, "next Wednesday" strictly after; a bare
  weekday governed by a future verb ("talks will resume on Friday") also looks forward.
- "yesterday", "today", "tonight", "this morning", "last night", "tomorrow": day arithmetic.
- "two days ago": a day; "two months ago": a month; "three years ago": a year.
- "last month", "this month", "earlier this year", "next year": month or year precision.
- Weeks ("last week", "this week", "two weeks ago", "over the weekend"): ``DatePrecision`` has
  no "week", and calling a week a day would be false precision, so a week is stored as a
  month: that of its days up to publication when they lie in one month ("this week"
  written on Thursday 29 August is August), else that of its Thursday (ISO 8601's rule: the
  month that holds four of its seven days).

Not dates, and skipped: durations ("for three years", "48 hours", "the past week"), ages
("45-year-old"), times of day alone ("10 a.m."), decades ("the 1990s"), counts and amounts.
``dateparser`` resolves the formats the patterns here do not cover (numeric dates such as
"31.05.2018"), always with English and the publication date as its relative base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eventscope.incidents import same_incident
from eventscope.nlp import doc_text
from eventscope.records import DateMention, DatePrecision, Event, Sentence, Span

if TYPE_CHECKING:
    from dateparser.date import DateDataParser
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

Resolved = tuple[str, DatePrecision]
Tense = Literal["past", "present", "future"]

_MONTHS: dict[str, int] = {
    "January": 1, "Jan.": 1, "Jan": 1,
    "February": 2, "Feb.": 2, "Feb": 2,
    "March": 3, "Mar.": 3,
    "April": 4, "Apr.": 4,
    "May": 5,
    "June": 6, "Jun.": 6,
    "July": 7, "Jul.": 7,
    "August": 8, "Aug.": 8, "Aug": 8,
    "September": 9, "Sept.": 9, "Sep.": 9, "Sept": 9,
    "October": 10, "Oct.": 10, "Oct": 10,
    "November": 11, "Nov.": 11, "Nov": 11,
    "December": 12, "Dec.": 12, "Dec": 12,
}  # fmt: skip
_FULL_MONTHS = [name for name in _MONTHS if len(name) > 4 or name in ("May", "June", "July")]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
# Capitalised words that turn a weekday into a named day, which is not the date it sounds like.
_NAMED_DAYS = frozenset("Black Good Super Ash Holy Cyber Bloody Maundy Easter Palm".split())
# About a month: how far after publication an undated "May 10" may lie before we read it as
# last year's (news reports on the recent past far more often than on the future).
_AHEAD = dt.timedelta(days=31)


def _alternation(words: Sequence[str]) -> str:
    # Longest first, so "Sept." wins over "Sep."; the lookahead stops "Mar" matching "Marine".
    escaped = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return "(?:" + "|".join(escaped) + r")(?![\w])"


_MON = "(?P<month>" + _alternation(list(_MONTHS)) + ")"
_MON_FULL = "(?P<month>" + _alternation(_FULL_MONTHS) + ")"
_WD = "(?P<wd>" + _alternation(_WEEKDAYS) + ")"
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)(?![\d%-])"  # 1600-2099: "in 1894" is history, not a count
_NUM = "(?P<n>" + r"\d{1,2}|" + "|".join(_NUMBERS) + ")"
# Words after which a bare month name or year is a date. "to" and "of" only before a year:
# "spoke to May", "the government of May" are about Theresa May.
_MONTH_PREP = (
    r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Dd]uring|[Ff]rom|[Tt]hrough|[Bb]efore|[Aa]fter"
    r"|(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate)\s+in)"
)
_YEAR_PREP = (
    rf"(?:{_MONTH_PREP}|[Tt]o|[Oo]f|[Ee]arly|[Ll]ate|[Mm]id-?"
    r"|(?:the\s+)?(?:[Ee]nd|[Bb]eginning|[Ss]tart|[Mm]iddle)\s+of)"
)
_PART_OF_MONTH = (
    r"(?i:(?:the\s+)?(?:(?:end|beginning|start|middle|first\s+half|second\s+half"
    r"|(?:first|second|third|last)\s+week)\s+of\s+|(?:early|late)\s+|mid-?\s*))"
)


@dataclass(frozen=True, slots=True)
class _Context:
    """What a resolver may use besides the match: the anchor and the tense of the clause."""

    published: dt.date | None
    tense: Tense

    @property
    def future(self) -> bool:
        return self.tense == "future"


@dataclass(frozen=True, slots=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Context], Resolved | None]
    # Words one of which any match contains: a sentence without any is not searched.
    # Scanning every sentence with every pattern was an eighth of the time spent after the
    # parse. Lower case, compared with the lowered sentence; month and weekday names as
    # written (the patterns want them capitalised), compared with the sentence itself.
    needs: tuple[str, ...]


_DIGIT = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
_MONTH_STEMS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- resolvers: each turns one regex match into (ISO value, precision), or None --------------


def _day_value(day: dt.date) -> Resolved:
    return day.isoformat(), "day"


def _month_value(year: int, month: int) -> Resolved:
    return f"{year:04d}-{month:02d}", "month"


def _shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _week_value(monday: dt.date, published: dt.date | None = None) -> Resolved | None:
    """A Monday-to-Sunday week as a month: the month of its days up to publication when
    those lie in one month ("this week" on a Thursday, 29 August, is August), else the
    month of its Thursday, the day ISO 8601 files a week under (so a week split 3-4 between
    months goes to the month that holds four of its days)."""
    if published is not None and monday <= published < monday + dt.timedelta(days=7):
        gone = _span_value(monday, published)
        if gone is not None and gone[1] == "month":
            return gone
    thursday = monday + dt.timedelta(days=3)
    return _month_value(thursday.year, thursday.month)


def _span_value(first: dt.date, last: dt.date) -> Resolved | None:
    if (first.year, first.month) == (last.year, last.month):
        return _month_value(first.year, first.month)
    if first.year == last.year:
        return str(first.year), "year"
    return None


def _explicit_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    month = _MONTHS[match.group("month")]
    day = int(match.group("day"))
    if match.group("year"):
        return _safe_day(int(match.group("year")), month, day)
    if ctx.published is None:
        return None
    pub = ctx.published
    resolved = _safe_day(pub.year, month, day)
    if resolved is None:
        return None
    candidate = dt.date.fromisoformat(resolved[0])
    if ctx.tense == "present":
        # "the exchanges open Oct. 1": whichever such day lies nearest to publication.
        options = [_safe_day(pub.year + shift, month, day) for shift in (-1, 0, 1)]
        return min(
            (o for o in options if o is not None),
            key=lambda o: abs((dt.date.fromisoformat(o[0]) - pub).days),
        )
    if ctx.future and candidate < pub - _AHEAD:
        return _safe_day(pub.year + 1, month, day)
    if not ctx.future and candidate > pub + _AHEAD:
        return _safe_day(pub.year - 1, month, day)
    return resolved


def _safe_day(year: int, month: int, day: int) -> Resolved | None:
    try:
        return _day_value(dt.date(year, month, day))
    except ValueError:  # "February 30": not a date
        return None


def _iso_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    return _safe_day(int(match.group("year")), int(match.group("mon")), int(match.group("day")))


def _month(match: re.Match[str], ctx: _Context) -> Resolved | None:
    month = _MONTHS[match.group("month")]
    year = match.groupdict().get("year")
    if year:
        return _month_value(int(year), month)
    if ctx.published is None:
        return None
    pub = ctx.published
    rel = (match.groupdict().get("rel") or "").lower()
    diff = month - pub.month
    if rel == "last":
        return _month_value(pub.year if diff < 0 else pub.year - 1, month)
    if rel == "next":
        return _month_value(pub.year if diff > 0 else pub.year + 1, month)
    if rel == "this":
        return _month_value(pub.year, month)
    if ctx.future:
        return _month_value(pub.year + 1 if diff < 0 else pub.year, month)
    if ctx.tense == "present":  # the nearest such month
        return _month_value(pub.year + (1 if diff < -6 else -1 if diff > 6 else 0), month)
    return _month_value(pub.year - 1 if diff > 1 else pub.year, month)


def _year(match: re.Match[str], ctx: _Context) -> Resolved | None:
    return match.group("year"), "year"


def _relative_day(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.published is None:
        return None
    words = " ".join(match.group("d").lower().split())
    if "before yesterday" in words:
        delta = -2
    elif words in ("yesterday", "last night"):
        delta = -1
    elif words == "tomorrow":
        delta = 1
    else:  # today, tonight, this morning, earlier today ...
        delta = 0
    return _day_value(ctx.published + dt.timedelta(days=delta))


def _weekday(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.published is None:
        return None
    pub = ctx.published
    target = _WEEKDAYS.index(match.group("wd"))
    back = (pub.weekday() - target) % 7  # days back to the most recent such day, 0 = same day
    rel = (match.group("rel") or "").lower()
    if rel == "last":
        return _day_value(pub - dt.timedelta(days=back or 7))
    if rel == "next":
        return _day_value(pub + dt.timedelta(days=(7 - back) if back else 7))
    if rel == "this" or ctx.future:
        # "this Friday" and "will meet on Friday": the coming one, or today.
        return _day_value(pub + dt.timedelta(days=(7 - back) % 7))
    return _day_value(pub - dt.timedelta(days=back))


def _ago(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.published is None:
        return None
    pub = ctx.published
    raw = match.group("n").lower()
    n = int(raw) if raw.isdigit() else _NUMBERS[raw]
    unit = match.group("unit").lower()
    if unit == "day":
        return _day_value(pub - dt.timedelta(days=n))
    if unit == "week":
        day = pub - dt.timedelta(weeks=n)
        return _week_value(day - dt.timedelta(days=day.weekday()))
    if unit == "month":
        return _month_value(*_shift_month(pub.year, pub.month, -n))
    return str(pub.year - n), "year"


def _relative_period(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.published is None:
        return None
    pub = ctx.published
    step = {"last": -1, "this": 0, "next": 1}[match.group("rel").lower()]
    unit = match.group("unit").lower()
    if unit == "week":
        if step == -1 and pub.weekday() == 6:
            step = 0  # on a Sunday, "last week" is the week that ends that day
        monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=step)
        return _week_value(monday, pub)
    if unit == "weekend":
        return _weekend(pub, step)
    if unit == "month":
        return _month_value(*_shift_month(pub.year, pub.month, step))
    return str(pub.year + step), "year"


def _weekend(pub: dt.date, step: int) -> Resolved | None:
    # The weekend of the current week (Saturday and Sunday after this week's Monday), moved by
    # ``step`` weeks; "last weekend" written on a Thursday is therefore the one just gone.
    saturday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(days=5 + 7 * step)
    return _span_value(saturday, saturday + dt.timedelta(days=1))


def _the_weekend(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if ctx.published is None:
        return None
    pub = ctx.published
    # "over the weekend": the most recent Saturday on or before publication, or the coming one
    # when the clause is in the future.
    back = (pub.weekday() - 5) % 7
    saturday = pub - dt.timedelta(days=back)
    if ctx.future and back not in (0, 1):
        saturday += dt.timedelta(weeks=1)
    return _span_value(saturday, saturday + dt.timedelta(days=1))


def _season(match: re.Match[str], ctx: _Context) -> Resolved | None:
    if match.group("year"):
        return match.group("year"), "year"
    if ctx.published is None:
        return None
    pub = ctx.published
    first, last = _SEASONS[match.group("season").lower()]
    rel = match.group("rel").lower()
    if rel == "last":
        return str(pub.year if pub.month > last else pub.year - 1), "year"
    if rel == "next":
        return str(pub.year if pub.month < first else pub.year + 1), "year"
    return str(pub.year), "year"


def _numeric(match: re.Match[str], ctx: _Context) -> Resolved | None:
    return _dateparse(match.group("d"), ctx.published)


_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        "month day",
        re.compile(
            rf"(?P<d>(?:{_WD.replace('wd', 'wd_')},?\s+)?{_MON}\s+(?P<day>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?(?![\d,]\d)(?:,?\s+{_YEAR})?)"
        ),
        _explicit_day,
        _MONTH_STEMS,
    ),
    _Pattern(
        "day month",
        re.compile(
            rf"(?<![\d,.])(?P<d>(?:{_WD.replace('wd', 'wd_')},?\s+)?(?:the\s+)?"
            rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR})?)"
        ),
        _explicit_day,
        _MONTH_STEMS,
    ),
    _Pattern(
        "iso",
        re.compile(r"(?<![\d-])(?P<d>(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d))(?!\d)"),
        _iso_day,
        _DIGIT,
    ),
    _Pattern(
        "numeric",
        re.compile(r"(?<![\d./])(?P<d>\d{1,2}([/.])\d{1,2}\2(?:(?:19|20)\d\d|\d\d))(?![\d./])"),
        _numeric,
        _DIGIT,
    ),
    _Pattern(
        "month year",
        re.compile(rf"(?P<d>{_PART_OF_MONTH}?{_MON}(?:\s+of)?,?\s+{_YEAR})"),
        _month,
        _MONTH_STEMS,
    ),
    _Pattern(
        "part of month",
        re.compile(rf"(?P<d>{_PART_OF_MONTH}{_MON_FULL})"),
        _month,
        _MONTH_STEMS,
    ),
    _Pattern(
        "relative month",
        re.compile(rf"\b(?P<d>(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+{_MON_FULL})"),
        _month,
        _MONTH_STEMS,
    ),
    _Pattern(
        "month after preposition",
        re.compile(rf"\b{_MONTH_PREP}\s+(?P<d>{_MON_FULL})(?!\s+\d)"),
        _month,
        _MONTH_STEMS,
    ),
    _Pattern(
        "year after preposition",
        re.compile(rf"\b{_YEAR_PREP}\s*(?P<d>{_YEAR})"),
        _year,
        _DIGIT,
    ),
    _Pattern(
        "season",
        re.compile(
            r"(?i:\b(?P<d>(?P<rel>last|this|next)\s+(?P<season>spring|summer|autumn|fall)"
            rf"|(?:the\s+)?(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?{_YEAR}))"
        ),
        _season,
        ("spring", "summer", "autumn", "fall", "winter"),
    ),
    _Pattern(
        "relative day",
        re.compile(
            r"(?i:\b(?P<d>(?:the\s+)?day\s+before\s+yesterday|yesterday|today|tonight|tomorrow"
            r"|(?:earlier|later)\s+today|this\s+(?:morning|afternoon|evening)|last\s+night)\b)"
        ),
        _relative_day,
        ("day", "night", "morning", "afternoon", "evening", "tomorrow"),
    ),
    _Pattern(
        "weekday",
        re.compile(
            rf"\b(?P<d>(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate)\s+)?{_WD}"
            r"(?:\s+(?:morning|afternoon|evening|night))?)"
        ),
        _weekday,
        _WEEKDAY_NAMES,
    ),
    _Pattern(
        "ago",
        re.compile(rf"(?i:\b(?P<d>{_NUM}\s+(?P<unit>day|week|month|year)s?\s+ago)\b)"),
        _ago,
        ("ago",),
    ),
    _Pattern(
        "relative period",
        re.compile(
            r"(?i:(?<!the\s)(?<!past\s)\b(?P<d>(?:(?:earlier|later)\s+|(?:the\s+)?"
            r"(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid-?)?"
            r"(?P<rel>last|this|next)\s+(?P<unit>week|weekend|month|year))\b)"
        ),
        _relative_period,
        ("week", "month", "year"),
    ),
    _Pattern(
        "the weekend",
        re.compile(r"(?i:\b(?:over|at|during|on)\s+(?P<d>the\s+weekend)\b)"),
        _the_weekend,
        ("weekend",),
    ),
)

# A spaCy DATE entity the patterns above did not cover is still a year when it is only a year
# with light modifiers ("fiscal 2017", "the 2016 election" -> entity "2016").
_YEAR_ENTITY = re.compile(
    rf"(?i:(?:the\s+)?(?:(?:early|late|mid-?|fiscal(?:\s+year)?|calendar\s+year|the\s+year)\s*)?)"
    rf"(?P<d>{_YEAR})"
)
# What an entity needs before dateparser may read it: a year, or a month name.
_EXPLICIT = re.compile(rf"(?:19|20)\d\d|{_alternation(list(_MONTHS))}")
# Words that make a DATE entity a duration, an age or a vague period rather than a date.
_NOT_A_DATE = re.compile(
    r"(?i)\b(?:hours?|minutes?|seconds?|days|weeks|months|years|decades?|centur(?:y|ies)"
    r"|old|aged?|past|recent|annual(?:ly)?|daily|weekly|monthly|yearly|\d0s)\b|-year|-day|-month"
)


def find_dates(
    doc: Doc, sentences: Sequence[Sentence], *, published: dt.date | None
) -> tuple[DateMention, ...]:
    """Date expressions in the content sentences of ``doc``, resolved against ``published``.

    Consumes the parsed article and its sentences (flagged ones are skipped); produces one
    ``DateMention`` (source "text") per resolvable expression, in text order. Expressions that
    need an anchor ("Wednesday", "yesterday") are skipped when ``published`` is None.
    """
    text = doc_text(doc)
    found: list[tuple[int, int, Resolved, int]] = []
    for sentence in sentences:
        if not sentence.is_content:
            continue
        found.extend(_scan_sentence(doc, text, sentence, published))
    found.extend(_entity_dates(doc, sentences, found, published))
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        DateMention(
            span=Span(start, end, text[start:end]),
            sentence=index,
            value=value,
            precision=precision,
            source="text",
        )
        for start, end, (value, precision), index in found
    )


def _scan_sentence(
    doc: Doc, text: str, sentence: Sentence, published: dt.date | None
) -> list[tuple[int, int, Resolved, int]]:
    chunk = text[sentence.start : sentence.end]
    lower = chunk.lower()
    candidates: list[tuple[int, int, _Pattern, re.Match[str]]] = []
    for pattern in _PATTERNS:
        where = chunk if pattern.needs[0][0].isupper() else lower
        if not any(word in where for word in pattern.needs):
            continue
        for match in pattern.regex.finditer(chunk):
            start, end = match.span("d")
            candidates.append((sentence.start + start, sentence.start + end, pattern, match))
    # Longest expression first, so "the end of April 2018" is one mention, not three.
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    results: list[tuple[int, int, Resolved, int]] = []
    for start, end, pattern, match in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if not _plausible(doc, text, start, end, pattern.name):
            continue
        taken.append((start, end))
        ctx = _Context(published=published, tense=_tense(doc, start, end))
        resolved = pattern.resolve(match, ctx)
        if resolved is not None:
            results.append((start, end, resolved, sentence.index))
    return results


def _plausible(doc: Doc, text: str, start: int, end: int, name: str) -> bool:
    """Reject matches that the parse shows are not dates (counts, named days)."""
    if name == "weekday":
        before = text[max(0, start - 12) : start].split()
        if before and before[-1] in _NAMED_DAYS:
            return False
    if name in ("year after preposition", "month after preposition", "relative month"):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        # "spoke to May", "according to May": Theresa May, not the month.
        if span.root.ent_type_ in ("PERSON", "ORG"):
            return False
        # "a crowd of 2000 people": spaCy calls it a number, not a date.
        if name.startswith("year") and span.root.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY"):
            return False
        if name.startswith("year") and span.root.dep_ == "nummod" and span.root.ent_type_ == "":
            return False
        if name.startswith("year") and _counts_things(span):
            return False
    return True


# Words before a number that is followed by a plural noun: "of 2000 people" counts people,
# while "in 2017 troops withdrew" is a year.
_COUNT_WORDS = frozenset("of to from than about some nearly almost over around least only".split())


def _counts_things(span: DocSpan) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if after is None or after.tag_ not in ("NNS", "NNPS"):
        return False
    return before is None or before.lower_ in _COUNT_WORDS or before.pos_ != "ADP"


def _entity_dates(
    doc: Doc,
    sentences: Sequence[Sentence],
    found: Sequence[tuple[int, int, Resolved, int]],
    published: dt.date | None,
) -> list[tuple[int, int, Resolved, int]]:
    """spaCy DATE entities the patterns missed: bare years, and formats dateparser reads."""
    starts = [s.start for s in sentences]
    results: list[tuple[int, int, Resolved, int]] = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        if any(ent.start_char < end and start < ent.end_char for start, end, _, _ in found):
            continue
        position = bisect_right(starts, ent.start_char) - 1
        if position < 0 or not sentences[position].is_content:
            continue
        sentence = sentences[position]
        year = _YEAR_ENTITY.fullmatch(ent.text)
        if year and _counts_things(ent):
            continue
        if year:
            start = ent.start_char + year.start("d")
            end = ent.start_char + year.end("d")
            results.append((start, end, (year.group("year"), "year"), sentence.index))
            continue
        # A bare month name is left to the patterns, which know "to May" is Theresa May.
        explicit = _EXPLICIT.search(ent.text) and re.search(r"\d", ent.text)
        if _NOT_A_DATE.search(ent.text) or not explicit:
            continue
        resolved = _dateparse(ent.text, published)
        if resolved is not None:
            results.append((ent.start_char, ent.end_char, resolved, sentence.index))
    return results


def _dateparse(words: str, published: dt.date | None) -> Resolved | None:
    """dateparser's reading of an explicit date; None for anything relative or vague."""
    parser = _date_parser(published)
    data = parser.get_date_data(words)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "day":
        return _day_value(day)
    if data.period == "month":
        return _month_value(day.year, day.month)
    if data.period == "year":
        return str(day.year), "year"
    return None


@functools.lru_cache(maxsize=64)
def _date_parser(published: dt.date | None) -> DateDataParser:
    from dateparser.date import DateDataParser

    settings: dict[str, object] = {
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    else:
        # No anchor: only dates that carry day, month and year may resolve, never "today".
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    return DateDataParser(languages=["en"], settings=settings)


_FUTURE_HEADS = frozenset(
    "plan expect schedule set due intend prepare aim hope vow pledge promise slate".split()
)


def _tense(doc: Doc, start: int, end: int) -> Tense:
    """The tense of the clause governing the date at ``start:end`` ("past" when unsure)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "past"
    token = span.root
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
            if _verb_is_future(token):
                return "future"
            nonfinite = token.tag_ in ("VB", "VBG", "VBN") and not any(
                c.dep_ in ("aux", "auxpass") for c in token.children
            )
            if not (nonfinite and token.dep_ in ("xcomp", "conj", "pcomp")):
                return "present" if _verb_is_present(token) else "past"
            # "begin selling plans on Oct. 1": the finite verb above carries the tense.
        if token.head.i == token.i:
            return "past"
        token = token.head
    return "past"


def _verb_is_present(verb: Token) -> bool:
    """'opens', 'are meeting', 'is held' (not 'has met': the perfect reports the past)."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ in ("VBD", "VBN") or a.lemma_ == "have" for a in auxiliaries):
        return False
    if verb.tag_ in ("VBZ", "VBP"):
        return True
    return verb.tag_ in ("VBG", "VBN") and any(a.tag_ in ("VBZ", "VBP") for a in auxiliaries)


def _verb_is_future(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in ("will", "shall", "'ll", "wo", "ll"):
            return True
    # "is scheduled for Monday", "plans to meet on Monday", "is due to vote in June".
    if verb.lemma_ in _FUTURE_HEADS:
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_ in _FUTURE_HEADS:
        return True
    # "is going to", "is set to": the governing verb carries it.
    return verb.dep_ == "xcomp" and verb.head.lemma_ == "go" and verb.head.tag_ == "VBG"


# Verbs whose past tense backshifts what they report: "said 43 had been killed".
_REPORTING_LEMMAS = frozenset(
    "say tell report announce confirm add state write note claim explain".split()
)
STORY_SENTENCES = 8  # the story's day is named in the article's first sentences ...
STORY_DAYS = 7  # ... and lies at most a week before publication
_UNDATED_FACTUALITY = frozenset({"planned", "hypothetical"})


def story_date(dates: Sequence[DateMention], published: dt.date | None) -> DateMention | None:
    """The day the article's news happened: of the day-precision dates its first
    ``STORY_SENTENCES`` sentences name, within ``STORY_DAYS`` before publication, the first
    named: a news story leads with its news ("security forces stormed the camps Wednesday"),
    and a later, more often named day is usually the reactions' or the aftermath's."""
    if published is None:
        return None
    earliest = published - dt.timedelta(days=STORY_DAYS)
    candidates = [
        d
        for d in dates
        if d.precision == "day"
        and d.source == "text"
        and d.sentence is not None
        and d.sentence < STORY_SENTENCES
        and earliest.isoformat() <= d.value <= published.isoformat()
    ]
    if not candidates:
        return None
    return dataclasses.replace(candidates[0], source="story")


def date_events(
    events: Sequence[Event],
    dates: Sequence[DateMention],
    *,
    published: dt.date | None,
    doc: Doc,
) -> list[DateMention | None]:
    """The date of each of an article's events (see the module doc), in order: a date in the
    trigger's own clause; the same incident's date written elsewhere; a date elsewhere in the
    event's sentence; the story's day; the publication date."""
    attached = [_attached_date(e, dates, doc) for e in events]
    story = story_date(dates, published)
    out: list[DateMention | None] = []
    for event, mine in zip(events, attached, strict=True):
        if mine is not None:
            out.append(mine)
            continue
        same = [
            (abs(other.sentence - event.sentence), other.sentence > event.sentence, d)
            for other, d in zip(events, attached, strict=True)
            # The first telling dates the later mentions, not the other way round.
            if d is not None
            and other.sentence < event.sentence
            and same_incident(event, other, doc)
        ]
        near = _sentence_date(event, dates)
        if same:
            out.append(dataclasses.replace(min(same, key=lambda x: x[:2])[2], source="incident"))
        elif near is not None:
            out.append(near)
        elif _background(event, doc):
            out.append(None)  # "had stormed": before the story, on no day the text gives
        elif (
            story is not None
            and event.factuality not in _UNDATED_FACTUALITY
            and not _in_present(event, doc)
        ):
            out.append(story)
        else:
            out.append(_published_date(published))
    return out


def _background(event: Event, doc: Doc) -> bool:
    """An act the text places before its story without dating it: a past perfect verb
    ("had stormed", "had been attacked"), or a noun that is the object of one ("had demanded
    the release of", "had ordered the withdrawal")."""
    found = _tense_bearer(event, doc)
    if found is None:
        return False
    verb = found[1]
    perfect = verb.tag_ == "VBN" and any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d") for c in verb.children
    )
    return perfect and not _backshifted(verb)


def _in_present(event: Event, doc: Doc) -> bool:
    """An act told in the present tense ("China is threatening to retaliate", "Democrats are
    calling for an inquiry", "she disagrees"): it holds when the article is published, not on
    the story's day. A noun takes the tense of the verb it is the object of."""
    found = _tense_bearer(event, doc)
    if found is None:
        return False
    span, verb = found
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    return _verb_is_present(verb) and not _quoted(span) and not _headline(span)


def _headline(span: DocSpan) -> bool:
    # A line without a sentence's final stop is a headline, whose present is the news's
    # past: "Assad threatens US troops in eastern Syria".
    text = doc_text(span.doc)
    start = text.rfind("\n", 0, span.start_char) + 1
    end = text.find("\n", span.end_char)
    line = text[start : end if end >= 0 else len(text)].rstrip()
    return not line.endswith((".", "!", "?", '"', "”", "'", "’", ":", ";", ")"))


def _tense_bearer(event: Event, doc: Doc) -> tuple[DocSpan, Token] | None:
    """The trigger's span and the word that carries its tense: the trigger's head word, or
    for a noun that is the object of a verb ("had demanded the release"), that verb."""
    span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verb = span.root
    if verb.pos_ == "NOUN" and verb.dep_ in ("dobj", "nsubjpass", "attr"):
        verb = verb.head
    return span, verb


def _quoted(span: DocSpan) -> bool:
    # Inside a quotation the present is the speaker's, on the day they spoke.
    before = doc_text(span.doc)[span.sent.start_char : span.start_char]
    opened = before.count("“") + before.count("«")
    closed = before.count("”") + before.count("»")
    return opened > closed or before.count('"') % 2 == 1


def _backshifted(verb: Token) -> bool:
    """A past perfect that is reported speech in the past ("the ministry said 43 policemen
    had been killed"): the tense follows the reporting verb's, and the act is the story's."""
    head = verb.head
    return (
        verb.dep_ in ("ccomp", "parataxis")
        and head.tag_ in ("VBD", "VBN")
        and head.lemma_ in _REPORTING_LEMMAS
    )


def _local(event: Event, dates: Sequence[DateMention]) -> list[DateMention]:
    return [d for d in dates if d.sentence == event.sentence and d.span is not None]


def _attached_date(event: Event, dates: Sequence[DateMention], doc: Doc) -> DateMention | None:
    """A date in the trigger's own subtree (``date_event``'s first choice), else None."""
    local = _local(event, dates)
    if not local:
        return None
    trigger = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
    return None if trigger is None else _attached(trigger, local, doc)


def _sentence_date(event: Event, dates: Sequence[DateMention]) -> DateMention | None:
    """The date of the event's sentence nearest to its trigger, else None."""
    local = _local(event, dates)
    return min(local, key=lambda d: _distance(d, event)) if local else None


def _published_date(published: dt.date | None) -> DateMention | None:
    if published is None:
        return None
    return DateMention(
        span=None, sentence=None, value=published.isoformat(), precision="day", source="published"
    )


def date_event(
    event: Event, dates: Sequence[DateMention], *, published: dt.date | None, doc: Doc
) -> DateMention | None:
    """The date that governs ``event``.

    Consumes the event, the article's date mentions and the parsed article; produces, in this
    order of preference: a mention in the trigger's subtree (the fewest dependency steps from
    the trigger, and one not inside a nested clause with its own verb before one that is); a
    mention elsewhere in the same sentence (the nearest to the trigger); the publication date
    as a ``source="published"`` mention; None when there is neither.
    """
    return (
        _attached_date(event, dates, doc)
        or _sentence_date(event, dates)
        or _published_date(published)
    )


def _attached(trigger: DocSpan, dates: Sequence[DateMention], doc: Doc) -> DateMention | None:
    trigger_ids = {token.i for token in trigger}
    best: tuple[tuple[int, int], DateMention] | None = None
    for mention in dates:
        assert mention.span is not None
        span = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if span is None:
            continue
        token = span.root
        hops = 0
        crossed_clause = False
        while token.i not in trigger_ids:
            if token.head.i == token.i:
                break
            if hops and token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
                crossed_clause = True
            token = token.head
            hops += 1
        else:
            rank = (int(crossed_clause), hops)
            if best is None or rank < best[0]:
                best = (rank, mention)
    return best[1] if best else None


def _distance(mention: DateMention, event: Event) -> int:
    assert mention.span is not None
    if mention.span.end <= event.trigger.start:
        return event.trigger.start - mention.span.end
    return max(0, mention.span.start - event.trigger.end)
