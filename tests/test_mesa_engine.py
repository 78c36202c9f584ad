"""The Mesa reference engine: reproducible, accounts for everyone, and works with Mesa's own tools."""
from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.agents import Migrant
from sim.vocabulary import LegalStatus, Status
from sim.cli import app
from sim.engine import VectorModel
from sim.load import load_scenario
from sim.mesa_engine import MesaModel
from sim.population import STATUSES
from sim.runner import ENGINES, make_model, run_scenario

HERE = Path(__file__).parent
LEVERS = HERE / "scenarios" / "equivalence_levers.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(LEVERS).model_copy(update={"end": load_scenario(LEVERS).start.replace(month=2, day=28)})


def test_runner_knows_both_engines(scenario):
    assert set(ENGINES) == {"vector", "mesa"}
    assert isinstance(make_model(scenario, "mesa"), MesaModel)
    with pytest.raises(ValueError, match="unknown engine"):
        make_model(scenario, "flee")


def test_same_seed_same_tables(scenario):
    a, b = (run_scenario(scenario, "mesa").tables for _ in range(2))
    for name in ("daily", "locations", "flows"):
        pd.testing.assert_frame_equal(a[name], b[name])
    c = run_scenario(scenario.model_copy(update={"seed": 99}), "mesa").tables["daily"]
    assert not a["daily"].equals(c)


def test_everyone_accounted_for_every_day(scenario):
    model = MesaModel(scenario)
    n = len(model.agents)
    assert n == sum(g.people for g in scenario.population)  # scale 1
    for _ in range(scenario.days):
        model.step()
        counted = pd.Series([a.status for a in model.agents]).value_counts()
        assert model.status_count.sum() == n
        for s in Status:
            assert model.status_count[s] == counted.get(s, 0), s
        alive_at = np.bincount([a.node for a in model.agents if a.status != Status.DEAD], minlength=model.net.n_nodes)
        assert (model.people_at == alive_at).all()
        assert all(a.status == Status.IN_TRANSIT for a in model.movers + model.waiting)
    assert not model.running
    daily = model.tables_out()["daily"]
    assert (daily[[f"status_{s}" for s in STATUSES]].sum(axis=1) == n).all()
    assert daily["departures"].sum() > 0 and daily["deaths"].sum() >= 0


def test_a_migrant_reads_like_one(scenario):
    model = MesaModel(scenario)
    for _ in range(20):
        model.step()
    traveller = next(a for a in model.agents if a.status == Status.IN_TRANSIT)
    assert isinstance(traveller, Migrant)
    assert traveller.location in model.net.nodes
    assert traveller.location in traveller.route.split(" > ")
    assert traveller.route.split(" > ")[traveller.position] == traveller.location
    assert traveller.legal_status in (LegalStatus.NONE, LegalStatus.PERMIT, LegalStatus.TPS, LegalStatus.ASYLUM_PENDING)
    assert "in_transit" in repr(traveller)


@pytest.mark.parametrize("model_cls", [MesaModel, VectorModel])
def test_datacollector_and_batch_run(model_cls, scenario):
    results = mesa.batch_run(model_cls, {"scenario": [scenario], "seed": [1, 2]}, iterations=1, max_steps=30,
                             number_processes=1, data_collection_period=10, display_progress=False)
    frame = pd.DataFrame(results)
    assert sorted(frame["seed"].unique()) == [1, 2]
    assert {"encounters_us_border", "darien_crossings_north", "status_in_transit"} <= set(frame.columns)
    final = frame[frame.Step == frame.Step.max()]
    people = final[[f"status_{s}" for s in STATUSES]].sum(axis=1)
    assert (people == sum(g.people for g in scenario.population)).all()
    model = model_cls(scenario, seed=3)
    for _ in range(15):
        model.step()
    vars_ = model.datacollector.get_model_vars_dataframe()
    assert len(vars_) == 15  # row i is day i
    daily = model.tables_out()["daily"]
    assert vars_["departures"].tolist() == daily["departures"].tolist()
    assert vars_["departures_total"].iloc[-1] == daily["departures"].sum()


def test_cli_runs_the_mesa_engine(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(f"""
name: short
start: 2025-01-01
end: 2025-01-20
network: {HERE.parent / "scenarios" / "networks" / "americas.yaml"}
behaviour: {{reconsideration_days: 10}}
population:
  - {{location: Necoclí, people: 50, savings: {{median_usd: 2000}}}}
policy:
  timeline:
    - {{date: 2025-01-01, lever: border_control, country: PAN, intensity: 0.5, response: detain}}
""", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(path), "--engine", "mesa", "--out", str(tmp_path / "run"), "--no-report"])
    assert res.exit_code == 0, res.output
    assert '"engine": "mesa"' in (tmp_path / "run" / "run.json").read_text()
    assert "50 agents x 20 days" in res.output
    bad = runner.invoke(app, ["run", str(path), "--engine", "flee", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2
    assert "unknown engine 'flee'" in bad.output
    assert not (tmp_path / "bad").exists()
