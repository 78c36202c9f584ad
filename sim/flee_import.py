"""Import a Flee input directory as a migsim network and runnable scenario: the public entry.

The work is done in the package :mod:`sim.flee` (its docstring lists the mapping choices); this
module keeps the names that ``migsim import-flee``, the tests and the benchmarks import.
"""
from __future__ import annotations

from .flee.assumptions import (CONFLICT_INCOME_USD, DEFAULT_INCOME_USD, DEFAULT_LEGAL_CHANCE, PROHIBITIVE_FEE_USD,
                               RECONSIDERATION_DAYS, TARGET_AGENTS)
from .flee.conflicts import read_conflict_periods, read_conflicts
from .flee.kinds import KINDS
from .flee.mapping import Imported, to_migsim
from .flee.places import country_codes
from .flee.read import read_closures, read_flee_dir, read_locations, read_routes, read_sim_period
from .flee.tables import CLOSURE_TYPES, FleeClosure, FleeInput, FleeLocation, FleeRoute
from .flee.write import import_flee, output_paths
from .flee.yaml_text import network_yaml, scenario_yaml

__all__ = [
    "CLOSURE_TYPES", "CONFLICT_INCOME_USD", "DEFAULT_INCOME_USD", "DEFAULT_LEGAL_CHANCE", "KINDS",
    "PROHIBITIVE_FEE_USD", "RECONSIDERATION_DAYS", "TARGET_AGENTS",
    "FleeClosure", "FleeInput", "FleeLocation", "FleeRoute", "Imported",
    "read_closures", "read_conflict_periods", "read_conflicts", "read_flee_dir", "read_locations", "read_routes",
    "read_sim_period", "country_codes", "to_migsim", "network_yaml", "scenario_yaml", "output_paths", "import_flee",
]
