"""The plotted report of a small run: files, figures that show something, an HTML page a browser loads."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioError
from sim.load import load_scenario
from sim.report import write_report
from sim.report.mapping import parse_period
from sim.runner import run_counterfactual, run_scenario, save_run

from .conftest import small_scenario, write_yaml

FIGURES = ("encounters", "darien", "flow_map", "deaths_by_segment", "people_by_country", "people_by_status",
           "returns_home", "smuggling_revenue", "counterfactual",
           "validation")  # the run's half year holds observed figures (tests/test_validation_report.py)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--hide-scrollbars")


def tiny_scenario() -> dict:
    """Six months, about 2,000 agents, and three policy changes after the start (three dashed lines)."""
    data = small_scenario(name="Tiny report test", description="Darién tightened in March, asylum paused in April.",
                          start="2024-01-01", end="2024-06-30", seed=3, scale=400)
    data["population"].append({"location": "Mexico City", "people": 60000})
    data["policy"]["timeline"] += [
        {"date": "2024-03-01", "lever": "border_control", "country": "PAN", "intensity": 0.7},
        {"date": "2024-04-10", "lever": "asylum", "mode": "paused"},
        {"date": "2024-05-15", "lever": "repatriation_flight", "origin": "Mexico City", "seats": 311},
    ]
    for lever in data["policy"]["timeline"]:
        lever["date"] = lever["date"].replace("2025", "2024")
    return data


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run directory with a counterfactual, written by ``save_run`` with the report as ``migsim run`` does."""
    root = tmp_path_factory.mktemp("report")
    scenario = load_scenario(write_yaml(root / "tiny.yaml", tiny_scenario()))
    policy, counterfactual = run_scenario(scenario), run_counterfactual(scenario)
    written = []
    save_run(policy, root / "run", counterfactual=counterfactual,
             extra=lambda directory, result: written.extend(write_report(directory)))
    return root / "run", written


def test_report_files_are_written(run_dir):
    directory, written = run_dir
    names = {p.name for p in written}
    for name in FIGURES:
        assert f"{name}.png" in names and f"{name}.svg" in names
        assert (directory / "figures" / f"{name}.png").is_file()
        assert (directory / "figures" / f"{name}.svg").is_file()
    assert (directory / "report.html").is_file()
    assert not list(directory.glob(".*partial")) and not list((directory / "figures").glob(".*"))


@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_not_blank(run_dir, name):
    pixels = np.asarray(Image.open(run_dir[0] / "figures" / f"{name}.png").convert("RGB"), dtype=float)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 600
    assert pixels.std() > 0
    not_white = (pixels < 250).any(axis=2).mean()
    assert not_white > 0.02, f"{name}: only {not_white:.1%} of the pixels are drawn"


def test_policy_changes_are_labelled_lines(run_dir):
    svg = (run_dir[0] / "figures" / "encounters.svg").read_text(encoding="utf-8")
    assert "PAN border control 70%" in svg  # long labels wrap onto a second line
    assert "US asylum paused" in svg
    assert "flight Mexico City → Caracas" in svg
    assert "PAN border control 20%" not in svg  # the initial policy on the start day is no event


def test_html_holds_the_scenario_summary_and_metadata(run_dir):
    directory = run_dir[0]
    page = (directory / "report.html").read_text(encoding="utf-8")
    meta = json.loads((directory / "run.json").read_text())
    assert "<h1>Tiny report test</h1>" in page and "Darién tightened in March" in page
    assert "2024-04-10" in page and "US asylum paused" in page  # timeline table
    assert f"<dd>{meta['seed']}</dd>" in page and meta["migsim_version"] in page and "vector" in page
    assert "Policy minus counterfactual" in page
    for name in FIGURES:
        assert f'id="{name}"' in page
    assert page.count('src="data:image/png;base64,') == len(FIGURES)
    assert "http://" not in page and "https://" not in page  # self-contained: nothing fetched


def test_summary_table_uses_thousands_separators(run_dir):
    import pandas as pd

    directory = run_dir[0]
    page = (directory / "report.html").read_text(encoding="utf-8")
    resident = pd.read_csv(directory / "yearly.csv")["status_resident"].iloc[0]
    assert resident >= 1000
    assert f">{resident:,.0f}<" in page


def _chromium():
    if shutil.which("chromium") is None and not shutil.os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: the report test opens report.html in headless Chromium. "
                    "Install it with `apt-get install -y chromium` (Debian), as .ci/run does.")
    return shutil.which("chromium") or CHROMIUM


IMAGE_CHECK = """<script>
window.addEventListener("load", function () {
  var images = Array.from(document.images);
  var broken = images.filter(function (img) { return !(img.complete && img.naturalWidth > 0); });
  var out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = "images=" + images.length + " broken=" + broken.length;
  document.body.appendChild(out);
});
</script>"""


def test_browser_loads_every_image_and_renders(run_dir, tmp_path):
    chromium = _chromium()
    page = (run_dir[0] / "report.html").read_text(encoding="utf-8")
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", IMAGE_CHECK + "</body>"), encoding="utf-8")
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, "--virtual-time-budget=10000", "--dump-dom",
                          checked.as_uri()], capture_output=True, text=True, timeout=60)
    assert f"images={len(FIGURES)} broken=0" in dom.stdout, dom.stderr[-2000:]
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, "--window-size=1200,2000", f"--screenshot={shot}",
                    (run_dir[0] / "report.html").as_uri()], capture_output=True, timeout=60, cwd=tmp_path)
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    assert pixels.shape[:2] == (2000, 1200)
    assert pixels.std() > 0 and (pixels < 250).any(axis=2).mean() > 0.02


def test_report_command_with_a_period(run_dir, tmp_path):
    copy = shutil.copytree(run_dir[0], tmp_path / "run")
    result = CliRunner().invoke(app, ["report", str(copy), "--period", "2024-03:2024-04"])
    assert result.exit_code == 0, result.output
    assert f"report: {copy / 'report.html'}" in result.output
    assert "Mar 2024 – Apr 2024" in (copy / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--period", "2024-13"], "--period: '2024-13' is not a month"),
    (["--period", "2024-05:2024-02"], "ends before it starts"),
    (["--period", "2030-01:2030-02"], "outside the run"),
])
def test_report_command_rejects_bad_periods(run_dir, args, message):
    result = CliRunner().invoke(app, ["report", str(run_dir[0]), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_report_of_a_directory_that_is_no_run(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "nothing to report" in result.output
    assert not (tmp_path / "report.html").exists()


def test_period_parsing():
    start, end = dt.date(2024, 1, 15), dt.date(2024, 12, 31)
    assert parse_period(None, start, end).label == "Jan 2024 – Dec 2024"
    assert parse_period("2024-06:2024-12", start, end).label == "Jun 2024 – Dec 2024"
    assert parse_period("2024-06", start, end).label == "Jun 2024"
    assert parse_period(":2024-03", start, end).label == "Jan 2024 – Mar 2024"
    assert parse_period("2023-06:2024-02", start, end).label == "Jan 2024 – Feb 2024"  # clipped to the run
    with pytest.raises(ScenarioError, match="--period"):
        parse_period("June", start, end)


def test_same_run_same_figure_bytes(run_dir, tmp_path):
    from sim.report import figures, style
    from sim.report.rundata import load_run

    run = load_run(run_dir[0])
    saved = []
    for k in range(2):
        (tmp_path / str(k)).mkdir()
        with style.report_style():
            saved.append(style.save(figures.encounters(run).figure, tmp_path / str(k), "encounters"))
    for first, second in zip(*saved):
        assert first.read_bytes() == second.read_bytes()
