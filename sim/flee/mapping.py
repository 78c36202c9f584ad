"""Map Flee's tables onto a migsim network and scenario (plain mappings), listing what has no counterpart."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import ScenarioError
from .assumptions import DEFAULT_DAYS, DEFAULT_START, RECONSIDERATION_DAYS, TARGET_AGENTS
from .closures import closure_timeline
from .kinds import location_kinds
from .places import country_codes, country_rows, location_rows
from .population import note_conflict_onsets, population_groups
from .segments import corridors, route_segments
from .tables import FleeInput


@dataclass(frozen=True)
class Imported:
    """A migsim network and scenario (plain mappings) and what could not be mapped."""

    network: dict
    scenario: dict
    kinds: dict[str, str]  # location -> migsim kind
    unmapped: list[str]


def _note_internal_displacement(flee: FleeInput, kinds: dict[str, str], home: str, unmapped: list[str]) -> None:
    """migsim counts a journey ending in the home country as a return, not as internal displacement."""
    country_of = flee.country_of
    home_country = country_of[home]
    home_places = [n for n, k in kinds.items()
                   if k in ("destination", "origin") and country_of[n] == home_country and n != home]
    if home_places:
        unmapped.append(f"displacement inside {home_country}: migsim counts a journey that ends in the home "
                        f"country (here at {', '.join(home_places)}) as a return home, not as internal displacement")


def to_migsim(flee: FleeInput, name: str, *, start: dt.date | None = None, days: int | None = None,
              mode: str = "bus", network_path: str = "") -> Imported:
    """Map Flee tables to a migsim network and scenario (plain mappings) and list what has no counterpart."""
    unmapped = list(flee.notes)
    start = start or flee.start or DEFAULT_START
    days = days or flee.days or DEFAULT_DAYS
    kinds = location_kinds(flee)
    origins = [n for n, k in kinds.items() if k == "origin"]
    if not origins:
        raise ScenarioError(flee.directory / "locations.csv", "location_type",
                            "no conflict zone (location_type conflict_zone, or a location in conflicts.csv): "
                            "there is nobody to displace")

    codes = country_codes(list(dict.fromkeys(loc.country for loc in flee.locations)))
    countries = country_rows(flee, kinds, codes)
    locations = location_rows(flee, kinds, codes, unmapped)
    segments = route_segments(flee, mode, unmapped)
    timeline = closure_timeline(flee, segments, codes, start, days, unmapped)
    population = population_groups(flee, kinds, origins, unmapped)
    note_conflict_onsets(flee, kinds, unmapped)
    extra_cols = sorted({k for loc in flee.locations for k in loc.extra if k != "initial_idps"})
    if extra_cols:
        unmapped.append(f"locations.csv custom columns: {', '.join(extra_cols)}")
    home = origins[0]
    _note_internal_displacement(flee, kinds, home, unmapped)

    network = {
        "name": name,
        "description": f"Imported from the Flee input directory {flee.directory.name} by `migsim import-flee`.",
        "countries": countries, "locations": locations, "segments": segments,
        "routes": corridors(segments, kinds),
    }
    total = sum(g["people"] for g in population)
    scenario = {
        "name": name,
        "description": f"Flee situation {flee.directory.name} imported by `migsim import-flee`; "
                       "behaviour weights are migsim's defaults, not calibrated to it.",
        "start": start, "end": start + dt.timedelta(days=days - 1), "seed": 0,
        "scale": max(1, round(total / TARGET_AGENTS)),
        "network": network_path, "home": home, "population": population,
        "behaviour": {"reconsideration_days": RECONSIDERATION_DAYS},
        "policy": {"timeline": timeline},
    }
    return Imported(network, scenario, kinds, unmapped)
