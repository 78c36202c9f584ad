"""The command line end to end, in a real process, as a user runs it."""
import json
import subprocess
import sys

import pandas as pd
import yaml

from .conftest import REPO, small_scenario, write_yaml

YEARLY = ["year", "encounters_us_border", "darien_crossings_north", "darien_crossings_south", "deaths",
          "children_abandoned", "returns_home", "status_resident", "status_in_transit", "status_detained",
          "status_arrived", "status_returned", "status_dead"]


def migsim(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_run_writes_the_run_contract(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2026-03-31"))
    out = tmp_path / "run"
    proc = migsim("run", path, "--out", out, "--seed", 5, "--scale", 400, "--no-report")
    assert proc.returncode == 0, proc.stderr
    assert "encounters_us_border" in proc.stdout  # the summary table
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 5 and meta["scale"] == 400 and meta["engine"] == "vector" and meta["migsim_version"]
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert resolved["seed"] == 5 and resolved["behaviour"]["weights"]["move"] is not None
    yearly = pd.read_csv(out / "yearly.csv")
    assert list(yearly["year"]) == [2025, 2026]
    assert set(YEARLY) <= set(yearly.columns)
    status = yearly.filter(like="status_").sum(axis=1)
    assert (status == status.iloc[0]).all()  # the same people every year end
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(daily) == 365 + 31 + 28 + 31
    assert yearly.loc[0, "deaths"] == daily[daily.date.dt.year == 2025]["deaths"].sum()
    assert not list(tmp_path.glob(".run*"))  # no temporary directory left behind


def test_existing_run_directory_is_kept_unless_forced(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-01-31"))
    out = tmp_path / "run"
    assert migsim("run", path, "--out", out, "--no-report").returncode == 0
    again = migsim("run", path, "--out", out, "--no-report")
    assert again.returncode == 2 and "--force" in again.stderr
    assert migsim("run", path, "--out", out, "--no-report", "--force").returncode == 0


def test_validate_and_schema():
    proc = migsim("validate", "scenarios/baseline_2024.yaml")
    assert proc.returncode == 0 and "ok" in proc.stdout
    schema = json.loads(migsim("schema").stdout)
    assert "policy" in schema["properties"] and "population" in schema["required"]


def test_shipped_scenarios_validate():
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        proc = migsim("validate", path)
        assert proc.returncode == 0, (path, proc.stderr)


def test_the_run_summary_reads_whole_in_80_columns():
    """Five years of a history: outcome names and figures are not cut (millions are shortened instead)."""
    from rich.console import Console

    from sim.cli import SUMMARY, summary_table

    yearly = pd.DataFrame({"year": range(2021, 2026), **{name: [1_234_567_890.0, 987_654.0, 12.0, 3_210_000.0, 0.0]
                                                         for name in SUMMARY}})
    console = Console(width=80, record=True)
    console.print(summary_table(yearly, "History"))
    text = console.export_text()
    assert "…" not in text
    for name in SUMMARY:
        assert name in text
    assert "1,234.57 M" in text and "987,654" in text and "3.21 M" in text


def test_figures_read_as_people_or_millions():
    from sim.numbers import figure

    assert figure(987_654.4) == "987,654" and figure(1_190_000) == "1.19 M" and figure(-213_300_000) == "-213.30 M"
    assert figure(19_733, signed=True) == "+19,733" and figure(-66_200, signed=True) == "-66,200"
    assert figure(0, signed=True) == "+0"
