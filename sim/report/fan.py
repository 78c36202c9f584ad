"""Fan charts of an ensemble: each monthly series as its 5-95% band and median line over members, the
counterfactual's band beside it when there is one, and the observed figures on the same axes."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import observed as obs
from . import style
from .figures import Plot
from .validation_figure import OBSERVED, _observed_marks, _shade

SERIES = (("encounters_us_border", "US-border encounters"), ("darien_crossings_north", "Darién crossings northbound"),
          ("darien_crossings_south", "Darién crossings southbound"), ("returns_home", "Returns home"),
          ("deaths", "Deaths on the way"), ("children_abandoned", "Children abandoned"),
          ("smuggling_revenue_usd", "Smuggling revenue (USD)"), ("stock_abroad", "Venezuelans abroad (month end)"))
BAND_ALPHA = 0.28


def _monthly(table: pd.DataFrame, outcome: str, branch: str | None = None) -> pd.DataFrame:
    """One series' monthly quantiles, indexed by mid-month."""
    rows = table[(table["freq"] == "month") & (table["outcome"] == outcome)]
    if branch is not None:
        rows = rows[rows["branch"] == branch]
    rows = rows.sort_values("period")
    return rows.set_index(pd.to_datetime(rows["period"] + "-15"))


def fan(ax, q: pd.DataFrame, colour: str, label: str | None = None) -> None:
    """The 5-95% band and the median line of one series."""
    ax.fill_between(q.index, q["p5"], q["p95"], color=colour, alpha=BAND_ALPHA, lw=0, zorder=2)
    ax.plot(q.index, q["p50"], color=colour, lw=1.7, zorder=3, label=label)


def _stock_marks(ax, rows: pd.DataFrame) -> None:
    """Observed stocks: a point at their day, the band as a bar (hollow in the validation window)."""
    for _, row in rows.iterrows():
        face = "white" if row["window"] == "validation" else OBSERVED
        ax.errorbar([pd.Timestamp(row["end"])], [row["observed"]],
                    yerr=[[row["observed"] - row["low"]], [row["high"] - row["observed"]]], fmt="o", ms=5, mfc=face,
                    mec=OBSERVED, ecolor=OBSERVED, elinewidth=1.2, capsize=3, zorder=4)


def _panel(ax, summary: pd.DataFrame, observed: pd.DataFrame, outcome: str, title: str, sc, events) -> None:
    policy = _monthly(summary, outcome, "policy")
    fan(ax, policy, style.POLICY)
    other = _monthly(summary, outcome, "counterfactual")
    if not other.empty:
        fan(ax, other, style.COUNTERFACTUAL)
    if outcome == "stock_abroad":
        _stock_marks(ax, observed[(observed["series"] == "stock") & (observed["country"] == "abroad")])
    elif outcome in set(observed.get("series", ())):
        _observed_marks(ax, observed[observed["series"] == outcome])
    top = max(float(np.nanmax(policy["p95"])) if len(policy) else 0.0,
              float(np.nanmax(other["p95"])) if len(other) else 0.0)
    if outcome == "smuggling_revenue_usd":
        style.usd_axis(ax, "USD per month")
    else:
        style.count_axis(ax, "people" if outcome == "stock_abroad" else "people per month")
    if outcome != "stock_abroad":  # flows from zero; a stock of millions keeps its own range
        ax.set_ylim(0, max(top * 1.1, 1))
    first, last = sc.reported_start, sc.end
    style.date_axis(ax, first, last, "")
    style.policy_lines(ax, events, label=False)
    if first <= obs.FIT_END:  # a run wholly after the fit window is all validation: said in the caption
        _shade(ax, pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1))
    ax.set_title(title, fontsize=10)


def fan_figure(summary: pd.DataFrame, observed: pd.DataFrame, sc, events, members: int) -> Plot:
    """Every main monthly series of the ensemble as a fan chart, observed figures on the same axes."""
    fig, axes = style.figure(4, 2, height=11.5)
    for ax, (outcome, title) in zip(axes.flat, SERIES):
        _panel(ax, summary, observed, outcome, title, sc, events)
    handles = [Patch(color=style.POLICY, alpha=BAND_ALPHA, label="5-95% of members"),
               Line2D([], [], color=style.POLICY, lw=1.7, label="median of members")]
    if (summary["branch"] == "counterfactual").any():
        handles.append(Patch(color=style.COUNTERFACTUAL, alpha=0.5, label="counterfactual, 5-95% and median"))
    handles += [Line2D([], [], color=OBSERVED, lw=0, marker="o", ms=5, label="observed (band as bar)"),
                Line2D([], [], color=OBSERVED, lw=0, marker="o", ms=5, mfc="white",
                       label="observed, validation window"),
                Line2D([], [], color=OBSERVED, lw=1.4, label="observed total over months, at its monthly mean"),
                Line2D([], [], color=style.EVENT, lw=1.0, ls=(0, (4, 3)), label="policy change")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8)
    caption = (f"Monthly totals over {members} members (seeds, and posterior draws when given): the band spans "
               "the 5% to 95% quantiles, the line is the median. Observed figures of Venezuelans that fall in the "
               "run are drawn on the same axes (one-month figures as points, longer totals at their monthly mean); "
               f"figures after {obs.FIT_END:%d %B %Y} are the validation window (never fitted; shaded when the "
               "run also covers the fit window).")
    return Plot("fan_charts", "Monthly outcomes with their ensemble interval", caption, fig)


def effect_figure(effects: pd.DataFrame, sc, events, members: int) -> Plot:
    """The policy's effect (each member minus its own branched counterfactual) per month, as fan charts."""
    fig, axes = style.figure(4, 2, height=11.5)
    for ax, (outcome, title) in zip(axes.flat, SERIES):
        q = _monthly(effects, outcome)
        fan(ax, q, style.EVENT)
        ax.axhline(0, color=style.INK, lw=0.8, zorder=1)
        if outcome == "smuggling_revenue_usd":
            style.usd_axis(ax, "USD per month")
        else:
            style.count_axis(ax, "people" if outcome == "stock_abroad" else "people per month")
        style.date_axis(ax, sc.reported_start, sc.end, "")
        style.policy_lines(ax, events, label=False)
        ax.set_title(title, fontsize=10)
    fig.legend(handles=[Patch(color=style.EVENT, alpha=BAND_ALPHA, label="90% interval of the effect"),
                        Line2D([], [], color=style.EVENT, lw=1.7, label="median effect"),
                        Line2D([], [], color=style.INK, lw=0.8, label="no effect")],
               loc="outside lower center", ncols=3, fontsize=8)
    caption = (f"Policy minus counterfactual, member by member ({members} members; each counterfactual branched "
               "from its own member's state on the first date the timelines differ): a band that straddles the "
               "zero line is an effect not distinguishable from noise.")
    return Plot("fan_effects", "The policy's effect per month, with its 90% interval", caption, fig)
