"""Flee's input tables as read: one frozen record per row, each remembering its line for messages."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")


@dataclass(frozen=True)
class FleeLocation:
    name: str
    region: str
    country: str
    lat: float | None
    lon: float | None
    location_type: str
    conflict_date: int | None
    population: int
    extra: dict[str, str]
    line: int


@dataclass(frozen=True)
class FleeRoute:
    name1: str
    name2: str
    distance_km: float
    forced_redirection: int
    extra: dict[str, str]
    line: int


@dataclass(frozen=True)
class FleeClosure:
    closure_type: str
    name1: str
    name2: str
    start_day: int
    end_day: int  # -1: never reopens
    line: int


@dataclass(frozen=True)
class FleeInput:
    """The tables of one Flee input directory, as read (names checked, numbers parsed)."""

    directory: Path
    locations: list[FleeLocation]
    routes: list[FleeRoute]
    closures: list[FleeClosure]
    conflict_names: list[str]  # locations with a positive conflict intensity on some day
    conflict_file: str | None  # which conflict file was read
    start: dt.date | None  # from sim_period.csv
    days: int | None
    notes: list[str] = field(default_factory=list)  # reading-time remarks for the warning

    @property
    def country_of(self) -> dict[str, str]:
        """Flee country name of each location."""
        return {loc.name: loc.country for loc in self.locations}
