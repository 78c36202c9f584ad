"""Reading YAML with errors a user can act on (file, line, column)."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ScenarioError, pydantic_errors

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: str | Path) -> dict:
    """Parse a YAML mapping; a missing file or a syntax error is a ScenarioError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, None, "file not found") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, None, f"cannot read file ({exc.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise ScenarioError(path, where, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, None, f"YAML error: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(path, None, "expected a mapping of keys at the top level")
    return data


def read_validated(path: str | Path, model: type[M], skip: frozenset[str] = frozenset()) -> M:
    """Parse a YAML file into ``model``; any problem is one ScenarioError naming the file and key."""
    try:
        return model.model_validate(read_yaml(path))
    except ValidationError as err:
        raise pydantic_errors(path, err, skip) from None
