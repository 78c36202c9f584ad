"""Read, map and write: the two YAML files are checked as migsim input first, then written atomically."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from ..rundir import write_atomic
from .mapping import Imported, to_migsim
from .read import read_flee_dir
from .yaml_text import network_yaml, scenario_yaml


def output_paths(scenario_path: Path) -> tuple[Path, Path]:
    """The scenario file and its network, ``networks/<stem>.yaml`` beside it (as in scenarios/)."""
    return scenario_path, scenario_path.parent / "networks" / f"{scenario_path.stem}.yaml"


def import_flee(directory: str | Path, scenario_path: str | Path, *, force: bool = False, start=None,
                days: int | None = None, mode: str = "bus") -> tuple[Imported, Path, Path]:
    """Read, map and write; nothing is written if reading or mapping fails or a file exists (without force)."""
    scenario_path, network_path = output_paths(Path(scenario_path))
    for p in (scenario_path, network_path):
        if p.exists() and not force:
            raise FileExistsError(f"{p} exists; pass --force to replace it")
    flee = read_flee_dir(directory)
    rel = os.path.relpath(network_path, scenario_path.parent)
    imported = to_migsim(flee, scenario_path.stem, start=start, days=days, mode=mode, network_path=rel)
    source = flee.directory.name
    net_text, sc_text = network_yaml(imported, source), scenario_yaml(imported, source)
    _check_loads(net_text, sc_text, network_path, scenario_path)
    write_atomic(network_path, net_text)
    write_atomic(scenario_path, sc_text)
    return imported, scenario_path, network_path


def _check_loads(net_text: str, sc_text: str, network_path: Path, scenario_path: Path) -> None:
    """The YAML about to be written must load as migsim input (a bug here must not leave bad files)."""
    from ..load import check_references, parse_scenario
    from ..network import NetworkFile, build_network

    net = build_network(NetworkFile.model_validate(yaml.safe_load(net_text)), network_path)
    data = yaml.safe_load(sc_text)
    data["network"] = str(network_path.resolve())
    check_references(parse_scenario(data, scenario_path), net, scenario_path)
