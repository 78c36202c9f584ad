"""Which swept parameter moves each outcome: Sobol indices (first-order S1 and total ST, with
bootstrap confidence intervals) on a saltelli design, or Morris elementary effects on a morris
design, both by SALib. Replicates of a design point are averaged first.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .spec import salib_problem
from .store import read_design, read_plan, read_runs

METHOD_DESIGN = {"sobol": "saltelli", "morris": "morris"}


def point_means(runs: pd.DataFrame, n_points: int, outcomes: list[str], where="<sweep>") -> pd.DataFrame:
    """Mean of each outcome over a point's successful replicates; every point must have one."""
    ok = runs[runs["error"].isna()] if len(runs) else runs
    means = ok.groupby("point")[outcomes].mean() if len(ok) else pd.DataFrame(columns=outcomes)
    missing = sorted(set(range(n_points)) - set(means.index))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise ScenarioError(where, None, f"{len(missing)} of {n_points} design points have no successful run "
                            f"(points {shown}); finish the sweep (`migsim sweep` again, --retry-failed) first")
    return means.reindex(range(n_points))


def sobol_table(outputs: dict[str, np.ndarray], names: list[str], second_order: bool = False,
                seed: int = 0, num_resamples: int = 200) -> pd.DataFrame:
    """S1, ST and their 95% confidence half-widths per outcome and parameter (rows in saltelli order)."""
    from SALib.analyze import sobol

    problem = salib_problem(len(names))
    rows = []
    for outcome, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if np.ptp(y) == 0:
            res = {k: np.full(len(names), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=num_resamples,
                                    seed=seed)
        for j, name in enumerate(names):
            rows.append({"outcome": outcome, "parameter": name, "S1": res["S1"][j], "S1_conf": res["S1_conf"][j],
                         "ST": res["ST"][j], "ST_conf": res["ST_conf"][j]})
    return pd.DataFrame(rows)


def unresolved(table: pd.DataFrame, width: float = 0.25) -> list[str]:
    """Outcomes whose Sobol indices are too uncertain to rank the parameters (wide intervals)."""
    if "ST_conf" not in table.columns:
        return []
    wide = table.groupby("outcome", sort=False)[["S1_conf", "ST_conf"]].max().max(axis=1)
    return [o for o, w in wide.items() if w > width]


def morris_table(unit: np.ndarray, outputs: dict[str, np.ndarray], names: list[str], levels: int,
                 seed: int = 0, num_resamples: int = 200) -> pd.DataFrame:
    """Morris mu* (mean absolute elementary effect per unit of the parameter's range), its CI, and sigma."""
    from SALib.analyze import morris

    problem = salib_problem(len(names))
    rows = []
    for outcome, y in outputs.items():
        res = morris.analyze(problem, unit, np.asarray(y, dtype=float), num_resamples=num_resamples,
                             num_levels=levels, seed=seed)
        for j, name in enumerate(names):
            rows.append({"outcome": outcome, "parameter": name, "mu_star": res["mu_star"][j],
                         "mu_star_conf": res["mu_star_conf"][j], "mu": res["mu"][j], "sigma": res["sigma"][j]})
    return pd.DataFrame(rows)


def analyse(sweep_dir: str | Path, method: str = "sobol") -> pd.DataFrame:
    """Sensitivity indices of every kept outcome of a finished sweep."""
    if method not in METHOD_DESIGN:
        raise ScenarioError(None, "--method", f"unknown method {method!r}; choose sobol or morris")
    plan = read_plan(sweep_dir)
    return indices(plan, read_design(sweep_dir), read_runs(sweep_dir), method, str(sweep_dir))


def indices(plan: dict, design: pd.DataFrame, runs: pd.DataFrame, method: str, where="<sweep>") -> pd.DataFrame:
    """Sobol or Morris indices from a sweep's plan record, design points and stored runs."""
    spec = plan["sweep"]
    design_method = spec["design"]["method"]
    if design_method != METHOD_DESIGN[method]:
        raise ScenarioError(where, "design.method", f"{method} indices need a {METHOD_DESIGN[method]} design; "
                            f"this sweep used {design_method}")
    names = list(plan["parameters"])
    outcomes = plan["outcome_columns"]
    means = point_means(runs, len(design), outcomes, where)
    outputs = {o: means[o].to_numpy() for o in outcomes}
    if method == "sobol":
        return sobol_table(outputs, names, spec["design"]["second_order"], seed=spec["seed"])
    unit = design[[f"u_{n}" for n in names]].to_numpy()
    return morris_table(unit, outputs, names, spec["design"]["levels"], seed=spec["seed"])

def bar_chart(table: pd.DataFrame, path: Path, title: str) -> None:
    """One panel per outcome: bars per parameter (S1 and ST, or mu*) with confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    sobol = "S1" in table.columns
    cols = min(2, len(outcomes))
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 0.5 + 2.9 * rows), squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        part = table[table["outcome"] == outcome]
        y = np.arange(len(part))
        if sobol:
            ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="first order S1", color="#4c72b0",
                    capsize=2)
            ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="total ST", color="#dd8452", capsize=2)
            values = part[["S1", "ST"]].to_numpy()
            ax.set_xlim(min(0.0, np.nanmin(values, initial=0) - 0.05), min(2.0, max(1.05, np.nanmax(values, initial=0) + 0.05)))
            ax.axvline(1.0, color="grey", lw=0.6)
            ax.set_xlabel("share of the outcome's variance")
            if part["ST"].isna().all():
                ax.text(0.5, 0.5, "no variation across runs", transform=ax.transAxes, ha="center", color="grey")
        else:
            ax.barh(y, part["mu_star"], 0.6, xerr=part["mu_star_conf"], color="#4c72b0", capsize=2, label="mu*")
            ax.set_xlabel("mu*: mean |effect| of moving a parameter across its range")
        ax.set_yticks(y, part["parameter"])
        ax.invert_yaxis()
        ax.set_title(outcome, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)


def write_results(sweep_dir: str | Path, table: pd.DataFrame, method: str) -> tuple[Path, Path]:
    """sensitivity.csv and sensitivity.png in the sweep directory (each written whole)."""
    sweep_dir = Path(sweep_dir)
    csv = sweep_dir / "sensitivity.csv"
    tmp = sweep_dir / ".sensitivity.csv.tmp"
    table.to_csv(tmp, index=False, float_format="%.6g")
    tmp.replace(csv)
    name = read_plan(sweep_dir)["sweep"]["name"]
    png = sweep_dir / "sensitivity.png"
    label = "Sobol indices (95% CI)" if method == "sobol" else "Morris screening (95% CI)"
    bar_chart(table, png, f"{name}: {label}")
    return csv, png
