"""Request parameters: parsed and checked into the typed filters the queries take.

A bad value raises ``ParamError`` naming the parameter and saying why; the API answers it
with 422, like FastAPI's own validation errors (both shaped by ``error_body``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any, get_args

from eventscope.events.acled import ACLED_TYPES
from eventscope.events.codes import PLOVER_TYPES, QUADS
from eventscope.records import Factuality
from eventscope.serve.queries import EventFilter, Page

FACTUALITIES: tuple[str, ...] = get_args(Factuality)
# PLOVER's quad classes by number (1 verbal cooperation ... 4 material conflict) or name.
QUAD_NUMBERS = {str(number): quad for number, quad in enumerate(QUADS, start=1)}
_COUNTRY = re.compile(r"^[A-Za-z]{3}$")
MAX_TEXT = 200  # characters of a free-text parameter (actor, q, speaker)


class ParamError(ValueError):
    """A request parameter that cannot be used: which one, and why."""

    def __init__(self, name: str, message: str, *, where: str = "query") -> None:
        super().__init__(f"{where} parameter {name!r}: {message}")
        self.name = name
        self.message = message
        self.where = where


def error_body(errors: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body: one readable ``message`` and the per-parameter ``detail`` list."""
    lines = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else "request"
        name = ".".join(loc[1:]) or where
        lines.append(f"{where} parameter {name!r}: {error.get('msg', 'invalid')}")
    return {"message": "; ".join(lines), "detail": list(errors)}


def _values(name: str, raw: Sequence[str] | None) -> list[str]:
    """A repeatable parameter, also accepting comma-separated values (type=A,B&type=C)."""
    out: list[str] = []
    for item in raw or ():
        out.extend(part.strip() for part in item.split(",") if part.strip())
    if len(out) > 50:
        raise ParamError(name, "at most 50 values")
    return out


def countries(raw: Sequence[str] | None, name: str = "country") -> tuple[str, ...]:
    found = _values(name, raw)
    for value in found:
        if not _COUNTRY.match(value):
            raise ParamError(name, f"{value!r} is not an ISO 3166 alpha-3 code (SYR, USA ...)")
    return tuple(value.upper() for value in found)


def event_types(raw: Sequence[str] | None) -> tuple[str, ...]:
    found = [value.upper() for value in _values("type", raw)]
    for value in found:
        if value not in PLOVER_TYPES:
            raise ParamError(
                "type", f"{value!r} is not a PLOVER event type; one of {', '.join(PLOVER_TYPES)}"
            )
    return tuple(found)


def quads(raw: Sequence[str] | None) -> tuple[str, ...]:
    out = []
    for value in _values("quad", raw):
        quad = QUAD_NUMBERS.get(value, value.upper())
        if quad not in QUADS:
            raise ParamError(
                "quad", f"{value!r} is not a quad class; 1-4 or one of {', '.join(QUADS)}"
            )
        out.append(quad)
    return tuple(out)


def factualities(raw: Sequence[str] | None) -> tuple[str, ...]:
    found = [value.lower() for value in _values("factuality", raw)]
    for value in found:
        if value not in FACTUALITIES:
            raise ParamError("factuality", f"{value!r} is not one of {', '.join(FACTUALITIES)}")
    return tuple(found)


def acled_codes(raw: Sequence[str] | None) -> tuple[str, ...]:
    """ACLED sub-event codes; an ACLED event type ("Battles") stands for all of its codes."""
    by_type: dict[str, list[str]] = {}
    for code, (event_type, _) in ACLED_TYPES.items():
        by_type.setdefault(event_type.lower(), []).append(code)
    out: list[str] = []
    for value in _values("acled", raw):
        if value.upper() in ACLED_TYPES:
            out.append(value.upper())
        elif value.lower() in by_type:
            out.extend(by_type[value.lower()])
        else:
            raise ParamError(
                "acled",
                f"{value!r} is not an ACLED sub-event code ({', '.join(ACLED_TYPES)}) or "
                f"event type ({', '.join(sorted({t for t, _ in ACLED_TYPES.values()}))})",
            )
    return tuple(out)


def fatalities_floor(raw: int | None) -> int | None:
    if raw is not None and raw < 0:
        raise ParamError("min_fatalities", "must be 0 or more")
    return raw


def bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees."""
    if raw is None or not raw.strip():
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise ParamError("bbox", "four numbers expected: west,south,east,north (degrees)")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise ParamError("bbox", "four numbers expected: west,south,east,north (degrees)") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ParamError("bbox", "coordinates must be finite numbers")
    if not (-180 <= west <= east <= 180):
        raise ParamError("bbox", "longitudes must satisfy -180 <= west <= east <= 180")
    if not (-90 <= south <= north <= 90):
        raise ParamError("bbox", "latitudes must satisfy -90 <= south <= north <= 90")
    return west, south, east, north


def text(name: str, raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_TEXT:
        raise ParamError(name, f"at most {MAX_TEXT} characters")
    return raw.strip()


def date_range(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and since > until:
        raise ParamError("until", f"{until} is before since ({since})")


def event_filter(
    *,
    since: dt.date | None,
    until: dt.date | None,
    country: Sequence[str] | None,
    actor: str | None,
    type: Sequence[str] | None,
    quad: Sequence[str] | None,
    factuality: Sequence[str] | None,
    q: str | None,
    bbox_raw: str | None,
    actor_id: str | None = None,
    acled: Sequence[str] | None = None,
    min_fatalities: int | None = None,
) -> EventFilter:
    date_range(since, until)
    return EventFilter(
        since=since,
        until=until,
        countries=countries(country),
        actor=text("actor", actor),
        types=event_types(type),
        quads=quads(quad),
        factualities=factualities(factuality),
        text=text("q", q),
        bbox=bbox(bbox_raw),
        actor_id=text("actor_id", actor_id),
        acled=acled_codes(acled),
        min_fatalities=fatalities_floor(min_fatalities),
    )


def page(limit: int, offset: int, *, max_size: int) -> Page:
    if limit < 1 or limit > max_size:
        raise ParamError("limit", f"must be between 1 and {max_size} (the page size limit)")
    if offset < 0:
        raise ParamError("offset", "must be 0 or more")
    return Page(limit, offset)
