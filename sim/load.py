"""From a scenario file to a checked scenario: shape (pydantic), then names against the network."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from . import scenario as sc
from .errors import ScenarioError, pydantic_errors
from .network import Network, load_network
from .levers import LeverProblem
from .names import unknown_name
from .population import check_memory
from .yamlio import read_yaml


@lru_cache(maxsize=8)
def _network_cached(path: str, mtime: float) -> Network:
    return load_network(path)


def network_of(scenario: sc.Scenario) -> Network:
    """The scenario's network (its path is absolute once loaded); cached per file version."""
    path = Path(scenario.network)
    if not path.is_file():
        raise ScenarioError(path, None, "network file not found")
    return _network_cached(str(path), path.stat().st_mtime)


def parse_scenario(data: dict, file: str | Path = "<scenario>") -> sc.Scenario:
    """Validate the shape of a scenario mapping (types, ranges, unknown keys)."""
    try:
        return sc.Scenario.model_validate(data)
    except ValidationError as err:
        raise pydantic_errors(file, err, skip=sc.LEVER_NAMES) from None


def load_scenario(path: str | Path, *, check_size: bool = True) -> sc.Scenario:
    """Read, validate and cross-check a scenario file; the network path becomes absolute."""
    path = Path(path)
    data = read_with_bases(path)
    scenario = parse_scenario(data, path)
    net = network_of(scenario)
    check_references(scenario, net, path)
    if check_size:
        check_memory(scenario, path)
    return scenario


def read_with_bases(path: Path, _seen: tuple = ()) -> dict:
    """A scenario mapping with its ``base:`` chain merged in (this file's keys win; lists are replaced).

    Relative paths (``network``, ``base``) are resolved against the file that names them.
    """
    path = path.resolve()
    if path in _seen:
        raise ScenarioError(path, "base", "scenario files include each other in a loop")
    data = read_yaml(path)
    if isinstance(data.get("network"), str):
        data["network"] = str((path.parent / data["network"]).resolve())
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(path, "base", "expected the path of another scenario file")
    return deep_merge(read_with_bases(path.parent / base, _seen + (path,)), data)


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` on top of ``base``, recursively for nested mappings."""
    out = dict(base)
    for key, value in override.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _known(file, key: str, value: str, names, what: str) -> None:
    """Raise if ``value`` is not one of ``names``, suggesting the closest spelling."""
    problem = unknown_name(value, names, what)
    if problem:
        raise ScenarioError(file, key, problem)


def check_references(scenario: sc.Scenario, net: Network, file="<scenario>") -> None:
    """Every location, country and criminal network named in the scenario exists; dates fit (each lever
    checks its own names)."""
    _known(file, "home", scenario.home, net.nodes, "location")
    for i, g in enumerate(scenario.population):
        _known(file, f"population[{i}].location", g.location, net.nodes, "location")
    for country in scenario.behaviour.country_appeal:
        _known(file, f"behaviour.country_appeal.{country}", country, net.countries, "country")
    if scenario.behaviour.country_appeal and scenario.behaviour.weights.income <= 0:
        raise ScenarioError(file, "behaviour.country_appeal",
                            "needs behaviour.weights.income > 0 (appeal is carried as an income equivalent)")
    previous = scenario.start
    for i, lv in enumerate(scenario.policy.timeline):
        key = f"policy.timeline[{i}]"
        if not scenario.start <= lv.date <= scenario.end:
            raise ScenarioError(file, f"{key}.date",
                                f"{lv.date} is outside the run ({scenario.start} to {scenario.end})")
        if lv.date < previous:
            raise ScenarioError(file, f"{key}.date", f"{lv.date} comes before the previous entry ({previous}); "
                                "keep the timeline in date order")
        previous = lv.date
        try:
            lv.check(net)
        except LeverProblem as problem:
            raise ScenarioError(file, f"{key}.{problem.field}", problem.message) from None


def without_timeline(scenario: sc.Scenario) -> sc.Scenario:
    """The counterfactual: the same run with every lever change after the first reported day removed."""
    kept = [lv for lv in scenario.policy.timeline if lv.date <= scenario.reported_start]
    return scenario.model_copy(update={"policy": sc.Policy(timeline=kept)})
