"""An ensemble in a few numbers: per outcome and period the mean and the 5%, 50% and 95% quantiles over
members; the effect (policy minus its own branched counterfactual, member by member) with its 90%
interval said in words; and the ensemble against each observed figure it covers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..report.validation import log_error

KEYS = ["freq", "outcome", "period"]
QUANTILES = {"p5": 0.05, "p50": 0.5, "p95": 0.95}
OBSERVED_COLUMNS = ["id", "series", "country", "start", "end", "window", "observed", "low", "high", "members", "p5",
                    "p50", "p95", "log_error", "inside_band", "observed_in_interval", "source"]
WIDE = 0.5  # an interval wider than +-50% of its mean is marked: a count of few agents


def quantiles(frame: pd.DataFrame, column: str = "value", keys=KEYS) -> pd.DataFrame:
    """Per group of ``keys``: members, mean, p5, p50, p95 of ``column`` and whether the 90% interval is wide."""
    grouped = frame.groupby(keys, sort=True)[column]
    out = grouped.agg(members="size", mean="mean")
    q = grouped.quantile(list(QUANTILES.values())).unstack()
    q.columns = list(QUANTILES)
    out = out.join(q).reset_index()
    out["wide"] = wide(out)
    return out


def wide(table: pd.DataFrame) -> pd.Series:
    """The 5-95% interval is wider than +-50% of the mean (any spread around a zero mean counts)."""
    return (table["p95"] - table["p5"]) > 2 * WIDE * table["mean"].abs()


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Quantiles of every outcome and period, policy branch (the run itself) first."""
    return pd.concat([quantiles(g).assign(branch=b) for b, g in rows.groupby("branch", sort=False)],
                     ignore_index=True)[["branch", *KEYS, "members", "mean", *QUANTILES, "wide"]]


def differences(rows: pd.DataFrame) -> pd.DataFrame:
    """Member by member, policy minus its own counterfactual, for every outcome and period both have."""
    wide_rows = rows.pivot_table(index=["member", *KEYS], columns="branch", values="value", aggfunc="first")
    wide_rows = wide_rows.dropna(subset=["policy", "counterfactual"])
    return (wide_rows["policy"] - wide_rows["counterfactual"]).rename("value").reset_index()


def in_words(table: pd.DataFrame) -> pd.Series:
    """What the 90% interval of an effect says."""
    zero = (table["p5"] <= 0) & (table["p95"] >= 0)
    side = np.where(table["p5"] > 0, "higher with the policy", "lower with the policy")
    return pd.Series(np.where(zero, "includes zero: not distinguishable from no effect", side), index=table.index)


def effects(rows: pd.DataFrame) -> pd.DataFrame:
    """Quantiles of the policy's effect per outcome and period, whether its interval includes zero, in words."""
    out = quantiles(differences(rows))
    out["includes_zero"] = (out["p5"] <= 0) & (out["p95"] >= 0)
    out["reading"] = in_words(out)
    return out


def against_observed(rows: pd.DataFrame, observed: pd.DataFrame) -> pd.DataFrame:
    """Each observed figure the members produce: the ensemble's median and 5-95%, the log error of the median,
    the median inside the figure's band, and the figure inside the ensemble's 90% interval."""
    figures = rows[(rows["freq"] == "observed") & (rows["branch"] == "policy")]
    if figures.empty:
        return pd.DataFrame(columns=OBSERVED_COLUMNS)
    sim = quantiles(figures)
    meta = observed.set_index("id")[["series", "country", "start", "end", "window", "value", "low", "high", "source"]]
    table = sim.rename(columns={"outcome": "id"}).join(meta, on="id").rename(columns={"value": "observed"})
    table["log_error"] = [round(log_error(s, o), 4) for s, o in zip(table["p50"], table["observed"])]
    table["inside_band"] = (table["low"] <= table["p50"]) & (table["p50"] <= table["high"])
    table["observed_in_interval"] = (table["p5"] <= table["observed"]) & (table["observed"] <= table["p95"])
    order = table["window"].map({"fit": 0, "validation": 1})
    table = table.assign(_o=order).sort_values(["_o", "series", "country", "start", "end", "id"], kind="stable")
    return table[OBSERVED_COLUMNS].reset_index(drop=True)
