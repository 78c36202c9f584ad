"""Both engines on the same scenario: agent-days per second and their ratio (not a test; prints figures).

    .venv/bin/python benchmarks/engines.py                      # 10^5 agents, baseline_2024
    .venv/bin/python benchmarks/engines.py --agents 10000 --mesa-days 366
    .venv/bin/python benchmarks/engines.py --scenario tests/scenarios/equivalence_levers.yaml   # most agents move

The scenario's scale is set so that it has about ``--agents`` agents. The vectorised engine runs
the whole scenario; the Mesa engine, slow at this size, runs its first ``--mesa-days`` days, and
the ratio compares the two over those same days. Set-up (building the population, and for Mesa
one Python object per migrant) is timed apart from stepping, and the vectorised engine is warmed
up first (its numba route-choice kernel compiles on first use).
"""
from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from sim.engine import VectorModel
from sim.load import load_scenario
from sim.mesa_engine import MesaModel

ROOT = Path(__file__).resolve().parents[1]


def timed_days(model, days: int) -> float:
    """Seconds to step ``model`` through ``days`` days."""
    began = time.perf_counter()
    for _ in range(days):
        model.step()
    return time.perf_counter() - began


def measure(cls, scenario, days: int) -> dict:
    began = time.perf_counter()
    model = cls(scenario, collect=False)
    setup = time.perf_counter() - began
    seconds = timed_days(model, days)
    agents = len(model.agents) if cls is MesaModel else int(model.pop.size)
    return {"agents": agents, "days": days, "setup_s": setup, "step_s": seconds,
            "agent_days_per_s": agents * days / seconds, "model": model}


def with_agents(scenario, agents: int):
    """The scenario with about ``agents`` agents: a coarser scale, or (if it is small) more people at scale 1."""
    people = sum(g.people for g in scenario.population)
    if people >= agents:
        return scenario.model_copy(update={"scale": people / agents})
    groups = [g.model_copy(update={"people": round(g.people * agents / people)}) for g in scenario.population]
    return scenario.model_copy(update={"scale": 1.0, "population": groups})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline_2024.yaml")
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--mesa-days", type=int, default=30)
    args = parser.parse_args()

    scenario = with_agents(load_scenario(args.scenario), args.agents)
    people = sum(g.people for g in scenario.population)
    days = min(args.mesa_days, scenario.days)
    print(f"{scenario.name}: {people:,} people at scale {scenario.scale:.1f} "
          f"(Python {platform.python_version()}, numpy {np.__version__})")

    measure(VectorModel, scenario, 2)  # warm-up: the route-choice kernel is compiled (numba) on first use
    vec_same = measure(VectorModel, scenario, days)
    vec_full = measure(VectorModel, scenario, scenario.days)
    mesa = measure(MesaModel, scenario, days)
    rows = [("vector", vec_same), ("vector (whole run)", vec_full), ("mesa", mesa)]
    print(f"{'engine':20s} {'agents':>9s} {'days':>5s} {'setup s':>8s} {'step s':>8s} {'agent-days/s':>14s}")
    for name, r in rows:
        print(f"{name:20s} {r['agents']:9,d} {r['days']:5d} {r['setup_s']:8.2f} {r['step_s']:8.2f} "
              f"{r['agent_days_per_s']:14,.0f}")
    moved = {name: int(r["model"].rec.flow["departures"][:days].sum()) for name, r in (("vector", vec_same),
                                                                                      ("mesa", mesa))}
    print(f"departures in the first {days} days (agents): {moved}")
    print(f"ratio vector / mesa over the same {days} days: {vec_same['agent_days_per_s'] / mesa['agent_days_per_s']:,.0f}x")


if __name__ == "__main__":
    main()
