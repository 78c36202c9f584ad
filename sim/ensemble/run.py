"""Run an ensemble: every member not yet stored, on local processes or a Dask cluster (the sweep's
:class:`~sim.sweep.execute.Workers`), each stored as it finishes; then the results, each written whole.

The results depend on the command only: a member's seed and draw come from its index, members are read
back in index order, so the number of workers, their order and any interruption change nothing."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa

from ..provenance import model_code, sha256
from ..rundir import write_atomic, write_table_atomic
from ..scenario import Scenario
from . import store, summary
from .members import Member, member_scenario, members, posterior_record
from .tables import member_rows


@dataclass(frozen=True)
class Job:
    """What every member shares: the scenario, the engine, whether to branch a counterfactual, the observed rows."""

    scenario: Scenario
    engine: str = "vector"
    counterfactual: bool = False
    observed: pd.DataFrame | None = None


@dataclass
class Outcome:
    """How a call of :func:`run_ensemble` went, and the tables it wrote."""

    out: Path
    members: int
    skipped: int  # already stored when it started
    seconds: float
    summary: pd.DataFrame
    effects: pd.DataFrame | None
    observed: pd.DataFrame


def run_member(job: Job, member: Member) -> pd.DataFrame:
    """One member's rows: the run (and its branched counterfactual) as long tables."""
    from ..load import network_of
    from ..report.validation import node_countries
    from ..runner import run_scenario

    sc = member_scenario(job.scenario, member)
    result = run_scenario(sc, job.engine, counterfactual=job.counterfactual)
    node_country = node_countries(network_of(sc))
    parts = [member_rows(member, "policy", result.tables, node_country, job.observed)]
    if result.counterfactual is not None:
        parts.append(member_rows(member, "counterfactual", result.counterfactual.tables, node_country, None))
    return pd.concat(parts, ignore_index=True)


def record(job: Job, posterior: dict | None) -> dict:
    """What identifies the ensemble's members (their number aside: more can be added later)."""
    network = sha256(Path(job.scenario.network).read_bytes())
    observed = None if job.observed is None else sha256(job.observed.to_csv(index=False).encode())
    return {"scenario": job.scenario.model_dump(mode="json"), "network_sha256": network, "engine": job.engine,
            "model_code_sha256": model_code(),  # members run by other model code are not mixed in
            "counterfactual": job.counterfactual, "posterior": posterior, "observed_sha256": observed}


def run_ensemble(job: Job, n: int, out: str | Path, draws: pd.DataFrame | None = None,
                 posterior_file: str | Path | None = None, workers: int | None = None, scheduler: str | None = None,
                 force: bool = False, progress: Callable[[int, int], None] | None = None,
                 report: bool = True) -> Outcome:
    """Run the members not yet stored in ``out``, then write members.parquet, summary.csv, effects.csv
    (with a counterfactual), observed.csv and the report. ``progress(done, total)`` after each member."""
    from ..sweep.execute import Workers

    began = time.perf_counter()
    out = store.open_store(Path(out), record(job, posterior_record(posterior_file, draws)), force)
    plan = members(job.scenario, n, draws)
    done = store.stored(out)
    todo = [m for m in plan if m.index not in done]
    count = {"done": n - len(todo)}

    def keep(member: Member, rows: pd.DataFrame) -> None:
        store.write_member(out, member.index, rows)
        count["done"] += 1
        if progress:
            progress(count["done"], n)

    if todo:
        with Workers(workers, scheduler) as pool:
            pool.run(run_member, job, todo, keep)
    rows = store.read_members(out, n)
    return write_results(out, rows, job, n, n - len(todo), time.perf_counter() - began, report)


def write_results(out: Path, rows: pd.DataFrame, job: Job, n: int, skipped: int, seconds: float,
                  report: bool) -> Outcome:
    """members.parquet, summary.csv, effects.csv, observed.csv (each whole or not at all) and the report."""
    write_table_atomic(out / "members.parquet", pa.Table.from_pandas(rows, preserve_index=False))
    table = summary.summary(rows)
    write_atomic(out / "summary.csv", table.to_csv(index=False, float_format="%.10g"))
    effects = None
    if job.counterfactual:
        effects = summary.effects(rows)
        write_atomic(out / "effects.csv", effects.to_csv(index=False, float_format="%.10g"))
    else:
        (out / "effects.csv").unlink(missing_ok=True)
    observed = summary.against_observed(rows, job.observed if job.observed is not None else pd.DataFrame(
        columns=["id"]))
    write_atomic(out / "observed.csv", observed.to_csv(index=False, float_format="%.10g"))
    if report:
        from ..report.fan_page import write_ensemble_report

        write_ensemble_report(out)
    return Outcome(out, n, skipped, seconds, table, effects, observed)
