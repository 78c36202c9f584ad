"""Peers: migsim's engines against Flee and a plain one-Agent-per-migrant Mesa model.

One shared corridor network (40 locations: a 30-town chain leaving a conflict zone, with 10 camps
on branches) is written as Flee CSVs and imported with ``migsim import-flee``, so every model
reads the same locations and distances. Every model runs the same agents for the same days.
Each measurement runs in a fresh child process so memory peaks do not mix.

    .bench-venv/bin/python benchmarks/peers.py            # full table (about 11 minutes on 2 cores)
    .bench-venv/bin/python benchmarks/peers.py --quick    # 10^4 agents only

Prints agent-days per second (stepping only, set-up excluded), peak bytes per agent (peak RSS
during set-up and run minus RSS before the model is built, divided by agents) and each engine's
ratio to migsim's vectorised engine. See benchmarks/README.md, section "Peers".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DAYS = 50
N_CHAIN, N_CAMPS = 30, 10
SPEED_KM_PER_DAY = 400.0  # Flee max_move_speed and migsim's bus speed
SIZES = (10_000, 100_000, 1_000_000)
ENGINES = ("flee", "plain_mesa", "migsim_mesa", "migsim_vector")
RUN_BUDGET_S = 170.0  # 10^6 agents is skipped when 10^5 predicts more than this (10^4, 10^5 always run)


# --- the shared network ----------------------------------------------------------------------


def corridor():
    """Locations (name, country, lat, lon, flee type) and links (a, b, km) of the corridor."""
    locs = [("Origin", "Arland", 0.0, 0.0, "conflict_zone")]
    locs += [(f"Town{i:02d}", "Arland" if i < 10 else "Borland", i * 1.5, 0.0, "town") for i in range(1, N_CHAIN)]
    links = [(i - 1, i, 150.0 + 50.0 * (i % 5)) for i in range(1, N_CHAIN)]
    for k in range(N_CAMPS):
        at = 2 + 3 * k
        locs.append((f"Camp{k}", "Borland", at * 1.5, 0.6, "camp"))
        links.append((at, len(locs) - 1, 60.0 + 10.0 * k))
    return locs, links


def write_flee_dir(d: Path) -> None:
    locs, links = corridor()
    rows = ["#name,region,country,latitude,longitude,location_type,conflict_date,population"]
    rows += [f"{n},R,{c},{lat},{lon},{t},{0 if t == 'conflict_zone' else ''},{1_000_000 if t == 'conflict_zone' else 0}"
             for n, c, lat, lon, t in locs]
    (d / "locations.csv").write_text("\n".join(rows) + "\n")
    (d / "routes.csv").write_text("#name1,name2,distance,forced_redirection\n" + "".join(
        f"{locs[a][0]},{locs[b][0]},{km},0\n" for a, b, km in links))
    (d / "closures.csv").write_text("#closure_type,name1,name2,closure_start,closure_end\n")
    (d / "sim_period.csv").write_text(f"StartDate,2024-01-01\nLength,{DAYS}\n")
    for workload, camp_movechance in (("moving", 1.0), ("settled", 0.0)):  # camps are sinks only when settled
        (d / f"simsetting_{workload}.yml").write_text(
            "log_levels: {agent: 0, link: 0, camp: 0, conflict: 0, init: 0}\n"
            "spawn_rules: {take_from_population: False, insert_day0: False}\n"
            f"move_rules: {{max_move_speed: {SPEED_KM_PER_DAY}, max_walk_speed: {SPEED_KM_PER_DAY}, "
            f"conflict_movechance: 1.0, camp_movechance: {camp_movechance}, default_movechance: 1.0}}\n")


def placements(n: int, settled_share: float):
    """Start location of each agent and whether it starts settled: settled ones at camps."""
    locs, _ = corridor()
    camps = [i for i, loc in enumerate(locs) if loc[4] == "camp"]
    n_settled = int(round(n * settled_share))
    start = np.zeros(n, np.int32)
    start[:n_settled] = np.array(camps)[np.arange(n_settled) % len(camps)]
    return start, np.arange(n) < n_settled


# --- one measurement per child process -------------------------------------------------------


def rss_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run_flee(d: Path, n: int, settled_share: float):
    import contextlib
    import io

    from flee import InputGeography, flee

    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        workload = "settled" if settled_share > 0 else "moving"
        flee.SimulationSettings.ReadFromYML(str(d / f"simsetting_{workload}.yml"))
        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadLocationsFromCSV(str(d / "locations.csv"))
        ig.ReadLinksFromCSV(str(d / "routes.csv"))
        ig.ReadClosuresFromCSV(str(d / "closures.csv"))
        e, lm = ig.StoreInputGeographyInEcosystem(e)
        e.add_conflict_zone("Origin")
    base = rss_kb("VmRSS")
    start, _ = placements(n, settled_share)
    names = [loc[0] for loc in corridor()[0]]
    began = time.perf_counter()
    for node in start.tolist():
        e.addAgent(location=lm[names[node]], attributes={})
    built = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        for _ in range(DAYS):
            e.evolve()
    done = time.perf_counter()
    camps = sum(lm[n_].numAgents for n_ in names if n_.startswith("Camp"))
    return base, built - began, done - built, camps / n


def run_plain_mesa(n: int, settled_share: float):
    sys.path.insert(0, str(Path(__file__).parent))
    from plain_mesa import PlainMesaModel

    locs, links = corridor()
    base = rss_kb("VmRSS")
    start, settled = placements(n, settled_share)
    began = time.perf_counter()
    model = PlainMesaModel(len(locs), links, [i for i, loc in enumerate(locs) if loc[4] == "camp"],
                           start, settled, SPEED_KM_PER_DAY, camps_are_sinks=settled_share > 0)
    built = time.perf_counter()
    for _ in range(DAYS):
        model.step()
    done = time.perf_counter()
    at_camps = sum(model.is_camp[a.node] and a.days_left == 0 for a in model.agents)
    return base, built - began, done - built, at_camps / n


NEVER_DAYS = 1e9  # reconsideration_days for the settled workload: settled agents (practically) never reconsider


def migsim_scenario(scenario_file: Path, n: int, settled_share: float):
    """The imported scenario with ``n`` agents (scale 1), settled ones at camps, no inertia (weights.move 0).

    All moving: everyone reconsiders every day (reconsideration_days 1), as Flee's agents with move
    chance 1 choose every day. 90% settled: nobody reconsiders of their own accord; the movers are put
    on the engine's calendar for day 0, then choose at every location until they settle at a camp.
    """
    from sim.load import load_scenario

    sc = load_scenario(scenario_file)
    locs, _ = corridor()
    start, _ = placements(n, settled_share)
    counts = np.bincount(start, minlength=len(locs))
    population = [{"location": locs[i][0], "people": int(c)} for i, c in enumerate(counts) if c]
    behaviour = sc.behaviour.model_copy(update={
        "reconsideration_days": NEVER_DAYS if settled_share > 0 else 1.0,
        "weights": sc.behaviour.weights.model_copy(update={"move": 0.0})})
    return sc.model_copy(update={"population": [sc.population[0].model_copy(update=g) for g in population],
                                 "scale": 1.0, "behaviour": behaviour})


def run_migsim(scenario_file: Path, n: int, settled_share: float, engine: str):
    sc = migsim_scenario(scenario_file, n, settled_share)
    if engine == "migsim_vector":
        from sim.engine import VectorModel as Model
    else:
        from sim.mesa_engine import MesaModel as Model
    base = rss_kb("VmRSS")
    began = time.perf_counter()
    model = Model(sc, collect=False)
    if settled_share > 0:  # the movers (at the origin) decide on day 0
        origin = model.net.node_index("Origin")
        if engine == "migsim_vector":
            movers = np.flatnonzero(model.pop.node == origin).astype(np.int32)
            model.calendar.schedule(movers, np.zeros(movers.size, np.int16))
        else:
            for agent in list(model.agents):
                if agent.node == origin:
                    model.schedule(agent, 0)
    built = time.perf_counter()
    for _ in range(DAYS):
        model.step()
    done = time.perf_counter()
    camp_nodes = [i for i, kind in enumerate(model.net.node_kind) if kind == "destination"]
    at_camps = model.people_at[camp_nodes].sum() / sc.scale
    return base, built - began, done - built, float(at_camps) / n


def child(args) -> None:
    d = Path(args.dir)
    if args.engine == "flee":
        base, build_s, step_s, at_camps = run_flee(d, args.agents, args.settled)
    elif args.engine == "plain_mesa":
        base, build_s, step_s, at_camps = run_plain_mesa(args.agents, args.settled)
    else:
        base, build_s, step_s, at_camps = run_migsim(d / "scenario.yaml", args.agents, args.settled, args.engine)
    peak = rss_kb("VmHWM")
    print(json.dumps({"build_s": build_s, "step_s": step_s, "peak_bytes_per_agent": (peak - base) * 1024 / args.agents,
                      "agent_days_per_s": args.agents * DAYS / step_s, "at_camps": at_camps}))


# --- the table -------------------------------------------------------------------------------


def measure(d: Path, engine: str, n: int, settled: float, timeout: float, tree: str | None = None):
    """One cell in a fresh process; ``tree``: run migsim from that source tree (PYTHONPATH) instead."""
    cmd = [sys.executable, __file__, "--child", "--engine", engine, "--agents", str(n), "--settled", str(settled),
           "--dir", str(d)]
    env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())} if tree else None
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"note": f"over {timeout:.0f} s"}
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["failed"])[-1]
        return {"note": last[:100]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next(int(line.split()[1]) / 1024 / 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
    versions = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    for mod in ("mesa", "flee", "sim"):
        try:
            m = __import__(mod)
            v = getattr(m, "__version__", None)
            if v is None and mod == "flee":
                from importlib.metadata import version
                v = version("flee")
            versions.append(f"{'migsim' if mod == 'sim' else mod} {v}")
        except Exception as exc:  # noqa: BLE001
            versions.append(f"{mod} not importable ({exc.__class__.__name__})")
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB memory; " + ", ".join(versions)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^4 agents only")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="")
    ap.add_argument("--agents", type=int, default=0)
    ap.add_argument("--settled", type=float, default=0.0)
    ap.add_argument("--dir", default="")
    ap.add_argument("--json", default="", help="also write the measurements to this JSON file")
    ap.add_argument("--engines", nargs="*", default=list(ENGINES), choices=ENGINES, help="the engines to run")
    ap.add_argument("--sizes", nargs="*", type=int, default=None, help="agent counts (default 10^4, 10^5, 10^6)")
    ap.add_argument("--vector-tree", action="append", default=[], metavar="NAME=DIR",
                    help="also run the vectorised engine from this source tree (an earlier commit exported with "
                         "git archive), in the same invocation: before/after ratios under the same load")
    args = ap.parse_args()
    if args.child:
        return child(args)

    sizes = args.sizes or (SIZES[:1] if args.quick else SIZES)
    runs = [(e, e, None) for e in args.engines]  # (row label, engine, source tree)
    runs += [(f"migsim_vector ({name})", "migsim_vector", tree) for name, tree in
             (t.split("=", 1) for t in args.vector_tree)]
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        d = Path(tmp)
        write_flee_dir(d)
        from sim.flee_import import import_flee

        import_flee(d, d / "scenario.yaml")
        print(f"# {machine()}", flush=True)
        print(f"# corridor: {N_CHAIN + N_CAMPS} locations, {DAYS} days; each cell one fresh process", flush=True)
        rows = []
        for settled in (0.0, 0.9):
            for label, engine, tree in runs:
                last = None
                for n in sizes:
                    if n > 100_000 and last and "step_s" in last and (last["build_s"] + last["step_s"]) * 10 > RUN_BUDGET_S:
                        rows.append((settled, label, n, {"note": "skipped: predicted over "
                                                          f"{RUN_BUDGET_S:.0f} s"}))
                        continue
                    began = time.perf_counter()
                    last = measure(d, engine, n, settled, timeout=600, tree=tree)
                    rows.append((settled, label, n, last))
                    print(f"#   {label:14s} {n:>9,} settled {settled:.0%}: "
                          f"{json.dumps(last)} ({time.perf_counter() - began:.0f} s)", flush=True)
        print_table(rows)
        if args.json:
            Path(args.json).write_text(json.dumps([dict(zip(("settled", "engine", "agents"), r[:3]), **r[3])
                                                   for r in rows], indent=1))


def print_table(rows) -> None:
    """Markdown table; 'vector speed-up' = vector's agent-days/s / this engine's (>1: vector faster)."""
    ref = {(s, n): r for s, e, n, r in rows if e == "migsim_vector" and "step_s" in r}
    print("\n| workload | agents | engine | agent-days/s | vector speed-up | peak bytes/agent | / vector's | at camps at end |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for s, e, n, r in rows:
        work = "all moving" if s == 0 else f"{s:.0%} settled"
        if "step_s" not in r:
            print(f"| {work} | {n:,} | {e} | {r['note']} | | | | |")
            continue
        v = ref.get((s, n))
        speed = f"{v['agent_days_per_s'] / r['agent_days_per_s']:,.1f}x" if v else ""
        mem = f"{r['peak_bytes_per_agent'] / v['peak_bytes_per_agent']:.1f}" if v and v["peak_bytes_per_agent"] > 0 else ""
        print(f"| {work} | {n:,} | {e} | {r['agent_days_per_s'] / 1e6:.3f} M | {speed} | "
              f"{r['peak_bytes_per_agent']:,.0f} | {mem} | {r['at_camps']:.0%} |")


if __name__ == "__main__":
    main()
