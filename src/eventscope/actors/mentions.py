"""Finding actor mentions in a parsed article and resolving each one.

Consumes the spaCy ``Doc`` of ``Article.text`` and the article's sentences; produces one
:class:`~eventscope.records.Actor` per mention in content sentences, in text order.

A mention is a noun phrase headed by an actor word: a named entity (PERSON, ORG, GPE, NORP), a
name from the actor tables (a leader, an organisation, a country, a demonym, a seat of
government), or a sector noun ("army", "protesters", "police"). Modifiers climb to the actor
word they modify ("Syrian" -> "Syrian army"; "Foreign Minister" -> "Foreign Minister Sergei
Lavrov"), so the span covers the whole phrase an analyst would mark. Then:

- coordinated nationalities of one noun ("Polish and Czech officials") become one
  mention each, with the noun's sector;
- a title directly before a name is one mention even where the parse splits them;
- an apposition lends its country and sector ("Avigdor Lieberman, Israel's defense
  minister"), and a bare coordinated noun its neighbour's country ("Israeli helicopters and
  tanks");
- a person's surname stands for them later in the article.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eventscope.actors.coref import (
    Antecedent,
    acronym_at,
    description_antecedent,
    initials,
    is_person_pronoun,
    pronoun_antecedent,
)
from eventscope.actors.matching import HYPHENS, NameMatch, TermMatch, Word, match_terms
from eventscope.actors.resolve import (
    PLACE_TABLES,
    DocAlias,
    Hints,
    Resolution,
    pick_entry,
    resolve_words,
    strip_determiner,
    usable_names,
)
from eventscope.actors.tables import (
    SPECIAL_COUNTRY_CODES,
    ActorTables,
    NameEntry,
    load_tables,
    name_key,
)
from eventscope.nlp import doc_text
from eventscope.records import Actor, Sentence, Span

if TYPE_CHECKING:  # spaCy is only needed by whoever made the Doc
    from spacy.tokens import Doc, Token

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Dependencies along which a modifier belongs to the actor word it modifies.
CLIMB_DEPS = frozenset({"compound", "amod", "nmod", "poss", "flat", "nn"})
# Dependents that belong inside the noun phrase.
LEFT_DEPS = frozenset(
    {"det", "amod", "compound", "nmod", "poss", "nummod", "quantmod", "npadvmod", "predet",
     "nn", "flat"}
)  # fmt: skip
RIGHT_DEPS = frozenset({"flat", "compound", "nummod"})
# "talks in Moscow": a place under these prepositions is where, not who.
LOCATIVE_PREPS = frozenset(
    {"in", "at", "inside", "near", "outside", "within", "throughout", "across", "around",
     "along", "via", "beyond", "onto", "between"}
)  # fmt: skip
# Prepositions whose object gives a role its country ("the President of Syria").
ROLE_PREPS = frozenset({"of", "in", "from"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
SKIP_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "MONEY", "PERCENT", "CARDINAL", "ORDINAL"})


@dataclass
class _Sentence:
    """The per-sentence working state of the finder."""

    index: int
    start: int  # first token
    end: int  # token after the last
    names: list[NameMatch] = field(default_factory=list)
    terms: list[TermMatch] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Mention:
    head: int
    lo: int  # first token
    hi: int  # last token (inclusive)
    hints: Hints = Hints()
    split_of: int | None = None  # the noun a coordinated nationality modifies
    role: bool = False  # headed by a sector noun ("army", "minister")


def _words(doc: Doc) -> tuple[list[Word], list[str], list[str]]:
    """Words, trailing whitespace and part of speech of every token, read once."""
    ent_ids = [-1] * len(doc)
    for k, ent in enumerate(doc.ents):
        for i in range(ent.start, ent.end):
            ent_ids[i] = k
    words: list[Word] = []
    spaces: list[str] = []
    pos: list[str] = []
    for t in doc:
        tag = t.pos_
        words.append(Word(t.text, t.lemma_.lower(), t.ent_type_, ent_ids[t.i], tag in NOUN_POS))
        spaces.append(t.whitespace_)
        pos.append(tag)
    return words, spaces, pos


def _root(doc: Doc, start: int, end: int) -> int:
    """The token of doc[start:end] whose head lies outside it (the last such)."""
    for i in range(end - 1, start - 1, -1):
        head = doc[i].head.i
        if head < start or head >= end or head == i:
            return i
    return end - 1


def _sentence_ranges(doc: Doc, sentences: Sequence[Sentence]) -> list[_Sentence]:
    starts = [t.idx for t in doc]
    out = []
    for s in sentences:
        if not s.is_content:
            continue
        lo = bisect.bisect_left(starts, s.start)
        hi = bisect.bisect_left(starts, s.end)
        if lo < hi:
            out.append(_Sentence(s.index, lo, hi))
    return out


def _conjuncts(tok: Token) -> list[Token]:
    out = []
    for child in tok.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out


class _Finder:
    """Mention finding and resolution for one document (holds its in-article aliases)."""

    def __init__(self, doc: Doc, tables: ActorTables, year: int | None) -> None:
        self.doc = doc
        self.tables = tables
        self.year = year
        self.text = doc_text(doc)
        self.words, self.spaces, self.pos = _words(doc)
        self.ents = list(doc.ents)
        self.ent_starts = [ent.start for ent in self.ents]
        self.aliases: dict[str, DocAlias] = {}
        self.people: list[Antecedent] = []  # persons resolved so far, for coreference
        self.ent_of: dict[int, tuple[int, int]] = {
            i: (ent.start, ent.end) for ent in self.ents for i in range(ent.start, ent.end)
        }

    # -- matching --------------------------------------------------------------------

    def scan(self, sent: _Sentence) -> None:
        window = self.words[sent.start : sent.end]
        for m in usable_names(window, self.tables):
            sent.names.append(
                NameMatch(m.start + sent.start, m.end + sent.start, m.surface, m.entries)
            )
        covered = {k - sent.start for m in sent.names for k in range(m.start, m.end)}
        for t in match_terms(window, self.tables, skip=covered):
            sent.terms.append(TermMatch(t.start + sent.start, t.end + sent.start, t.term))

    def _match_at(self, sent: _Sentence, i: int) -> NameMatch | None:
        return next((m for m in sent.names if m.start <= i < m.end), None)

    def _alias_runs(self, sent: _Sentence, covered: set[int]) -> list[tuple[int, int]]:
        """Runs of one or two capitalised tokens that an earlier mention made an alias."""
        if not self.aliases:
            return []
        words = self.words
        out = []
        for i in range(sent.start, sent.end):
            word = words[i]
            if i in covered or self.pos[i] != "PROPN" or not word.text[:1].isupper():
                continue
            if word.ent in SKIP_ENTS:
                continue
            for j in (i + 2, i + 1):
                text = "".join(w.text for w in words[i:j])
                alias = self.aliases.get(name_key(text))
                if j <= sent.end and alias is not None and (text.isupper() or not alias.upper):
                    out.append((i, j))
                    break
        return out

    # -- heads -----------------------------------------------------------------------

    def heads(self, sent: _Sentence) -> tuple[list[int], set[int]]:
        """Head tokens of the sentence's mentions, and which of them are sector nouns."""
        doc = self.doc
        actorish: set[int] = set()
        seeds: list[int] = []
        name_tokens = {k for m in sent.names for k in range(m.start, m.end)}
        for m in sent.names:
            actorish.update(range(m.start, m.end))
            seeds.append(_root(doc, m.start, m.end))
        first = bisect.bisect_left(self.ent_starts, sent.start)
        for ent in self.ents[first:]:
            if ent.start >= sent.end:
                break
            if ent.end <= sent.end and ent.label_ in ACTOR_LABELS:
                actorish.update(range(ent.start, ent.end))
                seeds.append(ent.root.i)
        for start, end in self._alias_runs(sent, name_tokens):
            actorish.update(range(start, end))
            seeds.append(_root(doc, start, end))
        for i in range(sent.start, sent.end):
            if is_person_pronoun(doc[i]):
                actorish.add(i)
                seeds.append(i)
        term_roots: set[int] = set()
        for t in sent.terms:
            if t.term.strength == "override":
                continue
            root = _root(doc, t.start, t.end)
            if doc[root].pos_ in NOUN_POS:
                term_roots.add(root)
                actorish.add(root)
        strong = {_root(doc, t.start, t.end) for t in sent.terms if t.term.strength == "strong"}
        for root in term_roots:
            tok = doc[root]
            # A sector noun modifying a thing is an actor only when it says who clearly:
            # "army bulldozers", "police custody" (strong), "the coalition's base" (an
            # owner), not "press conference" (weak).
            modifies_thing = tok.dep_ in CLIMB_DEPS - {"poss"} and tok.head.i not in actorish
            if modifies_thing and (tok.dep_ == "amod" or root not in strong):
                continue
            seeds.append(root)
        heads = {self._climb(seed, actorish, sent) for seed in seeds}
        return sorted(heads), term_roots

    def _climb(self, i: int, actorish: set[int], sent: _Sentence) -> int:
        doc = self.doc
        seen = {i}
        while True:
            tok = doc[i]
            parent = tok.head.i
            if (
                tok.dep_ not in CLIMB_DEPS
                or parent in seen
                or not (sent.start <= parent < sent.end)
                or parent not in actorish
                or doc[parent].pos_ not in NOUN_POS
            ):
                return i
            seen.add(parent)
            i = parent

    # -- extents ---------------------------------------------------------------------

    def extent(self, head: int, sent: _Sentence) -> tuple[int, int]:
        """The noun phrase of ``head``: its modifiers, its entity, its table name."""
        doc = self.doc
        tok = doc[head]
        inside = {head}
        for child in tok.lefts:
            if child.dep_ in LEFT_DEPS or (child.dep_ == "punct" and child.text in HYPHENS):
                inside.update(t.i for t in child.subtree)
        for child in tok.rights:
            if child.dep_ in RIGHT_DEPS:
                inside.update(t.i for t in child.subtree)
        if head in self.ent_of and doc[head].ent_type_ in ACTOR_LABELS:
            inside.update(range(*self.ent_of[head]))
        match = self._match_at(sent, head)
        if match is not None:
            inside.update(range(match.start, match.end))
        lo = hi = head
        while lo - 1 >= sent.start and lo - 1 in inside:
            lo -= 1
        while hi + 1 < sent.end and hi + 1 in inside:
            hi += 1
        # No leading or trailing punctuation, conjunctions or possessive markers.
        while lo < head and (doc[lo].is_punct or doc[lo].dep_ in ("cc", "case")):
            lo += 1
        while hi > head and (doc[hi].is_punct or doc[hi].dep_ in ("cc", "case")):
            hi -= 1
        return lo, hi

    def _place_country(self, sent: _Sentence, lo: int, hi: int) -> tuple[str, str] | None:
        for m in sent.names:
            if lo <= m.start and m.end - 1 <= hi:
                entries = [e for e in m.entries if e.table in PLACE_TABLES]
                picked = pick_entry(entries, self.year) if entries else None
                if picked is not None and picked[0].country:
                    return picked[0].country, self.doc[m.start : m.end].text
        return None

    def _with_prep(self, head: int, lo: int, hi: int, sent: _Sentence, role: bool) -> _Mention:
        """ "the President of Syria", "rebels in the Ivory Coast", "King Hassan of Morocco":
        the prepositional country joins the mention and gives its country."""
        doc = self.doc
        preps = ROLE_PREPS if role else frozenset({"of"})
        if role and self._place_country(sent, lo, hi) is not None:
            # "US troops in eastern Syria": the modifier gives the country; "in" is where.
            preps = frozenset({"of"})
        for child in doc[head].rights:
            if child.dep_ != "prep" or child.lower_ not in preps or child.i != hi + 1:
                continue
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is None or obj.i >= sent.end:
                continue
            found = self._place_country(sent, obj.left_edge.i, obj.i)
            if found is not None:
                hints = Hints(country=found[0], country_rule=f"{child.lower_}:{found[1]}")
                return _Mention(head, lo, obj.i, hints, role=role)
        return _Mention(head, lo, hi, role=role)

    def _split(self, head: int, lo: int, sent: _Sentence) -> list[_Mention]:
        """ "Polish and Czech officials", "Kenyan, Ugandan and South African troops":
        one mention per nationality modifying the same noun."""
        doc = self.doc
        pieces: list[NameMatch] = []
        for child in doc[head].lefts:
            if child.dep_ not in ("amod", "compound", "nmod") or child.i < lo:
                continue
            for tok in [child, *_conjuncts(child)]:
                m = self._match_at(sent, tok.i)
                if m is None or not m.tables() & {"countries", "demonyms"}:
                    if tok is child:
                        break
                    return []  # a coordinated modifier that is no nationality: keep whole
                if m not in pieces:
                    pieces.append(m)
        if len(pieces) < 2:
            return []
        return [
            _Mention(_root(doc, m.start, m.end), m.start, m.end - 1, split_of=head) for m in pieces
        ]

    def mentions(self, sent: _Sentence) -> list[_Mention]:
        heads, term_roots = self.heads(sent)
        raw: list[_Mention] = []
        for head in heads:
            lo, hi = self.extent(head, sent)
            split = self._split(head, lo, sent)
            if split:
                raw.extend(split)
            else:
                raw.append(self._with_prep(head, lo, hi, sent, head in term_roots))
        return _tidy(self._join_titles(raw))

    def _join_titles(self, mentions: list[_Mention]) -> list[_Mention]:
        """A title right before a name is one mention, also where the parse splits them
        ("Syrian President" + "Bashar al-Assad")."""
        ordered = sorted(mentions, key=lambda m: m.lo)
        out: list[_Mention] = []
        for m in ordered:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.role
                and prev.split_of is None
                and m.split_of is None
                and m.lo == prev.hi + 1
                and self._is_name(m.head)
            ):
                out[-1] = _Mention(m.head, prev.lo, m.hi, m.hints)
                continue
            out.append(m)
        return out

    def _is_name(self, i: int) -> bool:
        """A person's name: PERSON, or a capitalised proper noun no other entity claims
        (not "Tuesday")."""
        word = self.words[i]
        if word.ent == "PERSON":
            return True
        return self.pos[i] == "PROPN" and word.text[:1].isupper() and not word.ent

    # -- resolution ------------------------------------------------------------------

    def resolution(self, m: _Mention, hints: Hints | None = None) -> Resolution:
        return resolve_words(
            self.words[m.lo : m.hi + 1],
            m.head - m.lo,
            year=self.year,
            tables=self.tables,
            spaces=self.spaces[m.lo : m.hi + 1],
            hints=hints if hints is not None else m.hints,
            doc_aliases=self.aliases,
        )

    def resolve_sentence(self, sent: _Sentence) -> list[Actor]:
        doc = self.doc
        mentions = self.mentions(sent)
        resolved: dict[int, tuple[_Mention, Resolution]] = {}
        for m in mentions:
            hints = m.hints
            if m.split_of is not None:
                # A coordinated nationality takes the sector of the noun it shares.
                noun = self.resolution(_Mention(m.split_of, m.split_of, m.split_of))
                hints = Hints(sector=noun.sector, sector_rule=noun.rule.split("+")[0])
            if is_person_pronoun(doc[m.head]) and m.lo == m.hi:
                res = self._pronoun(m, sent)
            else:
                res = self._corefer(m, self.resolution(m, hints), sent)
            resolved[m.head] = (m, res)
            self._register(res)
            self._register_acronym(m, res, sent)
            if res.kind == "person" and res.resolved:
                self._remember(m, res, sent)
        for head, (m, res) in list(resolved.items()):
            patched = self._borrow(m, res, resolved)
            if patched is not res:
                resolved[head] = (m, patched)
                self._register(patched)
        actors = []
        for m, res in sorted(resolved.values(), key=lambda pair: pair[0].lo):
            # An apposition that lent its country and sector to a name is not a second actor.
            if not self._keep(m, res) or self._appos_target(m, resolved) is not None:
                continue
            start = doc[m.lo].idx
            end = doc[m.hi].idx + len(doc[m.hi].text)
            name, kind = res.name, res.kind
            if m.split_of is not None:
                name, kind = f"{doc[m.lo : m.hi + 1].text} {doc[m.split_of].text}", "role"
            actors.append(
                Actor(
                    span=Span(start, end, self.text[start:end]),
                    sentence=sent.index,
                    name=name,
                    kind=kind,  # type: ignore[arg-type]
                    country=res.country,
                    sector=res.sector,
                    entity_id=res.entity_id,
                    rule=res.rule,
                )
            )
        return actors

    def _appos_target(
        self, m: _Mention, resolved: dict[int, tuple[_Mention, Resolution]]
    ) -> int | None:
        """The name mention a role mention stands in apposition to, or None."""
        doc = self.doc
        tok = doc[m.head]
        if not m.role:
            return None
        if tok.dep_ == "appos" and tok.head.i in resolved:
            other = tok.head.i
        else:
            other = next((c.i for c in tok.children if c.dep_ == "appos" and c.i in resolved), None)
        if other is None or resolved[other][1].kind != "person":
            return None
        return other

    def _borrow(
        self, m: _Mention, res: Resolution, resolved: dict[int, tuple[_Mention, Resolution]]
    ) -> Resolution:
        """Fill a name's missing country and sector from its apposition, and a bare
        coordinated noun's country from its neighbour."""
        doc = self.doc
        tok = doc[m.head]
        if res.kind == "person":
            for other_m, other in resolved.values():
                if self._appos_target(other_m, resolved) == m.head:
                    country = res.country or other.country
                    sector = res.sector or other.sector
                    if (country, sector) != (res.country, res.sector):
                        rule = f"{res.rule}+appos:{doc[other_m.lo : other_m.hi + 1].text}"
                        return dataclasses.replace(
                            res, country=country, sector=sector, rule=rule, resolved=True
                        )
        elif m.role and res.country is None and tok.dep_ == "conj" and m.lo == m.head:
            other = resolved.get(tok.head.i)
            if other is not None and other[0].role and other[1].country:
                rule = f"{res.rule}+coord:{doc[other[0].lo : other[0].hi + 1].text}"
                return dataclasses.replace(res, country=other[1].country, rule=rule)
        return res

    def _keep(self, m: _Mention, res: Resolution) -> bool:
        doc = self.doc
        tok = doc[m.head]
        if m.split_of is not None:
            return True
        # "BEIJING (Reuters) -": a dateline names where the story was filed.
        if m.hi + 1 < len(doc) and doc[m.lo].is_upper and len(doc[m.lo].text) > 3:
            if doc[m.hi + 1].text in ("(", "-", "—", "–", ",", ":") and (
                m.lo == 0 or doc[m.lo - 1].is_space or doc[m.lo].is_sent_start
            ):
                return False
        place_like = tok.ent_type_ in ("GPE", "LOC", "FAC") or res.rule.startswith(
            ("table:countries", "table:seats", "table:states")
        )
        if place_like and res.kind in ("country", "org", "other"):
            # "talks in Moscow": a place, not an actor.
            if tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS:
                return False
            if not res.resolved:
                return False
        if not res.resolved:
            if tok.ent_type_ not in ("PERSON", "ORG", "NORP") or not tok.text[:1].isupper():
                return False
            if tok.ent_type_ == "NORP" and tok.dep_ == "amod":
                return False
        return True

    # -- coreference -----------------------------------------------------------------

    def _remember(self, m: _Mention, res: Resolution, sent: _Sentence) -> None:
        doc = self.doc
        said = frozenset(t.lemma_.lower() for t in doc[m.lo : m.hi + 1])
        offices = frozenset(
            word
            for entry in self._person_entries(res)
            for word in entry.office.lower().replace("-", " ").split()
        )
        subject = doc[m.head].dep_ in ("nsubj", "nsubjpass")
        self.people.append(Antecedent(m.head, sent.index, subject, res, said, offices))

    def _person_entries(self, res: Resolution) -> tuple[NameEntry, ...]:
        if res.person_entry is None:
            return ()
        aliases = self.tables.names.get(name_key(res.person_entry), ())
        return tuple(
            e for a in aliases for e in a.entries if e.table == "leaders" and e.name == res.name
        )

    def _pronoun(self, m: _Mention, sent: _Sentence) -> Resolution:
        """ "he said", "his forces": the person the pronoun stands for, or nothing."""
        tok = self.doc[m.head]
        found = pronoun_antecedent(tok, sent.index, self.people)
        if found is None:
            return Resolution(tok.text, "other", None, None, None, "", resolved=False)
        res = found.resolution
        return dataclasses.replace(
            res, rule=f"coref:{tok.lower_}->{res.name}", person_name=None, person_entry=None
        )

    def _corefer(self, m: _Mention, res: Resolution, sent: _Sentence) -> Resolution:
        """A description of a person named earlier ("the Syrian leader"), or a role owned by
        one ("his forces"): the person, or the role with the person's country."""
        if res.kind != "role" or not self.people:
            return res
        doc = self.doc
        head = doc[m.head]
        found = description_antecedent(head, doc[m.lo].lower_, res, self.people)
        if found is not None:
            person = found.resolution
            text = doc[m.lo : m.hi + 1].text
            return dataclasses.replace(
                person,
                sector=person.sector or res.sector,
                rule=f"coref:{text}->{person.name}",
                person_name=None,
                person_entry=None,
            )
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if res.country is None and owner is not None and is_person_pronoun(owner):
            found = pronoun_antecedent(owner, sent.index, self.people)
            if found is not None and found.resolution.country:
                rule = f"{res.rule}+coref:{owner.lower_}->{found.resolution.name}"
                return dataclasses.replace(res, country=found.resolution.country, rule=rule)
        return res

    def _register_acronym(self, m: _Mention, res: Resolution, sent: _Sentence) -> None:
        """ "Syrian Democratic Forces (SDF)": the acronym stands for the name from here on;
        so do the initials of an organisation's name, written in capitals."""
        doc = self.doc
        words = [t for t in doc[m.lo : m.hi + 1] if t.is_alpha and not t.is_stop]
        named = bool(words) and all(t.text[:1].isupper() for t in words)  # "Tigray Defence Forces"
        if res.kind not in ("org", "group", "other", "role") or not named:
            return
        if not res.resolved and res.kind != "org":  # an organisation spaCy alone found counts
            return
        text = strip_determiner(doc[m.lo : m.hi + 1].text)
        name = res.name if res.kind in ("org", "group") else text
        alias = DocAlias(name, res.kind, res.country, res.sector, res.entity_id,
                         name_key(text), upper=True)  # fmt: skip
        acronym = acronym_at(doc[m.hi + 1 : min(m.hi + 4, sent.end)])
        if acronym is not None:
            self.aliases[name_key(acronym)] = alias
        spelled = initials(res.name if res.kind in ("org", "group") else text)
        if spelled is not None and name_key(spelled) not in self.aliases:
            self.aliases[name_key(spelled)] = alias

    def _register(self, res: Resolution) -> None:
        """Make a person's surname, and their table aliases, stand for them later on."""
        if res.kind != "person" or not res.person_name:
            return
        full_key = name_key(res.person_name)
        alias = DocAlias(res.name, res.kind, res.country, res.sector, res.entity_id, full_key)
        surname = res.person_name.split()[-1]
        keys = {name_key(surname), name_key(surname.split("-")[-1])}
        if res.person_entry is not None:
            keys.update(self.tables.person_aliases.get(res.person_entry, ()))
        for key in keys:
            if not key or key == full_key:
                continue
            previous = self.aliases.get(key)
            # Two people with one surname in an article: the first keeps it.
            if previous is None or previous.full_key == full_key:
                self.aliases[key] = alias


def _tidy(mentions: list[_Mention]) -> list[_Mention]:
    """Drop a mention inside another ("Syrian" in "the Syrian army") and any mention that a
    coordinated-nationality split replaced."""
    pieces = [m for m in mentions if m.split_of is not None]
    out: list[_Mention] = []
    seen: set[tuple[int, int]] = set()
    for m in mentions:
        if m.split_of is None:
            if any(p.lo <= m.hi and m.lo <= p.hi for p in pieces):
                continue
            if any(
                o.split_of is None and o is not m and o.lo <= m.lo and m.hi <= o.hi
                and (o.lo, o.hi) != (m.lo, m.hi)
                for o in mentions
            ):  # fmt: skip
                continue
        if (m.lo, m.hi) in seen:
            continue
        seen.add((m.lo, m.hi))
        out.append(m)
    return out


def find_actors(
    doc: Doc,
    sentences: Sequence[Sentence],
    *,
    published: dt.date | None = None,
    tables: ActorTables | None = None,
) -> tuple[Actor, ...]:
    """Actor mentions of the content sentences of an article, resolved, in text order.

    ``doc`` is spaCy's parse of exactly ``Article.text``; ``sentences`` the article's
    sentences (flagged ones are skipped); ``published`` decides which office a person held.
    """
    tables = tables or load_tables()
    finder = _Finder(doc, tables, published.year if published else None)
    actors: list[Actor] = []
    for sent in _sentence_ranges(doc, sentences):
        finder.scan(sent)
        actors.extend(finder.resolve_sentence(sent))
    return tuple(_one_country_context(actors, tables))


def _one_country_context(actors: list[Actor], tables: ActorTables) -> list[Actor]:
    """In an article that names exactly one state, a person or role with no country of its
    own belongs to it ("President Dos Santos" in a story that only names Angola), when it has
    a title or a sector noun. The rule says "context:" so that a reader can weigh it."""
    states = {
        a.country
        for a in actors
        if a.country and a.country not in SPECIAL_COUNTRY_CODES and "context:" not in a.rule
    }
    if len(states) != 1:
        return actors
    country = states.pop()
    note = f"context:{tables.country_names.get(country, country)}"
    # A surname later on follows the full mention it stands for.
    placed = {a.name for a in actors if a.country is None and _has_role(a)}
    return [
        dataclasses.replace(a, country=country, rule=f"{a.rule}+{note}")
        if a.country is None and (_has_role(a) or a.name in placed)
        else a
        for a in actors
    ]


def _has_role(actor: Actor) -> bool:
    """A title, a sector noun or an ethnicity: a person or group of this place, not a name
    that could belong anywhere ("Adolf Hitler")."""
    return any(part.startswith(("title:", "noun:", "ethnic:")) for part in actor.rule.split("+"))
