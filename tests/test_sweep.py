"""Sweeps: reproducible whatever the workers (local pool, Dask cluster), resumable after SIGKILL,
bad sweep files reported by key, and the sensitivity code path checked on known indices."""
from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.sweep.execute import run_sweep
from sim.sweep.seeds import run_seed
from sim.sweep.sensitivity import analyse, indices
from sim.sweep.spec import design, load_sweep
from sim.sweep.store import open_store, plan_record, read_runs, run_schema, stored_runs, write_run

REPO = Path(__file__).resolve().parents[1]
NETWORK = REPO / "scenarios" / "networks" / "americas.yaml"
BIN = Path(sys.executable).parent

BASE = f"""
name: sweep test base
start: 2025-01-01
end: 2025-02-28
seed: 1
scale: 20
network: {NETWORK}
population:
  - {{location: Bogotá, people: 60000, savings: {{median_usd: 400}}}}
  - {{location: Necoclí, people: 20000, savings: {{median_usd: 900}}}}
  - {{location: Caracas, people: 40000, savings: {{median_usd: 300}}}}
behaviour: {{reconsideration_days: 60}}
policy:
  timeline:
    - {{date: 2025-01-01, lever: border_control, country: PAN, intensity: 0.05}}
    - {{date: 2025-01-01, lever: smuggling_fee, network: clan_del_golfo, multiplier: 1.0}}
    - {{date: 2025-01-01, lever: asylum, mode: open}}
    - {{date: 2025-01-20, lever: asylum, mode: paused}}
    - {{date: 2025-02-01, lever: border_control, country: PAN, intensity: 0.5}}
"""

SWEEP = """
name: test sweep
base: base.yaml
parameters:
  - name: pan
    path: policy.timeline[lever=border_control,country=PAN,date=2025-02-01].intensity
    range: [0.0, 0.9]
  - name: fee
    path: policy.timeline[lever=smuggling_fee].multiplier
    range: [0.5, 3.0]
  - name: pause
    path: policy.timeline[3].date
    range: [2025-01-05, 2025-02-20]
  - name: asylum_start
    path: policy.timeline[lever=asylum,mode=open].mode
    values: [open, paused]
design: {method: latin_hypercube, samples: 6}
replicates: 2
seed: 11
outcomes: [encounters_us_border, darien_crossings_north, darien_crossings_south, smuggling_revenue_usd]
"""


def write_sweep(directory: Path, sweep: str = SWEEP, base: str = BASE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.yaml").write_text(textwrap.dedent(base), encoding="utf-8")
    path = directory / "sweep.yaml"
    path.write_text(textwrap.dedent(sweep), encoding="utf-8")
    return path


def results(out: Path) -> pd.DataFrame:
    """The stored runs without their runtimes (which differ from run to run)."""
    return read_runs(out).drop(columns="runtime_seconds")


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    return write_sweep(tmp_path_factory.mktemp("sweepfile"))


@pytest.fixture(scope="module")
def reference(sweep_file, tmp_path_factory) -> pd.DataFrame:
    """The small sweep run straight through on two local worker processes."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    outcome = run_sweep(sweep_file, out, workers=2)
    assert outcome.finished == outcome.total == 12 and outcome.failed == 0
    return results(out)


def test_reference_is_complete_and_varied(reference):
    assert sorted(zip(reference.point, reference.replicate)) == [(p, r) for p in range(6) for r in range(2)]
    assert reference["error"].isna().all()
    assert reference["seed"].tolist() == [run_seed(11, p, r) for p, r in zip(reference.point, reference.replicate)]
    assert reference["seed"].nunique() == 12
    assert reference["darien_crossings_north_2025"].gt(0).any()  # people do cross
    assert reference["smuggling_revenue_usd_2025"].nunique() > 6  # and the runs differ
    assert set(reference["asylum_start"]) <= {"open", "paused"}


def test_one_worker_gives_the_same_results(sweep_file, reference, tmp_path):
    run_sweep(sweep_file, tmp_path / "one", workers=1)
    pd.testing.assert_frame_equal(results(tmp_path / "one"), reference)


def test_seed_depends_only_on_sweep_seed_point_and_replicate():
    assert run_seed(11, 3, 1) == run_seed(11, 3, 1)
    assert len({run_seed(11, p, r) for p in range(50) for r in range(4)}) == 200
    assert run_seed(11, 3, 1) != run_seed(12, 3, 1)


# --- Dask distributed: a real scheduler and two workers on loopback ----------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = dict(cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **common)]
    try:
        for i in range(2):
            procs.append(subprocess.Popen(
                [BIN / "dask", "worker", address, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1",
                 "--no-dashboard", "--name", f"w{i}", "--local-directory", str(tmp_path / f"w{i}"),
                 "--death-timeout", "60"], **common))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_dask_cluster_gives_the_same_results(sweep_file, reference, dask_cluster, tmp_path):
    outcome = run_sweep(sweep_file, tmp_path / "dask", scheduler=dask_cluster)
    assert outcome.finished == 12 and outcome.failed == 0
    pd.testing.assert_frame_equal(results(tmp_path / "dask"), reference)


# --- killed mid-way, resumed ----------------------------------------------------------------------


def test_sigkill_then_resume_loses_and_duplicates_nothing(sweep_file, reference, tmp_path):
    out = tmp_path / "killed"
    cmd = [BIN / "migsim", "sweep", str(sweep_file), "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = len(list((out / "runs").glob("run-*.parquet"))) if (out / "runs").is_dir() else 0
        if stored >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"sweep ended before it could be killed: {proc.stderr.read().decode()}"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker process
    proc.wait()
    proc.stderr.close()
    before = stored_runs(out)
    assert 3 <= len(before) < 12, "the kill should land mid-way"
    (out / "runs" / ".run-p0000099-r0000.parquet.x.partial").write_bytes(b"PAR1 half a file")  # as if killed mid-write

    resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)} already stored" in resumed.stdout.replace(",", "")
    assert not list((out / "runs").glob(".*"))  # the partial file was cleared
    again = results(out)
    assert len(again) == 12 and not again.duplicated(["point", "replicate"]).any()
    pd.testing.assert_frame_equal(again, reference)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs").sort_values(["point", "replicate"])
                                  .reset_index(drop=True).drop(columns="runtime_seconds"), reference)
    third = run_sweep(sweep_file, out, workers=1)  # nothing left to do
    assert third.skipped == 12 and third.finished == 0


def test_changed_sweep_is_not_mixed_into_an_old_directory(sweep_file, tmp_path):
    out = tmp_path / "mixed"
    plan = load_sweep(sweep_file)
    open_store(out, plan, design(plan), "x")
    other = write_sweep(tmp_path / "other", SWEEP.replace("seed: 11", "seed: 12"))
    with pytest.raises(ScenarioError, match="different sweep"):
        run_sweep(other, out, workers=1)


# --- failures are recorded ------------------------------------------------------------------------


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    first_change = "    - {date: 2025-01-20"
    base = BASE.replace(first_change, "    - {date: 2025-01-10, lever: police_operation, network: clan_del_golfo, "
                        "end: 2025-01-20}\n" + first_change)
    sweep = """
    name: failing combination
    base: base.yaml
    parameters:
      - {name: op_start, path: "policy.timeline[lever=police_operation].date", range: [2025-01-05, 2025-01-15], levels: 2}
      - {name: op_end, path: "policy.timeline[lever=police_operation].end", range: [2025-01-12, 2025-01-25], levels: 2}
    design: {method: grid}
    seed: 3
    outcomes: [deaths]
    """
    path = write_sweep(tmp_path / "f", sweep, base)
    outcome = run_sweep(path, tmp_path / "out", workers=1)
    runs = read_runs(tmp_path / "out")
    assert outcome.finished == 4 and outcome.failed == 1 and len(runs) == 4
    bad = runs[runs.error.notna()]
    assert bad.op_start.iloc[0] > bad.op_end.iloc[0]
    assert "before `date`" in bad.error.iloc[0] and bad.deaths_2025.isna().all()
    assert runs[runs.error.isna()].deaths_2025.notna().all()


# --- bad sweep files ------------------------------------------------------------------------------


@pytest.mark.parametrize("change, key, message", [
    (("seed: 11", "seed: 11\nworkers: 3"), "workers", "unknown key"),
    (("samples: 6}", "samples: 6, levels: 1}"), "design.levels", "greater than or equal to 2"),
    (("method: latin_hypercube, samples: 6", "method: saltelli, samples: 6"), "design.samples", "power of 2"),
    (("method: latin_hypercube, samples: 6", "method: grid"), "parameters[0].levels", "a grid needs"),
    (("country=PAN,date=2025-02-01]", "country=PAN]"), "parameters[0].path", "matches 2 entries"),
    (("policy.timeline[3].date", "policy.timeline[30].date"), "parameters[2].path", "no [30]"),
    (("policy.timeline[3].date", "policy.timeline[3]date"), "parameters[2].path", "missing '.'"),
    (("policy.timeline[lever=smuggling_fee].multiplier", "behaviour.weights.csot"), "parameters[1].path",
     "no key 'csot'"),
    (("range: [0.0, 0.9]", "range: [0.0, 1.5]"), "parameters[0].range", "less than or equal to 1"),
    (("range: [0.5, 3.0]", "range: [3.0, 0.5]"), "parameters[1].range", "below high"),
    (("range: [0.5, 3.0]", "range: [0.5, 2025-01-01]"), "parameters[1].range", "mixes a date"),
    (("range: [2025-01-05, 2025-02-20]", "range: [2025-01-05, 2025-04-20]"), "parameters[2].range",
     "outside the run"),
    (("values: [open, paused]", "values: [open, shut]"), "parameters[3].values", "'open', 'paused'"),
    (("values: [open, paused]", "values: [open, 1]"), "parameters[3].values", "mixes kinds"),
    (("outcomes: [encounters_us_border,", "outcomes: [encounters_us,"), "outcomes[0]", "unknown outcome"),
    (("seed: 11", "seed: 11\nyears: [2024]"), "years[0]", "outside the base run"),
    (("base: base.yaml", "base: nowhere.yaml"), "base", "not found"),
])
def test_bad_sweep_file_names_the_key(tmp_path, change, key, message):
    old, new = change
    assert old in SWEEP
    path = write_sweep(tmp_path, SWEEP.replace(old, new, 1))
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    err = info.value
    assert (err.file, err.key) == (str(path), key), err.message
    assert message in err.message


def test_seed_cannot_be_a_parameter(tmp_path):
    path = write_sweep(tmp_path, SWEEP.replace("path: policy.timeline[3].date", "path: seed"))
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    assert info.value.key == "parameters[2].path"


def test_cli_reports_a_bad_sweep_file_in_one_line(tmp_path):
    path = write_sweep(tmp_path, SWEEP.replace("outcomes: [encounters_us_border,", "outcomes: [encounters_us,"))
    proc = subprocess.run([BIN / "migsim", "sweep", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{path}: outcomes[0]: unknown outcome" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


# --- sensitivity: known indices through the same design, store and analysis -----------------------


def store_toy_runs(tmp_path: Path, sweep: str, model) -> Path:
    """A sweep directory whose 'runs' are a toy function of the design's parameter values."""
    path = write_sweep(tmp_path / "toy", sweep)
    plan = load_sweep(path)
    frame = design(plan)
    out = open_store(tmp_path / "toy_out", plan, frame, path.read_text())
    schema = run_schema(plan)
    names = [p.label for p in plan.parameters]
    y = model(*(frame[n].to_numpy() for n in names))
    for point, value in zip(frame.point, y):
        write_run(out, {"point": point, "replicate": 0, "seed": 0, **frame.loc[point, names].to_dict(),
                        "deaths_2025": float(value)}, schema)
    return out


def ishigami(x1, x2, x3, a=7.0, b=0.1):
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3 ** 4 * np.sin(x1)


TOY = """
name: toy
base: base.yaml
parameters:
  - {name: x1, path: behaviour.weights.income, range: [-3.141592653589793, 3.141592653589793]}
  - {name: x2, path: behaviour.weights.cost, range: [-3.141592653589793, 3.141592653589793]}
  - {name: x3, path: behaviour.weights.duration, range: [-3.141592653589793, 3.141592653589793]}
design: {method: saltelli, samples: 256}
seed: 5
outcomes: [deaths]
years: [2025]
"""


def test_sobol_indices_of_the_ishigami_function(tmp_path):
    """Design, replicate means and analysis as `migsim sensitivity` does them, without 5,120 files."""
    path = write_sweep(tmp_path / "toy", TOY.replace("samples: 256", "samples: 1024").replace("seed: 5", "seed: 0"))
    plan = load_sweep(path)
    frame = design(plan)
    assert len(frame) == 1024 * 5
    y = ishigami(frame.x1.to_numpy(), frame.x2.to_numpy(), frame.x3.to_numpy())
    noise = np.random.default_rng(1).normal(0, 0.05, (2, len(y)))  # two replicates, averaged first
    runs = pd.concat([pd.DataFrame({"point": frame.point, "replicate": r, "deaths_2025": y + noise[r] * (-1) ** r,
                                    "error": None}) for r in range(2)])
    table = indices(plan_record(plan), frame, runs, "sobol").set_index("parameter")
    assert list(table.index) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(table["S1"], [0.314, 0.442, 0.0], atol=0.04)
    np.testing.assert_allclose(table["ST"], [0.558, 0.442, 0.244], atol=0.04)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.1).all()
    with pytest.raises(ScenarioError, match="morris design"):
        indices(plan_record(plan), frame, runs, "morris")


def test_morris_ranks_a_linear_function(tmp_path):
    sweep = TOY.replace("method: saltelli, samples: 256", "method: morris, samples: 20")
    out = store_toy_runs(tmp_path, sweep, lambda x1, x2, x3: 3 * x1 + 1 * x2 + 0 * x3)
    table = analyse(out, "morris").set_index("parameter")
    span = 2 * math.pi  # mu* is per unit of the parameter's range
    np.testing.assert_allclose(table["mu_star"], [3 * span, span, 0.0], atol=1e-6)


def test_sensitivity_cli_writes_table_and_chart(tmp_path):
    out = store_toy_runs(tmp_path, TOY.replace("samples: 256", "samples: 32"), ishigami)
    proc = subprocess.run([BIN / "migsim", "sensitivity", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "x2" in proc.stdout and (out / "sensitivity.png").stat().st_size > 10_000
    csv = pd.read_csv(out / "sensitivity.csv")
    assert list(csv.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"] and len(csv) == 3


def test_sensitivity_needs_every_point(tmp_path):
    out = store_toy_runs(tmp_path, TOY.replace("samples: 256", "samples: 8"), ishigami)
    (out / "runs" / "run-p0000003-r0000.parquet").unlink()
    with pytest.raises(ScenarioError, match="1 of 40 design points"):
        analyse(out, "sobol")
