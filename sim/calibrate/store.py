"""Every simulation of a calibration, stored as it finishes, so a stopped calibration resumes where it was.

    OUT/evaluations/problem.json    what the stored simulations are simulations of (model code, scenario,
                                    network, scale, fixed values, parameter names, fitted figures)
    OUT/evaluations/<key>.json      one simulation: parameter values, seed, each figure's simulated value

``<key>`` is a hash of the parameter values and the seed. Each file is written under a temporary
dot-name and renamed into place, so it is complete or absent. The stages are deterministic given
the calibration file, so a rerun asks for the same simulations in the same order and the stored
ones are answered from here: the result is that of an uninterrupted run.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import ScenarioError
from ..rundir import differing_keys, write_atomic

FINISHED = "calibration.json"  # written last: its presence marks a finished calibration


def evaluation_key(names, values, seed: int) -> str:
    """The hash naming one simulation: parameter values (exactly, as repr) and seed."""
    text = json.dumps({"parameters": {n: repr(float(v)) for n, v in zip(names, values)}, "seed": int(seed)},
                      sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def write_atomic_json(path: Path, data: dict) -> None:
    """``data`` as JSON, written atomically (:func:`sim.rundir.write_atomic`)."""
    write_atomic(path, json.dumps(data, indent=1, default=str) + "\n")


class EvaluationStore:
    """The ``evaluations/`` directory of one calibration output directory."""

    def __init__(self, out: Path, problem: dict):
        self.dir = Path(out) / "evaluations"
        self.dir.mkdir(parents=True, exist_ok=True)
        for stale in self.dir.glob(".*.partial"):  # left by a calibration killed while writing
            stale.unlink(missing_ok=True)
        record = self.dir / "problem.json"
        if record.is_file():
            changed = differing_keys(json.loads(record.read_text(encoding="utf-8")), problem)
            if changed:
                raise ScenarioError(out, None, f"holds simulations of a different calibration problem "
                                    f"({', '.join(changed)} changed); use another --out, or --force to start over")
        else:
            write_atomic_json(record, problem)

    def get(self, key: str, ids: list[str]) -> np.ndarray | None:
        """The stored simulated values (in the order of ``ids``), or None if not stored."""
        path = self.dir / f"{key}.json"
        if not path.is_file():
            return None
        results = json.loads(path.read_text(encoding="utf-8"))["results"]
        if any(i not in results for i in ids):
            return None
        return np.array([results[i] for i in ids], dtype=float)

    def put(self, key: str, names, values, seed: int, ids: list[str], result: np.ndarray,
            seconds: float) -> None:
        write_atomic_json(self.dir / f"{key}.json", {
            "parameters": {n: float(v) for n, v in zip(names, values)}, "seed": int(seed),
            "results": {i: float(r) for i, r in zip(ids, result)}, "runtime_seconds": round(seconds, 3),
        })

    def count(self) -> int:
        return sum(1 for p in self.dir.glob("*.json") if p.name != "problem.json")


def output_state(out: Path) -> str:
    """``absent``, ``unfinished`` (a calibration to resume), ``finished``, or ``foreign`` (something else)."""
    out = Path(out)
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return "absent"
    if (out / FINISHED).is_file():
        return "finished"
    if (out / "evaluations").is_dir():
        return "unfinished"
    return "foreign"
