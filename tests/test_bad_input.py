"""Every kind of bad input gets one clear message (file, key, problem), exit code 2, and no output."""
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app

from .conftest import NETWORK, small_scenario, write_yaml

runner = CliRunner()


def network_with(tmp_path, edit):
    data = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))
    edit(data)
    return str(write_yaml(tmp_path / "network.yaml", data))


def timeline(*entries):
    return {"timeline": list(entries)}


PAN = {"lever": "border_control", "country": "PAN", "intensity": 0.5}
CASES = {
    "unknown key": (lambda tmp: small_scenario(sede=3), "sede", "unknown key"),
    "unknown nested key": (
        lambda tmp: small_scenario(behaviour={"weights": {"incme": 1}}), "behaviour.weights.incme", "unknown key"),
    "unknown location": (
        lambda tmp: small_scenario(population=[{"location": "Bogota", "people": 10}]),
        "population[0].location", "did you mean 'Bogotá'"),
    "unknown country": (
        lambda tmp: small_scenario(policy=timeline({**PAN, "date": "2025-02-01", "country": "PNA"})),
        "policy.timeline[0].country", "unknown country 'PNA'"),
    "unknown criminal network": (
        lambda tmp: small_scenario(policy=timeline(
            {"date": "2025-02-01", "lever": "smuggling_fee", "network": "los_zetas", "multiplier": 2})),
        "policy.timeline[0].network", "unknown criminal network"),
    "unknown lever": (
        lambda tmp: small_scenario(policy=timeline({"date": "2025-02-01", "lever": "wall", "height": 3})),
        "policy.timeline[0]", "lever"),
    "probability above 1": (
        lambda tmp: small_scenario(policy=timeline({**PAN, "date": "2025-02-01", "intensity": 1.5})),
        "policy.timeline[0].intensity", "less than or equal to 1"),
    "negative people": (
        lambda tmp: small_scenario(population=[{"location": "Lima", "people": -5}]),
        "population[0].people", "greater than or equal to 0"),
    "date out of range": (
        lambda tmp: small_scenario(policy=timeline({**PAN, "date": "2026-02-01"})),
        "policy.timeline[0].date", "outside the run"),
    "unsorted dates": (
        lambda tmp: small_scenario(policy=timeline({**PAN, "date": "2025-03-01"}, {**PAN, "date": "2025-02-01"})),
        "policy.timeline[1].date", "date order"),
    "end before start": (lambda tmp: small_scenario(end="2024-01-01"), "scenario.yaml", "before `start`"),
    "missing network file": (lambda tmp: small_scenario(network="nowhere.yaml"), "nowhere.yaml", "not found"),
    "negative fee": (
        lambda tmp: small_scenario(network=network_with(
            tmp, lambda n: n["segments"][0].update(smuggling_fee_usd=-10))),
        "segments[0].smuggling_fee_usd", "greater than or equal to 0"),
    "hazard out of range": (
        lambda tmp: small_scenario(network=network_with(
            tmp, lambda n: n["segments"][3].update(death_hazard_daily=2))),
        "segments[3].death_hazard_daily", "less than 1"),
    "network route through unjoined places": (
        lambda tmp: small_scenario(network=network_with(
            tmp, lambda n: n["routes"][0].update(via=["Caracas", "Lima"]))),
        "routes[0].via[1]", "no segment joins"),
    "population too large": (
        lambda tmp: small_scenario(scale=1, population=[{"location": "Lima", "people": 10**12}]),
        "population", "raise `scale`"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_clear_error(tmp_path, case):
    build, key, message = CASES[case]
    path = write_yaml(tmp_path / "scenario.yaml", build(tmp_path))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-report"])
    assert result.exit_code == 2, result.output
    assert key in result.output and message in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_yaml_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nstart: 2025-01-01\npopulation: [ {location: Lima\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml: line 4, column 1: YAML syntax error" in result.output.replace("\n", " ")


def test_error_from_a_real_process_has_no_traceback_and_no_output(tmp_path):
    path = write_yaml(tmp_path / "scenario.yaml", small_scenario(seed=-1))
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "seed" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".run*"))


def test_a_partial_mapping_keeps_the_other_defaults():
    from sim.load import parse_scenario

    sc = parse_scenario(small_scenario(behaviour={"asylum_release_share": {"paused": 0.5},
                                                  "speed_km_per_day": {"jungle": 10}}))
    assert sc.behaviour.asylum_release_share == {"open": 0.6, "paused": 0.5, "expulsion": 0.0}
    assert sc.behaviour.speed_km_per_day["jungle"] == 10 and sc.behaviour.speed_km_per_day["air"] == 5000
