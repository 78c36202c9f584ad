"""What ``migsim app`` needs to start the page without importing it (solara is an optional extra)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

DEFAULT_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_2024.yaml"
DEFAULT_SCALE = 500.0  # people per agent on the page: baseline_2024 is then about 17,600 agents
NEEDED = ("solara", "mesa.visualization")


def app_file() -> Path:
    """The page module, as ``solara run`` wants it: a file path."""
    return Path(__file__).resolve().parent / "app.py"


def solara_missing() -> str | None:
    """The first package the page needs that is not installed, or None."""
    for name in NEEDED:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except ModuleNotFoundError:
            return name
    return None
