"""Common random numbers: the spread of a policy's effect over seeds, paired against unpaired.

For each of ``--seeds`` seeds, scenarios/policy_2025.yaml runs with its branched counterfactual
(``migsim run --counterfactual``: sim.runner.run_scenario(counterfactual=True)); the effect on 2025
US-border encounters and northbound Darién crossings is policy minus counterfactual. Its standard
deviation over seeds is printed

* paired: policy seed i minus counterfactual seed i (the same keyed draws, sim/draws.py), and
* unpaired: policy seed i minus counterfactual seed i + 1 (mod the seeds): independent draws,

and their ratio. Seeds also change the whole 2021-2024 history, and so the state the policy meets;
to tell that apart from the noise of the draws after the branch, each seed's saved state is also
continued with other draws, and the noise of the effect from one state is printed paired (policy
and counterfactual on one stream) and unpaired (on two streams). ``--one-lever``: the policy is
Panama's tightening of 15 February 2025 alone, a change that leaves most agents' situation as it was.

Runs on whichever ``sim`` is importable, so the
same script measures an older stream: ``PYTHONPATH=/path/to/old/checkout python benchmarks/crn.py``.

``--engines``: instead, run tests/scenarios/equivalence_levers.yaml on both engines with the same
seeds and count the outcomes (daily table cells, yearly figures) and agents' final states that
match exactly.

    .venv/bin/python benchmarks/crn.py --seeds 10 --scale 200
    .venv/bin/python benchmarks/crn.py --seeds 10 --scale 200 --one-lever
    .venv/bin/python benchmarks/crn.py --engines --seeds 3
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "scenarios" / "policy_2025.yaml"
EQUIVALENCE = REPO / "tests" / "scenarios" / "equivalence_levers.yaml"
OUTCOMES = ("encounters_us_border", "darien_crossings_north")
YEAR = 2025
ONE_LEVER_DATE = dt.date(2025, 2, 15)


def continuations(args) -> np.ndarray:
    """[variant, outcome] 2025 figures of one seed: the policy run to its branch day, then four continuations.

    The state on the first day the timelines differ is saved (as ``migsim run --counterfactual`` does,
    sim.branch.run_branched) and continued as: policy and counterfactual with the run's own draws
    (the pair ``--counterfactual`` reports), then both again with other draws from that day on (another
    seed's stream), so that the noise after the branch can be told from the spread of histories.
    ``one_lever``: the policy is the counterfactual plus Panama's tightening of 15 February only.
    """
    seed, scale, one_lever = args
    import pickle

    from sim.branch import branch_day
    from sim.engine import VectorModel
    from sim.load import load_scenario, without_timeline

    sc = load_scenario(POLICY, check_size=False).model_copy(update={"seed": seed, "scale": scale})
    counterfactual = without_timeline(sc)
    if one_lever:
        panama = [lv for lv in sc.policy.timeline if lv.date == ONE_LEVER_DATE and lv.lever == "border_control"]
        assert panama, "no border_control lever on the one-lever date"
        timeline = sorted([*counterfactual.policy.timeline, *panama], key=lambda lv: lv.date)
        sc = sc.model_copy(update={"policy": sc.policy.model_copy(update={"timeline": timeline})})
    model = VectorModel(sc, collect=False)
    day = branch_day(sc, counterfactual)
    while model.day < day:
        model.step()
    saved = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    out = []
    for redraw in (False, True):
        for policy in (True, False):
            run = pickle.loads(saved)
            if not policy:
                run.adopt_timeline(counterfactual)
            if redraw:  # other draws from the branch day on
                if hasattr(run, "draws"):
                    from sim.draws import Draws

                    run.draws = Draws(seed + 10_000)
                else:  # the old shared stream
                    run.rng_sim = np.random.default_rng(seed + 10_000)
            run.run()
            daily = run.tables_out()["daily"]
            daily = daily[daily["date"].dt.year == YEAR]
            out.append([float(daily[k].sum()) for k in OUTCOMES])
    return np.array(out)  # rows: policy, counterfactual, policy redrawn, counterfactual redrawn


def spreads(seeds: int, scale: float, workers: int, one_lever: bool) -> None:
    import sim

    began = time.perf_counter()
    jobs = [(1 + i, scale, one_lever) for i in range(seeds)]
    with ProcessPoolExecutor(workers) as pool:
        res = np.stack(list(pool.map(continuations, jobs)))  # [seed, variant, outcome]
    what = "only Panama's controls of 15 Feb 2025" if one_lever else "every 2025 lever"
    print(f"sim: {Path(sim.__file__).parent}  scenario: {POLICY.name} ({what})  scale {scale:g}  seeds 1..{seeds}  "
          f"({time.perf_counter() - began:.0f} s, {workers} workers)")
    print("effect = policy - counterfactual in %d; sd over seeds, paired (seed i - seed i) and unpaired (seed i - seed i+1);"
          % YEAR)
    print("noise after the branch: rms over seeds of the difference of two estimates of the effect from the same saved "
          "state / sqrt 2,\n  paired (each estimate one stream) and unpaired (policy and counterfactual on different streams)")
    print(f"{'outcome':24s} {'mean':>8s} {'sd paired':>10s} {'sd unpaired':>12s} {'ratio':>6s}   "
          f"{'noise paired':>12s} {'noise unpaired':>14s} {'ratio':>6s}")
    for j, k in enumerate(OUTCOMES):
        p, c, p2, c2 = (res[:, v, j] for v in range(4))
        paired, unpaired = p - c, p - np.roll(c, -1)
        sp, su = paired.std(ddof=1), unpaired.std(ddof=1)
        np_ = np.sqrt(np.mean(((p - c) - (p2 - c2)) ** 2) / 2)
        nu = np.sqrt(np.mean(((p - c2) - (p2 - c)) ** 2) / 2)
        print(f"{k:24s} {paired.mean():8.0f} {sp:10.0f} {su:12.0f} {su / sp:6.1f}   {np_:12.0f} {nu:14.0f} {nu / np_:6.1f}")
    for j, k in enumerate(OUTCOMES):
        print(f"{k} by seed: effect {(res[:, 0, j] - res[:, 1, j]).round(0).astype(int).tolist()}; "
              f"from the same states with other draws {(res[:, 2, j] - res[:, 3, j]).round(0).astype(int).tolist()}")
    print(f"levels: policy {res[:, 0].mean(0).round(0).tolist()}  counterfactual {res[:, 1].mean(0).round(0).tolist()}  "
          f"(sd over seeds {res[:, 0].std(0, ddof=1).round(0).tolist()} / {res[:, 1].std(0, ddof=1).round(0).tolist()})")


def engines(seeds: int) -> None:
    """Both engines on the equivalence scenario, same seed: how many outcomes match exactly."""
    from sim.load import load_scenario
    from sim.mesa_engine import MesaModel
    from sim.engine import VectorModel
    from sim.population import STATUSES  # noqa: F401

    sc = load_scenario(EQUIVALENCE)
    for seed in range(1, seeds + 1):
        v = VectorModel(sc, seed=seed, collect=False)
        v.run()
        m = MesaModel(sc, seed=seed, collect=False)
        m.run()
        tv, tm = v.tables_out(), m.tables_out()
        cells = same = 0
        for name in ("daily", "locations"):
            a, b = tv[name].select_dtypes("number").to_numpy(), tm[name].select_dtypes("number").to_numpy()
            cells += a.size
            same += int(np.count_nonzero(a == b))
        flows = tv["flows"].merge(tm["flows"], on=["month", "from", "to"], how="outer").fillna(0.0)
        cells += len(flows)  # (month, arc) rows used by either engine
        same += int(np.count_nonzero(flows["people_x"] == flows["people_y"]))
        dv, dm = tv["daily"].drop(columns="date"), tm["daily"].drop(columns="date")
        totals = dv.sum() == dm.sum()
        first_diff = next((i for i in range(len(dv)) if not (dv.iloc[i] == dm.iloc[i]).all()), None)
        agents = sorted(m.migrants, key=lambda a: a.index)
        final_v = np.stack([v.pop.status, v.pop.node, v.pop.legal], axis=1).astype(np.int64)
        final_m = np.array([[int(a.status), a.node, int(a.legal_status)] for a in agents], np.int64)
        agree = int(np.count_nonzero((final_v == final_m).all(axis=1)))
        print(f"seed {seed}: table cells equal {same}/{cells} ({same / cells:.1%}); run totals of daily outcomes "
              f"equal {int(totals.sum())}/{totals.size}; daily tables identical up to day "
              f"{first_diff if first_diff is not None else len(dv)} of {len(dv)}; agents in the same final "
              f"status, place and legal status {agree}/{len(agents)} ({agree / len(agents):.1%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--scale", type=float, default=400.0, help="people per agent")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--one-lever", action="store_true", help="the policy is Panama's tightening of 15 Feb 2025 alone")
    ap.add_argument("--engines", action="store_true", help="count exact matches between the two engines instead")
    args = ap.parse_args()
    if args.engines:
        engines(args.seeds)
    else:
        spreads(args.seeds, args.scale, args.workers, args.one_lever)


if __name__ == "__main__":
    main()
