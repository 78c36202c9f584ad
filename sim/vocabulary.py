"""The model's vocabulary, defined once: modes, crossings, border responses, removal fallbacks, statuses
and legal statuses.

Each is an ``IntEnum``: the integer is what the arrays hold (``uint8`` codes, the vectorised engine)
and what the Mesa agents hold, the lower-case name is the word a scenario or network file and the
output tables use (``Status.IN_TRANSIT`` is 1 and ``in_transit``). The pydantic models take their
allowed words from here (:func:`words_literal`), so a new member is one line.
"""
from __future__ import annotations

from enum import IntEnum
from typing import Literal

import numpy as np


class Word(IntEnum):
    """An integer code with the word files and tables use for it."""

    @property
    def word(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.word

    @classmethod
    def words(cls) -> tuple[str, ...]:
        """Every word, in code order: ``words()[code]`` is the word of ``code``."""
        return tuple(m.word for m in cls)

    @classmethod
    def of(cls, word: str) -> "Word":
        """The member a word names (``Mode.of("air") is Mode.AIR``)."""
        return cls(cls.words().index(word))

    @classmethod
    def lookup(cls, members) -> np.ndarray:
        """A boolean array over codes, true for ``members``: ``lookup(...)[codes]`` tests an array of codes."""
        return np.isin(np.arange(len(cls)), [int(m) for m in members])


def words_literal(vocabulary: type[Word], leave_out: tuple[Word, ...] = ()):
    """The ``Literal`` of a vocabulary's words, for a pydantic field (names in YAML)."""
    return Literal[tuple(m.word for m in vocabulary if m not in leave_out)]


class Mode(Word):
    """How a segment is travelled."""

    ROAD = 0
    BUS = 1
    BOAT = 2
    JUNGLE = 3
    AIR = 4
    SEA = 5


class Crossing(Word):
    """A counted crossing a segment belongs to (none: an ordinary segment, written ``""``)."""

    NONE = 0
    DARIEN = 1
    US_BORDER = 2

    @property
    def word(self) -> str:
        return "" if self is Crossing.NONE else self.name.lower()


class BorderResponse(Word):
    """What a country does with those its border control stops."""

    PUSH_BACK = 0  # sent back to where they came from
    DETAIN = 1  # held for a fixed term (Behaviour.detention_days), then released there
    DEPORT = 2  # held for removal home (a removal lever sets the seats)


class WithoutSeat(Word):
    """What a removal lever does with a detainee who finds no seat home in time."""

    RELEASE_WITH_CASE = 0  # released into the country with a pending case (e.g. a US notice to appear)
    RELEASE = 1
    EXPEL = 2  # expelled to the transit country they came from


class Status(Word):
    """Where a migrant is in life: every agent is in exactly one status every day."""

    RESIDENT = 0
    IN_TRANSIT = 1
    WORKING = 2  # in transit, stopped to earn the price of the next leg (Behaviour.max_work_days)
    DETAINED = 3
    ARRIVED = 4
    RETURNED = 5
    DEAD = 6


class LegalStatus(Word):
    """A migrant's legal status where they are."""

    NONE = 0
    PERMIT = 1
    TPS = 2
    ASYLUM_PENDING = 3
    TPS_LOST = 4  # no status: TPS ended and the first choice since is not yet made (not a scenario input)


SETTLED = (Status.RESIDENT, Status.ARRIVED, Status.RETURNED)
HOLDS_STATUS = (LegalStatus.PERMIT, LegalStatus.TPS)
# who earns a place's full income: status, or a pending asylum case (work authorisation); others earn
# Behaviour.irregular_income_share of it
FULL_INCOME = (LegalStatus.PERMIT, LegalStatus.TPS, LegalStatus.ASYLUM_PENDING)

# US asylum processing at the border, kept as words (the policy state holds the word)
AsylumMode = Literal["open", "paused", "expulsion"]
