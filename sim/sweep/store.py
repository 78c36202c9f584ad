"""The sweep directory: what was planned and every finished run, safe to kill at any moment.

    DIR/sweep.yaml        the sweep file as given
    DIR/plan.json         the resolved sweep and base scenario (what a resumed sweep must match)
    DIR/design.parquet    the design points
    DIR/runs/run-pPPPPPPP-rRRRR.parquet   one row per finished run (a Parquet dataset)

Each run file is written under a temporary dot-name and renamed into place, so a file either is
complete or does not exist; its name is its (point, replicate), so a run is never stored twice.
``pandas.read_parquet("DIR/runs")`` reads them all (dot-files are skipped).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..errors import ScenarioError
from ..failures import reading
from ..rundir import differing_keys, write_atomic, write_table_atomic
from .spec import SweepPlan

RUN_FILE = re.compile(r"^run-p(\d+)-r(\d+)\.parquet$")
ARROW_TYPES = {"number": pa.float64(), "integer": pa.int64(), "date": pa.date32(), "text": pa.string(),
               "bool": pa.bool_()}


def plan_record(plan: SweepPlan) -> dict:
    """What identifies a sweep: the resolved sweep file and base scenario."""
    return {"sweep": plan.sweep.model_dump(mode="json"), "base": plan.base_doc,
            "outcome_columns": list(plan.outcome_columns),
            "parameters": {p.label: p.kind for p in plan.parameters}}


def run_schema(plan: SweepPlan) -> pa.Schema:
    """The same columns in every run file, failed or not, so the files read as one dataset."""
    fields = [pa.field("point", pa.int64()), pa.field("replicate", pa.int64()), pa.field("seed", pa.int64())]
    fields += [pa.field(p.label, ARROW_TYPES[p.kind]) for p in plan.parameters]
    fields += [pa.field(c, pa.float64()) for c in plan.outcome_columns]
    fields += [pa.field("runtime_seconds", pa.float64()), pa.field("error", pa.string())]
    return pa.schema(fields)


def open_store(out: str | Path, plan: SweepPlan, design: pd.DataFrame, sweep_text: str,
               force: bool = False) -> Path:
    """Create the sweep directory, or reopen it to resume the same sweep (``force`` starts over)."""
    out = Path(out)
    record = plan_record(plan)
    plan_file = out / "plan.json"
    if out.exists() and any(out.iterdir()):
        if not plan_file.is_file():
            raise ScenarioError(out, None, "exists and is not a sweep directory; choose another --out")
        if force:
            shutil.rmtree(out / "runs", ignore_errors=True)
            for name in ("plan.json", "design.parquet", "sweep.yaml", "sensitivity.csv", "sensitivity.png"):
                (out / name).unlink(missing_ok=True)
        else:
            if differing_keys(read_plan(out), record):
                raise ScenarioError(out, None, "holds a different sweep (the sweep file or its base scenario "
                                    "changed); use another --out, or --force to start over")
    out.mkdir(parents=True, exist_ok=True)
    clean_partial(out)
    if not (out / "design.parquet").is_file():  # plan first, design last: a store is complete once it has both
        write_atomic(plan_file, json.dumps(record, indent=1, default=str) + "\n")
        write_atomic(out / "sweep.yaml", sweep_text)
        write_table_atomic(out / "design.parquet", pa.Table.from_pandas(design, preserve_index=False))
    (out / "runs").mkdir(exist_ok=True)
    return out


def clean_partial(out: Path) -> None:
    """Remove temporary files left by a sweep killed while writing (never read as runs)."""
    for d in (out, out / "runs"):
        for f in (d.glob(".*.partial") if d.is_dir() else ()):
            f.unlink(missing_ok=True)


def read_design(out: str | Path) -> pd.DataFrame:
    path = Path(out) / "design.parquet"
    with reading(path, "Parquet"):
        return pd.read_parquet(path)


def read_plan(out: str | Path) -> dict:
    path = Path(out) / "plan.json"
    if not path.is_file():
        raise ScenarioError(out, None, "not a sweep directory (no plan.json); run `migsim sweep` first")
    with reading(path, "JSON"):
        plan = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(plan, dict):
        raise ScenarioError(path, None, "damaged: expected a JSON object")
    return plan


def run_path(out: Path, point: int, replicate: int) -> Path:
    return Path(out) / "runs" / f"run-p{point:07d}-r{replicate:04d}.parquet"


def write_run(out: Path, row: dict, schema: pa.Schema) -> Path:
    """Store one finished run (atomically; a repeat of the same run replaces it)."""
    table = pa.Table.from_pylist([{name: row.get(name) for name in schema.names}], schema=schema)
    path = run_path(out, int(row["point"]), int(row["replicate"]))
    write_table_atomic(path, table)
    return path


def stored_runs(out: str | Path) -> set[tuple[int, int]]:
    """(point, replicate) of every stored run, read from the file names."""
    found = set()
    for f in (Path(out) / "runs").iterdir():
        m = RUN_FILE.match(f.name)
        if m:
            found.add((int(m.group(1)), int(m.group(2))))
    return found


def read_runs(out: str | Path) -> pd.DataFrame:
    """Every stored run, one row each, ordered by point and replicate."""
    files = sorted(f for f in (Path(out) / "runs").iterdir() if RUN_FILE.match(f.name))
    if not files:
        return pd.DataFrame()
    try:
        table = ds.dataset([str(f) for f in files], format="parquet").to_table()
    except pa.ArrowException:
        for f in files:  # name the damaged one
            with reading(f, "Parquet", "; delete it and run `migsim sweep` again to redo that run"):
                pq.read_table(f)
        raise
    return table.to_pandas().sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)
