"""The Python entry: ``sim.run`` and the README's example, run as it is written there."""
import re
import subprocess
import sys

import pandas as pd
import pytest

import sim
from sim.load import load_scenario

from .conftest import REPO, small_scenario, write_yaml


def readme_example() -> str:
    """The README's Python block that calls ``sim.run``."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if "sim.run(" in b]
    assert len(found) == 1, "expected one README example of sim.run"
    return found[0]


def test_readme_example_runs_as_written(tmp_path, monkeypatch, capsys):
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")  # the example's paths, from a scratch root
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    exec(compile(readme_example(), "README.md", "exec"), names)
    result = names["result"]
    assert isinstance(result.daily, pd.DataFrame) and isinstance(result.yearly, pd.DataFrame)
    assert list(result.yearly["year"]) == [2024] and len(result.daily) == 366
    assert set(result.tables) == {"daily", "locations", "flows"}
    assert result.meta["seed"] == 1 and result.meta["scale"] == 100 and result.meta["kernel"] in ("numba", "numpy")
    assert len(names["monthly"]) == 12
    out = tmp_path / "results" / "baseline_py"
    assert {"scenario.yaml", "network.yaml", "run.json", "daily.parquet", "report.html"} <= {
        p.name for p in out.iterdir()}
    assert "encounters_us_border" in capsys.readouterr().out


def test_import_is_cheap_and_names_load_on_use():
    code = ("import sys, sim; heavy = [m for m in ('pandas', 'numpy', 'mesa', 'sim.engine') if m in sys.modules]; "
            "assert not heavy, heavy; sim.load_scenario; sim.VectorModel; sim.MesaModel; sim.run; "
            "assert 'sim.engine' in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018


def test_run_takes_a_loaded_scenario_and_writes_only_when_asked(tmp_path):
    scenario = load_scenario(write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-01-31")))
    result = sim.run(scenario, seed=3, scale=2000)
    assert result.meta["seed"] == 3 and result.scenario.scale == 2000 and len(result.daily) == 31
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
    out = tmp_path / "run"
    again = sim.run(scenario, seed=3, scale=2000, out=out, report=False, counterfactual=True)
    pd.testing.assert_frame_equal(again.daily, result.daily)
    assert (out / "counterfactual" / "daily.parquet").is_file() and not (out / "report.html").exists()
    with pytest.raises(FileExistsError):
        sim.run(scenario, scale=2000, out=out)
