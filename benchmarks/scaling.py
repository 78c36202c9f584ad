"""Vectorised engine: wall time against the number of agents and against departures.

Runs ``scenarios/baseline_2024.yaml`` as shipped (the 2021-2024 history, 180 days of spin-up, 1,641
days in all) at several population sizes (the scale, people per agent, set to the population
divided by the agents asked for), each in a fresh process, and plots wall time against agents and
against departures (how much acting there was) into ``benchmarks/scaling.png``. The figures go to
``benchmarks/scaling.json`` too, so the plot can be redrawn without running (``--plot-only``).

Source trees can be compared side by side in one invocation (each size runs on each tree in turn,
so both see the same load on a shared machine), e.g. the current checkout against an exported
earlier commit:

    git archive <commit> | tar -x -C /tmp/before
    .venv/bin/python benchmarks/scaling.py --tree before=/tmp/before --tree after=. --tree "after, 2 threads=.,2"
    .venv/bin/python benchmarks/scaling.py --sizes 1e4 1e5 1e6        # this checkout only
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCENARIO = REPO / "scenarios" / "baseline_2024.yaml"


def measure(agents: float, scenario: Path) -> dict:
    """One run in this process: set-up and run time, CPU, peak RSS growth per agent, departures."""
    from engine import timed_run  # benchmarks/engine.py, beside this file

    from sim.load import load_scenario

    sc = load_scenario(scenario, check_size=False)
    people = sum(g.people for g in sc.population)
    sc = sc.model_copy(update={"scale": people / agents})
    model, t = timed_run(sc, people / 1e3)  # warm on 1,000 agents
    n = model.pop.size
    return {
        "agents": n, "days": model.n_days, "scale": sc.scale,
        "setup_s": t["setup_s"], "run_s": t["run_s"], "wall_s": t["wall_s"], "cpu_s": t["cpu_s"],
        "per_day_us": 1e6 * t["run_s"] / model.n_days,
        "agent_days_per_s": n * model.n_days / t["wall_s"],
        "peak_bytes_per_agent": t["peak_bytes"] / n,
        "departures": int(model.rec.flow["departures"].sum()),
    }


def plot(results: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    for tree in dict.fromkeys(r["tree"] for r in results):
        rows = sorted((r for r in results if r["tree"] == tree), key=lambda r: r["agents"])
        agents = [r["agents"] for r in rows]
        ax1.plot(agents, [r["wall_s"] for r in rows], "o-", label=f"{tree}: wall")
        ax1.plot(agents, [r["run_s"] for r in rows], ":", color=ax1.lines[-1].get_color(), label=f"{tree}: days only")
        ax2.plot([r["departures"] for r in rows], [r["wall_s"] for r in rows], "o-", label=tree)
    for ax, xlabel in ((ax1, "agents"), (ax2, "departures in the run")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("wall time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_title("against agents")
    ax2.set_title("against departures")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1e4", "1e5", "1e6", "1e7"], help="agent counts")
    parser.add_argument("--tree", action="append", default=[],
                        help="NAME=DIR or NAME=DIR,THREADS: a source tree to run (repeatable), with MIGSIM_THREADS "
                             "set to THREADS if given; default: this checkout")
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    parser.add_argument("--out", type=Path, default=HERE / "scaling.png")
    parser.add_argument("--plot-only", action="store_true", help="redraw from the JSON beside --out")
    parser.add_argument("--title", default="")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(float(args.one), args.scenario)))
        return
    store = args.out.with_suffix(".json")
    if args.plot_only:
        saved = json.loads(store.read_text())
        plot(saved["results"], args.out, saved["title"])
        return
    trees = [t.split("=", 1) for t in args.tree] or [["this checkout", str(REPO)]]
    trees = [(name, *(where.split(",", 1) if "," in where else (where, None))) for name, where in trees]
    load = os.getloadavg()
    title = args.title or (f"{args.scenario.name}, {os.cpu_count()} cores, load average "
                           f"{load[0]:.1f} at the start")
    results = []
    print(f"{'tree':>14} {'agents':>11} {'scale':>8} {'setup s':>8} {'run s':>8} {'wall s':>8} {'cpu s':>7} "
          f"{'us/day':>8} {'agent-days/s':>14} {'peak B/agent':>12} {'departures':>11}")
    for size in args.sizes:
        for name, tree, n_threads in trees:
            env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
            if n_threads:
                env["MIGSIM_THREADS"] = n_threads
            proc = subprocess.run([sys.executable, __file__, "--one", size, "--scenario", str(args.scenario)],
                                  capture_output=True, text=True, env=env, cwd=tree)
            if proc.returncode:
                print(f"{name} {size}: failed\n{proc.stderr[-2000:]}")
                continue
            r = {"tree": name, **json.loads(proc.stdout.splitlines()[-1])}
            results.append(r)
            print(f"{name:>14} {r['agents']:>11,} {r['scale']:>8.2f} {r['setup_s']:>8.2f} {r['run_s']:>8.2f} "
                  f"{r['wall_s']:>8.2f} {r['cpu_s']:>7.2f} {r['per_day_us']:>8.0f} {r['agent_days_per_s']:>14,.0f} "
                  f"{r['peak_bytes_per_agent']:>12.1f} {r['departures']:>11,}", flush=True)
    load_end = os.getloadavg()
    title += f", {load_end[0]:.1f} at the end"
    store.write_text(json.dumps({"title": title, "load_start": load, "load_end": load_end, "results": results},
                                indent=1))
    plot(results, args.out, title)
    print(f"wrote {args.out} and {store}")


if __name__ == "__main__":
    main()
