"""Scenario parameters addressed by dotted path (``behaviour.weights.move``), set without touching the file."""
from __future__ import annotations

from typing import Mapping

from ..errors import ScenarioError
from ..scenario import Scenario


def get_path(data: Mapping, dotted: str):
    """The value at ``dotted`` in a nested mapping (KeyError if any part is missing)."""
    node = data
    for part in dotted.split("."):
        node = node[part]
    return node


def set_path(data: dict, dotted: str, value) -> None:
    """Set ``dotted`` in a nested mapping in place; every part but the last must exist."""
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    if parts[-1] not in node:
        raise KeyError(dotted)
    node[parts[-1]] = value


def check_paths(scenario: Scenario, paths, file=None, key: str = "parameters") -> None:
    """Every dotted path names a number in the scenario (the full scenario, defaults filled in)."""
    data = scenario.model_dump(mode="python")
    for path in paths:
        try:
            value = get_path(data, path)
        except (KeyError, TypeError):
            raise ScenarioError(file, f"{key}.{path}", "no such scenario key (see `migsim schema`)") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(file, f"{key}.{path}", f"not a number in the scenario (it is {value!r})")


def with_parameters(scenario: Scenario, values: Mapping[str, float], **updates) -> Scenario:
    """A copy of ``scenario`` with each dotted path set (and top-level ``updates`` such as seed, scale)."""
    data = scenario.model_dump(mode="python")
    for path, value in values.items():
        set_path(data, path, float(value))
    data.update(updates)
    return Scenario.model_validate(data)
