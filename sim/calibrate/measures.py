"""What a calibration compares a run with, and how far off a run is: one *measure* per fitted figure.

A measure is a reported target (``seeds/targets.yaml``) or an observed row (``seeds/observed/``).
Its distance is ``(log simulated - centre) / sigma``, simulated values floored at one agent's worth
of people (the scale) so that zero stays finite:

- target: centre = log of the band's geometric centre, sigma = half the band's log width (at least
  0.02), so ``|d| <= 1`` is inside the band; weight 1.
- observed row: centre = log of the reported value, sigma = half the log width of the row's band,
  at least 0.1 (a published figure is never known to better than about 10%).

Weights (the loss is the weighted sum of squared distances): a row whose period is one calendar
month weighs 1/12, every other row 1 (a stock counts once, on its day). Twelve monthly rows of a
series thus weigh as one yearly row, so a monthly series weighs like yearly rows covering the same
span, whatever the number of months, and cannot drown the yearly figures and stocks by its count.

ABC judges *groups*: the monthly rows of one series (and country) together, by their weighted
root-mean-square distance; every other figure alone, by ``|d|``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .targets import Target

MONTH_WEIGHT = 1.0 / 12.0
OBSERVED_SIGMA_FLOOR = 0.1
TARGET_SIGMA_FLOOR = 0.02


@dataclass(frozen=True)
class Measure:
    """One fitted figure: the log value it is compared with, the log distance counted as one, its weight."""

    id: str
    kind: str  # "target" or "observed"
    centre: float
    sigma: float
    weight: float
    group: str
    figure: float  # the reported value
    low: float
    high: float


def target_measures(targets: list[Target]) -> list[Measure]:
    """Reported targets, compared with the band's geometric centre (as the 2024 calibration always was)."""
    if not targets:
        return []
    low = np.array([t.band.low for t in targets])
    high = np.array([t.band.high for t in targets])
    centre = 0.5 * (np.log(low) + np.log(high))
    half = np.maximum(0.5 * (np.log(high) - np.log(low)), TARGET_SIGMA_FLOOR)
    return [Measure(t.id, "target", float(c), float(h), 1.0, t.id, t.figure, t.band.low, t.band.high)
            for t, c, h in zip(targets, centre, half)]


def is_month(start: dt.date, end: dt.date) -> bool:
    """Whether [start, end] is exactly one calendar month."""
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start.day == 1 and end == following - dt.timedelta(days=1)


def observed_measures(rows: pd.DataFrame, floor: float) -> list[Measure]:
    """Observed rows (already restricted to the fit window), compared with the reported value."""
    out = []
    for r in rows.to_dict("records"):
        lo, hi = max(r["low"], floor), max(r["high"], floor)
        sigma = max(0.5 * float(np.log(hi / lo)), OBSERVED_SIGMA_FLOOR)
        monthly = r["series"] != "stock" and is_month(r["start"], r["end"])
        group = f"{r['series']}:{r['country'] or '-'}:monthly" if monthly else r["id"]
        out.append(Measure(r["id"], "observed", float(np.log(max(r["value"], floor))), sigma,
                           MONTH_WEIGHT if monthly else 1.0, group, r["value"], r["low"], r["high"]))
    return out


def distance(values: np.ndarray, measures: list[Measure], floor: float) -> np.ndarray:
    """Per measure (last axis), the log distance in sigmas; ``floor`` keeps zero counts finite."""
    centre = np.array([m.centre for m in measures])
    sigma = np.array([m.sigma for m in measures])
    return (np.log(np.maximum(values, floor)) - centre) / sigma


def loss(values: np.ndarray, measures: list[Measure], floor: float) -> np.ndarray:
    """The weighted sum over measures of the squared distance (last axis summed)."""
    weight = np.array([m.weight for m in measures])
    return np.sum(weight * distance(values, measures, floor) ** 2, axis=-1)


def group_distance(dist: np.ndarray, measures: list[Measure]) -> np.ndarray:
    """[proposals, groups]: ``|d|`` of a figure alone, the weighted RMS distance of a monthly group."""
    groups: dict[str, list[int]] = {}
    for j, m in enumerate(measures):
        groups.setdefault(m.group, []).append(j)
    cols = []
    for idx in groups.values():
        if len(idx) == 1:
            cols.append(np.abs(dist[:, idx[0]]))
        else:
            w = np.array([measures[j].weight for j in idx])
            cols.append(np.sqrt(np.sum(w * dist[:, idx] ** 2, axis=1) / w.sum()))
    return np.column_stack(cols) if cols else np.empty((len(dist), 0))
