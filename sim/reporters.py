"""Model reporters shared by both engines, so ``mesa.DataCollector`` and ``mesa.batch_run`` work with either.

Each reporter reads the day just simulated from the engine's :class:`sim.outcomes.Recorder`,
in people (agents x scale): daily flows, their running totals, and the stock in each status.
"""
from __future__ import annotations

from functools import partial

import mesa

from .population import STATUSES

# daily flows a user most often follows; every flow is in the run's daily table as well
DAILY_FLOWS = ("encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths",
               "returns_home", "departures", "interceptions")


def _flow_today(model, name: str) -> float:
    """People counted in flow ``name`` on the last simulated day (0 before the first)."""
    day = model.day - 1
    return float(model.rec.flow[name][day] * model.scenario.scale) if day >= 0 else 0.0


def _flow_total(model, name: str) -> float:
    """People counted in flow ``name`` since the start of the run."""
    return float(model.rec.flow[name][: model.day].sum() * model.scenario.scale)


def _stock(model, status: str) -> int:
    return model.people[status]


def model_reporters() -> dict:
    """``{name: reporter}`` for ``mesa.DataCollector(model_reporters=...)``; names match the daily table."""
    reporters = {name: partial(_flow_today, name=name) for name in DAILY_FLOWS}
    reporters.update({f"{name}_total": partial(_flow_total, name=name) for name in DAILY_FLOWS})
    reporters.update({f"status_{s}": partial(_stock, status=s) for s in STATUSES})
    return reporters


def datacollector() -> mesa.DataCollector:
    """A DataCollector with :func:`model_reporters`; engines call ``collect`` once a day."""
    return mesa.DataCollector(model_reporters=model_reporters())
