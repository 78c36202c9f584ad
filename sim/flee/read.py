"""Read and check a Flee input directory; every malformed cell is a ScenarioError naming file, line and column."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import ScenarioError
from .conflicts import CONFLICT_FILES
from .kinds import KINDS, migsim_kind
from .rows import Row, rows
from .tables import CLOSURE_TYPES, FleeClosure, FleeInput, FleeLocation, FleeRoute


def _check_named(row: Row, cols: tuple[int, ...], known: set[str], what: str = "location") -> None:
    """The cells in ``cols`` name a known location (or country)."""
    for col in cols:
        if row.cells[col - 1] not in known:
            raise row.error(col, f"unknown {what} {row.cells[col - 1]!r} (not in locations.csv)")


def read_locations(path: Path) -> list[FleeLocation]:
    """locations.csv: name, region, country, latitude, longitude, location_type, conflict_date, population, ..."""
    out, seen = [], {}
    for row in rows(path, ("name",)):
        row.need(6, "name, region, country, latitude, longitude, location_type")
        name, region, country, _, _, location_type = row.cells[:6]
        if not name:
            raise row.error(1, "empty location name")
        if name in seen:
            raise row.error(1, f"duplicate location {name!r} (first on line {seen[name]})")
        seen[name] = row.line
        lat = row.optional(4, None, "a latitude")
        lon = row.optional(5, None, "a longitude")
        if lat is not None and not -90 <= lat <= 90:
            raise row.error(4, f"latitude {lat} is outside -90..90")
        if lon is not None and not -180 <= lon <= 180:
            raise row.error(5, f"longitude {lon} is outside -180..180")
        if migsim_kind(location_type) is None:
            raise row.error(6, f"unknown location_type {location_type!r}; Flee knows {', '.join(sorted(KINDS))}")
        conflict_date = row.optional(7, None, "a day number", int)
        population = row.optional(8, 0, "a whole number of people", int)
        if population < 0:
            raise row.error(8, f"negative population {population}")
        out.append(FleeLocation(name, region, country or "unknown", lat, lon, location_type.lower(), conflict_date,
                                population, row.custom_columns(8), row.line))
    if len(out) < 2:
        raise ScenarioError(path, None, f"found {len(out)} location(s); a network needs at least 2")
    return out


def read_routes(path: Path, names: set[str]) -> list[FleeRoute]:
    """routes.csv: name1, name2, distance (km), forced_redirection (0/1/2), custom columns..."""
    out = []
    for row in rows(path, ("name1",)):
        row.need(3, "name1, name2, distance")
        _check_named(row, (1, 2), names)
        distance = row.number(3, "a distance in km")
        if distance < 0:
            raise row.error(3, f"negative distance {distance}")
        forced = row.optional(4, 0, "0, 1 or 2", int)
        if forced not in (0, 1, 2):
            raise row.error(4, f"forced_redirection must be 0, 1 or 2, got {forced}")
        out.append(FleeRoute(row.cells[0], row.cells[1], distance, forced, row.custom_columns(4), row.line))
    if not out:
        raise ScenarioError(path, None, "no routes")
    return out


def read_closures(path: Path, names: set[str], countries: set[str]) -> list[FleeClosure]:
    """closures.csv: closure_type, name1, name2, closure_start, closure_end (days; -1 = end of run)."""
    out = []
    for row in rows(path, ("closure_type",)):
        row.need(5, "closure_type, name1, name2, closure_start, closure_end")
        kind = row.cells[0].lower()
        if kind not in CLOSURE_TYPES:
            raise row.error(1, f"unknown closure_type {row.cells[0]!r}; Flee knows {', '.join(CLOSURE_TYPES)}")
        named = (2, 3) if kind in ("country", "link", "remove_forced_redirection") else (2,)
        if kind == "country":
            _check_named(row, named, countries, "country")
        else:
            _check_named(row, named, names)
        start = row.number(4, "a day number", int)
        end = row.number(5, "a day number (-1 = never reopens)", int)
        if start < 0:
            raise row.error(4, f"closure_start {start} is negative")
        if end != -1 and end <= start:
            end = -1  # Flee reopens only when the day equals closure_end, so this one never reopens
        out.append(FleeClosure(kind, row.cells[1], row.cells[2], start, end, row.line))
    return out


def read_sim_period(path: Path) -> tuple[dt.date | None, int | None]:
    """sim_period.csv: ``StartDate,YYYY-MM-DD`` and ``Length,<days>``."""
    start = days = None
    for row in rows(path, ()):
        key = row.cells[0].lower()
        if key == "startdate" and len(row.cells) > 1:
            try:
                start = dt.date.fromisoformat(row.cells[1])
            except ValueError:
                raise row.error(2, f"expected a date YYYY-MM-DD, got {row.cells[1]!r}") from None
        elif key == "length" and len(row.cells) > 1:
            days = row.number(2, "a number of days", int)
    return start, days


def read_flee_dir(directory: str | Path) -> FleeInput:
    """Read a Flee input directory; every malformed cell is a ScenarioError naming file, line and column."""
    d = Path(directory)
    if not d.is_dir():
        raise ScenarioError(d, None, "not a directory (expected a Flee input directory with locations.csv and routes.csv)")
    for required in ("locations.csv", "routes.csv"):
        if not (d / required).is_file():
            raise ScenarioError(d / required, None, "file not found (a Flee input directory needs it)")
    locations = read_locations(d / "locations.csv")
    names = {loc.name for loc in locations}
    routes = read_routes(d / "routes.csv", names)
    closures = []
    if (d / "closures.csv").is_file():
        closures = read_closures(d / "closures.csv", names, {loc.country for loc in locations})
    conflict_names, notes, conflict_file = [], [], None
    for fname, reader in CONFLICT_FILES:
        if (d / fname).is_file():
            conflict_names, notes = reader(d / fname, names)
            conflict_file = fname
            break
    start = days = None
    if (d / "sim_period.csv").is_file():
        start, days = read_sim_period(d / "sim_period.csv")
    return FleeInput(d, locations, routes, closures, conflict_names, conflict_file, start, days, notes)
