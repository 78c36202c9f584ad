"""The flow map: locations and segments on real coastlines and borders, line width by people moved.

Drawn with basemap and its bundled coastline data ("l" resolution), so nothing is downloaded.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.lines import Line2D

from ..errors import ScenarioError
from . import style
from .figures import Plot
from .rundata import RunData

DIRECTION_DEGREES = 0.5  # latitude change that makes a movement north- or southbound
MAX_WIDTH = 7.0  # points, for the busiest segment
LABELLED = 18  # locations named on the main map (the busiest that fit)
MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` inclusive (month starts)."""

    first: pd.Timestamp
    last: pd.Timestamp

    @property
    def label(self) -> str:
        a, b = self.first.strftime("%b %Y"), self.last.strftime("%b %Y")
        return a if a == b else f"{a} – {b}"


def _month(text: str, key: str) -> pd.Timestamp:
    found = MONTH.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ScenarioError(None, key, f"{text!r} is not a month; write YYYY-MM, e.g. 2024-06")
    return pd.Timestamp(int(found.group(1)), int(found.group(2)), 1)


def parse_period(text: str | None, start: dt.date, end: dt.date) -> Period:
    """``2024-06:2024-12`` (either side may be left out, or one month ``2024-06``) within the run."""
    run = Period(pd.Timestamp(start.year, start.month, 1), pd.Timestamp(end.year, end.month, 1))
    if text is None or not text.strip():
        return run
    first_text, sep, last_text = text.partition(":")
    if not sep:
        last_text = first_text
    first = _month(first_text, "--period") if first_text.strip() else run.first
    last = _month(last_text, "--period") if last_text.strip() else run.last
    if last < first:
        raise ScenarioError(None, "--period", f"{text!r} ends before it starts")
    if last < run.first or first > run.last:
        raise ScenarioError(None, "--period", f"{text!r} is outside the run ({run.label})")
    return Period(max(first, run.first), min(last, run.last))


def segment_flows(run: RunData, period: Period) -> pd.DataFrame:
    """People per directed segment in the period, with coordinates and direction."""
    flows = run.flows[(run.flows["month"] >= period.first) & (run.flows["month"] <= period.last)]
    table = flows.groupby(["from", "to"], as_index=False)["people"].sum()
    table = table[table["people"] > 0]
    net = run.network
    index = {name: i for i, name in enumerate(net.nodes)}
    a = table["from"].map(index).to_numpy()
    b = table["to"].map(index).to_numpy()
    table = table.assign(lat0=net.node_lat[a], lon0=net.node_lon[a], lat1=net.node_lat[b], lon1=net.node_lon[b])
    rise = table["lat1"] - table["lat0"]
    table["direction"] = np.where(rise > DIRECTION_DEGREES, "north",
                                  np.where(rise < -DIRECTION_DEGREES, "south", "other"))
    return table.sort_values("people", ascending=False).reset_index(drop=True)


def _extent(lats, lons, margin: float = 3.0) -> tuple[float, float, float, float]:
    """Map bounds around the points, a few degrees wider, within Mercator's limits."""
    south, north = float(np.min(lats)) - margin, float(np.max(lats)) + margin
    west, east = float(np.min(lons)) - margin, float(np.max(lons)) + margin
    return max(south, -75), min(north, 80), max(west, -180), min(east, 180)


def _basemap(ax, extent):
    with warnings.catch_warnings():  # basemap's compiled part warns about numpy's ndarray size; harmless
        warnings.filterwarnings("ignore", message="numpy.ndarray size changed", category=RuntimeWarning)
        from mpl_toolkits.basemap import Basemap  # imported here: it takes a moment and only the map needs it

    south, north, west, east = extent
    m = Basemap(projection="merc", llcrnrlat=south, urcrnrlat=north, llcrnrlon=west, urcrnrlon=east,
                resolution="l", ax=ax)
    m.drawmapboundary(fill_color="#e3eef7", linewidth=0.6, color="#9a9a9a")
    m.fillcontinents(color="#f5f3ef", lake_color="#e3eef7", zorder=0.5)
    m.drawcoastlines(linewidth=0.5, color="#8a8a8a")
    m.drawcountries(linewidth=0.5, color="#a8a8a8")
    step = 10 if max(north - south, east - west) > 40 else 5
    m.drawparallels(np.arange(-80, 81, step), labels=[1, 0, 0, 0], linewidth=0.2, color="#bbbbbb",
                    fontsize=7.5, textcolor=style.MUTED, dashes=[2, 3])
    m.drawmeridians(np.arange(-180, 181, step), labels=[0, 0, 0, 1], linewidth=0.2, color="#bbbbbb",
                    fontsize=7.5, textcolor=style.MUTED, dashes=[2, 3])
    return m


COLOURS = {"north": style.NORTH, "south": style.SOUTH, "other": style.OTHER}


def _width(people, busiest: float):
    return 0.4 + (MAX_WIDTH - 0.4) * np.sqrt(np.asarray(people, dtype=float) / busiest)


def _draw_flows(ax, m, table: pd.DataFrame, busiest: float) -> None:
    """Each direction of a segment in its own lane, offset to the right of travel (as on a road)."""
    x0, y0 = m(table["lon0"].to_numpy(), table["lat0"].to_numpy())
    x1, y1 = m(table["lon1"].to_numpy(), table["lat1"].to_numpy())
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy)
    length[length == 0] = 1
    lane = 0.0035 * (m.xmax - m.xmin)
    ox, oy = dy / length * lane, -dx / length * lane
    widths = _width(table["people"], busiest)
    for i in range(len(table)):  # busiest first, so thin lines stay visible on top
        ax.plot([x0[i] + ox[i], x1[i] + ox[i]], [y0[i] + oy[i], y1[i] + oy[i]], color=COLOURS[table["direction"][i]],
                lw=widths[i], alpha=0.8, solid_capstyle="round", zorder=3)


def _throughput(table: pd.DataFrame) -> pd.Series:
    """People leaving or reaching each location in the period, busiest first."""
    through = pd.concat([table.groupby("from")["people"].sum(), table.groupby("to")["people"].sum()])
    return through.groupby(level=0).sum().sort_values(ascending=False)


def _draw_locations(ax, m, run: RunData, table: pd.DataFrame, extent, labels: int) -> None:
    """Every location as a dot; the busiest named, skipping names that would overlap one already placed."""
    net = run.network
    x, y = m(net.node_lon, net.node_lat)
    south, north, west, east = extent
    inside = (net.node_lat >= south) & (net.node_lat <= north) & (net.node_lon >= west) & (net.node_lon <= east)
    ax.scatter(x[inside], y[inside], s=9, color="white", edgecolor=style.INK, linewidth=0.7, zorder=4)
    fig = ax.get_figure()
    box = ax.get_position()
    per_point = (m.xmax - m.xmin) / max(box.width * fig.get_figwidth() * 72, 1)  # map metres per point
    char, line = 7.5 * 0.6 * per_point, 10 * per_point
    placed: list[tuple[float, float, float, float]] = []
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for name in _throughput(table).index:
        if len(placed) >= labels:
            break
        i = net.nodes.index(name)
        if not inside[i]:
            continue
        left, bottom = x[i] + 4 * per_point, y[i] + 2 * per_point
        right, top = left + char * len(name), bottom + line
        if any(left < r and right > a and bottom < t and top > b for a, b, r, t in placed):
            continue
        placed.append((left, bottom, right, top))
        ax.annotate(name, (x[i], y[i]), xytext=(4, 2), textcoords="offset points", fontsize=7.5,
                    color=style.INK, path_effects=halo, zorder=5)


def _legend(ax, busiest: float, below: bool = False) -> None:
    """Colours by direction and two reference widths; inside the map, or under it."""
    handles = [Line2D([], [], color=COLOURS[d], lw=3, label=f"{d}bound" if d != "other" else "east-west / local")
               for d in ("north", "south", "other")]
    for people in sorted({float(f"{busiest:.1g}"), float(f"{busiest / 10:.1g}")}, reverse=True):
        handles.append(Line2D([], [], color=style.OTHER, lw=float(_width(people, busiest)),
                              label=f"{people:,.0f} people"))
    where = {"loc": "upper left", "bbox_to_anchor": (0.0, -0.08)} if below else {"loc": "lower left"}
    ax.legend(handles=handles, fontsize=8, frameon=not below, framealpha=0.9, edgecolor="#cccccc",
              title="direction, people in the period", title_fontsize=8, **where)


def _height(extent, width_inches: float) -> float:
    """Figure height (inches) that fits a Mercator map of ``extent`` drawn ``width_inches`` wide."""
    south, north, west, east = extent
    y = np.log(np.tan(np.pi / 4 + np.radians([south, north]) / 2))
    aspect = (y[1] - y[0]) / np.radians(east - west)
    return float(np.clip(width_inches * aspect + 0.6, 4.5, 9.5))


def _main_extent(table: pd.DataFrame, gap_degrees: float = 30.0):
    """Bounds of the region where most people moved, when long-haul segments stretch the map.

    Locations are split at the widest gap in longitude (if wider than ``gap_degrees``), and the side
    whose internal segments carried more people is kept. None when there is no such gap.
    """
    lons = np.sort(np.unique(np.concatenate([table["lon0"], table["lon1"]])))
    if lons.size < 2:
        return None
    gaps = np.diff(lons)
    k = int(np.argmax(gaps))
    if gaps[k] <= gap_degrees:
        return None
    cut = (lons[k] + lons[k + 1]) / 2
    west = (table["lon0"] < cut) & (table["lon1"] < cut)
    east = (table["lon0"] >= cut) & (table["lon1"] >= cut)
    side = west if table["people"][west].sum() >= table["people"][east].sum() else east
    part = table[side]
    return _extent(np.concatenate([part["lat0"], part["lat1"]]), np.concatenate([part["lon0"], part["lon1"]]))


def _panel(ax, run: RunData, table: pd.DataFrame, extent, busiest: float, labels: int):
    ax.grid(False)
    m = _basemap(ax, extent)
    if not table.empty:
        _draw_flows(ax, m, table, busiest)
    _draw_locations(ax, m, run, table, extent, labels)
    return m


def flow_map(run: RunData, period: Period) -> Plot:
    """Segments drawn by people moved in the period; when long-haul routes stretch the map, the region
    where most people moved gets its own, larger panel beside the whole extent."""
    table = segment_flows(run, period)
    net = run.network
    if table.empty:
        fig, axes = style.figure(height=7.0)
        ax = axes[0, 0]
        _panel(ax, run, table, _extent(net.node_lat, net.node_lon), 1.0, 0)
        style.no_data(ax, f"no movements between locations in {period.label}")
        ax.set_title(f"Movements between locations, {period.label}")
        return Plot("flow_map", f"Flow map, {period.label}", f"No movements in {period.label}.", fig)
    whole = _extent(np.concatenate([table["lat0"], table["lat1"]]), np.concatenate([table["lon0"], table["lon1"]]))
    main = _main_extent(table)
    busiest = float(table["people"].max())
    if main is None:
        fig, axes = style.figure(height=_height(whole, style.WIDTH * 0.9))
        _panel(axes[0, 0], run, table, whole, busiest, LABELLED)
        _legend(axes[0, 0], busiest)
    else:
        share = 1.4 / 2.4
        fig, axes = style.figure(1, 2, height=_height(main, style.WIDTH * 0.85 * share), width_ratios=(1.4, 1))
        _panel(axes[0, 0], run, table, main, busiest, LABELLED)
        overview = axes[0, 1]
        _panel(overview, run, table, whole, busiest, LABELLED // 3)
        overview.set_anchor("N")
        overview.set_title("All movements, long-haul routes included", fontsize=9.5)
        _legend(overview, busiest, below=True)
    axes[0, 0].set_title(f"Movements between locations, {period.label}")
    moved = table["people"].sum()
    by_dir = table.groupby("direction")["people"].sum()
    return Plot("flow_map", f"Flow map, {period.label}",
                f"Completed segment traversals in {period.label}: {moved:,.0f} in all, "
                f"{by_dir.get('north', 0):,.0f} northbound, {by_dir.get('south', 0):,.0f} southbound "
                f"(a change of latitude over {DIRECTION_DEGREES}°), {by_dir.get('other', 0):,.0f} other. "
                "Line width grows with the square root of people; each direction has its own lane, "
                "to the right of travel.", fig)
