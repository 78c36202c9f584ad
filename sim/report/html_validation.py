"""The report's "Simulated against observed" section: summary by window and series, the figure, the table
of every observed figure (validation window first) and the plausibility checks."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from .. import observed as obs
from ..outcomes import outcome_label
from .html import figure_block, number
from .validation import Validation, country_label

SERIES = {"stock": "Stock in host countries"}  # observed series that are not run outcomes
GOOD, BAD = "#1b7837", "#b2182b"


def series_label(series: str) -> str:
    return SERIES.get(series) or outcome_label(series)


def _cell(text: str, num: bool = False, colour: str | None = None, nowrap: bool = False) -> str:
    cls = ' class="num"' if num else ""
    rules = ([f"color:{colour}"] if colour else []) + (["white-space:nowrap"] if nowrap else [])
    style = f' style="{";".join(rules)}"' if rules else ""
    return f"<td{cls}{style}>{text}</td>"


def figure_label(series: str, country: str, names: dict[str, str]) -> str:
    """``stock in Colombia``, ``arrivals into Spain``, ``Darién crossings northbound``."""
    if not country:
        return series_label(series)
    where = country_label(country, names)
    return {"stock": f"stock in {where}", "changed_country": f"arrivals into {where}"}.get(
        series, f"{series_label(series)} · {where}")


def _head(names) -> str:
    """Header cells; a name starting with a space heads a column of numbers (right-aligned)."""
    cells = []
    for name in names:
        cls = ' class="num"' if name.startswith(" ") else ""
        cells.append(f"<th{cls}>{escape(name.strip())}</th>")
    return "<tr>" + "".join(cells) + "</tr>"


def _yes_no(value) -> str:
    if pd.isna(value):
        return _cell("–")
    return _cell("yes", colour=GOOD) if bool(value) else _cell("no", colour=BAD)


def summary_table(summary: pd.DataFrame) -> str:
    rows = []
    for _, r in summary.iterrows():
        compared = r["compared"] > 0
        rows.append("<tr>" + _cell(escape(r["window"])) + _cell(escape(series_label(r["series"])))
                    + _cell(f"{r['rows']:,}", True) + _cell(f"{r['compared']:,}", True)
                    + _cell(f"{r['median_abs_log_error']:.2f}" if compared else "–", True)
                    + _cell(f"{r['share_inside_band']:.0%}" if compared else "–", True) + "</tr>")
    head = _head(["window", "series", " figures", " compared", " median |log error|", " inside band"])
    return f"<table>{head}{''.join(rows)}</table>"


def _period(r) -> str:
    """``2024-06-15``; ``2024-01-01 – 09-30`` within a year; both dates in full across years."""
    start, end = r["start"], r["end"]
    if start == end:
        return f"{start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d} – {end:%m-%d}" if start.year == end.year else f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def rows_table(table: pd.DataFrame, names: dict[str, str]) -> str:
    rows = []
    for _, r in table.iterrows():
        done = not pd.isna(r["log_error"])
        what = escape(figure_label(r["series"], r["country"], names))
        note = f'<br><span class="muted">{escape(r["note"])}</span>' if r["note"] else ""
        source = f'<span style="font-size:12.5px">{escape(r["source"])}</span>{note}'
        rows.append("<tr>" + _cell(escape(r["window"])) + _cell(what) + _cell(_period(r), nowrap=True)
                    + _cell(number(r["observed"]), True)
                    + _cell(f"{number(r['low'])} – {number(r['high'])}", True, nowrap=True)
                    + _cell(number(r["simulated"]) if done else "–", True)
                    + _cell(f"{r['log_error']:+.2f}" if done else "–", True) + _yes_no(r["inside_band"])
                    + _cell(source) + "</tr>")
    head = _head(["window", "observed figure", "period", " observed", " band", " simulated", " log error",
                  "in band", "source"])
    return f"<table>{head}{''.join(rows)}</table>"


def plausibility_table(table: pd.DataFrame) -> str:
    rows = []
    colours = {"yes": GOOD, "no": BAD}
    for _, r in table.iterrows():
        bounded = not pd.isna(r["low"])
        rows.append("<tr>" + _cell(escape(r["check"])) + _cell(str(r["year"]))
                    + _cell(number(r["simulated"]) if not pd.isna(r["simulated"]) else "–", True)
                    + _cell(number(r["reference"]) if not pd.isna(r["reference"]) else "–", True)
                    + _cell(f"{number(r['low'])} – {number(r['high'])}" if bounded else "–", True, nowrap=True)
                    + _cell(escape(r["within"]), colour=colours.get(r["within"]))
                    + _cell(f'<span class="muted">{escape(r["note"])}</span>') + "</tr>")
    head = _head(["check", "year", " simulated", " reference", " bounds", "within", "note"])
    return f"<table>{head}{''.join(rows)}</table>"


def section(v: Validation, figure: tuple[str, str, Path, Path]) -> str:
    """The whole section; ``figure`` is (title, caption, png, svg) of the validation figure."""
    return "\n".join([
        '<h2 id="simulated-against-observed">Simulated against observed</h2>',
        f'<p class="lead">Every published figure on Venezuelans whose period lies inside this run, beside the '
        f"run's value. The fit window holds figures dated up to {obs.FIT_END:%d %B %Y}, the only ones a "
        "calibration may read; later figures form the validation window: compared here, never fitted. "
        "Log error is ln(simulated / observed) (a simulated zero counts as one person): 0.1 is about 10% off, "
        "0.69 a factor of two. Rows and bands: seeds/observed/; this table: validation.csv.</p>",
        "<h3>Summary by window and series</h3>",
        summary_table(v.summary),
        figure_block(*figure),
        "<h3>Every observed figure (validation window first)</h3>",
        rows_table(v.table, v.names),
        "<h3>Plausibility of yearly totals</h3>",
        '<p class="muted">Not fitted: yearly totals against bounds in seeds/plausibility.yaml (each with its reason '
        "and source), and each host country's change in stock against the change the observed stocks imply "
        "where two of them bracket the year. This table: plausibility.csv.</p>",
        plausibility_table(v.plausibility),
    ])
