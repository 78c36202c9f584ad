"""The interactive page: sliders set the initial policy, and the page renders in a real browser."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.initial_policy import initial_levers, with_initial_policy
from sim.load import check_references, load_scenario, network_of
from sim.policy import RESPONSES, compile_timeline

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_sliders_replace_the_start_day_policy_only():
    base = load_scenario(BASELINE)
    assert initial_levers(base)["border_control"] == {"PAN": 0.05, "MEX": 0.25, "USA": 0.9}
    new = with_initial_policy(base, {"PAN": 0.7, "MEX": 0.0, "USA": 0.3}, 2.0, "expulsion", "terminated")
    net = network_of(new)
    check_references(new, net)
    state = compile_timeline(new, net).states[0]
    pan, usa, chl = (net.country_index(c) for c in ("PAN", "USA", "CHL"))
    assert state.border_intensity[pan] == pytest.approx(0.7)
    assert state.border_intensity[usa] == pytest.approx(0.3)
    assert RESPONSES[state.border_response[usa]] == "deport"  # the scenario's response is kept
    assert state.border_intensity[chl] == pytest.approx(0.2)  # other countries untouched
    assert (state.fee_multiplier == 2.0).all()
    assert (state.asylum, state.tps) == ("expulsion", "terminated")
    assert state.parole_monthly_quota == 0  # the history starts in January 2021, before any parole for Venezuelans
    later = [lv for lv in new.policy.timeline if lv.date != new.start]
    assert later == [lv for lv in base.policy.timeline if lv.date != base.start]  # asylum paused in June stays


def test_page_model_takes_the_slider_values():
    from sim.app import MesaExplorer, VectorExplorer, model_params

    params = model_params(str(BASELINE), 5000)
    assert params["usa_control"]["value"] == pytest.approx(0.9)
    for cls in (VectorExplorer, MesaExplorer):
        model = cls(scenario=str(BASELINE), scale=5000, pan_control=0.8, fee_multiplier=0.5, asylum="paused")
        model.step()
        assert model.day == 1
        pan = model.net.country_index("PAN")
        assert model.state.border_intensity[pan] == pytest.approx(0.8)
        assert np.allclose(model.state.fee_multiplier, 0.5)
        assert model.state.asylum == "paused"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"migsim app exited with {proc.returncode}: {proc.stdout.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"migsim app did not listen on port {port} within {timeout} s")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_page_renders_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    port = free_port()
    migsim = Path(sys.executable).parent / "migsim"
    proc = subprocess.Popen([str(migsim), "app", str(BASELINE), "--scale", "2000", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for_port(port, proc, timeout=90)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            for label in ("Border control PAN", "Border control MEX", "Border control USA",
                          "Smuggling fee multiplier", "US asylum", "TPS"):
                page.get_by_text(label).first.wait_for(timeout=60_000)
            page.wait_for_function("document.querySelectorAll('img').length >= 2", timeout=60_000)
            page.get_by_role("button", name="Step").click()
            page.get_by_text("Step: 1").wait_for(timeout=30_000)
            shot = tmp_path / "app.png"
            page.screenshot(path=str(shot), full_page=True)
            browser.close()
        assert shot.stat().st_size > 20_000
        if os.environ.get("MIGSIM_KEEP_SCREENSHOT"):
            shutil.copy(shot, os.environ["MIGSIM_KEEP_SCREENSHOT"])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
