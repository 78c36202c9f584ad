"""The report of an ensemble with a counterfactual over a half year that holds observed figures: fan charts
that show something, effects and observed tables, and a page headless Chromium loads with every image."""
from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.ensemble.run import Job, run_ensemble
from sim.load import load_scenario
from sim.report import write_report
from sim.report.validation import observed_rows

from .conftest import write_yaml
from .test_report import CHROMIUM_FLAGS, IMAGE_CHECK, _chromium, tiny_scenario

FIGURES = ("fan_charts", "fan_effects")


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("ensemble_report")
    scenario = load_scenario(write_yaml(root / "tiny.yaml", tiny_scenario()))
    run_ensemble(Job(scenario, counterfactual=True, observed=observed_rows()), 3, root / "ens", workers=1)
    return root / "ens"


def test_outputs_and_figures_are_written_and_not_blank(ensemble_dir):
    for name in ("members.parquet", "summary.csv", "effects.csv", "observed.csv", "report.html"):
        assert (ensemble_dir / name).is_file(), name
    assert not list(ensemble_dir.glob(".*"))
    for name in FIGURES:
        pixels = np.asarray(Image.open(ensemble_dir / "figures" / f"{name}.png").convert("RGB"), dtype=float)
        assert pixels.shape[0] > 600 and (pixels < 250).any(axis=2).mean() > 0.05, name
    svg = (ensemble_dir / "figures" / "fan_charts.svg").read_text(encoding="utf-8")
    assert "5-95% of members" in svg and "observed (band as bar)" in svg


def test_page_holds_intervals_effects_in_words_and_the_observed_table_by_window(ensemble_dir):
    page = (ensemble_dir / "report.html").read_text(encoding="utf-8")
    observed = pd.read_csv(ensemble_dir / "observed.csv")
    assert len(observed) > 0 and set(observed["window"]) <= {"fit", "validation"}
    for window in observed["window"].unique():
        assert f"{window} window: {(observed['window'] == window).sum()} figures" in page
    effects = pd.read_csv(ensemble_dir / "effects.csv", dtype={"period": str})
    assert effects["reading"].isin(["higher with the policy", "lower with the policy",
                                    "includes zero: not distinguishable from no effect"]).all()
    assert "Policy minus counterfactual: the effect with its 90% interval" in page
    assert "ensemble of 3" in page and page.count('src="data:image/png;base64,') == len(FIGURES)
    assert "http://" not in page and "https://" not in page


def test_browser_loads_every_image(ensemble_dir, tmp_path):
    chromium = _chromium()
    page = (ensemble_dir / "report.html").read_text(encoding="utf-8")
    checked = tmp_path / "checked.html"
    checked.write_text(page.replace("</body>", IMAGE_CHECK + "</body>"), encoding="utf-8")
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, "--virtual-time-budget=10000", "--dump-dom", checked.as_uri()],
                         capture_output=True, text=True, timeout=60)
    assert f"images={len(FIGURES)} broken=0" in dom.stdout, dom.stderr[-2000:]
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, "--window-size=1200,2000", f"--screenshot={shot}",
                    (ensemble_dir / "report.html").as_uri()], capture_output=True, timeout=60, cwd=tmp_path)
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    assert pixels.shape[:2] == (2000, 1200) and (pixels < 250).any(axis=2).mean() > 0.02


def test_migsim_report_rewrites_an_ensemble_report(ensemble_dir):
    written = write_report(ensemble_dir)
    assert {p.name for p in written} >= {"fan_charts.png", "fan_effects.png", "report.html"}
