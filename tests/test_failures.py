"""Failures of the machine and damaged files end as a user's mistake does: one line, exit code 2, nothing half-written.

The commands run in this process (typer's runner) so that a full disk or a refused permission can be
simulated by making the writer or reader raise the OSError the system would.
"""
import errno
import os
import shutil
from pathlib import Path

import matplotlib.figure
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.sweep.spec import design, load_sweep
from sim.sweep.store import open_store, run_schema, write_run

from .conftest import NETWORK, small_scenario, write_yaml


def migsim(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def one_error_line(result, *parts: str) -> str:
    """The command failed with exit 2 and one line ``error: ...`` holding every part."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def leftovers(directory: Path) -> list[str]:
    """Temporary files and folders a writer left behind."""
    return [p.name for p in directory.rglob("*") if ".partial" in p.name or p.name.endswith((".tmp", ".old"))]


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() says it: no file named


@pytest.fixture(autouse=True)
def close_figures():
    """Figures whose saving failed stay open in this process; close them after each test."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """A short run folder (no report), copied by the tests that damage it."""
    root = tmp_path_factory.mktemp("finished")
    path = write_yaml(root / "s.yaml", small_scenario(end="2025-01-31"))
    result = migsim("run", path, "--out", root / "run", "--scale", 2000, "--no-report")
    assert result.exit_code == 0, result.output
    return root / "run"


@pytest.fixture
def run_copy(finished_run, tmp_path) -> Path:
    shutil.copytree(finished_run, tmp_path / "run")
    return tmp_path / "run"


def test_damaged_daily_parquet(run_copy):
    data = (run_copy / "daily.parquet").read_bytes()
    (run_copy / "daily.parquet").write_bytes(data[: len(data) // 2])
    one_error_line(migsim("report", run_copy), f"{run_copy / 'daily.parquet'}: damaged Parquet file")
    assert not (run_copy / "figures").exists() and not (run_copy / "report.html").exists()
    assert leftovers(run_copy.parent) == []


def test_damaged_run_json_and_scenario_yaml(run_copy):
    (run_copy / "run.json").write_text('{"seed": 1,')
    one_error_line(migsim("report", run_copy), f"{run_copy / 'run.json'}: damaged JSON file")
    (run_copy / "scenario.yaml").write_text("name: [unclosed\n")
    one_error_line(migsim("report", run_copy), f"{run_copy / 'scenario.yaml'}: line")


def test_missing_run_json(run_copy):
    (run_copy / "run.json").unlink()
    one_error_line(migsim("report", run_copy), f"{run_copy / 'run.json'}: missing")
    assert not (run_copy / "figures").exists() and leftovers(run_copy.parent) == []


def test_foreign_table_in_a_run_folder(run_copy):
    pd.DataFrame({"x": [1]}).to_parquet(run_copy / "flows.parquet")
    one_error_line(migsim("report", run_copy), f"{run_copy / 'flows.parquet'}: damaged: no column 'month'")


def network_copy(tmp_path) -> Path:
    """A network file of this test's own (the loader caches networks by path)."""
    path = tmp_path / "net" / "americas.yaml"
    path.parent.mkdir()
    shutil.copy(NETWORK, path)
    return path


def test_network_file_that_is_a_directory(tmp_path):
    network = tmp_path / "network.yaml"
    network.mkdir()
    path = write_yaml(tmp_path / "s.yaml", small_scenario(network=str(network)))
    one_error_line(migsim("validate", path), str(network))
    one_error_line(migsim("run", path, "--out", tmp_path / "run"), str(network))
    assert not (tmp_path / "run").exists() and leftovers(tmp_path) == []


def test_unreadable_network_file(tmp_path, monkeypatch):
    network = network_copy(tmp_path)
    path = write_yaml(tmp_path / "s.yaml", small_scenario(network=str(network)))
    real = Path.read_text

    def refuse(self, *args, **kwargs):  # what chmod 000 does to anyone but root
        if self == network:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    one_error_line(migsim("run", path, "--out", tmp_path / "run"), str(network), "PermissionError")
    assert not (tmp_path / "run").exists() and leftovers(tmp_path) == []


def test_unreadable_network_in_a_run_folder(run_copy):
    (run_copy / "network.yaml").unlink()
    (run_copy / "network.yaml").mkdir()
    one_error_line(migsim("report", run_copy), str((run_copy / "network.yaml").resolve()))
    one_error_line(migsim("run", run_copy / "scenario.yaml", "--out", run_copy.parent / "again"), "network.yaml")
    assert not (run_copy.parent / "again").exists()


def test_full_disk_while_writing_the_figures(tmp_path, monkeypatch):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-01-31"))
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full_disk)
    out = tmp_path / "run"
    one_error_line(migsim("run", path, "--out", out, "--scale", 2000), f"{out / 'figures'}: no space left")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]  # no run folder, no partial one


def test_full_disk_while_writing_the_tables(tmp_path, monkeypatch):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-01-31"))
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    out = tmp_path / "run"
    one_error_line(migsim("run", path, "--out", out, "--scale", 2000, "--no-report"),
                   f"{out / 'daily.parquet'}: no space left")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_full_disk_while_replacing_a_run_keeps_the_old_one(run_copy, monkeypatch):
    before = {p.name: p.read_bytes() for p in run_copy.iterdir()}
    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    one_error_line(migsim("run", run_copy / "scenario.yaml", "--out", run_copy, "--force", "--no-report"),
                   "no space left")
    assert {p.name: p.read_bytes() for p in run_copy.iterdir()} == before
    assert leftovers(run_copy.parent) == []


def test_full_disk_while_writing_a_report_keeps_the_old_one(run_copy, monkeypatch):
    (run_copy / "figures").mkdir()
    (run_copy / "figures" / "encounters.png").write_bytes(b"old figure")
    (run_copy / "report.html").write_text("old report")
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full_disk)
    one_error_line(migsim("report", run_copy), f"{run_copy / 'figures'}: no space left")
    assert [p.name for p in (run_copy / "figures").iterdir()] == ["encounters.png"]
    assert (run_copy / "report.html").read_text() == "old report"
    assert leftovers(run_copy.parent) == []


SWEEP = """
name: failure test sweep
base: base.yaml
parameters:
  - {name: pan, path: "policy.timeline[lever=border_control,country=PAN].intensity", range: [0.0, 0.9]}
design: {method: saltelli, samples: 2}
replicates: 1
seed: 3
outcomes: [deaths]
"""


@pytest.fixture
def sweep_store(tmp_path) -> Path:
    """A sweep directory with every run stored (made-up rows: nothing here reads their values)."""
    write_yaml(tmp_path / "base.yaml", small_scenario(end="2025-01-31", scale=2000))
    (tmp_path / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    plan = load_sweep(tmp_path / "sweep.yaml")
    points = design(plan)
    out = open_store(tmp_path / "store", plan, points, SWEEP)
    for point in range(len(points)):
        write_run(out, {"point": point, "replicate": 0, "seed": point, "deaths_2025": 1.0}, run_schema(plan))
    return out


def test_damaged_files_in_a_sweep_store(sweep_store):
    run_file = sorted((sweep_store / "runs").iterdir())[1]
    run_file.write_bytes(run_file.read_bytes()[:40])
    one_error_line(migsim("sensitivity", sweep_store), f"{run_file}: damaged Parquet file", "migsim sweep")
    (sweep_store / "design.parquet").write_bytes(b"PAR1")
    one_error_line(migsim("sensitivity", sweep_store), f"{sweep_store / 'design.parquet'}: damaged Parquet file")
    (sweep_store / "plan.json").write_text("{")
    one_error_line(migsim("sensitivity", sweep_store), f"{sweep_store / 'plan.json'}: damaged JSON file")
    one_error_line(migsim("sweep", sweep_store.parent / "sweep.yaml", "--out", sweep_store, "--workers", "1"),
                   f"{sweep_store / 'plan.json'}: damaged JSON file")


def test_missing_file_in_a_sweep_store(sweep_store):
    (sweep_store / "design.parquet").unlink()
    one_error_line(migsim("sensitivity", sweep_store), f"{sweep_store / 'design.parquet'}: missing")


def test_full_disk_while_starting_a_sweep(tmp_path, monkeypatch, sweep_store):
    monkeypatch.setattr(os, "fsync", full_disk)  # the store syncs each file before renaming it
    out = tmp_path / "fresh"
    one_error_line(migsim("sweep", tmp_path / "sweep.yaml", "--out", out, "--workers", "1"),
                   f"{out / 'plan.json'}: no space left")
    assert leftovers(tmp_path) == []
