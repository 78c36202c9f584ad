"""Scenario parameters addressed by dotted path (``behaviour.weights.move``), set on a copy of the
scenario without touching its file.

A path walks the scenario's fields, then the keys of a mapping field by their text, so
``behaviour.asylum_release_share.paused`` and a date-keyed mapping's ``behaviour.push.2022-01-01``
both work (a key that is not a Python name cannot go through :mod:`sim.sweep.paths`). The last key
of a path into a mapping may be new: the mapping gains that entry, checked by the scenario model.
"""
from __future__ import annotations

from typing import Mapping

from pydantic import BaseModel, ValidationError

from ..errors import ScenarioError
from ..scenario import Scenario


class PathError(ValueError):
    """A dotted path that does not lead to a value of the scenario."""


def resolve(scenario: Scenario, path: str) -> tuple[tuple, bool]:
    """The concrete keys of ``path`` in the scenario's dump, and whether its last key is new (a mapping entry)."""
    parts = path.split(".")
    if not all(parts):
        raise PathError(f"empty part in {path!r}")
    obj, keys, where = scenario, [], ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(obj, BaseModel):
            if part not in type(obj).model_fields:
                known = ", ".join(sorted(type(obj).model_fields))
                raise PathError(f"no key {part!r} under {where or 'the scenario'}; known: {known}")
            keys.append(part)
            obj = getattr(obj, part)
        elif isinstance(obj, dict):
            match = [k for k in obj if str(k) == part]
            if not match:
                if last:
                    return tuple(keys + [part]), True
                raise PathError(f"no key {part!r} under {where}; known: {', '.join(map(str, obj)) or 'none'}")
            keys.append(match[0])
            obj = obj[match[0]]
        else:
            raise PathError(f"{where} is not a mapping, cannot take .{part}")
        where = f"{where}.{part}" if where else part
    return tuple(keys), False


def _value_at(data, keys: tuple):
    for k in keys:
        data = data[k]
    return data


def check_paths(scenario: Scenario, paths: Mapping[str, float] | list[str], file=None,
                key: str = "parameters") -> None:
    """Every dotted path names a number in the scenario (the full scenario, defaults filled in).

    ``paths`` may map each path to a trial value: a new mapping entry, or an optional number left unset
    (``weights.visa_refusal``), is then set to it and the scenario validated, so a value the model refuses
    is reported here rather than mid-calibration.
    """
    data = scenario.model_dump(mode="python")
    trial = paths if isinstance(paths, Mapping) else {}
    for path in paths:
        try:
            keys, new = resolve(scenario, path)
        except PathError as err:
            raise ScenarioError(file, f"{key}.{path}", f"no such scenario key ({err}; see `migsim schema`)") from None
        value = None if new else _value_at(data, keys)
        if new and path not in trial:
            raise ScenarioError(file, f"{key}.{path}", "no such entry in the scenario's mapping")
        if value is None and path in trial:
            try:
                with_parameters(scenario, {path: trial[path]})
            except ValidationError as err:
                msg = err.errors(include_url=False)[0]["msg"]
                raise ScenarioError(file, f"{key}.{path}", f"the scenario refuses this entry ({msg})") from None
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(file, f"{key}.{path}", f"not a number in the scenario (it is {value!r})")


def with_parameters(scenario: Scenario, values: Mapping[str, float], **updates) -> Scenario:
    """A copy of ``scenario`` with each dotted path set (and top-level ``updates`` such as seed, scale)."""
    data = scenario.model_dump(mode="python")
    for path, value in values.items():
        keys, _ = resolve(scenario, path)
        node = _value_at(data, keys[:-1])
        node[keys[-1]] = float(value)
    data.update(updates)
    return Scenario.model_validate(data)
