"""Ensemble throughput: wall time of an ensemble of scenarios/baseline_2024.yaml (20 members at 100 people
per agent, 2 local worker processes by default) and members per second. Wall time includes starting the
worker processes and writing members.parquet, summary.csv and observed.csv (not the plotted report).

    .venv/bin/python benchmarks/ensemble.py [--members 20] [--scale 100] [--workers 2] [--report]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from sim.api import prepare
from sim.ensemble.run import Job, run_ensemble
from sim.report.validation import observed_rows

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2024.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--report", action="store_true", help="also write the fan-chart report")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=SCENARIO.parent).stdout.strip()
    print(f"commit {commit or '?'}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")
    job = Job(prepare(SCENARIO, None, args.scale), observed=observed_rows())
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        run_ensemble(job, args.members, Path(tmp) / "ensemble", workers=args.workers, report=args.report)
        wall = time.perf_counter() - began
    print(f"{args.members} members of {SCENARIO.name} at scale {args.scale:g} with {args.workers} workers: "
          f"{wall:.1f} s wall, {args.members / wall:.2f} members/s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
