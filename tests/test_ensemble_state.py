"""--save-state DATE and --from-state FILE: a run continued from its own state is the run itself; another
timeline continued from it shares every day before the date; a state from another scenario is refused."""
import pandas as pd
from typer.testing import CliRunner

from sim.cli import app

from .conftest import small_scenario, write_yaml

TIMELINE = [
    {"date": "2025-01-01", "lever": "border_control", "country": "USA", "intensity": 0.9, "response": "deport"},
    {"date": "2025-03-01", "lever": "border_control", "country": "PAN", "intensity": 0.8},
]


def _run(*args):
    result = CliRunner().invoke(app, ["run", *map(str, args), "--no-report"])
    return result


def _daily(directory):
    return pd.read_parquet(directory / "daily.parquet")


def test_a_state_carries_on_as_the_run_and_branches_share_the_days_before(tmp_path):
    policy = write_yaml(tmp_path / "policy.yaml", small_scenario(name="policy", end="2025-04-30", scale=400,
                                                                 policy={"timeline": TIMELINE}))
    other = write_yaml(tmp_path / "other.yaml", small_scenario(name="other", end="2025-04-30", scale=400,
                                                               policy={"timeline": TIMELINE[:1]}))
    first = _run(policy, "--out", tmp_path / "full", "--save-state", "2025-03-01")
    assert first.exit_code == 0, first.output
    state = tmp_path / "full" / "state-2025-03-01.pkl"
    assert state.is_file() and "continue it with --from-state" in first.output
    again = _run(policy, "--out", tmp_path / "again", "--from-state", state)
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(_daily(tmp_path / "full"), _daily(tmp_path / "again"))
    branch = _run(other, "--out", tmp_path / "branch", "--from-state", state)
    assert branch.exit_code == 0, branch.output
    a, b = _daily(tmp_path / "full"), _daily(tmp_path / "branch")
    before = a["date"] < pd.Timestamp("2025-03-01")
    pd.testing.assert_frame_equal(a[before], b[before])
    assert not a[~before].equals(b[~before])  # Panama's control from March changes the flows after


def test_a_state_from_another_scenario_or_seed_is_refused_in_one_line(tmp_path):
    policy = write_yaml(tmp_path / "policy.yaml", small_scenario(end="2025-03-31", scale=800,
                                                                 policy={"timeline": TIMELINE}))
    assert _run(policy, "--out", tmp_path / "full", "--save-state", "2025-02-01").exit_code == 0
    state = tmp_path / "full" / "state-2025-02-01.pkl"
    seed = _run(policy, "--out", tmp_path / "x", "--from-state", state, "--seed", "2")
    assert seed.exit_code == 2 and "seed (1 in the state, 2 here)" in seed.output
    assert len(seed.output.strip().splitlines()) == 1 and not (tmp_path / "x").exists()
    changed = write_yaml(tmp_path / "changed.yaml", small_scenario(end="2025-03-31", scale=800, behaviour={
        "reconsideration_days": 30}, policy={"timeline": TIMELINE}))
    other = _run(changed, "--out", tmp_path / "y", "--from-state", state)
    assert other.exit_code == 2 and "differs in: behaviour" in other.output
    junk = tmp_path / "junk.pkl"
    junk.write_bytes(b"not a pickle")
    bad = _run(policy, "--out", tmp_path / "z", "--from-state", junk)
    assert bad.exit_code == 2 and "not a state file" in bad.output
    late = _run(policy, "--out", tmp_path / "w", "--save-state", "2026-01-01")
    assert late.exit_code == 2 and "--save-state: 2026-01-01 is outside the simulated days" in late.output
