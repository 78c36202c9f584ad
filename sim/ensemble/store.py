"""The ensemble directory, safe to kill at any moment:

    DIR/ensemble.json               what the members are runs of (scenario, network, engine, draws)
    DIR/members/member-MMMMM.parquet   one file per finished member (written whole, then renamed)
    DIR/members.parquet, summary.csv, effects.csv, observed.csv, figures/, report.html   the results

A rerun of the same command skips every stored member; a directory of another ensemble is refused.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import ScenarioError
from ..failures import reading
from ..rundir import differing_keys, write_atomic, write_table_atomic

MEMBER_FILE = re.compile(r"^member-(\d{5})\.parquet$")
RESULTS = ("members.parquet", "summary.csv", "effects.csv", "observed.csv", "report.html")


def open_store(out: Path, record: dict, force: bool = False) -> Path:
    """Create the directory, or reopen it for the same ensemble (``force`` discards what it holds)."""
    plan = out / "ensemble.json"
    if out.exists() and any(out.iterdir()):
        if not plan.is_file():
            raise ScenarioError(out, None, "exists and is not an ensemble directory; choose another --out")
        if force:
            shutil.rmtree(out / "members", ignore_errors=True)
            shutil.rmtree(out / "figures", ignore_errors=True)
            for name in (*RESULTS, "ensemble.json"):
                (out / name).unlink(missing_ok=True)
        else:
            with reading(plan, "JSON"):
                stored = json.loads(plan.read_text(encoding="utf-8"))
            changed = differing_keys(stored, record)
            if changed:
                raise ScenarioError(out, None, f"holds another ensemble (changed: {', '.join(changed)}); use "
                                    "another --out, or --force to start over")
    (out / "members").mkdir(parents=True, exist_ok=True)
    for stale in (out / "members").glob(".*.partial"):
        stale.unlink(missing_ok=True)
    if not plan.is_file():
        write_atomic(plan, json.dumps(record, indent=1, default=str) + "\n")
    return out


def member_path(out: Path, index: int) -> Path:
    return out / "members" / f"member-{index:05d}.parquet"


def stored(out: Path) -> set[int]:
    """Indices of the members already stored."""
    return {int(m[1]) for f in (out / "members").iterdir() if (m := MEMBER_FILE.match(f.name))}


def write_member(out: Path, index: int, rows: pd.DataFrame) -> None:
    write_table_atomic(member_path(out, index), pa.Table.from_pandas(rows, preserve_index=False))


def read_members(out: Path, n: int) -> pd.DataFrame:
    """The first ``n`` members' rows, in member order (whatever order they finished in)."""
    frames = []
    for m in range(n):
        path = member_path(out, m)
        with reading(path, "Parquet", "; delete it and run the same command again to redo that member"):
            frames.append(pd.read_parquet(path))
    return pd.concat(frames, ignore_index=True)
