"""The Python entry: ``sim.run(scenario, seed=..., scale=...)`` runs a scenario as ``migsim run`` does.

Tables come back as pandas DataFrames; with ``out=`` the same run directory as the command's is written.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .runner import RunResult, run_scenario, save_run
from .scenario import Scenario


def prepare(scenario: str | Path | Scenario, seed: int | None = None, scale: float | None = None) -> Scenario:
    """A checked scenario (file or object) with ``seed`` and ``scale`` overridden when given."""
    from .load import load_scenario
    from .population import check_memory

    file = "<scenario>"
    if not isinstance(scenario, Scenario):
        file = scenario
        scenario = load_scenario(scenario, check_size=False)  # names and dates checked here
    updates = {k: v for k, v in (("seed", seed), ("scale", scale)) if v is not None}
    if updates:
        scenario = scenario.model_copy(update=updates)
    check_memory(scenario, file)  # after scale, which sets the number of agents
    return scenario


def run(scenario: str | Path | Scenario, *, seed: int | None = None, scale: float | None = None,
        engine: str = "vector", counterfactual: bool = False, out: str | Path | None = None,
        force: bool = False, report: bool = True, progress: Callable[[int], None] | None = None) -> RunResult:
    """Run a scenario file (or a loaded ``Scenario``) and return its tables and provenance.

    ``result.daily``, ``result.yearly`` and ``result.tables["locations" | "flows"]`` are DataFrames in
    people; ``result.meta`` is what ``run.json`` holds. ``out`` also writes the run directory (with the
    plotted report unless ``report=False``); an existing one is replaced only with ``force=True``.
    Bad input raises ``sim.errors.ScenarioError`` naming the file and key.
    """
    sc = prepare(scenario, seed, scale)
    if out is not None and Path(out).exists() and not force:
        raise FileExistsError(f"{out} exists; pass force=True to replace it")
    result = run_scenario(sc, engine, progress, counterfactual=counterfactual)
    if out is not None:
        save_run(result, out, force=force, extra=report_writer() if report else None)
    return result


def report_writer():
    """What writes the plotted report into a run directory being saved."""
    from .report import write_report

    return lambda directory, result: write_report(directory)
