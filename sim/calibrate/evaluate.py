"""Simulations for a calibration: one (parameter values, seed) -> each fitted figure's simulated value.

:class:`Evaluator` answers a batch of requests in order: from the evaluation store when stored,
otherwise on the workers (in this process with one worker, else local processes or a Dask cluster
through :class:`sim.sweep.execute.Workers`), storing each simulation as it finishes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import __version__
from ..engine import VectorModel
from ..load import network_of
from ..observed import simulated as observed_value
from ..provenance import model_code, sha256
from ..scenario import Scenario
from .params import with_parameters
from .store import EvaluationStore, evaluation_key
from .targets import Target, simulated as target_value


@dataclass(frozen=True)
class Problem:
    """What a worker needs to turn parameter values into simulated figures: targets, then observed rows."""

    scenario: Scenario
    targets: tuple[Target, ...]
    names: tuple[str, ...]  # dotted parameter paths, in order
    fixed: dict
    scale: float
    rows: tuple[dict, ...] = ()  # observed fit-window rows (sim/calibrate/observed_rows.py)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.targets] + [r["id"] for r in self.rows]

    def run(self, values: np.ndarray, seed: int) -> np.ndarray:
        """Simulated value of each fitted figure (people) for one parameter vector and seed."""
        params = dict(self.fixed) | dict(zip(self.names, map(float, values)))
        sc = with_parameters(self.scenario, params, seed=int(seed), scale=self.scale)
        model = VectorModel(sc, collect=False)  # the tables come from the recorder; no DataCollector needed
        model.run()
        tables = model.tables_out()
        daily = tables["daily"]
        net = network_of(sc)
        out = [target_value(daily, t, net) for t in self.targets]
        if self.rows:
            node_country = {name: net.countries[c] for name, c in zip(net.nodes, net.node_country)}
            out += [observed_value(r, daily, tables["locations"], node_country) for r in self.rows]
        return np.array(out, dtype=float)

    def record(self) -> dict:
        """What identifies the simulations (not the priors, seeds or effort): kept beside them in the store."""
        network = Path(self.scenario.network)
        digest = sha256(network.read_bytes()) if network.is_file() else None
        figures = [[t.id, t.outcome, *map(str, t.dates)] for t in self.targets]
        figures += [[r["id"], r["series"], r["country"], str(r["start"]), str(r["end"])] for r in self.rows]
        return {"migsim": __version__, "model_code_sha256": model_code(),
                "scenario": self.scenario.model_dump(mode="json"), "network_sha256": digest, "scale": self.scale,
                "fixed": self.fixed, "parameters": list(self.names), "figures": figures}


def _simulate(problem: Problem, job: tuple) -> tuple[np.ndarray, float]:
    values, seed = job
    began = time.perf_counter()
    return problem.run(values, seed), time.perf_counter() - began


class Evaluator:
    """Runs batches of (parameters, seed) in order; counts requests, simulations run and stored answers."""

    def __init__(self, problem: Problem, store: EvaluationStore | None = None, workers: int = 1,
                 scheduler: str | None = None, after_run: Callable[[int], None] | None = None):
        self.problem, self.store = problem, store
        self.workers, self.scheduler = workers, scheduler
        self.after_run = after_run or (lambda n: None)
        self.tick: Callable[[int], None] = lambda n: None
        self.pool = None
        self.memory: dict[str, np.ndarray] = {}  # answers of this call, stored or not
        self.requested = self.ran = self.loaded = 0

    def __enter__(self):
        if self.scheduler or self.workers > 1:
            from ..sweep.execute import Workers

            self.pool = Workers(self.workers, self.scheduler).__enter__()
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.__exit__(*exc)

    def batch(self, values: list[np.ndarray], seeds: list[int]) -> np.ndarray:
        """Each request's simulated figures, ``[len(values), figures]``."""
        names, ids = self.problem.names, self.problem.ids
        keys = [evaluation_key(names, v, s) for v, s in zip(values, seeds)]
        found: dict[str, np.ndarray] = {}
        todo: dict[str, tuple] = {}
        for key, v, s in zip(keys, values, seeds):
            if key in found or key in todo:
                continue
            stored = self.memory.get(key)
            if stored is None and self.store:
                stored = self.store.get(key, ids)
            if stored is not None:
                found[key] = stored
            else:
                todo[key] = (np.asarray(v, dtype=float), int(s))
        self.requested += len(keys)
        self.loaded += len(found)
        self.memory.update(found)
        if found:
            self.tick(sum(k in found for k in keys))

        def record(key: str, answer: tuple[np.ndarray, float]) -> None:
            result, seconds = answer
            if self.store:
                v, s = todo[key]
                self.store.put(key, names, v, s, ids, result, seconds)
            found[key] = self.memory[key] = result
            self.ran += 1
            self.tick(sum(k == key for k in keys))
            self.after_run(self.ran)

        if todo and self.pool is not None:
            self.pool.run(_simulate_keyed, self.problem, list(todo.items()), lambda task, r: record(task[0], r))
        else:
            for key, job in todo.items():
                record(key, _simulate(self.problem, job))
        return np.array([found[k] for k in keys])


def _simulate_keyed(problem: Problem, task: tuple) -> tuple[np.ndarray, float]:
    return _simulate(problem, task[1])
