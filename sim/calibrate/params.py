"""Scenario parameters addressed by dotted path (``behaviour.weights.move``), the same paths a sweep uses
(:mod:`sim.sweep.paths`), set on a copy of the scenario without touching its file."""
from __future__ import annotations

from typing import Mapping

from ..errors import ScenarioError
from ..scenario import Scenario
from ..sweep.paths import PathError, resolve, set_value


def _value_at(data: dict, keys: tuple):
    for k in keys:
        data = data[k]
    return data


def check_paths(scenario: Scenario, paths, file=None, key: str = "parameters") -> None:
    """Every dotted path names a number in the scenario (the full scenario, defaults filled in)."""
    data = scenario.model_dump(mode="python")
    for path in paths:
        try:
            value = _value_at(data, resolve(data, path))
        except PathError as err:
            raise ScenarioError(file, f"{key}.{path}", f"no such scenario key ({err}; see `migsim schema`)") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(file, f"{key}.{path}", f"not a number in the scenario (it is {value!r})")


def with_parameters(scenario: Scenario, values: Mapping[str, float], **updates) -> Scenario:
    """A copy of ``scenario`` with each dotted path set (and top-level ``updates`` such as seed, scale)."""
    data = scenario.model_dump(mode="python")
    for path, value in values.items():
        set_value(data, resolve(data, path), float(value))
    data.update(updates)
    return Scenario.model_validate(data)
