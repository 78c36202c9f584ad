"""What a calibration leaves behind: the calibrated behaviour file, the posterior summary, the fit table."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import yaml

from .. import __version__
from .config import CalibrationConfig
from .fit import Fit, band_distance
from .measures import Measure, distance
from .targets import Target


def point_values(cfg: CalibrationConfig, unit: np.ndarray) -> dict[str, float]:
    """Dotted path -> value on the parameter's scale, for a point in unit coordinates."""
    return {name: float(p.from_unit(np.clip(u, 0, 1))) for (name, p), u in zip(cfg.parameters.items(), unit)}


def posterior_table(cfg: CalibrationConfig, fit: Fit) -> pd.DataFrame:
    """Per parameter: prior, optimum, and the ABC posterior (accepted draws) mean and 90% interval."""
    rows = []
    acc = fit.abc_unit[fit.accepted]
    for j, (name, prior) in enumerate(cfg.parameters.items()):
        vals = prior.from_unit(acc[:, j]) if len(acc) else np.array([np.nan])
        rows.append({
            "parameter": name, "prior": f"{prior.distribution}({prior.low:g}, {prior.high:g})",
            "optimum": float(prior.from_unit(fit.best_unit[j])),
            "posterior_mean": float(np.mean(vals)), "posterior_5%": float(np.quantile(vals, 0.05)),
            "posterior_95%": float(np.quantile(vals, 0.95)), "accepted": int(len(acc)),
            "abc_tolerance": fit.tolerance,
        })
    for name, value in cfg.fixed.items():
        rows.append({"parameter": name, "prior": "fixed", "optimum": value, "posterior_mean": value,
                     "posterior_5%": value, "posterior_95%": value, "accepted": int(len(acc)),
                     "abc_tolerance": fit.tolerance})
    return pd.DataFrame(rows)


def fit_table(targets: list[Target], values: np.ndarray, floor: float) -> pd.DataFrame:
    """Each target against the simulated mean and 90% interval over replicate runs, with the error."""
    dist = band_distance(values.mean(axis=0), targets, floor)
    rows = []
    for k, t in enumerate(targets):
        v = values[:, k]
        mean = float(v.mean())
        rows.append({
            "target": t.id, "outcome": t.outcome, "reported": t.figure, "band_low": t.band.low,
            "band_high": t.band.high, "simulated_mean": mean, "simulated_5%": float(np.quantile(v, 0.05)),
            "simulated_95%": float(np.quantile(v, 0.95)), "error": mean - t.figure,
            "relative_error": (mean - t.figure) / t.figure, "band_distance": float(dist[k]),
            "inside_band": bool(t.band.low <= mean <= t.band.high),
        })
    return pd.DataFrame(rows)


def observed_table(rows: pd.DataFrame, measures: list[Measure], values: np.ndarray, floor: float) -> pd.DataFrame:
    """Each fitted observed row against the check replicates: observed value and band, simulated mean and
    5-95%, log error (log simulated mean - log observed), distance in sigmas, weight, inside the band or not."""
    out = []
    if values.size:
        dist = distance(values.mean(axis=0), measures, floor)
    for k, (r, m) in enumerate(zip(rows.to_dict("records"), measures)):
        v = values[:, k]
        mean = float(v.mean())
        out.append({
            "figure": r["id"], "series": r["series"], "country": r["country"], "start": r["start"], "end": r["end"],
            "observed": r["value"], "band_low": r["low"], "band_high": r["high"], "simulated_mean": mean,
            "simulated_5%": float(np.quantile(v, 0.05)), "simulated_95%": float(np.quantile(v, 0.95)),
            "log_error": float(np.log(max(mean, floor)) - np.log(max(r["value"], floor))),
            "distance": float(dist[k]), "weight": m.weight, "inside_band": bool(r["low"] <= mean <= r["high"]),
        })
    return pd.DataFrame(out)


def behaviour_yaml(cfg: CalibrationConfig, values: dict[str, float], source: str, fit: Fit, scenario=None) -> str:
    """A partial scenario holding only the calibrated ``behaviour:`` block, with a provenance header.

    A value inside a mapping field (e.g. ``asylum_release_share.paused``) is written with the rest of
    that mapping from ``scenario``, because a mapping in a derived file replaces the inherited one.
    """
    data: dict = {}
    for path, value in (dict(cfg.fixed) | values).items():
        node, obj = data, scenario
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            obj = getattr(obj, part, None) if not isinstance(obj, dict) else \
                next((v for k, v in obj.items() if str(k) == part), None)
        if isinstance(obj, dict):  # a mapping field: keep its other entries (keys as text, e.g. ISO dates)
            for key, other in obj.items():
                node.setdefault(str(key), round(float(other), 6))
        node[parts[-1]] = round(float(value), 6)
    header = (
        f"# Calibrated behaviour: written by `migsim calibrate {source}` (migsim {__version__}, "
        f"{dt.date.today().isoformat()}).\n"
        f"# Method: Latin-hypercube screen, Nelder-Mead on {cfg.effort.seeds} common seed(s), ABC rejection around the\n"
        f"# optimum; {fit.evaluations} simulations at scale {cfg.scale:g}. Values are the optimum; intervals are in\n"
        f"# results/calibration/ (posterior.csv). Scenarios inherit this file through `base:`. Do not edit by hand.\n"
        f"# What fits, what does not and why: README.md, section \"Calibration\".\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False)
