"""The one error type a user sees: which file, which key, what is wrong."""
from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """Bad input. Printed as ``FILE: KEY: MESSAGE`` and exits with code 2, never as a traceback."""

    def __init__(self, file: str | Path | None, key: str | None, message: str):
        self.file = str(file) if file is not None else None
        self.key = key
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.key) if p]
        return ": ".join(parts + [self.message])


def key_path(loc: tuple, skip: frozenset[str] = frozenset()) -> str:
    """Render a pydantic error location as ``policy.timeline[3].date``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in skip:
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def pydantic_errors(file, err, skip: frozenset[str] = frozenset()) -> ScenarioError:
    """One ScenarioError listing every problem pydantic found (first key named in ``key``)."""
    problems = err.errors(include_url=False)
    lines = []
    for p in problems:
        key = key_path(p["loc"], skip)
        msg = p["msg"].removeprefix("Value error, ")
        if p["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; `migsim schema` lists the keys)"
        lines.append((key, msg))
    first_key, first_msg = lines[0]
    if len(lines) == 1:
        return ScenarioError(file, first_key, first_msg)
    rest = "\n".join(f"  {k}: {m}" for k, m in lines[1:])
    return ScenarioError(file, first_key, f"{first_msg}\n and {len(lines) - 1} more:\n{rest}")
