"""The simulated-against-observed figure: monthly flows as lines with the observed figures as points and
bands, host-country stocks as simulated-beside-observed dots; the validation window shaded."""
from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.gridspec import GridSpec
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .. import observed as obs
from . import style
from .figures import Plot, monthly
from .validation import Validation, country_label

FLOWS = (("darien_crossings_north", "Darién crossings northbound (Colombia → Panama)"),
         ("encounters_us_border", "US-border encounters of Venezuelans"),
         ("darien_crossings_south", "Darién crossings southbound (Panama → Colombia)"))
SIMULATED = style.NORTH
OBSERVED = style.INK
SHADE = "#fdd9b5"  # the validation window
MONTH_DAYS = 365.25 / 12
LOG_RANGE = 20  # a flow panel goes to a log scale when its positive values span more than this factor


def _fit_end() -> pd.Timestamp:
    return pd.Timestamp(obs.FIT_END) + pd.Timedelta(days=1)


def _shade(ax, first: pd.Timestamp, last: pd.Timestamp) -> None:
    """Shade the part of the run after the fit window and say it was not fitted."""
    start = max(_fit_end(), first)
    if start > last:
        return
    ax.axvspan(start, last, color=SHADE, alpha=0.55, lw=0, zorder=0)
    ax.annotate("validation: not fitted", (mdates.date2num(start), 0.97), xycoords=ax.get_xaxis_transform(),
                xytext=(4, 0), textcoords="offset points", ha="left", va="top", fontsize=8, color=style.EVENT)


def _log_axis(ax, axis: str = "y", subs=(1.0, 2.0, 5.0)) -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log", nonpositive="mask")
    target.set_major_locator(LogLocator(base=10, subs=subs))
    target.set_major_formatter(FuncFormatter(lambda v, _: style.compact(v)))
    target.set_minor_formatter(NullFormatter())


def _months(row) -> float:
    """Length of an observed row's period in months."""
    return ((pd.Timestamp(row["end"]) - pd.Timestamp(row["start"])).days + 1) / MONTH_DAYS


def _observed_marks(ax, rows: pd.DataFrame) -> None:
    """One-month figures as points with error bars; longer ones as a segment at their monthly mean."""
    for _, row in rows.iterrows():
        start, end = pd.Timestamp(row["start"]), pd.Timestamp(row["end"]) + pd.Timedelta(days=1)
        months = _months(row)
        value, low, high = row["observed"] / months, row["low"] / months, row["high"] / months
        hollow = row["window"] == "validation"
        face = "white" if hollow else OBSERVED
        mid = start + (end - start) / 2
        bar = [[value - low], [high - value]]
        if months <= 1.1:
            ax.errorbar([mid], [value], yerr=bar, fmt="o", ms=5, mfc=face, mec=OBSERVED, ecolor=OBSERVED,
                        elinewidth=1.2, capsize=3, zorder=4)
        else:  # nested totals (January to August, to September, ...) stay apart: bars at their midpoints
            ax.plot([start, end], [value, value], color=OBSERVED, lw=1.4, ls=(0, (4, 2)) if hollow else "-",
                    solid_capstyle="butt", zorder=3)
            ax.errorbar([mid], [value], yerr=bar, fmt="none", ecolor=OBSERVED, elinewidth=0.9, capsize=2,
                        alpha=0.8, zorder=3)


def _flow_panel(ax, v: Validation, series: str, title: str, first, last) -> None:
    sim = monthly(v.daily.assign(date=pd.to_datetime(v.daily["date"])), [series])[series]
    x = sim.index + pd.Timedelta(days=14)
    ax.plot(x, sim.to_numpy(), color=SIMULATED, lw=1.8, marker="o", ms=3, zorder=3)
    rows = v.table[(v.table["series"] == series)]
    _observed_marks(ax, rows)
    per_month = [row["low"] / _months(row) for _, row in rows.iterrows()]
    per_month += [row["high"] / _months(row) for _, row in rows.iterrows()]
    values = np.concatenate([sim.to_numpy(), np.array(per_month, dtype=float)])
    positive = values[values > 0]
    if positive.size and positive.max() / positive.min() > LOG_RANGE:
        _log_axis(ax)
        ax.set_ylim(positive.min() / 2, positive.max() * 3)
        if (sim.to_numpy() <= 0).any():
            ax.text(0.01, 0.03, "months with none simulated are left off the log scale", transform=ax.transAxes,
                    fontsize=7.5, color=style.MUTED, va="bottom")
    else:
        style.count_axis(ax, "")
        ax.set_ylim(0, max(positive.max() * 1.25 if positive.size else 1, 1))
    ax.set_ylabel("people per month")
    ax.set_title(title, fontsize=10)
    if rows.empty:
        ax.text(0.99, 0.5, "no observed figures of Venezuelans\nfor this series in the run's span",
                transform=ax.transAxes, ha="right", va="center", fontsize=8, color=style.MUTED)
    style.date_axis(ax, first.date(), (last - pd.Timedelta(days=1)).date(), "")
    _shade(ax, first, last)


def _stock_label(row, names: dict[str, str]) -> str:
    return f"{country_label(row['country'], names)}, {pd.Timestamp(row['end']):%b %Y}"


def _stock_panel(ax, v: Validation) -> None:
    rows = v.table[(v.table["series"] == "stock") & v.table["simulated"].notna()]
    if rows.empty:
        style.no_data(ax, "no observed stocks\nin the run's span")
        ax.set_title("Stock by host country", fontsize=10)
        return
    rows = rows.assign(_size=rows.groupby("country")["observed"].transform("max"))
    rows = rows.sort_values(["_size", "end"], ascending=[False, True]).reset_index(drop=True)
    y = np.arange(len(rows))[::-1]
    floor = rows["low"].min() / 4  # a simulated stock below this is drawn at the left edge as "<"
    for yi, (_, row) in zip(y, rows.iterrows()):
        hollow = row["window"] == "validation"
        if hollow:
            ax.axhspan(yi - 0.5, yi + 0.5, color=SHADE, alpha=0.55, lw=0, zorder=0)
        simulated, marker = (row["simulated"], "D") if row["simulated"] >= floor else (floor, "<")
        ax.plot([row["observed"], simulated], [yi, yi], color=style.GRID, lw=1.5, zorder=1)
        ax.errorbar([row["observed"]], [yi], xerr=[[row["observed"] - row["low"]], [row["high"] - row["observed"]]],
                    fmt="o", ms=5, mfc="white" if hollow else OBSERVED, mec=OBSERVED, ecolor=OBSERVED,
                    elinewidth=1.2, capsize=2.5, zorder=3)
        ax.plot([simulated], [yi], marker, ms=5, color=SIMULATED, zorder=4, clip_on=False)
    ax.set_yticks(y, [_stock_label(r, v.names) for _, r in rows.iterrows()], fontsize=7.5)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    _log_axis(ax, "x", subs=(1.0,))
    ax.set_xlim(floor, max(rows["high"].max(), rows["simulated"].max()) * 1.6)
    ax.grid(axis="x", color=style.GRID)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("people (log scale)")
    ax.set_title("Stock by host country", fontsize=10)


def _legend(fig) -> None:
    handles = [Line2D([], [], color=SIMULATED, lw=1.8, marker="o", ms=3, label="simulated, per month"),
               Line2D([], [], color=SIMULATED, lw=0, marker="D", ms=5, label="simulated stock"),
               Line2D([], [], color=OBSERVED, lw=0, marker="o", ms=5, label="observed, fit window (band as bar)"),
               Line2D([], [], color=OBSERVED, lw=0, marker="o", ms=5, mfc="white",
                      label="observed, validation window"),
               Line2D([], [], color=OBSERVED, lw=1.4, label="observed total over months, at its monthly mean,\n"
                      "band at the middle (dashed: validation window)"),
               Patch(color=SHADE, alpha=0.55, label=f"validation window: after {obs.FIT_END:%d %b %Y}, not fitted")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8)


def validation_figure(v: Validation, first: dt.date, last: dt.date) -> Plot:
    """Three flow panels (left) and the stock dot plot (right); ``first``..``last`` is the run's span."""
    first, last = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
    stocks = int(((v.table["series"] == "stock") & v.table["simulated"].notna()).sum())
    height = max(8.2, 0.19 * stocks + 2.4)
    fig = plt.figure(figsize=(style.WIDTH, height), layout="constrained")
    grid = GridSpec(3, 2, figure=fig, width_ratios=(1.75, 1))
    for k, (series, title) in enumerate(FLOWS):
        _flow_panel(fig.add_subplot(grid[k, 0]), v, series, title, first, last)
    _stock_panel(fig.add_subplot(grid[:, 1]), v)
    _legend(fig)
    fig.suptitle("Simulated against observed", x=0.01, ha="left", fontweight="bold", fontsize=11)
    done = v.table.dropna(subset=["log_error"])
    inside = int(done["inside_band"].astype(bool).sum())
    windows = ", ".join(f"{n} in the {w} window" for w, n in done["window"].value_counts().items())
    caption = (f"{len(done)} observed figures of Venezuelans lie in this run ({windows}); {inside} fall inside "
               "their band. Lines: the run's monthly totals; points and bars: one-month figures and their bands; "
               "segments: totals over longer periods drawn at their monthly mean, their band as a bar at the middle. "
               f"The shaded span after {obs.FIT_END:%d %B %Y} is the validation window: figures there are compared, "
               "never fitted. "
               "Stocks: a simulated value far below the observed one is drawn as < at the left edge.")
    return Plot("validation", "Monthly flows and host-country stocks against the observed figures", caption, fig)
