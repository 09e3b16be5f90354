"""Quotes: who (speaker) said (cue) what (content), direct and reported.

``find_quotes`` consumes the parsed article (spaCy ``Doc``), its sentences and its actors, and
produces one ``Quote`` per attribution found in content sentences:

- Direct quotes, in any quote-mark style (" ", “ ”, ‘ ’, « », ' ', and '' '' as some papers
  write double marks). An apostrophe between letters (don't, Iran's, Clinton’s) never opens
  or closes a quote. The content span excludes the outer marks. A quote that runs over several
  sentences is one ``Quote`` (``sentence`` is the first). Pieces of one utterance are merged
  into one ``Quote``: a quote split by its cue (“We will not retreat,” he said, “not one
  step.”), further quotes of the same speaker in the paragraph, and a quote running over
  paragraphs (no closing mark at a paragraph end, an opening mark at the next). The merged
  content runs from the first quoted word to the last, so it holds the interrupting cue; the
  ``cue`` span says where it is. A paragraph that is wholly a quote with no cue of its own
  takes the speaker of the paragraph before (its last quote or speech cue). A line of a
  transcript ("SMITH: We will ...", quoted or not) is a direct quote of its label. Quoted
  words inside a clause ('said the plan was “a disaster”') are not a direct quote: the
  reported clause around them is the attribution (``direct=False``).
- Reported speech: "X said (that) ...", "X told RT that ...", "X warned/denied/claimed ...
  that ...", "..., X said", "according to X, ...", "X vowed to ...", "X urged Y to ...". The
  content is the reported clause (the cue's ``ccomp`` subtree, without "that"; the
  infinitive for "vowed to"), without the cue and the speaker; for a cue in the middle of
  its clause ("The plan, he said, was dead") the whole clause, cue included.

The cue is the speech verb ("said", "told", "according to"); the speaker is the cue's subject
noun phrase (relative clauses cut off), or the object of "according to". ``speaker_actor`` is
the actor whose span overlaps the speaker most; a pronoun speaker ("he", "she") is resolved to
the most recent person actor before it (rule "pronoun->previous person"), "it" to the most
recent organisation or country actor ("pronoun->previous organisation"); deeper coreference
is the actors stage's job. ``rule`` names the construction that fired.

Speech verbs are data: ``data/quotes/speech_cues.tsv`` (lemma, kind); by default the kinds
"speech", "report" and "evidence" count as cues, "belief" (think, believe) does not.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from eventscope.nlp import doc_text
from eventscope.records import Actor, Quote, Sentence, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

CUE_KINDS = ("speech", "report", "evidence", "belief")
DEFAULT_KINDS = frozenset({"speech", "report", "evidence"})

_DOUBLE_OPEN = "“«„"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘‹"
_SINGLE_CLOSE = "’›"
# A quote this short without a cue is a title or a scare quote ("Shark Tank"), not speech.
_MIN_WORDS = 4
_PRONOUNS = frozenset({"he", "she"})
_OPENING = ("“", "‘", "«", '"', "''", " '")
_CLOSING = frozenset({"”", "’", "»", '"', "''", "'"})
# Dependencies through which a subjectless speech verb takes the subject of its head.
_INHERITS = frozenset({"advcl", "conj", "xcomp", "pcomp", "prep"})
_DASHES = frozenset({"―", "—", "–", "-", "--"})
_NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Paragraph labels that look like a transcript speaker but are not one.
_NOT_SPEAKERS = frozenset(
    "update note editor editors photo photos video watch read source sources related breaking "
    "also more see caption credit image correction disclaimer advertisement subscribe share "
    "email follow tags topics clarification".split()
)
_TRANSCRIPT = re.compile(r"(?P<label>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*(?P<colon>:)\s+")


@functools.lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> dict[str, str]:
    """The speech cue table: lemma -> kind, from ``data/quotes/speech_cues.tsv`` or ``path``."""
    if path is None:
        text = (
            resources.files("eventscope")
            .joinpath("data/quotes/speech_cues.tsv")
            .read_text(encoding="utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header, *entries = rows
    if header.split("\t") != ["lemma", "kind"]:
        raise ValueError(f"speech cue table: header must be 'lemma<TAB>kind', got {header!r}")
    cues: dict[str, str] = {}
    for line in entries:
        lemma, kind = line.split("\t")
        if kind not in CUE_KINDS:
            raise ValueError(f"speech cue table: unknown kind {kind!r} for {lemma!r}")
        cues[lemma] = kind
    return cues


@dataclass(frozen=True, slots=True)
class _Piece:
    """One run of quoted words: ``start:end`` inside the marks, ``outer`` with them."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    paragraph_start: int
    open_ended: bool = False  # no closing mark: the quote goes on in the next paragraph


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue: tuple[int, int] | None  # token range
    speaker: tuple[int, int] | None  # token range
    rule: str
    cue_token: int | None = None


def find_quotes(
    doc: Doc,
    sentences: Sequence[Sentence],
    actors: Sequence[Actor],
    *,
    cues: Mapping[str, str] | None = None,
    kinds: Collection[str] = DEFAULT_KINDS,
) -> tuple[Quote, ...]:
    """Direct and reported attributions in the content sentences of ``doc``, in text order.

    ``cues`` (lemma -> kind) defaults to the shipped table; ``kinds`` picks which kinds count.
    """
    table = load_cues() if cues is None else cues
    verbs = frozenset(lemma for lemma, kind in table.items() if kind in kinds)
    finder = _Finder(doc, sentences, verbs)
    direct = finder.direct()
    reported = finder.reported()
    found = direct + finder.transcripts() + reported + finder.partial_quotes(reported)
    found.sort(key=lambda item: item[0].start)
    quotes = []
    for content, direct, attribution in found:
        quotes.append(_quote(doc, content, direct, attribution, finder, actors))
    return tuple(quotes)


def _quote(
    doc: Doc,
    content: Span,
    direct: bool,
    attribution: _Attribution,
    finder: _Finder,
    actors: Sequence[Actor],
) -> Quote:
    cue = _token_span(doc, attribution.cue) if attribution.cue else None
    speaker = _token_span(doc, attribution.speaker) if attribution.speaker else None
    rule = attribution.rule
    actor = None
    if speaker is not None:
        actor, how = _speaker_actor(speaker, actors)
        if how:
            rule = f"{rule}; {how}"
    sentence = finder.sentence_at(content.start)
    return Quote(
        content=content,
        direct=direct,
        sentence=sentence if sentence is not None else -1,
        cue=cue,
        speaker=speaker,
        speaker_actor=actor,
        rule=rule,
    )


def _speaker_actor(speaker: Span, actors: Sequence[Actor]) -> tuple[Actor | None, str]:
    overlapping = [a for a in actors if a.span.overlaps(speaker)]
    if overlapping:
        return max(overlapping, key=lambda a: _shared(a.span, speaker)), ""
    pronoun = speaker.text.lower()
    if pronoun in _PRONOUNS:
        before = [a for a in actors if a.kind == "person" and a.span.end <= speaker.start]
        if before:
            return max(before, key=lambda a: a.span.start), "pronoun->previous person"
    if pronoun == "it":  # "the ministry ... it said": an organisation or a state speaks
        kinds = ("org", "country")
        before = [a for a in actors if a.kind in kinds and a.span.end <= speaker.start]
        if before:
            return max(before, key=lambda a: a.span.start), "pronoun->previous organisation"
    return None, ""


def _shared(a: Span, b: Span) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _token_span(doc: Doc, tokens: tuple[int, int]) -> Span:
    span = doc[tokens[0] : tokens[1]]
    return Span(span.start_char, span.end_char, span.text)


class _Finder:
    """The article-wide facts every construction needs: sentences, quote pieces, cues."""

    def __init__(self, doc: Doc, sentences: Sequence[Sentence], verbs: frozenset[str]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.sentences = sentences
        self.sentence_starts = [s.start for s in sentences]
        self.verbs = verbs
        self.pieces = [p for p in _quote_pieces(self.text) if self._is_content(p.start)]
        self.piece_starts = [p.outer_start for p in self.pieces]
        self.token_ends = [t.idx + len(t.text) for t in doc]
        self.used_cues: set[int] = set()
        self.emitted: list[_Piece] = []  # the pieces that became direct quotes
        self.partial: list[tuple[Span, bool, _Attribution]] = []  # quoted words in a clause

    # --- where things are ---------------------------------------------------------------------

    def sentence_at(self, char: int) -> int | None:
        position = bisect_right(self.sentence_starts, char) - 1
        return self.sentences[position].index if position >= 0 else None

    def _is_content(self, char: int) -> bool:
        position = bisect_right(self.sentence_starts, char) - 1
        return position >= 0 and self.sentences[position].is_content

    def piece_at(self, char: int) -> _Piece | None:
        position = bisect_right(self.piece_starts, char) - 1
        if position >= 0 and char < self.pieces[position].outer_end:
            return self.pieces[position]
        return None

    def _token_at(self, char: int) -> int:
        """The index of the token holding ``char``, or of the first token after it."""
        return bisect_right(self.token_ends, char)

    # --- direct quotes -----------------------------------------------------------------------

    def direct(self) -> list[tuple[Span, bool, _Attribution]]:
        """Quotes in quote marks; quoted words embedded in a clause are kept as ``partial``."""
        attributions = self._attribute_pieces()
        results: list[tuple[Span, bool, _Attribution]] = []
        group: list[tuple[_Piece, _Attribution]] = []
        for piece, attribution in zip(self.pieces, attributions, strict=True):
            words = len(self.text[piece.start : piece.end].split())
            if attribution is None or attribution.speaker is None:
                if words < _MIN_WORDS or self._embedded(piece):
                    continue
                attribution = _Attribution(None, None, "direct, no speaker found")
            if self._embedded(piece) or self._is_partial(piece, attribution):
                # A few quoted words inside reported speech: the reported pass has the clause;
                # the words alone stand in when no clause is found (see ``partial_quotes``).
                content = Span(piece.start, piece.end, self.text[piece.start : piece.end])
                self.partial.append((content, False, attribution))
                continue
            if attribution.cue_token is not None:
                self.used_cues.add(attribution.cue_token)
            self.emitted.append(piece)
            if group and self._same_quote(group[-1], (piece, attribution)):
                group.append((piece, attribution))
                continue
            if group:
                results.append(self._merged(group))
            group = [(piece, attribution)]
        if group:
            results.append(self._merged(group))
        return results

    def partial_quotes(
        self, reported: Sequence[tuple[Span, bool, _Attribution]]
    ) -> list[tuple[Span, bool, _Attribution]]:
        """Embedded quoted words that no reported clause covers, as reported quotes."""
        return [
            item
            for item in self.partial
            if not any(item[0].overlaps(other[0]) for other in reported)
        ]

    def _attribute_pieces(self) -> list[_Attribution | None]:
        attributions: list[_Attribution | None] = []
        previous: tuple[_Piece, _Attribution] | None = None
        for number, piece in enumerate(self.pieces):
            attribution = self._label_inside(piece)
            if attribution is not None:
                label = _TRANSCRIPT.match(self.text, piece.start)
                assert label is not None
                piece = self.pieces[number] = dataclasses.replace(piece, start=label.end())
            else:
                attribution = self._attribute(piece)
            if attribution is None and previous is not None and self._continues(previous, piece):
                prior = previous[1]
                attribution = _Attribution(None, prior.speaker, "direct, continues previous quote")
            if attribution is None:
                attribution = self._previous_paragraph_speaker(piece)
            attributions.append(attribution)
            if attribution is not None and attribution.speaker is not None:
                previous = (piece, attribution)
        # A paragraph of a quote running over paragraphs takes the speaker named later on.
        for i in range(len(self.pieces) - 2, -1, -1):
            later = attributions[i + 1]
            if attributions[i] is None and self.pieces[i].open_ended and later is not None:
                attributions[i] = _Attribution(None, later.speaker, "direct, continued below")
        return attributions

    def _embedded(self, piece: _Piece) -> bool:
        """Whether the quote sits inside a clause: 'called it “a disaster”', 'that “we ...'."""
        before = self.text[piece.paragraph_start : piece.outer_start].rstrip()
        return bool(before) and (before[-1].isalnum() or before[-1] in "%$)")

    def _same_quote(
        self, last: tuple[_Piece, _Attribution], nxt: tuple[_Piece, _Attribution]
    ) -> bool:
        """Pieces of one utterance: same speaker, same paragraph or a run over paragraphs."""
        (piece, attribution), (next_piece, next_attribution) = last, nxt
        if attribution.speaker != next_attribution.speaker or attribution.speaker is None:
            return False
        return piece.open_ended or piece.paragraph_start == next_piece.paragraph_start

    def _merged(
        self, group: Sequence[tuple[_Piece, _Attribution]]
    ) -> tuple[Span, bool, _Attribution]:
        """One quote from its pieces: the content runs from the first word to the last.

        A cue between the pieces ('“A,” he said, “B.”') lies inside the merged content; the
        ``cue`` span says where, and the attribution with a cue of its own wins.
        """
        start, end = group[0][0].start, group[-1][0].end
        with_cue = [attribution for _, attribution in group if attribution.cue is not None]
        attribution = with_cue[0] if with_cue else group[0][1]
        return Span(start, end, self.text[start:end]), True, attribution

    def _is_partial(self, piece: _Piece, attribution: _Attribution) -> bool:
        """Whether the quoted words are only part of the clause reported by their cue.

        'He said the plan was “a disaster”': the attribution is the whole reported clause.
        """
        if attribution.cue_token is None:
            return False
        clause = self._complement(self.doc[attribution.cue_token])
        if clause is None:
            return False
        first, last = self.doc[clause[0]], self.doc[clause[1] - 1]
        start, end = first.idx, last.idx + len(last.text)
        if not (start < piece.outer_end and piece.outer_start < end):
            return False
        outside = self.text[start : piece.outer_start] + self.text[piece.outer_end : end]
        return len(re.findall(r"\w+", outside)) >= 2

    def _previous_paragraph_speaker(self, piece: _Piece) -> _Attribution | None:
        """A paragraph that opens with a quote after a paragraph that ends with a speech cue.

        'Park said the talks were over.' then '“We tried everything.”': Park said it.
        """
        if self.text[piece.paragraph_start : piece.outer_start].strip():
            return None
        end = self._token_at(piece.paragraph_start) - 1
        for i in range(end, -1, -1):
            token = self.doc[i]
            if "\n" in token.text and i != end:
                return None
            if self.piece_at(token.idx) is not None:
                return None  # the previous paragraph's last words are a quote: not its speaker
            attribution = self._cue(token, piece, "direct, speaker of previous paragraph")
            if attribution is not None:
                return _Attribution(None, attribution.speaker, attribution.rule)
        return None

    def _continues(self, previous: tuple[_Piece, _Attribution], piece: _Piece) -> bool:
        # Another quote in the paragraph of an attributed one ("“A,” he said. “B.”"), or a
        # paragraph opening with a quote right after such a paragraph: the same speaker.
        prior = previous[0]
        if prior.paragraph_start == piece.paragraph_start:
            return True
        if self.text[piece.paragraph_start : piece.outer_start].strip():
            return False
        between = self.text[prior.paragraph_start : piece.paragraph_start]
        return sum(1 for line in between.split("\n") if line.strip()) == 1

    def _attribute(self, piece: _Piece) -> _Attribution | None:
        after = self._cue_after(piece)
        before = self._cue_before(piece)
        if after and before:
            return after[1] if after[0] <= before[0] else before[1]
        if after or before:
            return (after or before)[1]  # type: ignore[index]
        label = self._label_before(piece)
        if label is not None:
            return label
        dash = self._dash_after(piece)
        if dash is not None:
            return dash
        return self._colon_paragraph_before(piece)

    def _label_inside(self, piece: _Piece) -> _Attribution | None:
        """'“SMITH: We will ...”': a quoted transcript line."""
        match = _TRANSCRIPT.match(self.text, piece.start)
        if match is None or match.end() >= piece.end:
            return None
        if not self._is_speaker_label(match.group("label")):
            return None
        return self._label_attribution(piece.start, match, "direct, transcript label")

    def _dash_after(self, piece: _Piece) -> _Attribution | None:
        """'“...” ― Jane Doe': a name after a dash closes the quote's line."""
        doc = self.doc
        dash = self._token_at(piece.outer_end)
        if dash >= len(doc) or doc[dash].text not in _DASHES:
            return None
        end = dash + 1
        while end < len(doc) and not doc[end].is_punct and "\n" not in doc[end].text:
            end += 1
        if end == dash + 1 or not _nominal(doc[dash + 1 : end]):
            return None
        return _Attribution((dash, dash + 1), (dash + 1, end), "direct, dash then name")

    def _cue_after(self, piece: _Piece) -> tuple[int, _Attribution] | None:
        doc = self.doc
        first = self._token_at(piece.outer_end)
        for i in range(first, len(doc)):
            token = doc[i]
            if self._stops(token, piece):
                return None
            attribution = self._cue(token, piece, "direct, cue after")
            if attribution is not None:
                return i - first, attribution
        return None

    def _cue_before(self, piece: _Piece) -> tuple[int, _Attribution] | None:
        doc = self.doc
        last = self._token_at(piece.outer_start) - 1
        for i in range(last, -1, -1):
            token = doc[i]
            if self._stops(token, piece, backwards=True):
                return None
            attribution = self._cue(token, piece, "direct, cue before")
            if attribution is not None:
                return last - i, attribution
        return None

    def _stops(self, token: Token, piece: _Piece, *, backwards: bool = False) -> bool:
        """The edge of the text a quote's cue may come from: sentence end, paragraph, quote."""
        if "\n" in token.text or (backwards and "\n" in token.whitespace_):
            return True
        if token.text in (".", "!", "?") and not self.piece_at(token.idx):
            return True
        other = self.piece_at(token.idx)
        return other is not None and other is not piece

    def _cue(self, token: Token, piece: _Piece, rule: str) -> _Attribution | None:
        if self.piece_at(token.idx) is not None:
            return None
        if token.lower_ == "according":
            return self._according(token, rule.replace("cue", "according to"))
        if token.lemma_.lower() not in self.verbs or token.pos_ not in ("VERB", "AUX"):
            return None
        speaker = self._speaker(token)
        if speaker is not None:
            inside = self.doc[speaker[0] : speaker[1]]
            if inside.start_char < piece.outer_end and piece.outer_start < inside.end_char:
                speaker = None
        if speaker is None and rule.endswith("cue after"):
            speaker = self._speaker_by_position(piece, token)
            rule = f"{rule}, speaker by position"
        if speaker is None:
            return None
        return _Attribution(self._cue_range(token), speaker, rule, token.i)

    def _speaker_by_position(self, piece: _Piece, cue: Token) -> tuple[int, int] | None:
        """The speaker of '“...,” NAME said' or '“...,” said NAME' read from word order.

        For when the parser gave the cue no subject (it often misreads a name right after a
        closing quote mark as a verb).
        """
        doc = self.doc
        start = self._token_at(piece.outer_end)
        while start < cue.i and doc[start].is_punct:
            start += 1
        if start < cue.i:
            return (start, cue.i) if _nominal(doc[start : cue.i]) else None
        end = cue.i + 1
        while end < len(doc) and not doc[end].is_punct and not doc[end].is_space:
            end += 1
        return (cue.i + 1, end) if end > cue.i + 1 and _nominal(doc[cue.i + 1 : end]) else None

    def _label_before(self, piece: _Piece) -> _Attribution | None:
        """'SMITH: “We will ...”': a transcript label right before the quote."""
        head = self.text[piece.paragraph_start : piece.outer_start]
        match = _TRANSCRIPT.fullmatch(head)
        if match is None or not self._is_speaker_label(match.group("label")):
            return None
        return self._label_attribution(piece.paragraph_start, match, "direct, transcript label")

    def _colon_paragraph_before(self, piece: _Piece) -> _Attribution | None:
        """'He said:' closing the previous paragraph, then the quote as a paragraph."""
        if self.text[piece.paragraph_start : piece.outer_start].strip():
            return None
        before = self.text[: piece.paragraph_start].rstrip()
        if not before.endswith(":"):
            return None
        colon = self._token_at(len(before) - 1)
        for i in range(colon - 1, -1, -1):
            token = self.doc[i]
            if "\n" in token.text or token.text in (".", "!", "?"):
                return None
            attribution = self._cue(token, piece, "direct, colon before")
            if attribution is not None:
                return attribution
        return None

    # --- transcripts ---------------------------------------------------------------------------

    def transcripts(self) -> list[tuple[Span, bool, _Attribution]]:
        """Paragraphs of the form "LABEL: words" with no quote marks: a transcript line."""
        results: list[tuple[Span, bool, _Attribution]] = []
        for match in re.finditer(r"[^\n]+", self.text):
            line_start = match.start()
            label = _TRANSCRIPT.match(self.text, line_start)
            if label is None or not self._is_speaker_label(label.group("label")):
                continue
            start = label.end()
            end = line_start + len(match.group().rstrip())
            if end - start < 2 or not self._is_content(start) or self.piece_at(start):
                continue
            attribution = self._label_attribution(line_start, label, "transcript label")
            if attribution is None:
                continue
            results.append((Span(start, end, self.text[start:end]), True, attribution))
        return results

    def _is_speaker_label(self, label: str) -> bool:
        words = label.replace(".", " ").split()
        if not words or words[0].lower() in _NOT_SPEAKERS:
            return False
        return label.isupper() or (all(w[0].isupper() for w in words) and len(words) <= 3)

    def _label_attribution(
        self, offset: int, match: re.Match[str], rule: str
    ) -> _Attribution | None:
        label_start = offset + match.start("label") - match.start()
        label_end = offset + match.end("label") - match.start()
        colon = offset + match.start("colon") - match.start()
        speaker = self.doc.char_span(label_start, label_end, alignment_mode="expand")
        cue = self.doc.char_span(colon, colon + 1, alignment_mode="expand")
        if speaker is None or cue is None:
            return None
        # A title-case label must be a name to the parser, or headings ("Why It Matters:")
        # would pass; an upper-case one (SMITH, MR. SMITH) is a transcript's style.
        if not speaker.text.isupper() and not any(t.ent_type_ in _NAMED for t in speaker):
            return None
        return _Attribution((cue.start, cue.end), (speaker.start, speaker.end), rule)

    # --- reported speech -----------------------------------------------------------------------

    def reported(self) -> list[tuple[Span, bool, _Attribution]]:
        results: list[tuple[Span, bool, _Attribution]] = []
        seen: set[tuple[int, int]] = set()
        for sentence in self.sentences:
            if not sentence.is_content:
                continue
            span = self.doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                if token.i in self.used_cues or self.piece_at(token.idx) is not None:
                    continue
                found = self._reported_at(token)
                if found is None:
                    continue
                content, attribution = found
                if (content.start, content.end) in seen or self._mostly_quoted(content):
                    continue
                seen.add((content.start, content.end))
                results.append((content, False, attribution))
        return results

    def _reported_at(self, token: Token) -> tuple[Span, _Attribution] | None:
        if token.lower_ == "according":
            attribution = self._according(token, "according to")
            if attribution is None or attribution.speaker is None:
                return None
            phrase = (token.left_edge.i, token.right_edge.i + 1)
            clause = token.head
            content = self._rest_of_clause(clause, phrase)
        elif token.lemma_.lower() in self.verbs and token.pos_ in ("VERB", "AUX"):
            speaker = self._speaker(token)
            if speaker is None:
                return None
            attribution = _Attribution(
                self._cue_range(token), speaker, "reported, complement clause", token.i
            )
            content = self._complement(token)
            if content is None:
                content = self._infinitive(token)
                if content is not None:
                    attribution = _Attribution(
                        attribution.cue, speaker, "reported, infinitive", token.i
                    )
            if content is None and token.dep_ == "parataxis":
                content, rule = self._around_parenthetical(token)
                attribution = _Attribution(attribution.cue, speaker, rule, token.i)
        else:
            return None
        if content is None:
            return None
        start, end = content
        if end - start < 2:
            return None
        speaker = attribution.speaker
        inside = speaker is not None and speaker[0] < end and start < speaker[1]
        if inside and attribution.rule != "reported, parenthetical cue":
            return None
        first, last = self.doc[start], self.doc[end - 1]
        return Span(first.idx, last.idx + len(last.text), self.doc[start:end].text), attribution

    def _complement(self, verb: Token) -> tuple[int, int] | None:
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        if not clauses:
            return None
        clause = max(clauses, key=lambda c: c.right_edge.i - c.left_edge.i)
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        if start <= verb.i < end:
            return None
        return self._trim(start, end)

    def _infinitive(self, verb: Token) -> tuple[int, int] | None:
        """'vowed to retaliate', 'urged Iran to return': what was promised or asked for."""
        for child in verb.rights:
            if child.dep_ == "xcomp" and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in child.children
            ):
                return self._trim(verb.i + 1, child.right_edge.i + 1)
        return None

    def _around_parenthetical(self, cue: Token) -> tuple[tuple[int, int] | None, str]:
        """The clause a parenthetical cue hangs in: '..., X said.', 'A, X said, B'.

        At either edge the content is the clause without the cue; in the middle it is the
        whole clause, cue included (the ``cue`` span says where), as one utterance.
        """
        clause_start, clause_end = cue.head.left_edge.i, cue.head.right_edge.i + 1
        cue_start, cue_end = cue.left_edge.i, cue.right_edge.i + 1
        before = self._trim(clause_start, cue_start)
        after = self._trim(cue_end, clause_end)
        if before and after:
            return self._trim(clause_start, clause_end), "reported, parenthetical cue"
        if before:
            return before, "reported, clause before cue"
        return after, "reported, clause after cue"

    def _rest_of_clause(self, clause: Token, phrase: tuple[int, int]) -> tuple[int, int] | None:
        """The clause around "according to X", less that phrase: the longer side."""
        start, end = clause.left_edge.i, clause.right_edge.i + 1
        left = self._trim(start, phrase[0])
        right = self._trim(phrase[1], end)
        sides = [side for side in (left, right) if side is not None]
        if not sides:
            return None
        return max(sides, key=lambda side: side[1] - side[0])

    def _trim(self, start: int, end: int) -> tuple[int, int] | None:
        """A token range without edge punctuation and without a leading "that"."""
        doc = self.doc
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        if start < end and doc[start].lower_ == "that" and doc[start].dep_ == "mark":
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            last = doc[end - 1].text
            if last in _CLOSING and any(m in doc[start : end - 1].text for m in _OPENING):
                break  # 'the plan is “dead”': keep the mark that closes a quoted word
            end -= 1
        return (start, end) if start < end else None

    def _mostly_quoted(self, content: Span) -> bool:
        quoted = 0
        for piece in self.emitted:
            if piece.outer_start < content.end and content.start < piece.outer_end:
                quoted += min(piece.outer_end, content.end) - max(piece.outer_start, content.start)
        return quoted > 0.6 * (content.end - content.start)

    # --- cue and speaker -----------------------------------------------------------------------

    def _according(self, token: Token, rule: str) -> _Attribution | None:
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None:
            nxt = token.nbor(1) if token.i + 1 < len(self.doc) else None
            to = nxt if nxt is not None and nxt.lower_ == "to" else None
        if to is None:
            return None
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        return _Attribution((token.i, to.i + 1), _noun_phrase(obj), rule, token.i)

    def _speaker(self, verb: Token) -> tuple[int, int] | None:
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        head = verb
        for _ in range(4):
            # "He spoke to reporters, saying ...", "... and added that ...", "began by saying
            # ...": the subject of the verb this one hangs from.
            if subject is not None or head.dep_ not in _INHERITS or head.head.i == head.i:
                break
            head = head.head
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            subject = verb.head  # "the minister, who said ...": the minister
        if subject.lower_ == "there":
            return None
        return _noun_phrase(subject)

    def _cue_range(self, verb: Token) -> tuple[int, int]:
        particle = [c for c in verb.children if c.dep_ == "prt" and c.i == verb.i + 1]
        return (verb.i, verb.i + 2) if particle else (verb.i, verb.i + 1)


def _nominal(tokens: DocSpan) -> bool:
    """Whether a short run of tokens reads as a noun phrase (capitalised words pass as names)."""
    if len(tokens) > 12:
        return False
    allowed = {"PROPN", "NOUN", "DET", "ADJ", "PRON", "NUM", "PART", "PUNCT", "CCONJ", "ADP"}
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") or t.text[:1].isupper() for t in tokens):
        return False
    return all(t.pos_ in allowed or t.text[:1].isupper() for t in tokens)


def _noun_phrase(head: Token) -> tuple[int, int]:
    """The head's subtree as a token range, less a trailing relative clause and punctuation."""
    start, end = head.left_edge.i, head.right_edge.i + 1
    for child in head.rights:
        # "the minister, who ...", "Trump this week": not part of who the speaker is.
        if child.dep_ in ("relcl", "acl", "npadvmod") or child.tag_ in ("WP", "WDT"):
            end = min(end, child.left_edge.i)
        elif child.ent_type_ in ("DATE", "TIME"):
            end = min(end, child.left_edge.i)
    doc = head.doc
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start, end


def _quote_pieces(text: str) -> list[_Piece]:
    """Runs of quoted words in ``text``, paragraph by paragraph, outermost quotes only.

    Straight double quotes toggle; curly and angle quotes open and close by shape; a single
    quote mark between two letters or digits is an apostrophe. A double quote left open at a
    paragraph end counts when the next paragraph opens with a quote (a quote running over
    paragraphs); any other unclosed mark is dropped as noise.
    """
    pieces: list[_Piece] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for number, (start, end) in enumerate(paragraphs):
        found, unclosed = _scan_paragraph(text, start, end)
        pieces.extend(found)
        if unclosed is not None and number + 1 < len(paragraphs):
            following = text[paragraphs[number + 1][0] :].lstrip()
            if following[:1] in _DOUBLE_OPEN + '"' or following.startswith("''"):
                content_end = start + len(text[start:end].rstrip())
                width = 2 if text.startswith("''", unclosed) else 1
                piece = _piece(text, unclosed, width, content_end, start)
                piece = dataclasses.replace(piece, outer_end=content_end, open_ended=True)
                pieces.append(piece)
    return [p for p in pieces if p.end > p.start]


def _piece(text: str, open_at: int, width: int, close_at: int, paragraph: int) -> _Piece:
    """The piece between an opening mark (``width`` characters) and a closing one."""
    start, end = open_at + width, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    outer_end = close_at + (2 if text.startswith("''", close_at) else 1)
    return _Piece(start, end, open_at, min(outer_end, len(text)), paragraph)


def _scan_paragraph(text: str, start: int, end: int) -> tuple[list[_Piece], int | None]:
    """Quote pieces in ``text[start:end]``, and where an unclosed outer double quote opened."""
    pieces: list[_Piece] = []
    stack: list[tuple[str, int, int]] = []  # (kind "double"/"single", mark position, width)

    def close(kind: str, at: int) -> None:
        while stack:
            open_kind, open_at, width = stack.pop()
            if open_kind == kind:
                if not stack:
                    pieces.append(_piece(text, open_at, width, at, start))
                return

    i = start
    while i < end:
        char = text[i]
        if char not in "\"'“”«»„‘’‹›":
            i += 1
            continue
        prev = text[i - 1] if i > start else " "
        top = stack[-1][0] if stack else None
        if text.startswith("'''", i) and top == "single":
            close("single", i)  # "...'This.'''": a single closing, then a double
            i += 1
            continue
        # Two apostrophes stand for a double quote mark in some newspapers' plain text.
        width = 2 if text.startswith("''", i) else 1
        nxt = text[i + width] if i + width < end else " "
        if char == '"' or width == 2:
            if any(kind == "double" for kind, _, _ in stack):
                close("double", i)
            elif not nxt.isspace():
                stack.append(("double", i, width))
        elif char in _DOUBLE_OPEN:
            stack.append(("double", i, 1))
        elif char in _DOUBLE_CLOSE:
            if any(kind == "double" for kind, _, _ in stack):
                close("double", i)
        elif prev.isalnum() and nxt.isalnum():
            pass  # an apostrophe: don't, Iran's, Clinton’s
        elif top == "single" and not prev.isspace() and not nxt.isalnum() and char in "'’›":
            close("single", i)
        elif (char in _SINGLE_OPEN or char == "'") and _opens(prev, nxt):
            stack.append(("single", i, 1))
        i += width
    unclosed = stack[0][1] if stack and stack[0][0] == "double" else None
    return pieces, unclosed


def _opens(prev: str, nxt: str) -> bool:
    # A quote opens after a space, a bracket or a dash, before a word: "'We", not "the '90s"'s
    # closing side. "'90s" itself still opens; it is dropped later for want of a closing mark.
    return (prev.isspace() or prev in '([{—–-:"“') and (nxt.isalnum() or nxt in '“"…')
