"""A counterfactual branched from the policy run's own state, so that the days before they differ are shared.

The policy run is simulated to the first day on which the two timelines differ, its whole state is
copied (pickled), the policy run goes on, and the copy goes on under the counterfactual's timeline.
Every table is identical before that day by construction, and the difference after it is the
policy's effect plus the noise of the draws that follow (not that of a whole second run). The draws
are keyed by purpose, agent and day (:mod:`sim.draws`), so after the branch an agent whose situation
the policy did not change draws the same numbers in both runs; two separate runs of the two
scenarios with the same seed would also be identical before that day.
"""
from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Callable

from .errors import ScenarioError
from .scenario import Scenario


def divergence_date(policy: Scenario, counterfactual: Scenario) -> dt.date:
    """First date on which one timeline has an entry the other lacks (the end + 1 day if none)."""
    a = [lv.model_dump(mode="json") for lv in policy.policy.timeline]
    b = [lv.model_dump(mode="json") for lv in counterfactual.policy.timeline]
    only = [lv for lv in a if lv not in b] + [lv for lv in b if lv not in a]
    if not only:
        return policy.end + dt.timedelta(days=1)
    return min(dt.date.fromisoformat(lv["date"]) for lv in only)


def branch_day(policy: Scenario, counterfactual: Scenario) -> int:
    """Index, in the simulated calendar (spin-up included), of the first day the runs differ."""
    first = policy.spun_up().start
    return max(0, (divergence_date(policy, counterfactual) - first).days)


def run_branched(make_model: Callable[[Scenario], object], policy: Scenario, counterfactual: Scenario,
                 progress: Callable[[int], None] | None = None):
    """The policy model and the counterfactual model, both run to the end from one shared state."""
    model = make_model(policy)
    day = min(branch_day(policy, counterfactual), model.n_days)
    while model.day < day:
        model.step()
        if progress is not None:
            progress(model.day)
    saved = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    model.run(progress)
    other = pickle.loads(saved)
    other.adopt_timeline(counterfactual)
    other.run(progress)
    return model, other


# --- state files: a run's whole state on a date, to be continued under another timeline -------------

STATE_FORMAT = "migsim-state/1"
_NOT_COMPARED = ("name", "description", "network")  # labels; the network is compared by its contents


def state_day(scenario: Scenario, date: dt.date, key: str = "--save-state") -> int:
    """Index of ``date`` in the simulated calendar (spin-up included): the state is taken before that day."""
    from .errors import ScenarioError

    first = scenario.spun_up().start
    if not first <= date <= scenario.end:
        raise ScenarioError(None, key, f"{date} is outside the simulated days ({first} to {scenario.end})")
    return (date - first).days


def identity(scenario: Scenario, date: dt.date) -> dict:
    """What a state must share with the scenario that continues it: everything but the labels and the
    timeline's entries from ``date`` on (those are what a branch may change)."""
    from .provenance import sha256

    data = scenario.model_dump(mode="json")
    for key in _NOT_COMPARED:
        data.pop(key, None)
    data["policy"] = [lv for lv in data["policy"]["timeline"] if dt.date.fromisoformat(lv["date"]) < date]
    data["network_sha256"] = sha256(Path(scenario.network).read_bytes())
    return data


def state_bytes(model, engine: str, date: dt.date) -> bytes:
    """The model's whole state before ``date``, with the scenario, seed and engine it came from."""
    sc = model.scenario
    return pickle.dumps({"format": STATE_FORMAT, "date": date.isoformat(), "day": model.day, "engine": engine,
                         "scenario_name": sc.name, "seed": sc.seed, "scale": sc.scale,
                         "identity": identity(sc, date),
                         "model": pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)},
                        protocol=pickle.HIGHEST_PROTOCOL)


def read_state(path) -> dict:
    """A state file written by ``migsim run --save-state`` (only open state files you wrote: it is a pickle)."""
    from .errors import ScenarioError

    try:
        with open(path, "rb") as handle:
            state = pickle.load(handle)
    except FileNotFoundError:
        raise ScenarioError(path, "--from-state", "missing") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        raise ScenarioError(path, "--from-state", "not a state file written by `migsim run --save-state`") from None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise ScenarioError(path, "--from-state", "not a state file written by `migsim run --save-state`")
    return state


def _differences(saved: dict, here: dict) -> list[str]:
    out = []
    for key in sorted(set(saved) | set(here)):
        if saved.get(key) != here.get(key):
            a, b = saved.get(key), here.get(key)
            short = isinstance(a, (int, float, str)) and isinstance(b, (int, float, str))
            label = "policy.timeline before the state's date" if key == "policy" else key
            out.append(f"{label} ({a} in the state, {b} here)" if short else label)
    return out


def check_state(state: dict, scenario: Scenario, engine: str, path) -> None:
    """Refuse, in one line, a state that does not come from this scenario (seed, scale and engine included)."""
    from .errors import ScenarioError

    date = dt.date.fromisoformat(state["date"])
    differs = _differences(state["identity"], identity(scenario, date))
    if state["engine"] != engine:
        differs.insert(0, f"engine ({state['engine']} in the state, {engine} here)")
    if differs:
        raise ScenarioError(path, "--from-state", f"saved on {date} from scenario {state['scenario_name']!r} "
                            f"(seed {state['seed']}, scale {state['scale']:g}); the scenario being run differs in: "
                            + "; ".join(differs))


def resume(state: dict, scenario: Scenario):
    """The saved model, carrying on under ``scenario``'s timeline (checked by :func:`check_state`)."""
    model = pickle.loads(state["model"])
    model.adopt_timeline(scenario)
    return model


def state_options(sc, engine: str, save_state: str | None, from_state: Path | None, counterfactual: bool):
    """The command line's --from-state (read and checked against the scenario) and --save-state date."""
    if counterfactual and (save_state or from_state):
        raise ScenarioError(None, "--counterfactual", "branches from its own state; it takes neither --save-state "
                            "nor --from-state")
    date = None
    if save_state is not None:
        try:
            date = dt.date.fromisoformat(save_state)
        except ValueError:
            raise ScenarioError(None, "--save-state", f"expected a date YYYY-MM-DD, got {save_state!r}") from None
        state_day(sc, date)
    state = None
    if from_state is not None:
        state = read_state(from_state)
        check_state(state, sc, engine, from_state)
        if date is not None and date < dt.date.fromisoformat(state["date"]):
            raise ScenarioError(None, "--save-state", f"{date} is before the state it carries on from "
                                f"({state['date']}, {from_state})")
    return state, date
