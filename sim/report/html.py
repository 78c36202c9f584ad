"""The report page: one self-contained HTML file (figures embedded as PNG), written atomically."""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import pandas as pd

from ..outcomes import LABELS
from ..population import STATUSES
from .rundata import RunData

MAIN_OUTCOMES = tuple((name, LABELS[name]) for name in (
    "encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths", "children_abandoned",
    "interceptions", "detentions", "deportations", "returns_home", "parole_entries", "smuggling_revenue_usd",
    *(f"status_{s}" for s in STATUSES)))
META = (("migsim_version", "migsim version"), ("engine", "engine"), ("seed", "seed"),
        ("scale", "people per agent (scale)"), ("agents", "agents"), ("days", "days"),
        ("spin_up_days", "spin-up days (simulated before the start, not shown)"), ("runtime_seconds", "runtime (s)"), ("finished", "finished"))

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#222;max-width:1120px;margin:0 auto;
padding:24px 28px 60px;line-height:1.45;font-size:15px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 8px;border-bottom:1px solid #ddd;
padding-bottom:4px}h3{font-size:15px;margin:22px 0 4px}
.lead{color:#444;max-width:820px}.muted{color:#6b6b6b;font-size:13px}
table{border-collapse:collapse;font-size:13.5px;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee}
th{text-align:left;background:#f6f6f6;font-weight:600}td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums}td.neg{color:#b2182b}
figure{margin:18px 0 28px}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:13.5px;color:#444;max-width:900px}nav a{margin-right:12px;font-size:13.5px}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px;font-size:13.5px}
dl.meta dt{color:#6b6b6b}dl.meta dd{margin:0}
.row{display:flex;flex-wrap:wrap;gap:8px 48px;align-items:flex-start}.row>div{min-width:300px}
"""


def number(value) -> str:
    """Thousands separators, no decimals (counts in people, money in USD)."""
    try:
        return f"{float(value):,.0f}"
    except (TypeError, ValueError):
        return escape(str(value))


def outcome_table(yearly: pd.DataFrame, caption: str, signed: bool = False) -> str:
    """Main outcomes as rows, years as columns."""
    years = [str(int(y)) for y in yearly["year"]]
    head = "".join(f'<th class="num">{y}</th>' for y in years)
    rows = []
    for col, label in MAIN_OUTCOMES:
        if col not in yearly:
            continue
        cells = []
        for v in yearly[col]:
            text = f"{float(v):+,.0f}" if signed and v else number(v)
            cls = "num neg" if signed and v < 0 else "num"
            cells.append(f'<td class="{cls}">{text}</td>')
        rows.append(f"<tr><td>{escape(label)}</td>{''.join(cells)}</tr>")
    return (f'<table><caption class="muted" style="caption-side:bottom;text-align:left">{escape(caption)}'
            f"</caption><tr><th>outcome (people; revenue in USD)</th>{head}</tr>{''.join(rows)}</table>")


def timeline_table(run: RunData) -> str:
    from .rundata import lever_label

    rows = []
    for lv in run.scenario.policy.timeline:
        when = "initial policy" if lv.date <= run.scenario.start else "change"
        rows.append(f"<tr><td>{lv.date.isoformat()}</td><td>{escape(lever_label(lv))}</td>"
                    f'<td class="muted">{when}</td></tr>')
    if not rows:
        return '<p class="muted">No policy timeline: every lever keeps its default.</p>'
    return f"<table><tr><th>date</th><th>policy</th><th></th></tr>{''.join(rows)}</table>"


def meta_list(meta: dict) -> str:
    items = []
    for key, label in META:
        if key in meta:
            value = meta[key]
            text = number(value) if key in ("agents", "days") else escape(str(value))
            if key == "scale":
                text = f"{float(value):,g}"
            items.append(f"<dt>{escape(label)}</dt><dd>{text}</dd>")
    return f'<dl class="meta">{"".join(items)}</dl>'


def figure_block(title: str, caption: str, png: Path, svg: Path) -> str:
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    anchor = png.stem
    return (f'<figure id="{anchor}"><h3>{escape(title)}</h3>'
            f'<img src="data:image/png;base64,{data}" alt="{escape(title)}">'
            f"<figcaption>{escape(caption)} "
            f'<a href="figures/{escape(png.name)}">PNG</a> · <a href="figures/{escape(svg.name)}">SVG</a>'
            "</figcaption></figure>")


def simulated_from(sc) -> str:
    """`` (simulated from 2021-01-01)`` when the run reports only the last part of what it simulated."""
    return f" (simulated from {sc.start.isoformat()})" if sc.reported_start != sc.start else ""


def run_page(run: RunData, figures: list[tuple[str, str, Path, Path]], validation: str = "") -> str:
    """The whole page for one run; ``figures`` are (title, caption, png, svg); ``validation`` is the section
    comparing the run with observed figures (html_validation.section), empty when none lies in the run."""
    sc = run.scenario
    nav = "".join(f'<a href="#{png.stem}">{escape(title)}</a>' for title, _, png, _ in figures)
    if validation:
        nav = '<a href="#simulated-against-observed">Simulated against observed</a>' + nav
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(sc.name)} - migsim report</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(sc.name)}</h1>",
        f'<p class="muted">{sc.reported_start.isoformat()} to {sc.end.isoformat()}{simulated_from(sc)} · network '
        f"{escape(run.network.name)} · migsim run report</p>",
        f'<p class="lead">{escape(sc.description.strip())}</p>' if sc.description.strip() else "",
        f"<nav>{nav}</nav>",
        '<div class="row"><div><h2>Policy timeline</h2>',
        timeline_table(run),
        "</div><div><h2>Run</h2>",
        meta_list(run.meta),
        "</div></div>",
        '<div class="row"><div><h2>Summary by year</h2>',
        outcome_table(run.yearly, "Flows summed over each year; stocks (resident ... dead) on the year's last "
                      "simulated day. All counts in people (agents x scale)."),
        "</div>",
    ]
    if run.difference is not None:
        parts += ["<div><h2>Policy minus counterfactual</h2>",
                  outcome_table(run.difference, "The same run without the timeline's changes after the start "
                                "(difference.csv).", signed=True),
                  "</div>"]
    parts.append("</div>")
    parts.append(validation)
    parts.append("<h2>Figures</h2>")
    parts += [figure_block(*f) for f in figures]
    parts += ['<p class="muted">Beside this page in the run directory: scenario.yaml, run.json, daily.parquet, '
              "yearly.csv, locations.parquet, flows.parquet; each figure as PNG and SVG under figures/.</p>",
              "</body></html>"]
    return "\n".join(p for p in parts if p)
