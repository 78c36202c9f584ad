"""Policy levers, one class each, in one module per lever or small family; every module of this package
is read, and :data:`LEVERS` is every lever class they define.

A new lever is a module here with its class (fields, ``check``, ``apply`` or the event hooks, ``label``)
and a test: the policy state, the scenario's timeline type, the checks of a scenario file and the
report labels follow from the class.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field

from .base import Events, Flight, Lever, LeverProblem, StateField, network_label, per_arc
from .border_control import BorderControl
from .police_operation import PoliceOperation
from .removal import Removal
from .repatriation_flight import RepatriationFlight
from .smuggling_fee import SmugglingFee
from .us_programmes import Asylum, Parole, PortAppointments, Tps
from .visa import Visa, VisaBond

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
LEVERS: tuple[type[Lever], ...] = tuple(Lever.__subclasses__())  # in the order their modules were read


def _name(cls: type[Lever]) -> str:
    """The ``lever:`` word of a lever class (its one allowed value)."""
    return cls.model_fields["lever"].annotation.__args__[0]


LeverChange = Annotated[Union[LEVERS], Field(discriminator="lever")]
LEVER_NAMES = frozenset(_name(cls) for cls in LEVERS)
EVENT_NAMES = frozenset(_name(cls) for cls in LEVERS if cls.event)  # stay on their dates in a spin-up
STATE_FIELDS: tuple[StateField, ...] = tuple(f for cls in LEVERS for f in cls.state)

__all__ = ["LEVERS", "LEVER_NAMES", "EVENT_NAMES", "STATE_FIELDS", "LeverChange", "Lever", "LeverProblem",
           "StateField", "Events", "Flight", "network_label", "per_arc", *(cls.__name__ for cls in LEVERS)]
