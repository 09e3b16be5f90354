"""ACLED labels for coded events, since many analysts think in ACLED's categories.

ACLED's 24 sub-event types (``ACLED_TYPES``: "AIR_STRIKE", "GOVERNMENT_REGAINS_TERRITORY" ...)
are read per sentence by a learned classifier (``data/models/acled``, built by
``training/train_acled.py`` from snippets the team wrote to ``training/acled/CODEBOOK.md``).
Its features are the sentence's words and word pairs, and the PLOVER events the coder found in
it: type, mode, trigger, the actors' sectors, factuality, and the hand rules of
``data/events/acled.tsv`` (derived from type, mode and the sectors of source and target), which
are features here, not the decision. It also knows six classes that ACLED does not record
(disasters, crime, diplomacy, claims of responsibility, anything else), so that such sentences
get no label rather than the nearest ACLED one.

An event takes its sentence's sub-event type when the classifier is sure enough, the event's
PLOVER type can express that kind of incident (``CARRIERS``), and the event happened: negated,
hypothetical and planned events get no label, since ACLED records what happened. Without the
model file (``event_coder = "lexicon"`` keeps working) the hand rules alone label events.

Where ACLED's codebook decides by who acted or by what was done rather than by the words, a
rule has the last word over the classifier:
- territory taken by force is the government's (``GOVERNMENT_REGAINS_TERRITORY``) or a
  non-state actor's (``NON_STATE_ACTOR_OVERTAKES_TERRITORY``) by the taker's sector
  (``territory_side``), and what is seized is a place, not weapons;
- weapons, ammunition or explosives found, seized or defused are a disrupted weapons use
  (``weapons_found``);
- demonstrators blocking roads or putting up barricades are a violent demonstration
  (``blocks_roads``), and a demonstration that happened is a protest whatever it is about;
- rape and sexual assault are sexual violence, and a clash or attack with grenades a grenade
  attack;
- an attack whose victims are an army or police force is an armed clash.

Each labelled event also carries ACLED's fatalities (the death toll its sentence states, see
``fatalities``) and the inter codes of its two sides (``inter_code``).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eventscope.events.fatalities import sentence_fatalities
from eventscope.events.labels import main_incident_acled, same_incident
from eventscope.events.model.linear import LinearModel
from eventscope.records import Actor, Event, Sentence, Span
from eventscope.text.sentences import content_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

# ACLED's event types and sub-event types, by the codes CASE 2021 and eventscope use.
ACLED_TYPES: dict[str, tuple[str, str]] = {
    "ARMED_CLASH": ("Battles", "Armed clash"),
    "GOVERNMENT_REGAINS_TERRITORY": ("Battles", "Government regains territory"),
    "NON_STATE_ACTOR_OVERTAKES_TERRITORY": ("Battles", "Non-state actor overtakes territory"),
    "CHEMICAL_WEAPON": ("Explosions/Remote violence", "Chemical weapon"),
    "AIR_STRIKE": ("Explosions/Remote violence", "Air/drone strike"),
    "SUICIDE_BOMB": ("Explosions/Remote violence", "Suicide bomb"),
    "SHELLING_ARTILLERY_MISSILE_ATTACK": (
        "Explosions/Remote violence", "Shelling/artillery/missile attack"
    ),
    "REMOTE_EXPLOSIVE_LANDMINE_IED": (
        "Explosions/Remote violence", "Remote explosive/landmine/IED"
    ),
    "GRENADE": ("Explosions/Remote violence", "Grenade"),
    "SEXUAL_VIOLENCE": ("Violence against civilians", "Sexual violence"),
    "ATTACK": ("Violence against civilians", "Attack"),
    "ABDUCTION_FORCED_DISAPPEARANCE": (
        "Violence against civilians", "Abduction/forced disappearance"
    ),
    "PEACEFUL_PROTEST": ("Protests", "Peaceful protest"),
    "PROTEST_WITH_INTERVENTION": ("Protests", "Protest with intervention"),
    "EXCESSIVE_FORCE_AGAINST_PROTESTERS": ("Protests", "Excessive force against protesters"),
    "VIOLENT_DEMONSTRATION": ("Riots", "Violent demonstration"),
    "MOB_VIOLENCE": ("Riots", "Mob violence"),
    "AGREEMENT": ("Strategic developments", "Agreement"),
    "ARRESTS": ("Strategic developments", "Arrests"),
    "CHANGE_TO_GROUP_ACTIVITY": ("Strategic developments", "Change to group/activity"),
    "DISRUPTED_WEAPONS_USE": ("Strategic developments", "Disrupted weapons use"),
    "HEADQUARTERS_OR_BASE_ESTABLISHED": (
        "Strategic developments", "Headquarters or base established"
    ),
    "LOOTING_PROPERTY_DESTRUCTION": ("Strategic developments", "Looting/property destruction"),
    "NON_VIOLENT_TRANSFER_OF_TERRITORY": (
        "Strategic developments", "Non-violent transfer of territory"
    ),
}  # fmt: skip
# Classes the classifier knows that ACLED does not record: they give no label.
NOT_ACLED = ("NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ORG_CRIME", "ATTRIB", "OTHER")
CLASSES = (*ACLED_TYPES, *NOT_ACLED)
# The PLOVER types that can carry each ACLED event type: an AGREE event in a sentence about an
# air strike is not the air strike.
_VIOLENT = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "THREATEN"})
CARRIERS: dict[str, frozenset[str]] = {
    "Battles": _VIOLENT | {"RETREAT", "SEIZE"},
    "Explosions/Remote violence": _VIOLENT,
    "Violence against civilians": _VIOLENT,
    "Protests": frozenset({"PROTEST", "ASSAULT", "COERCE"}),
    "Riots": frozenset({"PROTEST", "ASSAULT", "COERCE"}),
    "Strategic developments": frozenset(
        {"ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "AGREE", "CONCEDE", "COOPERATE",
         "SANCTION", "AID", "THREATEN"}
    ),
}  # fmt: skip
# Sentences with an event of one of these types are read by the classifier.
CANDIDATE_TYPES = frozenset().union(*CARRIERS.values())
ARMED_SECTORS = frozenset({"MIL", "REB", "PRM", "UAF", "SPY", "COP"})
ARMED_COUNTRIES = frozenset({"IMG"})  # PLOVER's transnational militarized groups
LABELLED_FACTUALITY = frozenset({"asserted", "reported"})
# Words in the attacker's phrase or the trigger that say how an ASSAULT was carried out when
# the lexicon's mode does not ("warplanes bombed", "a suicide bomber blew himself up").
MEANS_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("suicide-attack", frozenset({"suicide"})),
    ("drone", frozenset({"drone", "drones", "uav", "uavs"})),
    ("aerial", frozenset(
        {"warplane", "warplanes", "jet", "jets", "aircraft", "helicopter", "helicopters",
         "gunship", "gunships", "airstrike", "airstrikes", "air", "planes", "bombers"}
    )),
    ("heavy-weapons", frozenset(
        {"artillery", "mortar", "mortars", "rocket", "rockets", "missile", "missiles", "tank",
         "tanks", "shell", "shells", "shelling"}
    )),
)  # fmt: skip
# Modes that say less than the means words do.
VAGUE_MODES = frozenset({"", "explosives", "destroy", "firearms"})
NO_LABEL = "-"
DENSE_SIZE = 96  # spaCy's small English model's token vectors
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "EXE"})
_CIVILIAN_SECTORS = frozenset(
    {"CVL", "EDU", "MED", "BUS", "LAB", "AGR", "REL", "JRN", "NGO", "REF", "HRI", "ELI", "OPP"}
)


@dataclass(frozen=True, slots=True)
class AcledRule:
    type: str
    mode: str
    source: str
    target: str
    code: str
    event_type: str
    sub_event_type: str

    def fits(self, event: Event, mode: str) -> bool:
        return (
            self.type == event.type
            and self.mode in ("*", mode)
            and _side_fits(self.source, event.source)
            and _side_fits(self.target, event.target)
        )


@dataclass(frozen=True)
class AcledModel:
    """The sentence classifier and the probability it must reach to label."""

    model: LinearModel
    version: str
    threshold: float
    lead_threshold: float  # for the document label from the lead sentence alone
    trained_on: dict[str, int] = dataclasses.field(default_factory=dict)
    # When the ACLED classes together reach this probability, the sentence reports an ACLED
    # incident and takes the likeliest of them, even where a class ACLED does not record
    # (OTHER, mostly) is likelier than each one alone. None: the likeliest class, plainly.
    acled_mass: float | None = None

    @property
    def label(self) -> str:
        return f"acled-{self.version}"

    def training_note(self) -> str:
        """What the classifier learned from, in one line (for reports): no evaluation set."""
        parts = [f"{name} ({n})" for name, n in self.trained_on.items()]
        return f"ACLED classifier {self.label}: trained on {' + '.join(parts) or '?'}"


def _is_armed(actor: Actor) -> bool:
    return actor.sector in ARMED_SECTORS or actor.country in ARMED_COUNTRIES


def _side_fits(wanted: str, actors: Sequence[Actor]) -> bool:
    if wanted == "*":
        return True
    if wanted == "none":
        return not actors
    if wanted == "armed":
        return any(_is_armed(a) for a in actors)
    if wanted == "civilian":
        return bool(actors) and all(a.sector and not _is_armed(a) for a in actors)
    raise ValueError(f"acled.tsv: unknown actor class {wanted!r}")


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[AcledRule, ...]:
    """The shipped hand rules, in order."""
    text = resources.files("eventscope.data").joinpath("events", "acled.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(AcledRule(**{k: v.strip() for k, v in row.items()}) for row in rows)


def default_model_dir() -> Path:
    return Path(str(resources.files("eventscope.data").joinpath("models", "acled")))


@functools.lru_cache(maxsize=4)
def load_acled_model(path: str | None = None) -> AcledModel | None:
    """The sentence classifier in folder ``path`` (default: the shipped one), or None where the
    folder has none (the hand rules label events then)."""
    folder = Path(path) if path else default_model_dir()
    weights, meta_file = folder / "acled.npz", folder / "meta.json"
    if not weights.is_file() or not meta_file.is_file():
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    digest = hashlib.sha256(meta_file.read_bytes() + weights.read_bytes()).hexdigest()[:8]
    return AcledModel(
        model=LinearModel.load(weights),
        version=f"{meta['version']}+{digest}",
        threshold=float(meta["threshold"]),
        lead_threshold=float(meta.get("lead_threshold", 1.0)),
        trained_on=dict(meta.get("trained_on", {})),
        acled_mass=None if meta.get("acled_mass") is None else float(meta["acled_mass"]),
    )


def rule_label(event: Event) -> str | None:
    """The hand rules' ACLED code for ``event`` (type, mode, sides), or None."""
    mode = _means(event)
    for rule in load_rules():
        if rule.fits(event, mode):
            return None if rule.code == NO_LABEL else rule.code
    return None


def acled_label(event: Event) -> str | None:
    """The hand rules' code for an event that happened, or None where ACLED defines none."""
    if event.factuality not in LABELLED_FACTUALITY:
        return None
    return rule_label(event)


def _means(event: Event) -> str:
    """The event's mode, made precise by the attacker's words where the mode is vague."""
    mode = event.mode or ""
    if event.type != "ASSAULT" or mode not in VAGUE_MODES:
        return mode
    words = {
        w.strip(".,;:'\"").lower()
        for text in [event.trigger.text, *(a.span.text for a in event.source)]
        for w in text.replace("-", " ").split()
    }
    return next((means for means, cues in MEANS_WORDS if words & cues), mode)


def acled_names(code: str) -> tuple[str, str] | None:
    """ACLED's event type and sub-event type for a code ("Battles", "Armed clash")."""
    return ACLED_TYPES.get(code)


def _side(actors: Sequence[Actor]) -> str:
    if not actors:
        return "none"
    if any(_is_armed(a) for a in actors):
        return "armed"
    return "civilian" if any(a.sector for a in actors) else "unknown"


def sentence_features(
    span: SpacySpan, events: Iterable[Event], following: SpacySpan | None = None
) -> list[str]:
    """What the classifier reads of one sentence: its words, word pairs and coded events, and
    the words of the sentence that follows (it often says what the first one left open: "An
    explosion hit the market. A suicide bomber ...")."""
    features = ["bias"]
    if following is not None:
        features.extend(f"n={t.lemma_.lower()}" for t in following if t.is_alpha and not t.is_stop)
    lemmas = []
    for token in span:
        if token.is_punct or token.is_space:
            continue
        lemma = "#" if token.like_num else token.lemma_.lower()
        lemmas.append(lemma)
        if token.is_alpha and not token.is_stop:
            features.append(f"w={lemma}")
    features.extend(f"b={a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False))
    found = False
    for event in events:
        found = True
        mode = _means(event)
        features += [
            f"t={event.type}",
            f"tm={event.type}/{mode}",
            f"tr={event.trigger.text.lower()}",
            f"f={event.factuality}",
            f"src={_side(event.source)}",
            f"tgt={_side(event.target)}",
            *(f"ss={a.sector}" for a in event.source if a.sector),
            *(f"ts={a.sector}" for a in event.target if a.sector),
            f"rule={rule_label(event) or 'none'}",
        ]
    if not found:
        features.append("t=none")
    return sorted(set(features))


def sentence_dense(span: SpacySpan) -> np.ndarray:
    """The mean of spaCy's contextual token vectors over the sentence (zeros without them):
    what the words mean in context, beyond the exact words the training snippets used."""
    tensor = getattr(span.doc, "tensor", None)
    if tensor is None or not len(tensor) or tensor.shape[0] != len(span.doc):
        return np.zeros(DENSE_SIZE, dtype=np.float32)
    rows = np.asarray(tensor[span.start : span.end], dtype=np.float32)
    if rows.shape[1] != DENSE_SIZE:
        return np.zeros(DENSE_SIZE, dtype=np.float32)
    mean = rows.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


def classify_sentences(
    model: AcledModel,
    items: Sequence[tuple[SpacySpan, Sequence[Event], SpacySpan | None]],
) -> list[tuple[str, float]]:
    """The class of each sentence (with its events and the sentence after it), with its
    probability: the most probable class, or where the ACLED classes together reach
    ``model.acled_mass``, the most probable ACLED class with that sum (``decide_class``)."""
    if not items:
        return []
    dense = None
    if model.model.dense_size:
        dense = np.vstack([sentence_dense(item[0]) for item in items])
    probs = model.model.probabilities([sentence_features(*item) for item in items], dense)
    return decide_class(model.model.classes, probs, model.acled_mass)


@functools.lru_cache(maxsize=8)
def _acled_columns(classes: tuple[str, ...]) -> np.ndarray:
    return np.array([c in ACLED_TYPES for c in classes])


def decide_class(
    classes: tuple[str, ...], probs: np.ndarray, acled_mass: float | None
) -> list[tuple[str, float]]:
    """Per row of class probabilities, the class and its probability. With ``acled_mass``,
    a row whose ACLED classes sum to at least that is an ACLED incident: the likeliest ACLED
    class, with the sum ("explosives were found" may be 0.4 OTHER, 0.3 disrupted weapons use
    and 0.2 spread over other ACLED types: an incident, of the likeliest type)."""
    out: list[tuple[str, float]] = []
    acled = _acled_columns(tuple(classes))
    for row in probs:
        if acled_mass is not None:
            mass = float(row[acled].sum())
            if mass >= acled_mass:
                k = int(np.where(acled, row, -1.0).argmax())
                out.append((classes[k], mass))
                continue
        k = int(row.argmax())
        out.append((classes[k], float(row[k])))
    return out


def can_carry(event: Event, code: str) -> bool:
    """Whether an event of this PLOVER type, so coded, can be an incident of ACLED ``code``."""
    if event.factuality not in LABELLED_FACTUALITY:
        return False
    return event.type in CARRIERS[ACLED_TYPES[code][0]]


# Words of an actor's phrase that make an armed group a militia (ACLED's 3) rather than
# rebels, and those that make a militia an identity militia (4): ethnic, communal, clan.
_MILITIA_WORDS = frozenset({"militia", "militias", "militiamen", "vigilante", "vigilantes"})
_IDENTITY_WORDS = frozenset(
    {"ethnic", "communal", "tribal", "clan", "community", "village", "herders", "herder"}
)
_EXTERNAL_COUNTRIES = frozenset({"IGO"})  # UN peacekeepers, NATO, African Union troops


def inter_code(actors: Sequence[Actor], code: str, where: str | None = None) -> int | None:
    """ACLED's inter code for one side of an event labelled ``code``, where the actors allow:
    state forces 1, rebels 2, political militias 3, identity militias 4 (ethnic, communal,
    clan), rioters 5 and protesters 6 (the unarmed side of a riot or protest), civilians 7,
    external forces 8 (international forces, and a country's military abroad: ``where`` is
    the country, ISO alpha-3, the event took place in, when known)."""
    if not actors:
        return None
    actor = actors[0]
    sector = actor.sector or ""
    words = {w.lower() for w in actor.name.split()} | {w.lower() for w in actor.span.text.split()}
    if sector in ARMED_SECTORS and actor.country in _EXTERNAL_COUNTRIES:
        return 8
    if sector == "MIL" and where and actor.country and actor.country != where:
        return 8
    if sector in {"REB", "PRM", "UAF"} and words & _MILITIA_WORDS:
        return 4 if words & _IDENTITY_WORDS else 3
    if sector == "REB" or actor.country in ARMED_COUNTRIES:
        return 2
    if sector in {"PRM", "UAF"}:
        return 3
    if sector in _STATE_SECTORS:
        return 1
    if sector in _CIVILIAN_SECTORS:
        event_type = ACLED_TYPES[code][0]
        if event_type == "Protests":
            return 6
        if event_type == "Riots":
            return 5
        return 7
    return None


def placed_inter_codes(event: Event, where: str | None) -> Event:
    """The event's inter codes again, now that the country it took place in is known (a
    military fighting abroad is an external force: 8)."""
    if not event.acled or not where:
        return event
    return dataclasses.replace(
        event,
        inter1=inter_code(event.source, event.acled, where),
        inter2=inter_code(event.target, event.acled, where),
    )


# Territory taken by force: ACLED tells the two apart by who took it, not by the words.
TERRITORY_TAKEN = frozenset({"GOVERNMENT_REGAINS_TERRITORY", "NON_STATE_ACTOR_OVERTAKES_TERRITORY"})
TERRITORY_CHANGES = TERRITORY_TAKEN | {"NON_VIOLENT_TRANSFER_OF_TERRITORY"}
_NON_STATE_SECTORS = frozenset({"REB"})
_STATE_FORCES = frozenset({"MIL", "COP", "SPY"})


# Demonstrators who block roads, railways or traffic, or put up barricades: a violent
# demonstration in ACLED's codebook even where nobody is hurt (CODEBOOK.md).
_BLOCKING = frozenset({"block", "blockade", "barricade", "shut", "close", "cut"})
_WAYS = frozenset(
    {"road", "highway", "railway", "rail", "street", "thoroughfare", "motorway", "traffic",
     "bridge", "intersection", "junction", "track", "route", "expressway", "freeway"}
)  # fmt: skip
_BARRICADES = frozenset({"barricade", "roadblock", "tyre", "tire"})


def blocks_roads(span: SpacySpan) -> bool:
    """Whether a protest sentence tells of roads blocked or barricades ("blocked roads and
    railways", "shut down major thoroughfares", "burning tyres"): a blocking word with a road
    among its next four words, or a barricade or tyre."""
    lemmas = [t.lemma_.lower() for t in span]
    for k, lemma in enumerate(lemmas):
        if lemma in _BARRICADES:
            return True
        if lemma in _BLOCKING and _WAYS.intersection(lemmas[k + 1 : k + 5]):
            return True
    return False


# Weapons stopped before use: found, seized or defused (ACLED counts every seizure or
# discovery of weapons, ammunition or explosives by the authorities, CODEBOOK.md).
_WEAPONS = frozenset(
    {"weapon", "firearm", "gun", "pistol", "rifle", "ammunition", "ammo", "explosive", "ied",
     "bomb", "grenade", "mine", "landmine", "rocket", "mortar", "arm", "cache", "detonator",
     "munition", "shell", "missile"}
)  # fmt: skip
_STOPPING = frozenset(
    {"find", "discover", "seize", "defuse", "recover", "confiscate", "intercept", "dismantle",
     "unearth", "uncover", "impound", "neutralize", "neutralise", "foil"}
)  # fmt: skip


def weapons_found(span: SpacySpan) -> bool:
    """Whether the sentence tells of weapons found, seized or defused: a verb of finding or
    stopping whose subject or object names weapons ("an arms cache was discovered", "police
    seized two rifles", "sappers defused the IED")."""
    for token in span:
        if token.pos_ != "VERB" or token.lemma_.lower() not in _STOPPING:
            continue
        for child in token.children:
            if child.dep_ in ("dobj", "nsubjpass", "nsubj") and any(
                t.lemma_.lower() in _WEAPONS for t in child.subtree
            ):
                return True
    return False


# The words of a PROTEST event that name a street demonstration (not a verbal protest, a
# strike or a boycott).
_DEMONSTRATION_WORDS = frozenset(
    {"protest", "protests", "protested", "protesting", "rally", "rallies", "rallied",
     "demonstration", "demonstrations", "demonstrated", "demonstrating", "march", "marches",
     "marched", "marching", "sit-in", "vigil"}
)  # fmt: skip


def is_demonstration(event: Event) -> bool:
    """Whether an event is a demonstration that happened (an asserted PROTEST whose trigger
    names a protest, a rally or a march, by someone named): ACLED records each one, whatever
    the sentence's other words are about (an election, a court case). A protest with no one
    named is too often a manner of speaking ("skipped the inauguration in protest", "the
    spirit of protest")."""
    if event.type != "PROTEST" or event.factuality != "asserted" or not event.source:
        return False
    return bool(_DEMONSTRATION_WORDS.intersection(event.trigger.text.lower().split()))


# Rape and sexual assault: ACLED's sexual violence, whoever did it (CODEBOOK.md); in the
# team's 7,620 snippets these words are in 246 of that class and 1 of another.
SEXUAL_VIOLENCE_WORDS = re.compile(
    r"\b(?:rap(?:e|ed|es|ing|ist|ists)|gang-?rap\w*"
    r"|sexual(?:ly)? (?:assault|abuse|violence|attack)\w*|sexually (?:assaulted|abused))\b",
    re.IGNORECASE,
)


_TAKING = frozenset(
    {"capture", "recapture", "seize", "retake", "take", "overrun", "storm", "liberate",
     "regain", "reclaim", "clear", "occupy", "wrest",
     # forms the lemmatizer leaves as they are
     "retook", "retaken", "overran", "recaptured", "retakes"}
)  # fmt: skip


def is_taking(token: Token) -> bool:
    """Whether the word is the act of taking a place, told as what happened now: not in a
    relative clause ("the town the rebels captured last year") nor in the past perfect
    ("a day after insurgents had stormed it"), which tell the background; a past perfect
    that reports ("the rebels said they had recaptured the town") is the news."""
    if token.lemma_.lower() not in _TAKING or token.dep_ == "relcl":
        return False
    if token.dep_ == "ccomp":
        return True
    return not any(c.dep_ == "aux" and c.lower_ == "had" for c in token.children)


def _takes_territory(doc: Doc, trigger: Span) -> bool:
    """Whether an event's trigger is a foreground act of taking a place (``is_taking``)."""
    span = doc.char_span(trigger.start, trigger.end, alignment_mode="expand")
    return span is not None and any(is_taking(token) for token in span)


def _subjects(doc: Doc, actors: Sequence[Actor], sentence: int) -> list[Actor]:
    """The actors of a sentence that are the subject of an act of taking a place
    ("rebels retook the town"; not "the militants were pushed back")."""
    out = []
    for actor in actors:
        if actor.sentence != sentence:
            continue
        span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
        if span is not None and span.root.dep_ == "nsubj" and is_taking(span.root.head):
            out.append(actor)
    return out


# A grenade thrown in a clash or an attack makes it a grenade attack (not a stun, smoke or
# tear-gas grenade, nor a rocket-propelled one).
GRENADE_WORDS = re.compile(
    r"(?<!stun )(?<!smoke )(?<!gas )(?<!flash )(?<!propelled )\bgrenades?\b", re.IGNORECASE
)


def codebook_class(span: SpacySpan, found: str, p: float, model: AcledModel) -> tuple[str, float]:
    """The classifier's class of a sentence (``found``, with its probability), or the one the
    codebook's rules give it: a road blockade makes a peaceful protest violent; weapons found
    or seized, where no ACLED class (or a territory class) was sure; sexual violence, where no
    class or a plain attack was; a grenade in a clash or an attack. A rule's class where none
    was sure takes the probability at which the classifier would label."""
    unsure = found not in ACLED_TYPES or p < model.threshold
    sure = max(p, model.threshold, model.lead_threshold)
    if found == "PEACEFUL_PROTEST" and blocks_roads(span):
        return "VIOLENT_DEMONSTRATION", p
    if (unsure or found in TERRITORY_CHANGES) and weapons_found(span):
        return "DISRUPTED_WEAPONS_USE", sure
    if (unsure or found == "ATTACK") and SEXUAL_VIOLENCE_WORDS.search(span.text):
        return "SEXUAL_VIOLENCE", sure
    if found in ("ARMED_CLASH", "ATTACK") and GRENADE_WORDS.search(span.text):
        return "GRENADE", p
    return found, p


def _is_state_forces(actors: Sequence[Actor]) -> bool:
    """Whether the first actor with a sector is an army, police or security service: an
    attack on them is a battle in ACLED's terms ("militants attacked a police post")."""
    actor = next((a for a in actors if a.sector), None)
    return actor is not None and actor.sector in _STATE_FORCES


def territory_side(taker: Sequence[Actor]) -> str | None:
    """Which of ACLED's two territory types an event whose source is ``taker`` is: state forces
    ("government forces recaptured the town") regain territory, rebels and transnational armed
    groups ("al-Shabab seized the village") overtake it. None where the first actor with a
    sector is neither (militias, unidentified gunmen, civilians) or nobody is named: the
    classifier's reading stands."""
    actor = next((a for a in taker if a.sector or a.country in ARMED_COUNTRIES), None)
    if actor is None:
        return None
    if actor.sector in _NON_STATE_SECTORS or actor.country in ARMED_COUNTRIES:
        return "NON_STATE_ACTOR_OVERTAKES_TERRITORY"
    if actor.sector in _STATE_SECTORS:
        return "GOVERNMENT_REGAINS_TERRITORY"
    return None


def _with_label(event: Event, code: str, fatalities: int | None) -> Event:
    violent = ACLED_TYPES[code][0] != "Strategic developments" or code in (
        "LOOTING_PROPERTY_DESTRUCTION",
    )
    return dataclasses.replace(
        event,
        acled=code,
        fatalities=fatalities if violent else None,
        inter1=inter_code(event.source, code),
        inter2=inter_code(event.target, code),
    )


@dataclass(frozen=True, slots=True)
class AcledReading:
    """An article's events with their ACLED labels, and the document's label: the main
    incident's most specific sub-event type (``labels.main_incident_acled``) or, where no event
    carries one, the lead sentence's class when the classifier is sure of it (a terse report
    whose act the event coder did not code: "Sappers defused an IED on the highway")."""

    events: tuple[Event, ...]
    document: str | None
    document_rule: str  # "events", "lead sentence", or "" when there is no label


def label_article(
    doc: Doc,
    sentences: Sequence[Sentence],
    events: Sequence[Event],
    model: AcledModel | None = None,
    *,
    actors: Sequence[Actor] = (),
) -> AcledReading:
    """The events, each with its ACLED label, fatalities and inter codes where it has them,
    and the document's ACLED label.

    ``model`` None: the hand rules. Sentences are read only where an event of a candidate type
    was coded, and the lead sentence, so an article costs one or a few sentences.
    """
    by_sentence: dict[int, list[Event]] = {}
    for event in events:
        by_sentence.setdefault(event.sentence, []).append(event)
    content = list(content_spans(doc, sentences))
    spans = {sentence.index: span for sentence, span in content}
    following = {a.index: b.index for (a, _), (b, _) in zip(content, content[1:], strict=False)}
    lead = content[0][0].index if content else None
    read = [
        n for n in sorted({*by_sentence, *([lead] if lead is not None else [])})
        if n in spans
        and (n == lead or any(e.type in CANDIDATE_TYPES for e in by_sentence.get(n, ())))
    ]  # fmt: skip
    decided: dict[int, tuple[str, float]] = {}
    if model is not None:
        items = [(spans[n], by_sentence.get(n, []), spans.get(following.get(n, -1))) for n in read]
        decided = dict(zip(read, classify_sentences(model, items), strict=True))
        decided = {n: codebook_class(spans[n], *decided[n], model) for n in read}

    @functools.cache
    def stated(n: int) -> int | None:
        span = spans.get(n)
        return sentence_fatalities(span) if span is not None else None

    def toll(n: int, code: str) -> int | None:
        """The sentence's toll, or the next one's where that goes on about the same incident
        ("... stormed a village. Six people were killed.")."""
        own = stated(n)
        nxt = following.get(n)
        if own is not None or nxt is None:
            return own
        found, _ = decided.get(nxt, ("OTHER", 0.0))
        if found in ACLED_TYPES and found != code and not same_incident(code, found):
            return None
        return stated(nxt)

    out: list[Event] = []
    for event in events:
        code: str | None
        if model is None:
            code = acled_label(event)
        else:
            found, p = decided.get(event.sentence, ("OTHER", 0.0))
            code = found if found in ACLED_TYPES and p >= model.threshold else None
            if code is not None and not can_carry(event, code):
                code = None
            # A demonstration in a sentence about no ACLED incident (an election, a trial).
            if code is None and found not in ACLED_TYPES and is_demonstration(event):
                code = "PEACEFUL_PROTEST"
            if code in TERRITORY_TAKEN and _takes_territory(doc, event.trigger):
                code = territory_side(event.source) or code
            elif code == "ATTACK" and _is_state_forces(event.target):
                code = "ARMED_CLASH"  # violence against civilians has civilian victims
        if code is None:
            out.append(dataclasses.replace(event, acled=None))
            continue
        out.append(_with_label(event, code, toll(event.sentence, code)))
    document = main_incident_acled(out)
    rule = "events" if document else ""
    if document is None and model is not None and lead is not None:
        found, p = decided.get(lead, ("OTHER", 0.0))
        if found in ACLED_TYPES and p >= model.lead_threshold:
            document, rule = found, "lead sentence"
            if found in TERRITORY_TAKEN:
                document = territory_side(_subjects(doc, actors, lead)) or found
    return AcledReading(tuple(out), document, rule)


def with_acled(events: Sequence[Event]) -> tuple[Event, ...]:
    """The events, each with the hand rules' ACLED label set (no parse needed)."""
    return tuple(dataclasses.replace(e, acled=acled_label(e)) for e in events)
