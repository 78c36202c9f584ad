"""A run directory read back for reporting: scenario, provenance, tables, network, counterfactual."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from .. import scenario as sc
from ..errors import ScenarioError
from ..failures import reading
from ..load import parse_scenario
from ..levers import network_label  # noqa: F401 (used by the figures)
from ..network import NetworkFile
from ..outcomes import slug
from ..yamlio import read_validated, read_yaml

RUN_FILES = ("scenario.yaml", "run.json", "daily.parquet", "yearly.csv", "locations.parquet", "flows.parquet")


@dataclass(frozen=True)
class PolicyEvent:
    """One dated policy change of the timeline, as a figure labels it."""

    date: dt.date
    label: str
    end: dt.date | None = None  # police operations last until ``end``


@dataclass(frozen=True)
class Geography:
    """What a report needs of the network: where each location is and what each segment is called."""

    name: str
    nodes: list[str]
    node_country: list[str]  # country code of each location
    node_lat: np.ndarray
    node_lon: np.ndarray
    node_kind: list[str]
    segment_names: list[str]  # "A - B", as the outcome columns are named (slugged)
    country_names: dict[str, str]  # code -> English name


def read_geography(path: str | Path) -> Geography:
    """The locations and segments of a network file (without the route search a run needs)."""
    rows = read_validated(path, NetworkFile)
    return Geography(
        name=rows.name,
        nodes=[loc.name for loc in rows.locations],
        node_country=[loc.country for loc in rows.locations],
        node_lat=np.array([loc.lat for loc in rows.locations]),
        node_lon=np.array([loc.lon for loc in rows.locations]),
        node_kind=[loc.kind for loc in rows.locations],
        segment_names=[f"{s.source} - {s.target}" for s in rows.segments],
        country_names={c.code: c.name for c in rows.countries},
    )


@dataclass
class RunData:
    """Everything a run report draws on, in people (revenue in USD)."""

    directory: Path
    scenario: sc.Scenario
    meta: dict
    daily: pd.DataFrame
    yearly: pd.DataFrame
    locations: pd.DataFrame
    flows: pd.DataFrame
    network: Geography
    counterfactual: "RunData | None" = None
    difference: pd.DataFrame | None = None

    @property
    def events(self) -> list[PolicyEvent]:
        """Policy changes after the start day (those on the start day set the initial policy)."""
        return policy_events(self.scenario)

    @property
    def segment_labels(self) -> dict[str, str]:
        """Column slug of each segment -> ``Necoclí – Capurganá``."""
        return {slug(n): n.replace(" - ", " – ") for n in self.network.segment_names}


def is_run_directory(directory: Path) -> bool:
    """A run directory, whole or damaged: it holds one of the files ``migsim run`` writes first."""
    return (directory / "run.json").exists() or (directory / "daily.parquet").exists()


def _network_path(scenario: sc.Scenario, directory: Path) -> str:
    """The network file as recorded (absolute), else relative to the run directory."""
    path = Path(scenario.network)
    if not path.is_absolute():
        path = (directory / path).resolve()
    if not path.exists():  # one that is there but unreadable is named by the reader
        raise ScenarioError(directory / "scenario.yaml", "network",
                            f"network file {scenario.network} not found (needed for the map and countries)")
    return str(path)


KEY_COLUMNS = {"daily": ("date",), "locations": ("date",), "flows": ("month", "from", "to", "people"),
               "yearly": ("year",), "difference": ("year",)}


def read_table(path: Path) -> pd.DataFrame:
    """One table of a run directory (Parquet or CSV); missing, damaged or foreign is a ScenarioError naming it."""
    kind = "Parquet" if path.suffix == ".parquet" else "CSV"
    with reading(path, kind):
        frame = pd.read_parquet(path) if kind == "Parquet" else pd.read_csv(path)
    lacking = [c for c in KEY_COLUMNS.get(path.stem, ()) if c not in frame.columns]
    if lacking:
        raise ScenarioError(path, None, f"damaged: no column {lacking[0]!r} (not a table written by `migsim run`)")
    return frame


def read_meta(path: Path) -> dict:
    """``run.json``: the run's provenance, a JSON object."""
    with reading(path, "JSON"):
        meta = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise ScenarioError(path, None, "damaged: expected a JSON object")
    return meta


def load_run(directory: str | Path, with_counterfactual: bool = True) -> RunData:
    """Read a run directory written by ``migsim run``; a missing or damaged file is a ScenarioError naming it."""
    directory = Path(directory)
    for name in RUN_FILES:
        if not (directory / name).is_file():
            what = "not a file" if (directory / name).exists() else "missing"
            raise ScenarioError(directory / name, None, f"{what}: is this a run directory written by `migsim run`?")
    scenario = parse_scenario(read_yaml(directory / "scenario.yaml"), directory / "scenario.yaml")
    scenario = scenario.model_copy(update={"network": _network_path(scenario, directory)})
    run = RunData(
        directory=directory,
        scenario=scenario,
        meta=read_meta(directory / "run.json"),
        daily=read_table(directory / "daily.parquet"),
        yearly=read_table(directory / "yearly.csv"),
        locations=read_table(directory / "locations.parquet"),
        flows=read_table(directory / "flows.parquet"),
        network=read_geography(scenario.network),
    )
    sub = directory / "counterfactual"
    if with_counterfactual and is_run_directory(sub):
        run.counterfactual = load_run(sub, with_counterfactual=False)
        if (directory / "difference.csv").exists():
            run.difference = read_table(directory / "difference.csv")
    return run


def lever_label(lv) -> str:
    """Short words for one timeline entry: ``PAN border control 60% (push back)`` (each lever's own label)."""
    return lv.label()


def policy_events(scenario: sc.Scenario) -> list[PolicyEvent]:
    """Timeline entries dated after the first reported day, in date order."""
    return [
        PolicyEvent(lv.date, lever_label(lv), getattr(lv, "end", None))
        for lv in scenario.policy.timeline
        if lv.date > scenario.reported_start
    ]
