"""Common random numbers: every random decision draws from a stream keyed by what it is for, who and when.

A draw is a pure function of (run seed, :class:`Purpose`, day, agent): a counter-based generator
(the SplitMix64 finaliser applied to the key, as in Steele, Lea & Flood 2014) instead of one shared
stream consumed in order. So

* two runs that differ only in a lever from day D draw the very same numbers before D, whatever
  either does later (the first way a shared stream falls out of step is gone), and
* after D, an agent whose situation did not change draws the same numbers in both runs: a policy's
  effect (policy minus counterfactual) is the policy's, not the noise of different draws;
* the draws do not depend on the order agents are handled in, on the number of threads or workers,
  nor on the engine: :class:`sim.engine.VectorModel` draws arrays and :class:`sim.mesa_engine.MesaModel`
  one agent at a time, and both get the same number for the same (purpose, day, agent).

Uniforms come in two resolutions: 24 bits (:meth:`Draws.uniform32`, float32, for Bernoulli events
on float32 probabilities) and 53 bits (:meth:`Draws.uniform64`, float64, for the route choice);
each value is exactly representable in float32 (resp. float64), so the engines compare the same
numbers. Who reconsiders on a day is a sample without replacement from all agent ids, drawn from a
day-keyed generator (:meth:`Draws.generator`): its cost is proportional to those drawn, and
the set depends only on the seed and the day.
"""
from __future__ import annotations

import functools
from enum import IntEnum

import numpy as np

try:  # numba is optional: the numpy path gives the very same numbers (tests/test_draws.py)
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # the SplitMix64 increment
M1, M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB  # its finaliser's multipliers
_GOLDEN, _M1, _M2 = np.uint64(GOLDEN), np.uint64(M1), np.uint64(M2)
_S30, _S27, _S31, _S11, _S40 = (np.uint64(s) for s in (30, 27, 31, 11, 40))
TO_53, TO_24 = 2.0 ** -53, 2.0 ** -24
PCG_INC = 0xDA3E39CB94B95BDB5BD1E995F2A4A9B7  # odd: the increment of the day-keyed PCG64 generators


class Purpose(IntEnum):
    """What a draw is for (its code is part of the key: never renumber a member, only append)."""

    INITIAL_SAVINGS = 1
    INITIAL_CHILDREN = 2
    INITIAL_PASSPORT = 3
    DEATH = 4  # a day on a hazardous segment
    ABANDONMENT = 5  # a day on a segment where children may be abandoned
    INTERCEPTION = 6  # reaching a controlled border
    ASYLUM_RELEASE = 7  # encountered at the US border: released to pursue asylum
    LEGAL_STATUS = 8  # settling: legal status there
    CHOICE_TRAVELLING = 9  # route choice of a traveller at a stop
    CHOICE_SETTLED = 10  # route choice of a settled migrant reconsidering
    CHOICE_INFORMED = 11  # route choice of a traveller just turned back at a border
    LAG_TRAVELLING = 12  # perception lag of a traveller's choice
    LAG_SETTLED = 13  # perception lag of a settled migrant's choice
    VISA_REFUSAL = 14
    PLACE = 15  # a place on a segment short of capacity
    PAROLE = 16  # eligible for parole (a sponsor)
    FLIGHT_HOME = 17  # would take a free seat on a repatriation flight
    BOARDING = 18  # priority for the seats of a repatriation flight
    TPS_NEWS = 19  # days before news of TPS's end reaches a holder
    RECONSIDERATION = 20  # who reconsiders today (a day-keyed sample of agent ids)
    ROUNDING = 21  # model level: stochastic rounding of people to agents (e.g. a flight's seats)
    APPOINTMENT = 22  # priority for the day's appointments at US ports of entry


def mix(z: int) -> int:
    """SplitMix64 finaliser of a Python int (64 bits)."""
    z &= MASK
    z = ((z ^ (z >> 30)) * M1) & MASK
    z = ((z ^ (z >> 27)) * M2) & MASK
    return z ^ (z >> 31)


def _mix_array(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of a uint64 array, in place (wrapping arithmetic)."""
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def _uniform_numpy(key: int, agents, bits: int) -> np.ndarray:
    """Uniforms on a 2^-``bits`` grid (24: float32, 53: float64) for (key, agent): the reference path."""
    z = np.asarray(agents).astype(np.uint64)
    z += np.uint64(1)
    z *= _GOLDEN
    z += np.uint64(key)
    z = _mix_array(z) >> np.uint64(64 - bits)
    if bits == 24:
        return z.astype(np.float32) * np.float32(TO_24)
    return z.astype(np.float64) * TO_53


if njit is not None:

    @njit(cache=True, nogil=True, inline="always")
    def _mix_nb(z):  # pragma: no cover
        z ^= z >> _S30
        z *= _M1
        z ^= z >> _S27
        z *= _M2
        z ^= z >> _S31
        return z

    @njit(cache=True, nogil=True)
    def _uniform32_nb(key, agents):  # pragma: no cover
        out = np.empty(agents.size, np.float32)
        for i in range(agents.size):
            z = _mix_nb((np.uint64(agents[i]) + np.uint64(1)) * _GOLDEN + key)
            out[i] = np.float32(np.float64(z >> _S40) * TO_24)
        return out

    @njit(cache=True, nogil=True)
    def _uniform64_nb(key, agents):  # pragma: no cover
        out = np.empty(agents.size, np.float64)
        for i in range(agents.size):
            z = _mix_nb((np.uint64(agents[i]) + np.uint64(1)) * _GOLDEN + key)
            out[i] = np.float64(z >> _S11) * TO_53
        return out

    @njit(cache=True, nogil=True)
    def _lags_nb(key, agents, thresholds, start):  # pragma: no cover
        """Inverse CDF of the rounded lag: how many thresholds lie at or below each agent's uniform.

        ``start[b]``: that count at u = b / start.size, where the scan for a u in bucket b begins.
        """
        out = np.empty(agents.size, np.int32)
        n, buckets = thresholds.size, start.size
        for i in range(agents.size):
            z = _mix_nb((np.uint64(agents[i]) + np.uint64(1)) * _GOLDEN + key)
            u = np.float64(z >> _S11) * TO_53
            j = start[int(u * buckets)]
            while j < n and thresholds[j] <= u:
                j += 1
            out[i] = j
        return out


@functools.lru_cache(maxsize=64)
def lag_thresholds(mean_days: float, shape: float) -> np.ndarray:
    """CDF of the gamma(shape, mean / shape) lag at k + 0.5 days: lag = k for a uniform in [c[k-1], c[k]).

    Inverse-CDF sampling of the rounded gamma (:func:`sim.behaviour.perception_lag` rounds to whole
    days), so a lag is one keyed uniform and a search in this short table.
    """
    from scipy.stats import gamma

    dist = gamma(shape, scale=mean_days / shape)
    top = int(np.ceil(dist.ppf(1.0 - 1e-12))) + 2
    return dist.cdf(np.arange(top) + 0.5)


@functools.lru_cache(maxsize=64)
def _lag_starts(mean_days: float, shape: float) -> np.ndarray:
    """For 4096 equal buckets of u, the lag at each bucket's lower edge (where the kernel's scan begins)."""
    c = lag_thresholds(mean_days, shape)
    return np.searchsorted(c, np.arange(4096) / 4096, side="right").astype(np.int64)


class Draws:
    """The keyed draws of one run (seed). Stateless: copying or pickling a model keeps them the same."""

    def __init__(self, seed: int, kernel: str | None = None):
        self.seed = int(seed)
        root = mix(mix(self.seed + GOLDEN) + 0x5EED)
        self._purpose_keys = [mix(root + (p + 1) * GOLDEN) for p in range(max(Purpose) + 1)]
        self._keys: dict[tuple[int, int], np.uint64] = {}  # (purpose, day) -> key, as the kernels take it
        self.numba = njit is not None and kernel != "numpy"
        self._day_generator = None  # one generator, its state set from the key of each (purpose, day) asked for

    def key(self, purpose: int, day: int) -> int:
        """The 64-bit key of (purpose, day); agents' draws are SplitMix64 outputs along it."""
        return int(self._key(purpose, day))

    def _key(self, purpose: int, day: int) -> np.uint64:
        k = self._keys.get((purpose, day))
        if k is None:
            k = np.uint64(mix(self._purpose_keys[purpose] + (int(day) + (1 << 20)) * GOLDEN))
            self._keys[(purpose, day)] = k
        return k

    def bits(self, purpose: int, day: int, agents) -> np.ndarray:
        """64 random bits per agent id (uint64), for (purpose, day)."""
        z = np.asarray(agents).astype(np.uint64)
        z += np.uint64(1)
        z *= _GOLDEN
        z += np.uint64(self.key(purpose, day))
        return _mix_array(z)

    def uniform32(self, purpose: int, day: int, agents) -> np.ndarray:
        """float32 uniforms in [0, 1) on a 2^-24 grid, one per agent id."""
        if self.numba:
            return _uniform32_nb(self._key(purpose, day), np.asarray(agents))
        return _uniform_numpy(self.key(purpose, day), agents, 24)

    def uniform64(self, purpose: int, day: int, agents) -> np.ndarray:
        """float64 uniforms in [0, 1) on a 2^-53 grid, one per agent id."""
        if self.numba:
            return _uniform64_nb(self._key(purpose, day), np.asarray(agents))
        return _uniform_numpy(self.key(purpose, day), agents, 53)

    def one_bits(self, purpose: int, day: int, agent: int) -> int:
        return mix(self.key(purpose, day) + (int(agent) + 1) * GOLDEN)

    def one32(self, purpose: int, day: int, agent: int) -> float:
        """One agent's :meth:`uniform32` (the same value, as a Python float)."""
        return (self.one_bits(purpose, day, agent) >> 40) * TO_24

    def one64(self, purpose: int, day: int, agent: int) -> float:
        """One agent's :meth:`uniform64` (the same value, as a Python float)."""
        return (self.one_bits(purpose, day, agent) >> 11) * TO_53

    def normal(self, purpose: int, day: int, agents) -> np.ndarray:
        """Standard normal deviates (float64), by the inverse CDF of a keyed uniform in (0, 1)."""
        from scipy.special import ndtri

        u = ((self.bits(purpose, day, agents) >> _S11).astype(np.float64) + 0.5) * TO_53
        return ndtri(u)

    def lags(self, purpose: int, day: int, agents, mean_days: float, shape: float) -> np.ndarray:
        """Perception lags in whole days (int32), the rounded gamma of :func:`sim.behaviour.perception_lag`."""
        agents = np.asarray(agents)
        if mean_days <= 0:
            return np.zeros(agents.size, np.int32)
        c = lag_thresholds(float(mean_days), float(shape))
        if self.numba:
            return _lags_nb(self._key(purpose, day), agents, c, _lag_starts(float(mean_days), float(shape)))
        return np.searchsorted(c, self.uniform64(purpose, day, agents), side="right").astype(np.int32)

    def one_lag(self, purpose: int, day: int, agent: int, mean_days: float, shape: float) -> int:
        if mean_days <= 0:
            return 0
        c = lag_thresholds(float(mean_days), float(shape))
        return int(np.searchsorted(c, self.one64(purpose, day, agent), side="right"))

    def generator(self, purpose: int, day: int) -> np.random.Generator:
        """A generator for draws about the day rather than one agent: PCG64 whose 128-bit state is set from
        the (purpose, day) key (the same generator object, re-keyed: a tenth of the cost of a new one)."""
        if self._day_generator is None:
            self._day_generator = np.random.Generator(np.random.PCG64(0))
        k = self.key(purpose, day)
        self._day_generator.bit_generator.state = {
            "bit_generator": "PCG64", "state": {"state": (k << 64) | mix(k ^ 0xD1B54A32D192ED03), "inc": PCG_INC},
            "has_uint32": 0, "uinteger": 0}
        return self._day_generator

    def reconsidering(self, day: int, n: int, p: float) -> np.ndarray:
        """Distinct ids (int32) among ``n`` agents who reconsider on ``day``, each with probability ``p``.

        A binomial number, then that many distinct ids: the same distribution as one Bernoulli draw
        per agent, at a cost proportional to those drawn; the set depends only on seed, day and ``n``.
        """
        g = self.generator(Purpose.RECONSIDERATION, day)
        return g.choice(n, size=g.binomial(n, p), replace=False).astype(np.int32)

    def rounded(self, x: float, day: int, what: int = 0) -> int:
        """``x`` rounded to a whole number at random (up with the fractional part's chance), keyed by day and ``what``."""
        whole, part = divmod(x, 1.0)
        return int(whole) + int(self.one64(Purpose.ROUNDING, day, what) < part)
