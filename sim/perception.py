"""What migrants expect at a country's controls: the outcome of those who tried, not the stated policy.

:class:`sim.model.MigrationModel` counts, per country and day, those who reached its controls and
those it stopped for good (pushed back, removed, expelled); every month the route tables are rebuilt
with the chance of being stopped these give (:func:`perceived_stop`), which migrants then act on
with their perception lag.
"""
from __future__ import annotations

import numpy as np

from .behaviour import US
from .network import Network
from .policy import PolicyState
from .scenario import Behaviour


def perceived_stop(attempts: np.ndarray, stops: np.ndarray, stated: np.ndarray, prior_attempts: float) -> np.ndarray:
    """Chance of being stopped for good at each country's controls, as those who tried found it.

    The realised share ``stops / attempts`` (over a recent window), shrunk towards the policy's
    stated intensity as if ``prior_attempts`` people had tried at that rate: with few attempts the
    stated policy dominates, with many the outcome does.
    """
    a = np.asarray(attempts, np.float64)
    return ((np.asarray(stops, np.float64) + prior_attempts * stated) / np.maximum(a + prior_attempts, 1e-9)
            ).clip(0, 1).astype(np.float32)


def stated_stop(net: Network, state: PolicyState, behaviour: Behaviour, us_attempts: float = 0.0,
                appointments: float = 0.0) -> np.ndarray:
    """[country] the policy's stated chance of being stopped for good at that country's controls.

    At the US border, those released to pursue asylum are not stopped for good, nor those who hold one of
    the ``appointments`` offered at its ports: with as many appointments as ``us_attempts`` lately (both
    over the perception window), the stated chance of being stopped there is nil.
    """
    p = state.border_intensity.astype(np.float64).copy()
    if US in net.countries:
        us = net.country_index(US)
        cover = min(1.0, appointments / us_attempts) if us_attempts > 0 else float(appointments > 0)
        p[us] *= (1.0 - behaviour.asylum_release_share[state.asylum]) * (1.0 - cover)
    return p
