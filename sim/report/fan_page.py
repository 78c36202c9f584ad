"""The report of an ensemble directory: yearly figures with their intervals (wide ones marked), the
policy's effects in words, the ensemble against the observed figures by window, and the fan charts."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from ..errors import ScenarioError
from ..failures import reading
from ..rundir import atomic_dir, write_atomic
from ..scenario import Scenario
from . import fan, html, style
from .html_validation import series_label
from .rundata import policy_events

WIDE_NOTE = "† the 5-95% interval is wider than ±50% of the mean: a count of few agents at this scale."


def is_ensemble_directory(directory: Path) -> bool:
    return (directory / "ensemble.json").is_file()


def _csv(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    with reading(path, "CSV"):
        return pd.read_csv(path, dtype={"period": str})


def interval(mean: float, p5: float, p95: float, is_wide: bool, signed: bool = False) -> str:
    """``12,300 (9,800 – 15,100)``, with † when the interval is wide."""
    fmt = (lambda v: f"{v:+,.0f}") if signed else (lambda v: f"{v:,.0f}")
    mark = " †" if is_wide else ""
    return f"{fmt(mean)}{mark} <span class=\"muted\">({fmt(p5)} – {fmt(p95)})</span>"


def yearly_table(table: pd.DataFrame, caption: str, signed: bool = False, words: bool = False) -> str:
    """Main outcomes as rows, years as columns: mean and 5-95% interval (and, for effects, what it says)."""
    years = table[table["freq"] == "year"]
    periods = sorted(years["period"].unique())
    head = "".join(f'<th class="num">{escape(p)}</th>' for p in periods)
    head += "<th>reading (last year)</th>" if words else ""
    rows = []
    for col, label in html.MAIN_OUTCOMES:
        got = years[years["outcome"] == col].set_index("period")
        if got.empty:
            continue
        cells = "".join(f'<td class="num">{interval(r["mean"], r["p5"], r["p95"], bool(r["wide"]), signed)}</td>'
                        for _, r in got.loc[periods].iterrows())
        if words:
            cells += f'<td class="muted">{escape(str(got.loc[periods[-1], "reading"]))}</td>'
        rows.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    return (f'<table><caption class="muted" style="caption-side:bottom;text-align:left">{escape(caption)}'
            f"</caption><tr><th>outcome (people; revenue in USD)</th>{head}</tr>{''.join(rows)}</table>")


def observed_table(table: pd.DataFrame) -> str:
    """Ensemble against each observed figure, fit window first, then the validation window."""
    if table is None or table.empty:
        return '<p class="muted">No observed figure of Venezuelans lies inside this run.</p>'
    parts = []
    for window, rows in table.groupby("window", sort=False):
        body = "".join(
            f"<tr><td>{escape(series_label(r['series']))} {escape(str(r['country']) if pd.notna(r['country']) else '')}"
            f"</td><td>{escape(str(r['start']))} to {escape(str(r['end']))}</td>"
            f'<td class="num">{r["observed"]:,.0f}</td><td class="num">{r["p50"]:,.0f}</td>'
            f'<td class="num">{r["p5"]:,.0f} – {r["p95"]:,.0f}</td><td class="num">{r["log_error"]:+.2f}</td>'
            f"<td>{'yes' if r['inside_band'] else 'no'}</td><td>{'yes' if r['observed_in_interval'] else 'no'}</td></tr>"
            for _, r in rows.iterrows())
        inside = int(rows["observed_in_interval"].sum())
        parts.append(f"<h3>{escape(window)} window: {len(rows)} figures, {inside} inside the ensemble's 5-95%</h3>"
                     "<table><tr><th>figure</th><th>period</th><th class=\"num\">observed</th>"
                     "<th class=\"num\">median</th><th class=\"num\">5-95%</th><th class=\"num\">log error</th>"
                     "<th>median in the figure's band</th><th>observed in the 5-95%</th></tr>"
                     f"{body}</table>")
    return "".join(parts)


def load_ensemble(directory: Path) -> tuple[Scenario, dict]:
    path = directory / "ensemble.json"
    with reading(path, "JSON"):
        record = json.loads(path.read_text(encoding="utf-8"))
    try:
        return Scenario.model_validate(record["scenario"]), record
    except (KeyError, ValueError):
        raise ScenarioError(path, "scenario", "damaged: not the scenario of an ensemble") from None


def write_ensemble_report(directory: str | Path, period: str | None = None) -> list[Path]:
    """figures/fan_charts.* (and fan_effects.* with a counterfactual) and report.html for an ensemble directory."""
    directory = Path(directory)
    sc, record = load_ensemble(directory)
    summary = _csv(directory / "summary.csv")
    if summary is None:
        raise ScenarioError(directory / "summary.csv", None, "missing: run `migsim run SCENARIO --ensemble N` first")
    effects, observed = _csv(directory / "effects.csv"), _csv(directory / "observed.csv")
    observed = observed if observed is not None else pd.DataFrame(columns=["series", "country", "window"])
    members = int(summary["members"].max())
    events = policy_events(sc)
    blocks = []
    with style.report_style(), atomic_dir(directory / "figures", force=True) as tmp:
        plots = [fan.fan_figure(summary, observed, sc, events, members)]
        if effects is not None:
            plots.append(fan.effect_figure(effects, sc, events, members))
        for plot in plots:
            png, svg = style.save(plot.figure, tmp, plot.name)
            blocks.append((plot.title, plot.caption, png, svg))
        page = ensemble_page(sc, record, members, summary, effects, observed, blocks)
    final = directory / "figures"
    written = [final / p.name for _, _, png, svg in blocks for p in (png, svg)]
    written.append(write_atomic(directory / "report.html", page))
    return written


def _meta(sc: Scenario, record: dict, members: int) -> str:
    posterior = record.get("posterior")
    items = [("members", f"{members:,}"), ("people per agent (scale)", f"{sc.scale:,g}"),
             ("engine", record.get("engine", "vector")), ("seeds", f"from SeedSequence({sc.seed}, member)"),
             ("parameters", f"{posterior['draws']} posterior draws of {escape(posterior['file'])}, cycled"
              if posterior else "the scenario's own"),
             ("counterfactual", "each member's own branch" if record.get("counterfactual") else "none")]
    return '<dl class="meta">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def ensemble_page(sc: Scenario, record: dict, members: int, summary: pd.DataFrame, effects: pd.DataFrame | None,
                  observed: pd.DataFrame, figures: list[tuple[str, str, Path, Path]]) -> str:
    nav = "".join(f'<a href="#{png.stem}">{escape(t)}</a>' for t, _, png, _ in figures)
    policy = summary[summary["branch"] == "policy"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(sc.name)} - migsim ensemble report</title><style>{html.CSS}</style></head><body>",
        f"<h1>{escape(sc.name)}: ensemble of {members}</h1>",
        f'<p class="muted">{sc.reported_start.isoformat()} to {sc.end.isoformat()}{html.simulated_from(sc)} · '
        "migsim ensemble report</p>",
        f'<p class="lead">{escape(sc.description.strip())}</p>' if sc.description.strip() else "",
        f'<nav><a href="#by-year">By year</a><a href="#simulated-against-observed">Simulated against observed</a>'
        f"{nav}</nav>",
        '<div class="row"><div><h2>Policy timeline</h2>', html.timeline_table(SimpleNamespace(scenario=sc)),
        "</div><div><h2>Ensemble</h2>", _meta(sc, record, members), "</div></div>",
        '<h2 id="by-year">By year: mean (5% – 95%) over members</h2>',
        yearly_table(policy, "Flows summed over each year; stocks on the year's last simulated day. " + WIDE_NOTE),
    ]
    if effects is not None:
        parts += ["<h2>Policy minus counterfactual: the effect with its 90% interval</h2>",
                  yearly_table(effects, "Each member minus its own branched counterfactual. " + WIDE_NOTE,
                               signed=True, words=True)]
    parts += ['<h2 id="simulated-against-observed">Simulated against observed</h2>',
              '<p class="muted">Log error: ln(median / observed). The fit window ends on 30 June 2024; later '
              "figures are the validation window, never fitted (observed.csv).</p>",
              observed_table(observed), "<h2>Figures</h2>", *[html.figure_block(*f) for f in figures],
              '<p class="muted">Beside this page: members.parquet (one row per member, outcome and period), '
              "summary.csv, effects.csv, observed.csv, ensemble.json; each figure as PNG and SVG under figures/.</p>",
              "</body></html>"]
    return "\n".join(p for p in parts if p)
