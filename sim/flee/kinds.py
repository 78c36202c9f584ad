"""Flee location types as migsim location kinds: conflict zones are origins, camps destinations."""
from __future__ import annotations

from .tables import FleeInput

KINDS = {
    "conflict_zone": "origin", "conflict": "origin", "flood_zone": "origin",
    "camp": "destination", "idpcamp": "destination",
    "town": "transit_hub", "default": "transit_hub", "forwarding_hub": "transit_hub",
    "forward": "transit_hub", "marker": "transit_hub",
}


def migsim_kind(location_type: str) -> str | None:
    """migsim kind of a Flee location_type (Flee matches by substring: 'conflict', 'camp', ...)."""
    t = location_type.lower()
    if t in KINDS:
        return KINDS[t]
    for key in ("conflict", "camp", "forward", "marker", "town", "flood_zone"):
        if key in t:
            return KINDS[key if key != "forward" else "forwarding_hub"]
    return None


def location_kinds(flee: FleeInput) -> dict[str, str]:
    """migsim kind of every location; a town that conflicts.csv puts in conflict becomes an origin."""
    conflict = set(flee.conflict_names)
    kinds: dict[str, str] = {}
    for loc in flee.locations:
        kind = migsim_kind(loc.location_type)
        if loc.name in conflict and kind == "transit_hub":
            kind = "origin"
        kinds[loc.name] = kind
    return kinds
