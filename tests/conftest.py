"""Shared helpers: small scenarios written to a temporary directory."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
NETWORK = REPO / "scenarios" / "networks" / "americas.yaml"


def small_scenario(**overrides) -> dict:
    """A one-year scenario of a few thousand agents on the shipped network."""
    data = {
        "name": "small test",
        "start": "2025-01-01",
        "end": "2025-06-30",
        "seed": 1,
        "scale": 200,
        "network": str(NETWORK),
        "population": [
            {"location": "Bogotá", "people": 400000, "savings": {"median_usd": 1500, "sigma": 1.0}},
            {"location": "Lima", "people": 200000},
            {"location": "Caracas", "people": 200000, "legal_status": "permit"},
            {"location": "Miami", "people": 100000, "legal_status": "tps"},
            {"location": "Necoclí", "people": 50000, "savings": {"median_usd": 3000, "sigma": 0.5}},
        ],
        "behaviour": {"reconsideration_days": 60},
        "policy": {"timeline": [
            {"date": "2025-01-01", "lever": "border_control", "country": "PAN", "intensity": 0.2},
            {"date": "2025-01-01", "lever": "border_control", "country": "USA", "intensity": 0.9, "response": "deport"},
        ]},
    }
    data.update(overrides)
    return data


def lever_scenario(population, timeline, days=60, **behaviour):
    """A scenario of one population group or a few, one agent a person, starting 2025-01-01 for ``days``:
    migrants who reconsider often and act on news at once, so that a lever's effect shows in weeks."""
    from sim.load import check_references, network_of, parse_scenario

    end = (dt.date(2025, 1, 1) + dt.timedelta(days=days - 1)).isoformat()
    data = small_scenario(population=population, scale=1, end=end, policy={"timeline": timeline},
                          behaviour={"reconsideration_days": 20, "perception_lag": {"mean_days": 0}, **behaviour})
    sc = parse_scenario(data)
    check_references(sc, network_of(sc))
    return sc


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def scenario_file(tmp_path):
    """Write a small scenario (with overrides) and return its path."""

    def make(**overrides) -> Path:
        return write_yaml(tmp_path / "scenario.yaml", small_scenario(**overrides))

    return make
