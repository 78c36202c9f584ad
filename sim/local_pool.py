"""Independent runs on local processes, results in the order of the jobs (so the same whatever ``workers``)."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence


def map_in_order(fn: Callable, jobs: Sequence, workers: int = 2) -> list:
    """``[fn(job) for job in jobs]``, on ``workers`` processes when more than one."""
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            return list(pool.map(fn, jobs))
    return [fn(job) for job in jobs]
