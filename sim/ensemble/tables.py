"""One member's outcomes as long rows (outcome, freq, period, value): each flow summed per month and per
year, each stock (people by status, people abroad) on the period's last day, and the run's value for
each observed figure it covers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import observed as obs

COLUMNS = ["member", "seed", "draw", "branch", "outcome", "freq", "period", "value"]
ABROAD = "stock_abroad"  # people living outside Venezuela (all locations of other countries)


def _plain(daily: pd.DataFrame) -> list[str]:
    """Totals only: no breakdown columns (``deaths__<segment>``), no date."""
    return [c for c in daily.columns if c != "date" and "__" not in c]


def periodic(daily: pd.DataFrame, locations: pd.DataFrame, node_country: dict[str, str]) -> pd.DataFrame:
    """Flows summed and stocks at the last day, per month (``2024-01``) and per year (``2024``), long."""
    dates = pd.to_datetime(daily["date"])
    cols = _plain(daily)
    abroad = [c for c in locations.columns if c != "date" and node_country.get(c, "VEN") != "VEN"]
    frame = daily[cols].assign(**{ABROAD: locations[abroad].sum(axis=1).to_numpy()})
    stocks = [c for c in frame.columns if c.startswith("status_") or c == ABROAD]
    flows = [c for c in frame.columns if c not in stocks]
    parts = []
    for freq, key in (("month", dates.dt.strftime("%Y-%m")), ("year", dates.dt.strftime("%Y"))):
        grouped = frame.groupby(key.to_numpy(), sort=True)
        table = pd.concat([grouped[flows].sum(), grouped[stocks].last()], axis=1)
        long = table.rename_axis("period").reset_index().melt(id_vars="period", var_name="outcome")
        parts.append(long.assign(freq=freq))
    return pd.concat(parts, ignore_index=True)


def observed_values(rows: pd.DataFrame, daily: pd.DataFrame, locations: pd.DataFrame,
                    node_country: dict[str, str]) -> pd.DataFrame:
    """The run's value for every observed figure it can produce (outcome = the figure's id)."""
    out = []
    for row in rows.itertuples(index=False):
        try:
            value = obs.simulated(row, daily, locations, node_country)
        except (KeyError, ValueError):  # a column this run lacks, a country off the network
            continue
        out.append({"outcome": row.id, "period": f"{row.start}/{row.end}", "value": value})
    return pd.DataFrame(out, columns=["outcome", "period", "value"]).assign(freq="observed")


def member_rows(member, branch: str, tables: dict[str, pd.DataFrame], node_country: dict[str, str],
                observed: pd.DataFrame | None) -> pd.DataFrame:
    """Every row of one member's branch (``policy`` or ``counterfactual``)."""
    daily, locations = tables["daily"], tables["locations"]
    parts = [periodic(daily, locations, node_country)]
    if observed is not None and branch == "policy":
        dates = pd.to_datetime(daily["date"])
        parts.append(observed_values(obs.comparable(observed, dates.min(), dates.max()), daily, locations,
                                     node_country))
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(member=member.index, seed=np.int64(member.seed), draw=member.draw, branch=branch)
    return out.astype({"value": float})[COLUMNS]
