"""One look for every figure: colours, date and count axes, policy-event lines, saving."""
from __future__ import annotations

import calendar
import datetime as dt
import textwrap
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

INK = "#222222"
MUTED = "#6b6b6b"
GRID = "#e4e4e4"
EVENT = "#8c2d04"
NORTH = "#2166ac"  # northbound flows
SOUTH = "#d6604d"  # southbound flows
OTHER = "#7f7f7f"
POLICY = "#2166ac"
COUNTERFACTUAL = "#999999"
# Qualitative palette (Okabe-Ito, colour-blind safe) for categories: countries, segments, networks
CATEGORICAL = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#332288",
               "#999999", "#882255")
DPI = 110
WIDTH = 10.0  # inches; every figure shares it so they line up in the report

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#9a9a9a",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "migsim",  # same run, same SVG bytes
    "svg.fonttype": "none",  # SVG text stays text: searchable and editable
}


@contextmanager
def report_style():
    """Apply the report's matplotlib settings for the duration of the block."""
    with plt.rc_context(RC):
        yield


def figure(rows: int = 1, cols: int = 1, height: float = 4.2, **kwargs):
    """A figure of the report's width with a grid of axes (always returned as a 2-D array)."""
    fig, axes = plt.subplots(rows, cols, figsize=(WIDTH, height), squeeze=False, layout="constrained", **kwargs)
    return fig, axes


def compact(value: float) -> str:
    """``1,234,567`` -> ``1.2M``; ``12,300`` -> ``12k``; small numbers as they are."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:,.0f}" if size >= 1 or value == 0 else f"{value:.2g}"


def count_axis(ax, label: str, axis: str = "y") -> None:
    """A count axis in people (or USD) with compact tick labels and whole-number ticks."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: compact(v)))
    target.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=2))
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(label)


def usd_axis(ax, label: str = "USD") -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "$" + compact(v) if v >= 0 else "-$" + compact(-v)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, min_n_ticks=3))
    ax.set_ylabel(label)


def date_axis(ax, start: dt.date, end: dt.date, label: str = "date") -> None:
    """Dates on the x-axis across the whole run, concise month/year labels."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1))
    ax.set_xlabel(label)


def month_bars(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Left edge and width (in days) of a bar filling 85% of each month starting at ``index``."""
    widths = np.array([calendar.monthrange(d.year, d.month)[1] for d in index], dtype=float)
    left = mdates.date2num(index.to_pydatetime()) + widths * 0.075
    return left, widths * 0.85


LABEL_CHARS = 28  # policy labels wrap after this many characters
LABEL_POINTS = 7.0


def policy_lines(ax, events, label: bool = True) -> None:
    """Each policy event as a dashed vertical line, labelled along it; operations shaded to their end.

    With labels, the y-axis is raised so the labels sit above the data.
    """
    by_date: dict[dt.date, list[str]] = {}
    for ev in events:
        by_date.setdefault(ev.date, []).append(ev.label)
        if ev.end is not None:
            ax.axvspan(pd.Timestamp(ev.date), pd.Timestamp(ev.end) + pd.Timedelta(days=1),
                       color=EVENT, alpha=0.06, lw=0, zorder=0)
    longest = 0
    for date, labels in by_date.items():
        x = pd.Timestamp(date)
        ax.axvline(x, color=EVENT, lw=1.0, ls=(0, (4, 3)), alpha=0.85, zorder=1)
        if label:
            text = "\n".join(textwrap.wrap("; ".join(labels), LABEL_CHARS))
            longest = max(longest, max(len(line) for line in text.splitlines()))
            ax.annotate(text, (mdates.date2num(x), 0.985), xycoords=ax.get_xaxis_transform(), xytext=(-2.5, 0),
                        textcoords="offset points", rotation=90, ha="right", va="top", fontsize=LABEL_POINTS,
                        color=EVENT, annotation_clip=True, linespacing=1.1,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    if longest:
        _room_for_labels(ax, longest)


def _room_for_labels(ax, chars: int) -> None:
    """Raise the top of the y-axis so labels of ``chars`` characters clear the data (using at most 40% of it)."""
    fig = ax.get_figure()
    axes_px = ax.get_position().height * fig.get_figheight() * 72  # in points
    label = chars * LABEL_POINTS * 0.58 + 8
    share = min(label / max(axes_px, 1), 0.4)
    low, high = ax.get_ylim()
    if high > low:
        ax.set_ylim(low, low + (high - low) / (1 - share))


def no_data(ax, message: str) -> None:
    """Say so in the panel rather than drawing an empty frame."""
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10,
            zorder=10, bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": GRID})
    ax.set_yticks([])


def save(fig, directory: Path, name: str) -> list[Path]:
    """PNG and SVG copies of a figure under ``directory`` (no timestamps: same run, same files)."""
    png, svg = directory / f"{name}.png", directory / f"{name}.svg"
    fig.savefig(png, dpi=DPI, metadata={"Software": "migsim"})
    fig.savefig(svg, metadata={"Date": None, "Creator": "migsim"})
    plt.close(fig)
    return [png, svg]
