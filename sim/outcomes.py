"""The outcome registry, the counters an engine fills day by day, and the tables made from them (in people).

Flows (encounters, deaths, ...) are summed over a year; stocks (``status_*``) are read at the
year's last day. Breakdowns (by segment, criminal network, country) are columns named
``<outcome>__<name>``. :func:`daily_columns` is the one list of what a run on a network writes:
the daily table is built from it, and sweeps and calibrations check the outcomes they name against
it (:func:`outcome_problem`), so that nothing passes a check and then fails in every run.
"""
from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .names import slug  # noqa: F401 (column names of places and networks)
from .network import Network
from .population import STATUSES
from .vocabulary import Crossing, Mode

FLOWS = (
    "departures",  # settled migrants who set off
    "encounters_us_border",  # apprehensions entering the US from Mexico
    "us_border_evasions",  # crossings into the US not apprehended
    "released_us_asylum",  # encounters released into the US to pursue asylum
    "darien_crossings_north",
    "darien_crossings_south",
    "border_crossings_north",  # any international border, by direction (the southbound "reverse flow")
    "border_crossings_south",
    "deaths",
    "children_abandoned",
    "interceptions",  # at any controlled crossing, the US border included
    "pushed_back",
    "detentions",
    "deportations",  # removals home by the country that stopped them (a seat on a removal flight)
    "released_no_seat",  # held for removal, no seat in time: released into the country that held them
    "expelled",  # held for removal, no seat in time: expelled to the transit country they came from
    "changed_country",  # journeys ending in another country than the one they began in (settling, removal, flights)
    "returns_home",  # arrivals home in Venezuela from abroad, any mode
    "returns_home_flight",  # on repatriation flights
    "returns_home_overland",
    "returns_home_deported",
    "repatriation_flight_passengers",
    "repatriation_flight_demand",  # migrants at a flight's origin who would take a seat home that day
    "parole_entries",
    "port_appointments",  # encountered at a US port with an appointment, released to pursue a case
    "stopped_to_work",  # could not pay the next segment and worked where they were to earn it
    "stranded",  # could not pay the next segment, nor earn it within max_work_days, and stopped there
    "visa_refusals",  # refused a visa or boarding for a flight, stayed put
    "tps_lost",  # TPS holders whose status ended
    "tps_lost_stayed",  # ... and at their first choice afterwards stayed without status
    "tps_lost_went_home",
    "tps_lost_moved_on",
    "smuggling_revenue_usd",
    "arrests_police_operation",  # as given by the operations on the timeline
)
# Flows also broken down, and by what: a segment (only those with a hazard: elsewhere nobody dies),
# a criminal network, a country. In the order the daily table writes them.
BREAKDOWNS = {
    "deaths": "segment",
    "children_abandoned": "segment",
    "smuggling_revenue_usd": "network",
    "detentions": "country",
    "deportations": "country",
    "changed_country": "country",
}
# What reports call an outcome (one without a label is shown with its underscores as spaces).
LABELS = {
    "encounters_us_border": "Encounters at the US-Mexico border",
    "darien_crossings_north": "Darién crossings northbound",
    "darien_crossings_south": "Darién crossings southbound",
    "deaths": "Deaths on the way",
    "children_abandoned": "Children abandoned",
    "interceptions": "Interceptions at controlled borders",
    "detentions": "Detentions",
    "deportations": "Deportations",
    "returns_home": "Returns home",
    "repatriation_flight_passengers": "Repatriation flight passengers",
    "parole_entries": "Parole entries to the US",
    "port_appointments": "Appointments at US ports of entry",
    "changed_country": "Arrivals into host countries",
    "smuggling_revenue_usd": "Smuggling revenue (USD)",
    "status_resident": "Resident, at year end",
    "status_in_transit": "In transit, at year end",
    "status_working": "Working on the way to pay the next leg, at year end",
    "status_detained": "Detained, at year end",
    "status_arrived": "Arrived at a new destination, at year end",
    "status_returned": "Returned home, at year end",
    "status_dead": "Dead (cumulative), at year end",
}


def outcome_label(name: str) -> str:
    """What a report calls outcome ``name``."""
    return LABELS.get(name, name.replace("_", " "))


BY_SEGMENT = tuple(n for n, by in BREAKDOWNS.items() if by == "segment")
BY_NETWORK = tuple(n for n, by in BREAKDOWNS.items() if by == "network")
BY_COUNTRY = tuple(n for n, by in BREAKDOWNS.items() if by == "country")


class Recorder:
    """Per-day counters in agents (or USD per agent for revenue)."""

    def __init__(self, net: Network, n_days: int):
        self.net = net
        self.flow = {name: np.zeros(n_days) for name in FLOWS}
        self.by_segment = {name: np.zeros((n_days, len(net.segment_names))) for name in BY_SEGMENT}
        self.by_network = {name: np.zeros((n_days, len(net.criminal_networks))) for name in BY_NETWORK}
        self.by_country = {name: np.zeros((n_days, len(net.countries))) for name in BY_COUNTRY}
        self.status = np.zeros((n_days, len(STATUSES)), dtype=np.int64)
        self.people_at = np.zeros((n_days, net.n_nodes), dtype=np.int64)
        self.arcs_used = np.zeros((n_days, net.n_arcs), dtype=np.int64)  # completed traversals

    def add(self, day: int, name: str, amount) -> None:
        self.flow[name][day] += amount

    def add_by(self, table: dict, day: int, name: str, index: np.ndarray, weights=None, size: int = 0) -> None:
        """Add counts of ``index`` (e.g. the segment of each death) to a breakdown table."""
        if index.size:
            counts = np.bincount(index, weights=weights, minlength=size)
            table[name][day] += counts
            self.flow[name][day] += counts.sum()


def breakdown_parts(net: Network) -> dict[str, list[tuple[int, str]]]:
    """For each broken-down flow, the (index, column suffix) pairs a run on ``net`` writes."""
    hazard = np.bincount(net.arc_segment, weights=net.arc_death_hazard + net.arc_abandon_hazard,
                         minlength=len(net.segment_names))
    parts = {
        "segment": [(int(k), slug(net.segment_names[k])) for k in np.flatnonzero(hazard > 0)],
        "network": [(k, slug(n)) for k, n in enumerate(net.criminal_networks)],
        "country": [(k, c.lower()) for k, c in enumerate(net.countries)],
    }
    return {name: parts[by] for name, by in BREAKDOWNS.items()}


def daily_columns(net: Network) -> list[str]:
    """Every outcome column of a run's daily (and yearly) table on ``net``, in the order written."""
    return [*FLOWS, *(f"status_{s}" for s in STATUSES),
            *(f"{name}__{suffix}" for name, parts in breakdown_parts(net).items() for _, suffix in parts)]


def daily_table(rec: Recorder, dates: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    """One row per day, all in people (agents x scale) or USD."""
    tables = {**rec.by_segment, **rec.by_network, **rec.by_country}
    cols: dict[str, np.ndarray] = {"date": dates}
    for name in FLOWS:
        cols[name] = rec.flow[name] * (1.0 if name == "arrests_police_operation" else scale)  # arrests: as given
    for i, s in enumerate(STATUSES):
        cols[f"status_{s}"] = rec.status[:, i] * scale
    for name, parts in breakdown_parts(rec.net).items():
        for k, suffix in parts:
            cols[f"{name}__{suffix}"] = tables[name][:, k] * scale
    return pd.DataFrame(cols)


# --- outcomes computed from the daily table (what reported figures are compared with) -------------

DARIEN_TOTALS = {"deaths_darien": "deaths", "children_abandoned_darien": "children_abandoned"}


def darien_segments(net: Network) -> list[str]:
    """Segments that make up the Darién crossing: those marked ``crossing: darien`` or travelled on foot in jungle."""
    seg_crossing = np.zeros(len(net.segment_names), dtype=int)
    seg_mode = np.zeros(len(net.segment_names), dtype=int)
    seg_crossing[net.arc_segment] = net.arc_crossing
    seg_mode[net.arc_segment] = net.arc_mode
    keep = (seg_crossing == Crossing.DARIEN) | (seg_mode == Mode.JUNGLE)
    return [net.segment_names[k] for k in np.flatnonzero(keep)]


def outcome_series(daily: pd.DataFrame, outcome: str, net: Network) -> pd.Series:
    """The daily series (people) an outcome names: a column of the daily table or a Darién total."""
    if outcome in DARIEN_TOTALS:
        cols = [f"{DARIEN_TOTALS[outcome]}__{slug(s)}" for s in darien_segments(net)]
        present = [c for c in cols if c in daily.columns]  # segments with no hazard have no column
        return daily[present].sum(axis=1) if present else pd.Series(0.0, index=daily.index)
    if outcome in daily.columns:
        return daily[outcome]
    raise KeyError(f"the model produces no outcome {outcome!r}")


def outcome_problem(name: str, net: Network, derived: bool = False) -> str | None:
    """Why a run on ``net`` cannot produce outcome ``name`` (one line naming the valid choices), or None.

    ``derived``: the Darién totals count too (calibration targets; a sweep keeps table columns only).
    """
    columns = daily_columns(net)
    if name in columns or (derived and name in DARIEN_TOTALS):
        return None
    parts = breakdown_parts(net)
    head, _, tail = name.partition("__")
    if tail and head in parts:
        by = BREAKDOWNS[head]
        valid = ", ".join(suffix for _, suffix in parts[head]) or "none on this network"
        extra = " with a death or abandonment hazard" if by == "segment" else ""
        return f"unknown outcome {name!r}: {head}__ is written for the {by}s{extra}: {valid}"
    close = difflib.get_close_matches(name, [*columns, *(DARIEN_TOTALS if derived else ())], n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    groups = ", ".join(f"{n}__<{by}>" for n, by in BREAKDOWNS.items())
    flows = ", ".join([*FLOWS, *(DARIEN_TOTALS if derived else ())])
    return f"unknown outcome {name!r}{hint}; valid: {flows}, status_<{'|'.join(STATUSES)}>, {groups}"


def locations_table(rec: Recorder, dates: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    """People at each location each day (travellers counted at the last location they reached)."""
    frame = pd.DataFrame(rec.people_at * scale, columns=rec.net.nodes)
    frame.insert(0, "date", dates)
    return frame


def arcs_table(rec: Recorder, dates: pd.DatetimeIndex, scale: float, first: int = 0) -> pd.DataFrame:
    """Completed traversals of each directed arc, per month from day ``first``: the flows a map draws."""
    net = rec.net
    monthly = pd.DataFrame(rec.arcs_used[first:] * scale, index=dates[first:]).resample("MS").sum()
    long = monthly.stack().rename("people").reset_index()
    long.columns = ["month", "arc", "people"]
    long = long[long.people > 0]
    long["from"] = [net.nodes[net.arc_from[a]] for a in long.arc]
    long["to"] = [net.nodes[net.arc_to[a]] for a in long.arc]
    return long[["month", "from", "to", "people"]].reset_index(drop=True)


def yearly_table(daily: pd.DataFrame) -> pd.DataFrame:
    """Flows summed per calendar year; stocks (``status_*``) at each year's last simulated day."""
    year = daily["date"].dt.year.rename("year")
    stock_cols = [c for c in daily.columns if c.startswith("status_")]
    flow_cols = [c for c in daily.columns if c not in stock_cols and c != "date"]
    flows = daily[flow_cols].groupby(year).sum()
    stocks = daily[stock_cols].groupby(year).last()
    out = pd.concat([flows, stocks], axis=1).reset_index()
    out.insert(1, "days", daily.groupby(year).size().to_numpy())
    return out
