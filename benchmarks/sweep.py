"""Sweep throughput: runs per second with 1 and 2 local worker processes on a trimmed copy of the
shipped example (scenarios/sweeps/levers_2025.yaml: same base, levers and scale; a 16-point Latin
hypercube, one replicate). Wall time includes starting the worker processes.

    .venv/bin/python benchmarks/sweep.py [--points 16] [--workers 1 2]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import yaml

from sim.sweep.execute import run_sweep
from sim.sweep.store import read_runs

EXAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "sweeps" / "levers_2025.yaml"


def trimmed_sweep(directory: Path, points: int) -> Path:
    """The example sweep with a small Latin hypercube design and one replicate."""
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    spec["base"] = str((EXAMPLE.parent / spec["base"]).resolve())
    spec["design"] = {"method": "latin_hypercube", "samples": points}
    spec["replicates"] = 1
    path = directory / "bench_sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        sweep = trimmed_sweep(Path(tmp), args.points)
        for workers in args.workers:
            began = time.perf_counter()
            outcome = run_sweep(sweep, Path(tmp) / f"w{workers}", workers=workers)
            seconds = time.perf_counter() - began
            rates[workers] = outcome.finished / seconds
            per_run = read_runs(outcome.out)["runtime_seconds"].mean()
            print(f"{workers} worker(s): {outcome.finished} runs in {seconds:.1f} s = {rates[workers]:.2f} runs/s "
                  f"({outcome.failed} failed; {per_run:.2f} s a run inside a worker)")
    if len(rates) > 1:
        lo, hi = min(rates), max(rates)
        print(f"speed-up {hi} vs {lo} worker(s): {rates[hi] / rates[lo]:.2f}x "
              f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
