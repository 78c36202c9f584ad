"""Import a Flee (3.x) input directory as a migsim network and a scenario that runs as it is.

Flee (https://github.com/djgroen/flee) describes a displacement situation with positional CSV
tables: ``locations.csv`` (name, region, country, latitude, longitude, location_type,
conflict_date, population, custom columns...), ``routes.csv`` (name1, name2, distance,
forced_redirection, custom columns...), ``closures.csv`` (closure_type, name1, name2,
closure_start, closure_end in days from the start, -1 = never reopens), ``conflicts.csv`` (a day
x location table of conflict intensity) and ``sim_period.csv`` (StartDate, Length). Rows whose
first cell starts with ``#`` are headers or comments, as in Flee.

Reading (:func:`read_flee_dir`) and mapping (:func:`to_migsim`) are pure; :func:`write_import`
writes the two YAML files atomically. Whatever has no migsim counterpart is listed in
``Imported.unmapped`` so the caller can warn once, never silently dropped.

Mapping choices (also written as comments into the files):

- location_type: conflict_zone / conflict (and any location with conflict in conflicts.csv)
  -> ``origin``; camp, idpcamp -> ``destination``; town, forwarding_hub, marker ->
  ``transit_hub`` (in Flee, camps are where people stop; towns are passed through with a daily
  move chance of 0.3); flood_zone (DFlee) -> ``origin``.
- routes -> segments of ``mode`` (bus by default), no fares, fees or hazards.
- country closures (two-way, as Flee enacts them) -> ``controlled_by`` on the segments crossing
  between the two countries, and dated ``border_control`` levers (intensity 1.0, push_back;
  back to 0 when the closure ends).
- location and link closures -> migsim has no closure lever: modelled as a prohibitive
  ``smuggling_fee`` (fee_usd) on each segment concerned, set back to 0 when the closure ends.
- conflict-zone populations (Flee's population column) and ``initial_idps`` -> population groups.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ScenarioError

PROHIBITIVE_FEE_USD = 10_000_000  # a "closed" segment: no one can pay it, so no one chooses it
DEFAULT_INCOME_USD = 400.0  # neutral income everywhere (USD/month) ...
CONFLICT_INCOME_USD = 100.0  # ... but lower in countries with a conflict zone (the push)
DEFAULT_LEGAL_CHANCE = 0.5  # the same chance of legal status everywhere (neutral)
TARGET_AGENTS = 50_000  # people per agent is chosen to give about this many agents
RECONSIDERATION_DAYS = 30.0  # assumption: people in conflict zones reconsider monthly
KINDS = {
    "conflict_zone": "origin", "conflict": "origin", "flood_zone": "origin",
    "camp": "destination", "idpcamp": "destination",
    "town": "transit_hub", "default": "transit_hub", "forwarding_hub": "transit_hub",
    "forward": "transit_hub", "marker": "transit_hub",
}
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


@dataclass(frozen=True)
class Imported:
    """A migsim network and scenario (plain mappings) and what could not be mapped."""

    network: dict
    scenario: dict
    kinds: dict[str, str]  # location -> migsim kind
    unmapped: list[str]


# --- reading ---------------------------------------------------------------------------------


def _rows(path: Path, header_first: tuple[str, ...]):
    """(line number, cells, header) for each data row; header rows start with '#' as in Flee."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    header: list[str] = []
    reader = csv.reader(text.splitlines())
    try:
        for cells in reader:
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            first = cells[0].lstrip("#").strip().lower()
            if cells[0].startswith("#") or (not header and first in header_first):
                if first in header_first or not header:
                    header = [cells[0].lstrip("#").strip()] + cells[1:]
                continue
            yield reader.line_num, cells, header
    except csv.Error as exc:
        raise ScenarioError(path, f"line {reader.line_num}", f"malformed CSV: {exc}") from None


def _where(line: int, col: int, header: list[str]) -> str:
    name = header[col - 1] if 0 < col <= len(header) and header[col - 1] else None
    return f"line {line}, column {col}" + (f" ({name})" if name else "")


def _number(path, line, col, header, text: str, kind=float, what="a number"):
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        raise ScenarioError(path, _where(line, col, header), f"expected {what}, got {text!r}") from None
    if kind is int and float(text) != int(float(text)):
        raise ScenarioError(path, _where(line, col, header), f"expected a whole number, got {text!r}")
    return value


def _need(path, line, cells, header, n: int, what: str) -> None:
    if len(cells) < n:
        raise ScenarioError(path, _where(line, len(cells) + 1, header),
                            f"expected at least {n} columns ({what}), found {len(cells)}")


def read_locations(path: Path) -> list[FleeLocation]:
    """locations.csv: name, region, country, latitude, longitude, location_type, conflict_date, population, ..."""
    out, seen = [], {}
    for line, c, header in _rows(path, ("name",)):
        _need(path, line, c, header, 6, "name, region, country, latitude, longitude, location_type")
        if not c[0]:
            raise ScenarioError(path, _where(line, 1, header), "empty location name")
        if c[0] in seen:
            raise ScenarioError(path, _where(line, 1, header), f"duplicate location {c[0]!r} (first on line {seen[c[0]]})")
        seen[c[0]] = line
        lat = _number(path, line, 4, header, c[3], what="a latitude") if c[3] else None
        lon = _number(path, line, 5, header, c[4], what="a longitude") if c[4] else None
        if lat is not None and not -90 <= lat <= 90:
            raise ScenarioError(path, _where(line, 4, header), f"latitude {lat} is outside -90..90")
        if lon is not None and not -180 <= lon <= 180:
            raise ScenarioError(path, _where(line, 5, header), f"longitude {lon} is outside -180..180")
        kind = c[5].lower()
        if _kind_of(kind) is None:
            raise ScenarioError(path, _where(line, 6, header),
                                f"unknown location_type {c[5]!r}; Flee knows {', '.join(sorted(KINDS))}")
        cdate = _number(path, line, 7, header, c[6], int, "a day number") if len(c) > 6 and c[6] else None
        pop = _number(path, line, 8, header, c[7], int, "a whole number of people") if len(c) > 7 and c[7] else 0
        if pop < 0:
            raise ScenarioError(path, _where(line, 8, header), f"negative population {pop}")
        extra = {(header[i] if i < len(header) and header[i] else f"column {i + 1}"): v
                 for i, v in enumerate(c[8:], start=8) if v}
        out.append(FleeLocation(c[0], c[1], c[2] or "unknown", lat, lon, kind, cdate, pop, extra, line))
    if len(out) < 2:
        raise ScenarioError(path, None, f"found {len(out)} location(s); a network needs at least 2")
    return out


def _kind_of(location_type: str) -> str | None:
    """migsim kind of a Flee location_type (Flee matches by substring: 'conflict', 'camp', ...)."""
    t = location_type.lower()
    if t in KINDS:
        return KINDS[t]
    for key in ("conflict", "camp", "forward", "marker", "town", "flood_zone"):
        if key in t:
            return KINDS[key if key != "forward" else "forwarding_hub"]
    return None


def read_routes(path: Path, names: set[str]) -> list[FleeRoute]:
    """routes.csv: name1, name2, distance (km), forced_redirection (0/1/2), custom columns..."""
    out = []
    for line, c, header in _rows(path, ("name1",)):
        _need(path, line, c, header, 3, "name1, name2, distance")
        for col in (1, 2):
            if c[col - 1] not in names:
                raise ScenarioError(path, _where(line, col, header),
                                    f"unknown location {c[col - 1]!r} (not in locations.csv)")
        dist = _number(path, line, 3, header, c[2], what="a distance in km")
        if dist < 0:
            raise ScenarioError(path, _where(line, 3, header), f"negative distance {dist}")
        fr = _number(path, line, 4, header, c[3], int, "0, 1 or 2") if len(c) > 3 and c[3] else 0
        if fr not in (0, 1, 2):
            raise ScenarioError(path, _where(line, 4, header), f"forced_redirection must be 0, 1 or 2, got {fr}")
        extra = {(header[i] if i < len(header) and header[i] else f"column {i + 1}"): v
                 for i, v in enumerate(c[4:], start=4) if v}
        out.append(FleeRoute(c[0], c[1], dist, fr, extra, line))
    if not out:
        raise ScenarioError(path, None, "no routes")
    return out


def read_closures(path: Path, names: set[str], countries: set[str]) -> list[FleeClosure]:
    """closures.csv: closure_type, name1, name2, closure_start, closure_end (days; -1 = end of run)."""
    out = []
    for line, c, header in _rows(path, ("closure_type",)):
        _need(path, line, c, header, 5, "closure_type, name1, name2, closure_start, closure_end")
        kind = c[0].lower()
        if kind not in CLOSURE_TYPES:
            raise ScenarioError(path, _where(line, 1, header),
                                f"unknown closure_type {c[0]!r}; Flee knows {', '.join(CLOSURE_TYPES)}")
        known, what = (countries, "country") if kind == "country" else (names, "location")
        used = (1, 2) if kind in ("country", "link", "remove_forced_redirection") else (1,)
        for col in used:
            if c[col] not in known:
                raise ScenarioError(path, _where(line, col + 1, header),
                                    f"unknown {what} {c[col]!r} (not in locations.csv)")
        start = _number(path, line, 4, header, c[3], int, "a day number")
        end = _number(path, line, 5, header, c[4], int, "a day number (-1 = never reopens)")
        if start < 0:
            raise ScenarioError(path, _where(line, 4, header), f"closure_start {start} is negative")
        if end != -1 and end <= start:
            end = -1  # Flee reopens only when the day equals closure_end, so this one never reopens
        out.append(FleeClosure(kind, c[1], c[2], start, end, line))
    return out


def read_conflicts(path: Path, names: set[str]) -> tuple[list[str], list[str]]:
    """conflicts.csv (#Day, location, ...; one row per day): locations ever in conflict, and notes."""
    header: list[str] = []
    ever: set[str] = set()
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(text.splitlines())
    for cells in reader:
        cells = [x.strip() for x in cells]
        if not any(cells):
            continue
        if not header:
            header = [cells[0].lstrip("#").strip()] + cells[1:]
            continue
        _number(path, reader.line_num, 1, header, cells[0], int, "a day number")
        for i, v in enumerate(cells[1:], start=1):
            if i >= len(header) or not header[i]:
                continue
            value = _number(path, reader.line_num, i + 1, header, v, what="a conflict intensity") if v else 0.0
            if value > 0:
                ever.add(header[i])
    notes = []
    unknown = [h for h in header[1:] if h and h not in names and h.lower() != "name"]
    if unknown:
        notes.append(f"{path.name}: columns naming no location ignored: {', '.join(unknown)}")
    return [n for n in header[1:] if n in ever and n in names], notes


def read_conflict_periods(path: Path, names: set[str]) -> tuple[list[str], list[str]]:
    """conflict_periods.csv (name first, then period columns): the locations named are conflict zones."""
    found, unknown = [], []
    for _line, c, _header in _rows(path, ("name",)):
        (found if c[0] in names else unknown).append(c[0])
    notes = [f"{path.name}: rows naming no location ignored: {', '.join(unknown)}"] if unknown else []
    return list(dict.fromkeys(found)), notes


def read_sim_period(path: Path) -> tuple[dt.date | None, int | None]:
    """sim_period.csv: ``StartDate,YYYY-MM-DD`` and ``Length,<days>``."""
    start = days = None
    for line, c, header in _rows(path, ()):
        key = c[0].lower()
        if key == "startdate" and len(c) > 1:
            try:
                start = dt.date.fromisoformat(c[1])
            except ValueError:
                raise ScenarioError(path, _where(line, 2, header), f"expected a date YYYY-MM-DD, got {c[1]!r}") from None
        elif key == "length" and len(c) > 1:
            days = _number(path, line, 2, header, c[1], int, "a number of days")
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
    for fname, reader in (("conflicts.csv", read_conflicts), ("conflict_periods.csv", read_conflict_periods)):
        if (d / fname).is_file():
            conflict_names, notes = reader(d / fname, names)
            conflict_file = fname
            break
    start = days = None
    if (d / "sim_period.csv").is_file():
        start, days = read_sim_period(d / "sim_period.csv")
    return FleeInput(d, locations, routes, closures, conflict_names, conflict_file, start, days, notes)


# --- mapping ---------------------------------------------------------------------------------


def country_codes(countries: list[str]) -> dict[str, str]:
    """A short upper-case code per Flee country name (kept if it already is 2-3 letters; not ISO)."""
    codes: dict[str, str] = {}
    used: set[str] = set()
    for name in countries:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        letters = re.sub(r"[^A-Za-z0-9]", "", ascii_name).upper()
        base = letters if 2 <= len(letters) <= 3 and name.isupper() else (letters[:3] or "UNK")
        code, k = base, 1
        while code in used:
            k += 1
            code = f"{base[:2]}{k}"
        used.add(code)
        codes[name] = code
    return codes


def _segments(flee: FleeInput, mode: str, unmapped: list[str]) -> list[dict]:
    segments, seen = [], {}
    zero = []
    for r in flee.routes:
        if r.name1 == r.name2:
            unmapped.append(f"routes.csv line {r.line}: a link from {r.name1!r} to itself (dropped)")
            continue
        key = frozenset((r.name1, r.name2))
        if key in seen:
            unmapped.append(f"routes.csv line {r.line}: second link {r.name1} - {r.name2} (kept line {seen[key]})")
            continue
        seen[key] = r.line
        distance = r.distance_km
        if distance <= 0:
            zero.append(f"{r.name1} - {r.name2}")
            distance = 1.0
        segments.append({
            "from": r.name1, "to": r.name2, "distance_km": float(distance), "mode": mode,
            "travel_cost_usd": 0, "smuggling_fee_usd": 0, "criminal_network": "",
            "death_hazard_daily": 0, "child_abandonment_hazard_daily": 0,
            "controlled_by": "", "controlled_by_reverse": "", "crossing": "",
        })
    if zero:
        unmapped.append(f"routes.csv: zero distances set to 1 km (migsim needs > 0): {', '.join(zero)}")
    forced = [f"{r.name1} - {r.name2} ({r.forced_redirection})" for r in flee.routes if r.forced_redirection]
    if forced:
        unmapped.append("routes.csv forced_redirection (no migsim counterpart: migrants choose freely; "
                        "forwarding hubs are transit hubs, so nobody settles there): " + ", ".join(forced))
    extra = sorted({k for r in flee.routes for k in r.extra})
    if extra:
        unmapped.append(f"routes.csv custom columns (e.g. max_move_speed; speeds are per mode in migsim's "
                        f"behaviour.speed_km_per_day): {', '.join(extra)}")
    return segments


def _day_to_date(start: dt.date, day: int) -> dt.date:
    return start + dt.timedelta(days=day)


def _closures(flee: FleeInput, segments: list[dict], loc_country: dict[str, str], codes: dict[str, str],
              start: dt.date, days: int, unmapped: list[str]) -> list[dict]:
    """Dated levers for Flee's closures; sets controlled_by on segments crossing closed borders."""
    timeline: list[tuple[dt.date, int, dict]] = []
    windows: dict[str, set] = {}
    order = 0

    def add(day: int, lever: dict):
        nonlocal order
        order += 1
        timeline.append((_day_to_date(start, day), order, {"date": _day_to_date(start, day), **lever}))

    for c in flee.closures:
        where = f"closures.csv line {c.line}"
        if c.start_day >= days:
            unmapped.append(f"{where}: {c.closure_type} closure starts on day {c.start_day}, after the run's "
                            f"{days} days")
            continue
        reopens = c.end_day != -1 and c.end_day < days
        if c.closure_type == "country":
            a, b = codes[c.name1], codes[c.name2]
            crossing = 0
            for s in segments:
                ca, cb = codes[loc_country[s["from"]]], codes[loc_country[s["to"]]]
                if {ca, cb} == {a, b} and ca != cb:
                    s["controlled_by"], s["controlled_by_reverse"] = cb, ca  # two-way, as Flee enacts it
                    crossing += 1
            if crossing == 0:
                unmapped.append(f"{where}: no route crosses between {c.name1} and {c.name2}; closure has no effect")
                continue
            for code in (a, b):
                windows.setdefault(code, set()).add((c.start_day, c.end_day))
                add(c.start_day, {"lever": "border_control", "country": code, "intensity": 1.0,
                                  "response": "push_back"})
                if reopens:
                    add(c.end_day, {"lever": "border_control", "country": code, "intensity": 0.0,
                                    "response": "push_back"})
        elif c.closure_type in ("location", "link"):
            if c.closure_type == "location":
                hit = [s for s in segments if c.name1 in (s["from"], s["to"])]
            else:
                hit = [s for s in segments if {s["from"], s["to"]} == {c.name1, c.name2}]
            if not hit:
                unmapped.append(f"{where}: {c.closure_type} closure of {c.name1} touches no route")
                continue
            for s in hit:
                seg = [s["from"], s["to"]]
                add(c.start_day, {"lever": "smuggling_fee", "segment": seg, "fee_usd": PROHIBITIVE_FEE_USD})
                if reopens:
                    add(c.end_day, {"lever": "smuggling_fee", "segment": seg, "fee_usd": 0})
        else:
            unmapped.append(f"{where}: closure_type {c.closure_type!r} ({c.name1}) has no migsim lever "
                            "(camps do not change kind or capacity during a run)")
    shared = sorted(code for code, w in windows.items() if len(w) > 1)
    if shared:
        unmapped.append("border_control acts on a whole country: closures of different borders of "
                        f"{', '.join(shared)} on different days apply to all its closed borders at once")
    timeline.sort(key=lambda t: (t[0], t[1]))
    return [lever for _, _, lever in timeline]


def _corridors(segments: list[dict], kinds: dict[str, str]) -> list[dict]:
    """Named routes: the shortest path from each origin to each destination; every link if none."""
    import networkx as nx

    graph = nx.Graph()
    for s in segments:
        graph.add_edge(s["from"], s["to"], weight=s["distance_km"])
    routes = []
    origins = [n for n, k in kinds.items() if k == "origin" and n in graph]
    camps = [n for n, k in kinds.items() if k == "destination" and n in graph]
    for o in origins:
        lengths, paths = nx.single_source_dijkstra(graph, o, weight="weight")
        for d in camps:
            if d in paths and d != o:
                routes.append({"name": f"{o} to {d}", "via": paths[d]})
    if not routes:
        routes = [{"name": f"{s['from']} - {s['to']}", "via": [s["from"], s["to"]]} for s in segments]
    return routes


def to_migsim(flee: FleeInput, name: str, *, start: dt.date | None = None, days: int | None = None,
              mode: str = "bus", network_path: str = "") -> Imported:
    """Map Flee tables to a migsim network and scenario (plain mappings) and list what has no counterpart."""
    unmapped = list(flee.notes)
    start = start or flee.start or dt.date(2024, 1, 1)
    days = days or flee.days or 180
    conflict = set(flee.conflict_names)
    kinds: dict[str, str] = {}
    for loc in flee.locations:
        kind = _kind_of(loc.location_type)
        if loc.name in conflict and kind == "transit_hub":
            kind = "origin"  # a town that conflicts.csv turns into a conflict zone
        kinds[loc.name] = kind
    origins = [n for n, k in kinds.items() if k == "origin"]
    if not origins:
        raise ScenarioError(flee.directory / "locations.csv", "location_type",
                            "no conflict zone (location_type conflict_zone, or a location in conflicts.csv): "
                            "there is nobody to displace")

    countries = list(dict.fromkeys(loc.country for loc in flee.locations))
    codes = country_codes(countries)
    conflict_countries = {loc.country for loc in flee.locations if kinds[loc.name] == "origin"}
    country_rows = [{
        "code": codes[c], "name": c,
        "income_usd_month": CONFLICT_INCOME_USD if c in conflict_countries else DEFAULT_INCOME_USD,
        "legal_status_chance": DEFAULT_LEGAL_CHANCE, "visa_required": False,
    } for c in countries]

    no_coords = [loc.name for loc in flee.locations if loc.lat is None or loc.lon is None]
    if no_coords:
        unmapped.append(f"locations.csv: no coordinates, placed at 0, 0: {', '.join(no_coords)}")
    location_rows = [{
        "name": loc.name, "country": codes[loc.country], "lat": loc.lat or 0.0, "lon": loc.lon or 0.0,
        "kind": kinds[loc.name],
    } for loc in flee.locations]

    segments = _segments(flee, mode, unmapped)
    loc_country = {loc.name: loc.country for loc in flee.locations}
    timeline = _closures(flee, segments, loc_country, codes, start, days, unmapped)

    population, hosts, capacity = [], [], []
    for loc in flee.locations:
        idps = loc.extra.get("initial_idps", "")
        people = loc.population if kinds[loc.name] == "origin" else 0
        if idps:
            try:
                people += int(float(idps))
            except ValueError:
                raise ScenarioError(flee.directory / "locations.csv", f"line {loc.line} (initial_idps)",
                                    f"expected a whole number of people, got {idps!r}") from None
        elif loc.population and kinds[loc.name] == "destination":
            capacity.append(f"{loc.name} ({loc.population:,})")
        elif loc.population and kinds[loc.name] != "origin":
            hosts.append(loc.name)
        if people > 0:
            population.append({"location": loc.name, "people": people})
    if not population:
        raise ScenarioError(flee.directory / "locations.csv", "population",
                            f"the conflict zones ({', '.join(origins)}) have no population; "
                            "fill Flee's population column")
    if capacity:
        unmapped.append("camp capacities (migsim locations have no capacity): " + ", ".join(capacity))
    if hosts:
        unmapped.append("populations of towns/hubs (residents, not displaced people): " + ", ".join(hosts))
    delayed = [f"{loc.name} (day {loc.conflict_date})" for loc in flee.locations
               if kinds[loc.name] == "origin" and loc.conflict_date]
    if delayed or flee.conflict_file:
        unmapped.append("conflict onset dates and intensities"
                        + (f" ({flee.conflict_file})" if flee.conflict_file else "")
                        + ": migsim has no time-varying push, so every conflict zone's population can leave "
                        "from day 0" + (f"; delayed in Flee: {', '.join(delayed)}" if delayed else ""))
    extra_cols = sorted({k for loc in flee.locations for k in loc.extra if k != "initial_idps"})
    if extra_cols:
        unmapped.append(f"locations.csv custom columns: {', '.join(extra_cols)}")
    home = origins[0]
    home_country = loc_country[home]
    home_places = [n for n, k in kinds.items()
                   if k in ("destination", "origin") and loc_country[n] == home_country and n != home]
    if home_places:
        unmapped.append(f"displacement inside {home_country}: migsim counts a journey that ends in the home "
                        f"country (here at {', '.join(home_places)}) as a return home, not as internal displacement")

    network = {
        "name": name,
        "description": f"Imported from the Flee input directory {flee.directory.name} by `migsim import-flee`.",
        "countries": country_rows, "locations": location_rows, "segments": segments,
        "routes": _corridors(segments, kinds),
    }
    total = sum(g["people"] for g in population)
    scale = max(1, round(total / TARGET_AGENTS))
    scenario = {
        "name": name,
        "description": f"Flee situation {flee.directory.name} imported by `migsim import-flee`; "
                       "behaviour weights are migsim's defaults, not calibrated to it.",
        "start": start, "end": start + dt.timedelta(days=days - 1), "seed": 0, "scale": scale,
        "network": network_path, "home": home, "population": population,
        "behaviour": {"reconsideration_days": RECONSIDERATION_DAYS},
        "policy": {"timeline": timeline},
    }
    return Imported(network, scenario, kinds, unmapped)


# --- writing ---------------------------------------------------------------------------------


def _flow(item: dict) -> str:
    text = yaml.safe_dump(item, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def network_yaml(imported: Imported, source: str) -> str:
    """The network as YAML with one row per line and the import's assumptions as comments."""
    n = imported.network
    lines = [
        f"# Network imported from the Flee input directory {source} by `migsim import-flee`.",
        "# Format: scenarios/networks/FORMAT.md. Neutral defaults, all assumptions of the import (Flee has no",
        f"# incomes or legal status): income_usd_month {DEFAULT_INCOME_USD:g} everywhere, {CONFLICT_INCOME_USD:g} in "
        "countries with a conflict zone;",
        f"# legal_status_chance {DEFAULT_LEGAL_CHANCE:g} everywhere; no visas. Country codes are derived from Flee's "
        "country names (not ISO).",
        "# Kinds: conflict_zone -> origin, camp/idpcamp -> destination, town/forwarding_hub/marker -> transit_hub.",
        "# Segments: Flee distances, one mode for all, no fares/fees/hazards; controlled_by marks borders closed",
        "# by Flee country closures (see the scenario's timeline).",
        f"name: {_flow(n['name'])}",
        f"description: {_flow(n['description'])}",
    ]
    for key in ("countries", "locations", "segments", "routes"):
        lines.append(f"{key}:")
        lines.extend(f"  - {_flow(row)}" for row in n[key])
    return "\n".join(lines) + "\n"


def scenario_yaml(imported: Imported, source: str) -> str:
    """The scenario as YAML, with comments saying where each part came from."""
    s = imported.scenario
    head = {k: s[k] for k in ("name", "description", "start", "end", "seed")}
    lines = [
        f"# Scenario imported from the Flee input directory {source} by `migsim import-flee`.",
        "# Run it:  migsim run THIS_FILE",
        yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        f"scale: {s['scale']}  # people per agent, chosen for about {TARGET_AGENTS:,} agents",
        f"network: {_flow(s['network'])}",
        f"home: {_flow(s['home'])}  # first conflict zone (Flee takes the first location's country as home)",
        "population:  # Flee's population column of the conflict zones (and initial_idps)",
    ]
    lines.extend(f"  - {_flow(g)}" for g in s["population"])
    lines += [
        "behaviour:",
        f"  reconsideration_days: {RECONSIDERATION_DAYS:g}  # assumption: not calibrated; migsim's default is 730",
        "policy:",
    ]
    if s["policy"]["timeline"]:
        lines.append("  timeline:  # Flee closures.csv: country -> border_control; location/link -> prohibitive fee")
        lines.extend(f"    - {_flow(lv)}" for lv in s["policy"]["timeline"])
    else:
        lines.append("  timeline: []")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_paths(scenario_path: Path) -> tuple[Path, Path]:
    """The scenario file and its network, ``networks/<stem>.yaml`` beside it (as in scenarios/)."""
    return scenario_path, scenario_path.parent / "networks" / f"{scenario_path.stem}.yaml"


def import_flee(directory: str | Path, scenario_path: str | Path, *, force: bool = False, start=None,
                days: int | None = None, mode: str = "bus") -> tuple[Imported, Path, Path]:
    """Read, map and write; nothing is written if reading or mapping fails or a file exists (without force)."""
    scenario_path, network_path = output_paths(Path(scenario_path))
    for p in (scenario_path, network_path):
        if p.exists() and not force:
            raise FileExistsError(f"{p} exists; pass --force to replace it")
    flee = read_flee_dir(directory)
    rel = os.path.relpath(network_path, scenario_path.parent)
    imported = to_migsim(flee, scenario_path.stem, start=start, days=days, mode=mode, network_path=rel)
    source = flee.directory.name
    net_text, sc_text = network_yaml(imported, source), scenario_yaml(imported, source)
    _check_written(net_text, sc_text, network_path, scenario_path)
    _write_atomic(network_path, net_text)
    _write_atomic(scenario_path, sc_text)
    return imported, scenario_path, network_path


def _check_written(net_text: str, sc_text: str, network_path: Path, scenario_path: Path) -> None:
    """The YAML about to be written must load as migsim input (a bug here must not leave bad files)."""
    from .load import check_references, parse_scenario
    from .network import NetworkFile, build_network

    net = build_network(NetworkFile.model_validate(yaml.safe_load(net_text)), network_path)
    data = yaml.safe_load(sc_text)
    data["network"] = str(network_path.resolve())
    check_references(parse_scenario(data, scenario_path), net, scenario_path)
