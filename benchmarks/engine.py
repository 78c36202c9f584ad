"""Vectorised engine throughput: agent-days per second and peak bytes per agent.

Runs the baseline population over 2021-01-01 -> 2025-12-31 at several population sizes, each in a
fresh process (so peak memory is that run's own), and prints one table.

    .venv/bin/python benchmarks/engine.py                 # 1e5, 1e6 and the full population (scale 1)
    .venv/bin/python benchmarks/engine.py --sizes 1e5 1e6
    .venv/bin/python benchmarks/engine.py --scenario scenarios/history_2021_2025.yaml --sizes full   # as shipped
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "scenarios" / "baseline_2024.yaml"


def five_year_scenario(agents: float | None, behaviour: str = "calibrated"):
    """The baseline population and policies, moved to 2021-2025; ``agents`` None means scale 1.

    ``behaviour``: "calibrated" (as shipped) or "default" (the library's default weights).
    """
    from sim.load import load_scenario
    from sim.scenario import Behaviour

    sc = load_scenario(BASELINE, check_size=False)
    people = sum(g.people for g in sc.population)
    start, end = sc.start.replace(year=2021), sc.end.replace(year=2025)
    kept = [lv.model_copy(update={"date": start}) for lv in sc.policy.timeline if lv.date == sc.start]
    scale = 1.0 if agents is None else max(people / agents, 1.0)
    update = {"start": start, "end": end, "scale": scale, "policy": sc.policy.model_copy(update={"timeline": kept}),
              "spin_up_days": 0}  # five recorded years; no unrecorded days in the figures
    if behaviour == "default":
        update["behaviour"] = Behaviour()
    return sc.model_copy(update=update)


def shipped_scenario(path: Path, agents: float | None):
    """A scenario file as shipped (spin-up and timeline included) at ``agents`` agents (None: scale 1)."""
    from sim.load import load_scenario

    sc = load_scenario(path, check_size=False)
    people = sum(g.people for g in sc.population)
    return sc.model_copy(update={"scale": 1.0 if agents is None else max(people / agents, 1.0)})


def timed_run(sc, warm_scale: float):
    """Warm the caches and the compiled kernels on a small copy, then build and run ``sc`` in this process.

    Returns the model and its timings: set-up, run, wall and CPU seconds and the peak RSS growth in bytes.
    """
    import numpy as np  # noqa: F401  (imported before the baseline RSS reading)

    from sim.engine import VectorModel

    warm = VectorModel(sc.model_copy(update={"scale": warm_scale}), collect=False)
    for _ in range(3):
        warm.step()
    del warm
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    began, cpu0 = time.perf_counter(), time.process_time()
    model = VectorModel(sc, collect=False)
    built = time.perf_counter()
    model.run()
    done, cpu = time.perf_counter(), time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return model, {"setup_s": built - began, "run_s": done - built, "wall_s": done - began, "cpu_s": cpu,
                   "peak_bytes": peak - rss0}


def measure(agents: float | None, behaviour: str = "calibrated", scenario: Path | None = None) -> dict:
    """One run in this process: wall time, agent-days/s, peak RSS growth per agent."""
    sc = five_year_scenario(agents, behaviour) if scenario is None else shipped_scenario(scenario, agents)
    model, t = timed_run(sc, 1e4)  # warm at 10,000 people per agent
    n = model.pop.size
    return {
        "agents": n, "days": model.n_days, "scale": round(sc.scale, 3),
        "setup_s": round(t["setup_s"], 2), "run_s": round(t["run_s"], 2), "wall_s": round(t["wall_s"], 2),
        "cpu_s": round(t["cpu_s"], 2),
        "agent_days_per_s": n * model.n_days / t["wall_s"],
        "peak_bytes_per_agent": t["peak_bytes"] / n,
        "state_bytes_per_agent": model.pop.nbytes() / n,
        "departures": int(model.rec.flow["departures"].sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1e5", "1e6", "full"],
                        help="agent counts, or 'full' for the whole population at scale 1")
    parser.add_argument("--behaviour", choices=["calibrated", "default"], default="calibrated",
                        help="the shipped calibrated behaviour, or the library defaults")
    parser.add_argument("--scenario", type=Path, default=None,
                        help="run this scenario file as shipped (spin-up and timeline included) instead of the "
                             "baseline population under its start-of-run policies over 2021-2025")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        scenario = args.scenario.resolve() if args.scenario else None
        print(json.dumps(measure(None if args.one == "full" else float(args.one), args.behaviour, scenario)))
        return
    print(f"{'agents':>10} {'days':>5} {'setup s':>8} {'wall s':>7} {'cpu s':>6} {'agent-days/s':>14} "
          f"{'peak B/agent':>13} {'state B/agent':>14} {'departures':>11}")
    for size in args.sizes:
        extra = ["--scenario", str(args.scenario.resolve())] if args.scenario else []
        proc = subprocess.run([sys.executable, __file__, "--one", size, "--behaviour", args.behaviour, *extra],
                              capture_output=True, text=True)
        if proc.returncode:
            print(f"{size}: failed\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout)
        print(f"{r['agents']:>10,} {r['days']:>5} {r['setup_s']:>8.2f} {r['wall_s']:>7.2f} {r['cpu_s']:>6.2f} "
              f"{r['agent_days_per_s']:>14,.0f} {r['peak_bytes_per_agent']:>13.1f} "
              f"{r['state_bytes_per_agent']:>14.1f} {r['departures']:>11,}")


if __name__ == "__main__":
    main()
