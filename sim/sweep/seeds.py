"""Each run's seed, from the sweep seed, the design point and the replicate only.

Independent of worker count, scheduling order and which runs were already done, so a resumed
or distributed sweep gives the same results as one run straight through.
"""
from __future__ import annotations

import numpy as np


def run_seed(sweep_seed: int, point: int, replicate: int) -> int:
    """The scenario seed of run (point, replicate): an independent SeedSequence stream."""
    return int(np.random.SeedSequence(sweep_seed, spawn_key=(point, replicate)).generate_state(1)[0])
