"""Running a sweep: every (design point, replicate) not yet stored, on a local process pool or
a Dask distributed cluster, each finished run stored as it arrives.

A run that fails is stored with its error and the sweep goes on. Results depend only on the
sweep file (seeds come from :mod:`sim.sweep.seeds`), not on the workers or their order.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .seeds import run_seed
from .spec import SweepPlan, design, load_sweep, scenario_for
from .store import open_store, read_design, read_runs, run_schema, stored_runs, write_run

Progress = Callable[[int, int], None]  # (runs finished now, of which failed)


@dataclass(frozen=True)
class Task:
    """One run to do: a design point's parameter values and a replicate."""

    point: int
    replicate: int
    values: dict


@dataclass
class SweepOutcome:
    """How a call of :func:`run_sweep` went."""

    out: Path
    total: int  # runs in the sweep
    skipped: int  # already stored when it started
    finished: int  # stored by this call
    failed: int  # of those, with an error
    seconds: float


def run_one(plan: SweepPlan, task: Task) -> dict:
    """Run one (point, replicate) and return its row; any error is caught into the row."""
    seed = run_seed(plan.sweep.seed, task.point, task.replicate)
    row = {"point": task.point, "replicate": task.replicate, "seed": seed, **task.values, "error": None}
    began = time.perf_counter()
    try:
        from ..runner import run_scenario

        scenario = scenario_for(plan, task.values, seed)
        yearly = run_scenario(scenario).yearly.set_index("year")
        row.update(outcome_summaries(yearly, plan))
    except Exception as exc:  # recorded, never stops the sweep
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({Path(last[0].filename).name}:{last[0].lineno})" if last else ""
        row["error"] = f"{type(exc).__name__}: {exc}{where}"
    row["runtime_seconds"] = round(time.perf_counter() - began, 4)
    return row


def outcome_summaries(yearly: pd.DataFrame, plan: SweepPlan) -> dict:
    """The kept outcomes, ``<outcome>_<year>``, from a run's yearly table."""
    row = {}
    for column in plan.outcome_columns:
        name, year = column.rsplit("_", 1)
        if name not in yearly.columns:
            raise KeyError(f"outcome {name!r} is not in this run's yearly table")
        row[column] = float(yearly.at[int(year), name])
    return row


def tasks(design_frame: pd.DataFrame, plan: SweepPlan, done: set[tuple[int, int]]) -> list[Task]:
    """Every (point, replicate) not in ``done``, in order."""
    labels = [p.label for p in plan.parameters]
    out = []
    for rec in design_frame[["point", *labels]].to_dict("records"):
        values = {k: _plain(rec[k]) for k in labels}
        for r in range(plan.sweep.replicates):
            if (int(rec["point"]), r) not in done:
                out.append(Task(int(rec["point"]), r, values))
    return out


def _plain(value):
    """numpy/pandas scalars as plain Python (dates as ``datetime.date``)."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def prepare(sweep_file: str | Path, out: str | Path, force: bool = False, retry_failed: bool = False):
    """Check the sweep file, open (or resume) its directory, and list the runs still to do."""
    plan = load_sweep(sweep_file)
    store = open_store(out, plan, design(plan), Path(sweep_file).read_text(encoding="utf-8"), force)
    frame = read_design(store)
    done = stored_runs(store)
    if retry_failed and done:
        runs = read_runs(store)
        failed = runs.loc[runs["error"].notna(), ["point", "replicate"]].itertuples(index=False)
        done -= {(int(p), int(r)) for p, r in failed}
    todo = tasks(frame, plan, done)
    return plan, store, len(frame) * plan.sweep.replicates, todo


def run_sweep(sweep_file: str | Path, out: str | Path, workers: int | None = None, scheduler: str | None = None,
              force: bool = False, retry_failed: bool = False, progress: Progress | None = None,
              on_start: Callable[[int, int], None] | None = None) -> SweepOutcome:
    """Run every run of the sweep not yet stored in ``out``; local processes, or Dask at ``scheduler``."""
    began = time.perf_counter()
    plan, store, total, todo = prepare(sweep_file, out, force, retry_failed)
    if on_start:
        on_start(total, total - len(todo))
    schema = run_schema(plan)
    counts = {"finished": 0, "failed": 0}

    def record(row: dict) -> None:
        write_run(store, row, schema)
        counts["finished"] += 1
        counts["failed"] += row["error"] is not None
        if progress:
            progress(counts["finished"], counts["failed"])

    if todo:
        if scheduler:
            _on_dask(plan, todo, scheduler, record)
        else:
            _on_processes(plan, todo, workers, record)
    return SweepOutcome(store, total, total - len(todo), counts["finished"], counts["failed"],
                        time.perf_counter() - began)


def _failed_row(plan: SweepPlan, task: Task, message: str) -> dict:
    return {"point": task.point, "replicate": task.replicate,
            "seed": run_seed(plan.sweep.seed, task.point, task.replicate), **task.values,
            "runtime_seconds": None, "error": message}


def _on_processes(plan: SweepPlan, todo: list[Task], workers: int | None, record) -> None:
    """A local pool of worker processes (spawned: no state shared with this process)."""
    with Workers(workers) as pool:
        pool.run(run_one, plan, todo, lambda task, row: record(row))


def _on_dask(plan: SweepPlan, todo: list[Task], address: str, record) -> None:
    """A Dask distributed cluster; workers must see the same files (network, scenarios) and ``sim``."""
    with Workers(scheduler=address) as pool:
        pool.run(run_one, plan, todo, lambda task, row: record(row),
                 lost=lambda task, message: _failed_row(plan, task, message))


def _exit_with_parent(parent: int) -> None:
    """Worker initialiser: leave as soon as the process that started the pool is gone (killed), rather
    than go on running the tasks it had queued for no one."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class Workers:
    """Local worker processes (spawned) or a Dask cluster, kept open across batches of tasks.

    :meth:`run` calls ``func(shared, task)`` for every task on the workers and ``record(task, result)``
    here as each finishes (in the order they finish), so a caller can store results as they arrive.
    Used by sweeps and by calibrations (sim/calibrate/evaluate.py).
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        self.workers, self.scheduler = workers or multiprocessing.cpu_count(), scheduler
        self.pool = self.client = None
        self._shared = (None, None)  # (object, its Dask future): scattered once while it stays the same

    def __enter__(self):
        if self.scheduler:
            from distributed import Client

            try:
                self.client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ScenarioError(None, "--scheduler", f"cannot reach a Dask scheduler at {self.scheduler!r} "
                                    f"({exc}); the finished runs are stored, run again to resume") from None
        else:
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_exit_with_parent,
                                            initargs=(os.getpid(),))
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, func, shared, todo: list, record, lost=None) -> None:
        """Run ``func(shared, task)`` for each task; ``lost(task, message)`` stands in for a result a
        Dask worker lost (without it, the error is raised)."""
        if self.client is not None:
            self._run_dask(func, shared, todo, record, lost)
            return
        pending = {self.pool.submit(func, shared, t): t for t in todo}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    task = pending.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        raise RuntimeError(f"a worker process died (out of memory?) with {len(pending) + 1} "
                                           "runs left; run the same command again to resume") from None
                    record(task, result)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise

    def _run_dask(self, func, shared, todo: list, record, lost) -> None:
        from distributed import as_completed

        client = self.client
        if self._shared[0] is not shared:
            self._shared = (shared, client.scatter(shared, broadcast=True))
        futures = {client.submit(func, self._shared[1], t, pure=False): t for t in todo}
        try:
            for fut in as_completed(futures):
                task = futures[fut]
                try:
                    result = fut.result()
                except Exception as exc:  # a worker lost mid-run, a task killed
                    if lost is None:
                        raise
                    result = lost(task, f"{type(exc).__name__}: {exc}")
                record(task, result)
                fut.release()
        except BaseException:
            client.cancel(list(futures))
            raise
