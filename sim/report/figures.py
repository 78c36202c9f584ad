"""The run report's time-series figures: each a function of a ``RunData`` returning a ``Plot``."""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import style
from ..outcomes import outcome_label
from .rundata import RunData, network_label

TOP_CATEGORIES = 8  # countries / segments beyond these are summed as "other"
LEGEND_RIGHT = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}  # outside the axes, clear of the policy labels


@dataclass
class Plot:
    """A finished figure with the words the HTML report puts around it."""

    name: str  # file stem under figures/
    title: str
    caption: str
    figure: Figure


def monthly(daily: pd.DataFrame, columns) -> pd.DataFrame:
    """Flows summed per calendar month (index: month start)."""
    return daily.set_index("date")[list(columns)].resample("MS").sum()


def _timed(ax, run: RunData, label: str = "month") -> None:
    style.date_axis(ax, run.scenario.reported_start, run.scenario.end, label)
    style.policy_lines(ax, run.events)


def _from_zero(ax, values) -> None:
    """Counts start at zero; an all-zero series still gets a 0-1 axis rather than a sliver."""
    top = float(np.nanmax(values)) if np.size(values) else 0.0
    ax.set_ylim(0, top * 1.05 if top > 0 else 1)


def _stacked_bars(ax, table: pd.DataFrame, labels: dict[str, str]) -> None:
    """Monthly bars stacked by column, largest first, each column a category colour."""
    left, width = style.month_bars(table.index)
    bottom = np.zeros(len(table))
    for i, col in enumerate(table.columns):
        values = table[col].to_numpy()
        ax.bar(left, values, width=width, bottom=bottom, align="edge", label=labels.get(col, col),
               color=style.CATEGORICAL[i % len(style.CATEGORICAL)], lw=0)
        bottom += values


def top_columns(table: pd.DataFrame, n: int = TOP_CATEGORIES, other: str = "other") -> pd.DataFrame:
    """Keep the ``n`` largest columns (by total), sum the rest as ``other``, drop all-zero columns."""
    totals = table.sum().sort_values(ascending=False)
    totals = totals[totals > 0]
    keep = list(totals.index[:n])
    out = table[keep].copy()
    rest = list(totals.index[n:])
    if rest:
        out[other] = table[rest].sum(axis=1)
    return out


def encounters(run: RunData) -> Plot:
    fig, axes = style.figure(height=4.0)
    ax = axes[0, 0]
    table = monthly(run.daily, ["encounters_us_border", "us_border_evasions"])
    left, width = style.month_bars(table.index)
    ax.bar(left, table["encounters_us_border"], width=width, align="edge", color="#b2182b", lw=0,
           label="encounters\n(apprehended)")
    ax.bar(left, table["us_border_evasions"], width=width, align="edge", lw=0, color="#f4a582",
           bottom=table["encounters_us_border"], label="crossings not\napprehended")
    ax.set_title("Venezuelans reaching the US-Mexico border, per month")
    style.count_axis(ax, "people per month")
    _from_zero(ax, table.sum(axis=1))
    _timed(ax, run)
    ax.legend(**LEGEND_RIGHT)
    total = run.daily["encounters_us_border"].sum()
    return Plot("encounters", "US-border encounters by month",
                f"Encounters at the US-Mexico border: {total:,.0f} over the run. Dashed lines are the "
                "scenario's policy changes.", fig)


def darien(run: RunData) -> Plot:
    fig, axes = style.figure(height=4.0)
    ax = axes[0, 0]
    table = monthly(run.daily, ["darien_crossings_north", "darien_crossings_south"])
    x = table.index + pd.Timedelta(days=14)
    ax.plot(x, table["darien_crossings_north"], color=style.NORTH, lw=2, marker="o", ms=4,
            label="northbound\n(Colombia → Panama)")
    ax.plot(x, table["darien_crossings_south"], color=style.SOUTH, lw=2, marker="o", ms=4,
            label="southbound\n(Panama → Colombia)")
    ax.set_title("Darién Gap crossings by direction, per month")
    style.count_axis(ax, "people per month")
    _from_zero(ax, table.to_numpy())
    _timed(ax, run)
    ax.legend(**LEGEND_RIGHT)
    north, south = table.sum()
    return Plot("darien", "Darién crossings north vs south",
                f"Crossings of the Colombia-Panama frontier (jungle and boat): {north:,.0f} northbound, "
                f"{south:,.0f} southbound over the run.", fig)


def _breakdown(daily: pd.DataFrame, outcome: str) -> pd.DataFrame:
    cols = [c for c in daily.columns if c.startswith(f"{outcome}__")]
    table = monthly(daily, cols)
    table.columns = [c.split("__", 1)[1] for c in cols]
    return table


def deaths_by_segment(run: RunData) -> Plot:
    fig, axes = style.figure(2, 1, height=6.4, sharex=True)
    labels = run.segment_labels
    for ax, outcome, title in ((axes[0, 0], "deaths", "Deaths by segment, per month"),
                               (axes[1, 0], "children_abandoned", "Children abandoned by segment, per month")):
        table = top_columns(_breakdown(run.daily, outcome))
        if table.empty or table.to_numpy().sum() == 0:
            style.no_data(ax, f"no {outcome.replace('_', ' ')} recorded in this run")
        else:
            _stacked_bars(ax, table, labels)
            ax.legend(**LEGEND_RIGHT, title="segment", title_fontsize=8.5)
            style.count_axis(ax, "people per month")
            _from_zero(ax, table.sum(axis=1))
        ax.set_title(title)
        _timed(ax, run, "month" if outcome == "children_abandoned" else "")
    deaths, abandoned = run.daily["deaths"].sum(), run.daily["children_abandoned"].sum()
    return Plot("deaths_by_segment", "Deaths and abandoned children by segment",
                f"{deaths:,.0f} deaths and {abandoned:,.0f} children abandoned over the run, by the segment "
                "where it happened (the largest segments; the rest summed as other).", fig)


def people_by_country(run: RunData) -> Plot:
    net = run.network
    dates = pd.to_datetime(run.locations["date"])
    people = run.locations[net.nodes].to_numpy()
    by_country = pd.DataFrame(people, index=dates).T.groupby(net.node_country).sum().T
    by_country.columns = [net.country_names.get(c, c) for c in by_country.columns]
    table = top_columns(by_country, n=9, other="other countries")
    fig, axes = style.figure(2, 1, height=7.2, sharex=True, height_ratios=(3, 2))
    ax = axes[0, 0]
    colours = [style.CATEGORICAL[i % len(style.CATEGORICAL)] for i in range(table.shape[1])]
    ax.stackplot(table.index, table.to_numpy().T, labels=table.columns, colors=colours, lw=0, alpha=0.9)
    ax.set_title("Venezuelans by the country they are in (alive; travellers at the last place reached)")
    style.count_axis(ax, "people")
    _from_zero(ax, table.sum(axis=1))
    _timed(ax, run, "")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], **LEGEND_RIGHT, title="country",
              title_fontsize=8.5)
    ax = axes[1, 0]
    change = table - table.iloc[0]
    for colour, name in zip(colours, table.columns):
        ax.plot(change.index, change[name], color=colour, lw=1.8, label=name)
    ax.axhline(0, color=style.MUTED, lw=0.8)
    ax.set_title("Change since the first day, by country")
    style.count_axis(ax, "people (+ more, - fewer)")
    style.date_axis(ax, run.scenario.reported_start, run.scenario.end, "date")
    style.policy_lines(ax, run.events, label=False)
    final = change.iloc[-1].sort_values()
    return Plot("people_by_country", "People by country over time",
                f"Largest fall: {final.index[0]} ({final.iloc[0]:+,.0f}); largest rise: "
                f"{final.index[-1]} ({final.iloc[-1]:+,.0f}) from the first to the last day.", fig)


STATUS_LABELS = {
    "status_resident": "resident (settled where they live)",
    "status_in_transit": "in transit",
    "status_detained": "detained",
    "status_arrived": "arrived (settled at a new destination)",
    "status_returned": "returned home",
    "status_dead": "dead (cumulative)",
}


def people_by_status(run: RunData) -> Plot:
    fig, axes = style.figure(2, 3, height=5.4, sharex=True)
    dates = pd.to_datetime(run.daily["date"])
    for ax, (col, label) in zip(axes.flat, STATUS_LABELS.items()):
        ax.plot(dates, run.daily[col], color=style.POLICY, lw=1.8)
        low, high = run.daily[col].min(), run.daily[col].max()
        if col == "status_in_transit" and "status_working" in run.daily:  # stopped to pay the next leg
            working = run.daily["status_working"]
            ax.lines[-1].set_label("travelling")
            ax.plot(dates, working, color=style.SOUTH, lw=1.4, ls="--", label="working on the way")
            ax.legend(fontsize=7.5, frameon=False)
            low, high = min(low, working.min()), max(high, working.max())
        ax.set_title(label, fontsize=9.5)
        style.count_axis(ax, "people" if ax in axes[:, 0] else "")
        pad = max((high - low) * 0.1, high * 0.01, 1)
        ax.set_ylim(max(low - pad, 0), high + pad)
        style.date_axis(ax, run.scenario.reported_start, run.scenario.end, "date" if ax in axes[1] else "")
        style.policy_lines(ax, run.events, label=False)
    fig.suptitle("Venezuelans by status over time (each panel on its own scale)", x=0.01, ha="left",
                 fontweight="bold", fontsize=11)
    return Plot("people_by_status", "People by status over time",
                "Each panel has its own vertical scale; dashed lines mark policy changes (labelled in the "
                "figures above).", fig)


def returns_home(run: RunData) -> Plot:
    fig, axes = style.figure(2, 1, height=6.4, sharex=True)
    ax = axes[0, 0]
    parts = {"returns_home_overland": "overland", "returns_home_flight": "by air (repatriation\nflights included)",
             "returns_home_deported": "deported"}
    table = monthly(run.daily, parts)
    if table.to_numpy().sum() == 0:
        style.no_data(ax, "no returns home in this run")
    else:
        _stacked_bars(ax, table, parts)
        ax.legend(**LEGEND_RIGHT)
        style.count_axis(ax, "people per month")
        _from_zero(ax, table.sum(axis=1))
    ax.set_title("Returns home to Venezuela by way of return, per month")
    _timed(ax, run, "")
    ax = axes[1, 0]
    flights = [lv for lv in run.scenario.policy.timeline if lv.lever == "repatriation_flight"]
    if not flights:
        style.no_data(ax, "no repatriation flights in this scenario's timeline")
    else:
        seats = pd.Series([lv.seats for lv in flights], index=pd.to_datetime([lv.date for lv in flights]))
        seats = seats.groupby(level=0).sum()
        daily = run.daily.set_index("date")
        passengers = "repatriation_flight_passengers" if "repatriation_flight_passengers" in daily \
            else "returns_home_flight"  # runs written before passengers were counted
        bars = [(seats, "seats offered", "#bdbdbd")]
        if "repatriation_flight_demand" in daily:
            bars.append((daily["repatriation_flight_demand"].reindex(seats.index, fill_value=0),
                         "wanting to fly home at the origin", "#a6dba0"))
        bars.append((daily[passengers].reindex(seats.index, fill_value=0), "flown home", "#1b7837"))
        day = mdates.date2num(seats.index.to_pydatetime())
        width = max(run.scenario.days / 90, 1.0)
        for k, (values, label, colour) in enumerate(bars):
            offset = (k - (len(bars) - 1) / 2) * width
            ax.bar(day + offset, values.to_numpy(), width=width, color=colour, label=label, lw=0)
        flown = bars[-1][0]
        for x, n_seats, n_flown in zip(day, seats, flown):
            ax.annotate(f"{n_seats:,.0f} seats\n{n_flown:,.0f} flown", (x, n_seats), xytext=(0, 4),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7.5, color=style.INK)
        ax.legend(**LEGEND_RIGHT)
        style.count_axis(ax, "people")
        _from_zero(ax, np.concatenate([b[0].to_numpy() for b in bars]))
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 1.25)  # room for the numbers above the bars
    ax.set_title("Repatriation flights: seats and passengers")
    style.date_axis(ax, run.scenario.reported_start, run.scenario.end, "date")
    style.policy_lines(ax, run.events, label=False)
    total = run.daily["returns_home"].sum()
    return Plot("returns_home", "Returns home and flights",
                f"{total:,.0f} returns home over the run. A repatriation flight offers the Venezuelans at its "
                "origin a free seat home; those who take it board, up to the seats.", fig)


def smuggling_revenue(run: RunData) -> Plot:
    fig, axes = style.figure(height=4.4)
    ax = axes[0, 0]
    table = top_columns(_breakdown(run.daily, "smuggling_revenue_usd"))
    if table.empty:
        style.no_data(ax, "no smuggling fees paid in this run")
    else:
        _stacked_bars(ax, table, {c: network_label(c) for c in table.columns})
        ax.legend(**LEGEND_RIGHT, title="criminal network", title_fontsize=8.5)
        style.usd_axis(ax, "USD per month")
        _from_zero(ax, table.sum(axis=1))
    ax.set_title("Smuggling revenue by criminal network, per month")
    _timed(ax, run)
    total = run.daily["smuggling_revenue_usd"].sum()
    return Plot("smuggling_revenue", "Smuggling revenue by criminal network",
                f"Fees paid to smuggling networks: ${total:,.0f} over the run.", fig)


COMPARED = tuple((name, outcome_label(name), unit) for name, unit in (
    ("encounters_us_border", "people"), ("darien_crossings_north", "people"), ("darien_crossings_south", "people"),
    ("deaths", "people"), ("returns_home", "people"), ("smuggling_revenue_usd", "USD")))


def counterfactual(run: RunData) -> Plot | None:
    """Policy timeline against the same run without it, outcome by outcome (None without a counterfactual)."""
    if run.counterfactual is None:
        return None
    fig, axes = style.figure(2, 3, height=5.6, sharex=True)
    cols = [c for c, _, _ in COMPARED]
    policy, base = monthly(run.daily, cols), monthly(run.counterfactual.daily, cols)
    x = policy.index + pd.Timedelta(days=14)
    for ax, (col, label, unit) in zip(axes.flat, COMPARED):
        ax.plot(x, policy[col], color=style.POLICY, lw=2, marker="o", ms=3, label="with the policy timeline")
        ax.plot(x, base[col], color=style.COUNTERFACTUAL, lw=2, ls="--", marker="o", ms=3,
                label="counterfactual (no changes after the start)")
        ax.set_title(label, fontsize=9.5)
        first = ax in axes[:, 0]
        if unit == "USD":
            style.usd_axis(ax, "USD per month" if first else "")
        else:
            style.count_axis(ax, "people per month" if first else "")
        _from_zero(ax, np.concatenate([policy[col], base[col]]))
        style.date_axis(ax, run.scenario.reported_start, run.scenario.end, "month" if ax in axes[1] else "")
        style.policy_lines(ax, run.events, label=False)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=2)
    fig.suptitle("Policy timeline vs counterfactual, per month", x=0.01, ha="left", fontweight="bold", fontsize=11)
    return Plot("counterfactual", "Policy vs counterfactual",
                "The same scenario and seed run twice: with its policy timeline (solid) and without the "
                "changes after the start day (dashed). Yearly differences are in the table below.", fig)


FIGURES = (encounters, darien, deaths_by_segment, people_by_country, people_by_status, returns_home,
           smuggling_revenue, counterfactual)


def run_figures(run: RunData) -> list[Plot]:
    """Every time-series figure that applies to this run, in report order."""
    plots = []
    for make in FIGURES:
        with style.report_style():
            plot = make(run)
        if plot is not None:
            plots.append(plot)
    return plots
