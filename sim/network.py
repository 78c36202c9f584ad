"""The route network: locations, segments and named routes, read from YAML into flat arrays.

A segment can be travelled both ways, so it becomes two directed *arcs*. The candidate routes
(*paths*) a migrant chooses among are the cheapest few from each location to each place one can
live (a host city, a destination, or home). The file's named `routes` are the corridors as
reported; they are checked to be walkable. Engines work on arc and path indices.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .errors import ScenarioError
from .vocabulary import Crossing, Mode, words_literal
from .yamlio import read_validated

MODES = Mode.words()  # arc_mode codes (sim/vocabulary.py)
CROSSINGS = Crossing.words()  # arc_crossing codes
ModeWord = words_literal(Mode)
CrossingWord = words_literal(Crossing)
KINDS = ("origin", "border_crossing", "host_city", "transit_hub", "jungle", "destination")
NonNegative = Annotated[float, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CountryRow(_Row):
    code: str
    name: str
    income_usd_month: Annotated[float, Field(gt=0)]
    legal_status_chance: Probability
    visa_required: bool = False
    visa_refusal_rate: Probability = 0.0


class LocationRow(_Row):
    name: str
    country: str
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    kind: Literal["origin", "border_crossing", "host_city", "transit_hub", "jungle", "destination"]


class SegmentRow(_Row):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    distance_km: Annotated[float, Field(gt=0)]
    mode: ModeWord
    travel_cost_usd: NonNegative = 0.0
    smuggling_fee_usd: NonNegative = 0.0
    criminal_network: str = ""
    death_hazard_daily: Annotated[float, Field(ge=0, lt=1)] = 0.0
    child_abandonment_hazard_daily: Annotated[float, Field(ge=0, lt=1)] = 0.0
    controlled_by: str = ""
    controlled_by_reverse: str = ""
    crossing: CrossingWord = ""


class RouteRow(_Row):
    name: str
    via: list[str] = Field(min_length=2)


class NetworkFile(_Row):
    name: str
    description: str = ""
    countries: list[CountryRow] = Field(min_length=1)
    locations: list[LocationRow] = Field(min_length=2)
    segments: list[SegmentRow] = Field(min_length=1)
    routes: list[RouteRow] = Field(min_length=1)


@dataclass(frozen=True)
class Network:
    """Flat arrays of a network. Index conventions: node, arc (2 per segment), path (2 per route)."""

    name: str
    countries: list[str]  # country codes; index = country id
    country_income: np.ndarray  # float32 [country], USD per month
    country_legal_chance: np.ndarray  # float32 [country]
    country_visa_required: np.ndarray  # bool [country]
    country_visa_refusal: np.ndarray  # float32 [country]: share refused a visa / boarding by air
    nodes: list[str]
    node_country: np.ndarray  # int16 [node]
    node_lat: np.ndarray  # float32 [node]
    node_lon: np.ndarray
    node_kind: list[str]
    arc_from: np.ndarray  # int16 [arc]
    arc_to: np.ndarray
    arc_segment: np.ndarray  # int16 [arc], index into segment rows
    arc_distance_km: np.ndarray  # float32
    arc_mode: np.ndarray  # uint8, index into MODES
    arc_travel_cost: np.ndarray  # float32 USD
    arc_fee: np.ndarray  # float32 USD (before policy multipliers)
    arc_network: np.ndarray  # int16, index into criminal_networks, -1 if none
    arc_death_hazard: np.ndarray  # float32 per day
    arc_abandon_hazard: np.ndarray  # float32 per day
    arc_control: np.ndarray  # int16 country id whose control applies, -1 if none
    arc_crossing: np.ndarray  # uint8 index into CROSSINGS
    arc_northbound: np.ndarray  # bool: ends further north than it starts
    criminal_networks: list[str]
    segment_names: list[str]  # "A - B" per segment row
    routes: list[str]
    path_nodes: np.ndarray  # int16 [path, max_len], -1 padded: candidate routes (see `journeys`)
    path_arcs: np.ndarray  # int16 [path, max_len - 1], -1 padded
    path_length: np.ndarray  # int16 [path], number of nodes

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_from)

    @property
    def n_paths(self) -> int:
        return len(self.path_length)

    def node_index(self, name: str) -> int:
        return self.nodes.index(name)

    def country_index(self, code: str) -> int:
        return self.countries.index(code)

    def path_name(self, path: int) -> str:
        """``A > B > C`` for a candidate route."""
        return " > ".join(self.nodes[n] for n in self.path_nodes[path, : self.path_length[path]])


def _northbound(rows, seg, arc_from, arc_to, node_id, lat) -> np.ndarray:
    """Arcs that head north: by latitude, except named crossings, which are written northbound.

    The Darién trail runs south-west from Capurganá into Panama, so latitude would call the
    northbound crossing southbound; FORMAT.md has crossing segments written from the south side.
    """
    source = np.array([node_id[rows.segments[k].source] for k in seg], dtype=np.int16)
    crossing = np.array([rows.segments[k].crossing != "" for k in seg], dtype=bool)
    return np.where(crossing, arc_from == source, lat[arc_to] > lat[arc_from])


def load_network(path: str | Path) -> Network:
    """Read and check a network YAML file; every error names the file and the key."""
    path = Path(path)
    rows = read_validated(path, NetworkFile)
    return build_network(rows, path)


def _check_unique(path, key, names):
    seen = set()
    for i, n in enumerate(names):
        if n in seen:
            raise ScenarioError(path, f"{key}[{i}].name", f"duplicate name {n!r}")
        seen.add(n)


def _lookup(path, key, table: dict, name: str, what: str) -> int:
    if name not in table:
        raise ScenarioError(path, key, f"unknown {what} {name!r}")
    return table[name]


def build_network(rows: NetworkFile, path: Path | str = "<network>") -> Network:
    """Check references and turn validated rows into arrays."""
    _check_unique(path, "countries", [c.code for c in rows.countries])
    _check_unique(path, "locations", [loc.name for loc in rows.locations])
    _check_unique(path, "routes", [r.name for r in rows.routes])
    country_id = {c.code: i for i, c in enumerate(rows.countries)}
    node_id = {loc.name: i for i, loc in enumerate(rows.locations)}
    node_country = [
        _lookup(path, f"locations[{i}].country", country_id, loc.country, "country")
        for i, loc in enumerate(rows.locations)
    ]
    networks = sorted({s.criminal_network for s in rows.segments if s.criminal_network})
    network_id = {n: i for i, n in enumerate(networks)}
    lat = np.array([loc.lat for loc in rows.locations], dtype=np.float32)

    arcs: dict[str, list] = {k: [] for k in (
        "from", "to", "segment", "control")}
    arc_of_pair: dict[tuple[int, int], int] = {}
    for i, s in enumerate(rows.segments):
        a = _lookup(path, f"segments[{i}].from", node_id, s.source, "location")
        b = _lookup(path, f"segments[{i}].to", node_id, s.target, "location")
        if a == b:
            raise ScenarioError(path, f"segments[{i}]", "a segment must join two different locations")
        if (a, b) in arc_of_pair or (b, a) in arc_of_pair:
            raise ScenarioError(path, f"segments[{i}]", f"duplicate segment {s.source} - {s.target}")
        ctrl = [-1, -1]
        for j, (key, code) in enumerate((("controlled_by", s.controlled_by),
                                         ("controlled_by_reverse", s.controlled_by_reverse))):
            if code:
                ctrl[j] = _lookup(path, f"segments[{i}].{key}", country_id, code, "country")
        for src, dst, c in ((a, b, ctrl[0]), (b, a, ctrl[1])):
            arc_of_pair[(src, dst)] = len(arcs["from"])
            arcs["from"].append(src)
            arcs["to"].append(dst)
            arcs["segment"].append(i)
            arcs["control"].append(c)

    seg = np.array(arcs["segment"])

    def per_arc(attr, dtype):
        return np.array([getattr(rows.segments[k], attr) for k in seg], dtype=dtype)

    arc_from = np.array(arcs["from"], dtype=np.int16)
    arc_to = np.array(arcs["to"], dtype=np.int16)

    for r, route in enumerate(rows.routes):
        ids = [_lookup(path, f"routes[{r}].via[{k}]", node_id, n, "location") for k, n in enumerate(route.via)]
        for k in range(len(ids) - 1):
            if (ids[k], ids[k + 1]) not in arc_of_pair:
                raise ScenarioError(path, f"routes[{r}].via[{k + 1}]",
                                    f"no segment joins {route.via[k]!r} and {route.via[k + 1]!r}")

    kinds = [loc.kind for loc in rows.locations]
    weight = {(a, b): rows.segments[arcs["segment"][i]] for (a, b), i in arc_of_pair.items()}
    corridors = [[node_id[n] for n in r.via] for r in rows.routes]
    pn, pa, plen = journeys(len(rows.locations), kinds, arc_of_pair,
                            {k: _generalised_cost(v) for k, v in weight.items()}, corridors=corridors)

    return Network(
        name=rows.name,
        countries=[c.code for c in rows.countries],
        country_income=np.array([c.income_usd_month for c in rows.countries], dtype=np.float32),
        country_legal_chance=np.array([c.legal_status_chance for c in rows.countries], dtype=np.float32),
        country_visa_required=np.array([c.visa_required for c in rows.countries], dtype=bool),
        country_visa_refusal=np.array(
            [c.visa_refusal_rate if c.visa_required else 0.0 for c in rows.countries], dtype=np.float32),
        nodes=[loc.name for loc in rows.locations],
        node_country=np.array(node_country, dtype=np.int16),
        node_lat=lat,
        node_lon=np.array([loc.lon for loc in rows.locations], dtype=np.float32),
        node_kind=[loc.kind for loc in rows.locations],
        arc_from=arc_from,
        arc_to=arc_to,
        arc_segment=seg.astype(np.int16),
        arc_distance_km=per_arc("distance_km", np.float32),
        arc_mode=np.array([MODES.index(rows.segments[k].mode) for k in seg], dtype=np.uint8),
        arc_travel_cost=per_arc("travel_cost_usd", np.float32),
        arc_fee=per_arc("smuggling_fee_usd", np.float32),
        arc_network=np.array(
            [network_id.get(rows.segments[k].criminal_network, -1) for k in seg], dtype=np.int16
        ),
        arc_death_hazard=per_arc("death_hazard_daily", np.float32),
        arc_abandon_hazard=per_arc("child_abandonment_hazard_daily", np.float32),
        arc_control=np.array(arcs["control"], dtype=np.int16),
        arc_crossing=np.array([CROSSINGS.index(rows.segments[k].crossing) for k in seg], dtype=np.uint8),
        arc_northbound=_northbound(rows, seg, arc_from, arc_to, node_id, lat),
        criminal_networks=networks,
        segment_names=[f"{s.source} - {s.target}" for s in rows.segments],
        routes=[r.name for r in rows.routes],
        path_nodes=pn,
        path_arcs=pa,
        path_length=plen,
    )


DESTINATION_KINDS = ("origin", "host_city", "destination")
ROUTES_PER_DESTINATION = 2


def _generalised_cost(seg: SegmentRow) -> float:
    """Ranking weight of a segment when listing candidate routes: km, with air and fees in km-equivalents."""
    km = seg.distance_km / (10.0 if seg.mode == "air" else 1.0)
    return km + (seg.travel_cost_usd + seg.smuggling_fee_usd) * 2.0


def journeys(n_nodes: int, kinds: list[str], arc_of_pair: dict, cost: dict, k: int = ROUTES_PER_DESTINATION,
             corridors: list[list[int]] = ()):
    """Candidate routes: from every location, the ``k`` cheapest simple paths to each place to live,
    plus the reported corridors (``corridors``, both directions) that end at a place to live.

    The corridors matter because the ranking cannot see everything that makes a route usable
    (a visa refusal, for one): without them, the Darién route is never a candidate from Bogotá.

    Returns padded arrays path_nodes [path, max_len], path_arcs [path, max_len - 1], path_length.
    """
    import itertools

    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(n_nodes))
    for (a, b), c in cost.items():
        graph.add_edge(a, b, weight=c)
    targets = [i for i, kind in enumerate(kinds) if kind in DESTINATION_KINDS]
    found: list[list[int]] = []
    for src in range(n_nodes):
        for dst in targets:
            if dst == src or not nx.has_path(graph, src, dst):
                continue
            found.extend(itertools.islice(nx.shortest_simple_paths(graph, src, dst, weight="weight"), k))
    known = {tuple(p) for p in found}
    for via in corridors:
        for seq in (list(via), list(via)[::-1]):
            if kinds[seq[-1]] in DESTINATION_KINDS and tuple(seq) not in known:
                known.add(tuple(seq))
                found.append(seq)
    max_len = max(len(p) for p in found)
    pn = np.full((len(found), max_len), -1, dtype=np.int16)
    pa = np.full((len(found), max_len - 1), -1, dtype=np.int16)
    for i, seq in enumerate(found):
        pn[i, : len(seq)] = seq
        pa[i, : len(seq) - 1] = [arc_of_pair[(seq[j], seq[j + 1])] for j in range(len(seq) - 1)]
    return pn, pa, np.array([len(p) for p in found], dtype=np.int16)
