"""Statistical equivalence of two engines (or two model variants): replicate runs, then compare.

Each engine runs the same scenario with many seeds; for every yearly outcome the two samples are
compared with a two-sample Kolmogorov-Smirnov test, and the p-values are corrected for the number
of outcomes compared with Holm's step-down method. An outcome *differs* when its Holm-adjusted
p-value is below ``alpha``. Outcomes constant and equal in both samples carry no information and
are skipped; constant but different, they differ (p = 0).
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .scenario import Scenario


def yearly_outcomes(scenario: Scenario, engine: str, seed: int) -> pd.Series:
    """One run's yearly table (single-year runs: its one row; else summed flows, last stocks) as a Series."""
    from .runner import run_scenario

    yearly = run_scenario(scenario.model_copy(update={"seed": seed}), engine).yearly
    stocks = [c for c in yearly.columns if c.startswith("status_")]
    flows = [c for c in yearly.columns if c not in stocks and c not in ("year", "days")]
    return pd.concat([yearly[flows].sum(), yearly[stocks].iloc[-1]])


def _run(args) -> pd.Series:
    return yearly_outcomes(*args)


def replicate(scenario: Scenario, engine: str, seeds, workers: int = 1) -> pd.DataFrame:
    """Yearly outcomes of one run per seed (rows), on ``workers`` processes."""
    jobs = [(scenario, engine, int(s)) for s in seeds]
    if workers <= 1:
        rows = [_run(j) for j in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(_run, jobs))
    return pd.DataFrame(rows, index=pd.Index([j[2] for j in jobs], name="seed"))


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error control over all tests given)."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(np.minimum((m - np.arange(m)) * p[order], 1.0))
    out = np.empty(m)
    out[order] = adjusted
    return out


@dataclass(frozen=True)
class Comparison:
    table: pd.DataFrame  # per outcome: means, KS statistic, p, Holm-adjusted p, differs
    alpha: float

    @property
    def differing(self) -> list[str]:
        return list(self.table.index[self.table["differs"]])

    def __str__(self) -> str:
        return self.table.to_string(float_format=lambda v: f"{v:.4g}")


def compare(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.01, outcomes=None) -> Comparison:
    """Two-sample KS test per outcome (columns), Holm-corrected over the outcomes compared."""
    outcomes = list(outcomes if outcomes is not None else a.columns)
    rows = {}
    for name in outcomes:
        x, y = a[name].to_numpy(float), b[name].to_numpy(float)
        if np.ptp(x) == 0 and np.ptp(y) == 0:
            if x[0] == y[0]:
                continue  # no information
            ks, p = 1.0, 0.0
        else:
            res = stats.ks_2samp(x, y)
            ks, p = float(res.statistic), float(res.pvalue)
        rows[name] = {"mean_a": x.mean(), "mean_b": y.mean(), "ks": ks, "p": p}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["p_holm"] = holm(table["p"].to_numpy()) if len(table) else []
    table["differs"] = table["p_holm"] < alpha
    return Comparison(table, alpha)
