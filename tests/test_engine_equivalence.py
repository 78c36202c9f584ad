"""The Mesa reference engine and the vectorised engine agree in distribution.

Method (also in README.md, "Two engines, one model"): the scenario tests/scenarios/equivalence_levers.yaml
(about 850 migrants, 120 days, every policy lever changing on the timeline: border control with each
response, smuggling fees by network and by segment, asylum open/paused/expulsion, TPS terminated,
parole, appointments at US ports, a visa bond, a visa rule, removal without seats (expulsion, release), a police operation,
six repatriation flights, a push at home that worsens; death hazards x300 and
child-abandonment hazards x30 so that deaths are not rare) runs on both engines. Each engine runs it with REPLICATES different seeds (disjoint seed ranges). For every
yearly outcome (all flows of sim.outcomes.FLOWS and the status_* stocks) the two samples are
compared by a two-sample Kolmogorov-Smirnov test; p-values are Holm-corrected over the outcomes
compared, and the engines agree when no adjusted p-value is below ALPHA = 0.01 (so a correct
engine fails this test at most 1% of the time).

Control: the same test must detect a deliberate change made to one engine only - the Mesa engine
run on a copy of the network whose Darién crossings have a ten times higher death hazard. Migrants
weigh the route's death risk, so the deadlier crossing is chosen about a third as often: the test
flags northbound Darién crossings (adjusted p about 1e-17 with 40 replicates); deaths themselves
change little, fewer crossing a deadlier trail.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from sim.equivalence import compare, holm, replicate
from sim.load import load_scenario

HERE = Path(__file__).parent
NETWORK = HERE.parent / "scenarios" / "networks" / "americas.yaml"
REPLICATES = 40
ALPHA = 0.01
WORKERS = min(2, os.cpu_count() or 1)


def darien_deadlier(path: Path, factor: float) -> Path:
    """A copy of the americas network whose Darién crossings have ``factor`` times the death hazard."""
    raw = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))
    for seg in raw["segments"]:
        if seg.get("crossing") == "darien":
            seg["death_hazard_daily"] = seg.get("death_hazard_daily", 0.0) * factor
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """Yearly outcomes: vector engine, Mesa engine, Mesa engine with a 10x Darién death hazard."""
    network = darien_deadlier(tmp_path_factory.mktemp("networks") / "darien10.yaml", 10.0)
    scenario = load_scenario(HERE / "scenarios" / "equivalence_levers.yaml")
    changed = scenario.model_copy(update={"network": str(network)})
    return {
        "vector": replicate(scenario, "vector", range(1000, 1000 + REPLICATES), WORKERS),
        "mesa": replicate(scenario, "mesa", range(2000, 2000 + REPLICATES), WORKERS),
        "mesa_darien10": replicate(changed, "mesa", range(3000, 3000 + REPLICATES), WORKERS),
    }


def headline(frame):
    """The outcomes compared: every flow and stock, not the per-segment / network / country breakdowns."""
    return [c for c in frame.columns if "__" not in c]


def test_outcomes_are_not_degenerate(samples):
    """The scenario exercises what it should: each of these varies and is mostly non-zero."""
    v = samples["vector"]
    for name in ("encounters_us_border", "darien_crossings_north", "deaths",
                 "border_crossings_north", "border_crossings_south", "returns_home", "returns_home_flight",
                 "repatriation_flight_passengers", "deportations", "interceptions", "parole_entries", "tps_lost",
                 "tps_lost_moved_on", "stranded", "stopped_to_work", "visa_refusals", "status_in_transit",
                 "status_arrived", "expelled"):
        assert (v[name] > 0).mean() > 0.8, name
        assert v[name].std() > 0, name


def test_engines_agree_in_distribution(samples):
    result = compare(samples["vector"], samples["mesa"], alpha=ALPHA, outcomes=headline(samples["vector"]))
    assert len(result.table) >= 20  # the outcomes actually compared
    assert not result.differing, f"engines differ (Holm-adjusted KS, alpha {ALPHA}):\n{result}"


def test_the_same_test_detects_a_deliberate_change(samples):
    result = compare(samples["vector"], samples["mesa_darien10"], alpha=ALPHA,
                     outcomes=headline(samples["vector"]))
    assert "darien_crossings_north" in result.differing, str(result)


def test_holm_adjustment():
    adjusted = holm([0.01, 0.04, 0.03, 0.5])
    assert list(adjusted) == pytest.approx([0.04, 0.09, 0.09, 0.5])
