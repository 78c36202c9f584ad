"""The US programmes a Venezuelan may enter by: asylum at the border, TPS, parole, and appointments at its ports."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..vocabulary import AsylumMode
from .base import Lever, StateField


class Asylum(Lever):
    """US asylum processing at the border: open, paused, or expulsion."""

    lever: Literal["asylum"]
    mode: AsylumMode

    given = "mode"
    state = (StateField("asylum", "open, paused or expulsion", lambda net: "open", str),)

    def label(self) -> str:
        return f"US asylum {self.mode}"


class Tps(Lever):
    """Temporary Protected Status for Venezuelans in the US."""

    lever: Literal["tps"]
    status: Literal["designated", "terminated"]

    given = "status"
    state = (StateField("tps", "designated or terminated", lambda net: "designated", str),)

    def label(self) -> str:
        return f"TPS {self.status}"


class Parole(Lever):
    """Lawful entries to the US per month for those who qualify (0 ends the programme)."""

    lever: Literal["parole"]
    monthly_quota: Annotated[int, Field(ge=0)]

    given = "monthly_quota"
    state = (StateField("parole_monthly_quota", "entries a month", lambda net: 0, int),)

    def label(self) -> str:
        return "parole ended" if self.monthly_quota == 0 else f"parole {self.monthly_quota:,}/month"


class PortAppointments(Lever):
    """Appointments at the US southwest border's ports of entry a month, all nationalities (CBP One; 0 ends them).

    Venezuelans get ``behaviour.port_appointment_share`` of them, spread evenly over the days: whoever
    reaches the US border while the day's appointments last is encountered at a port and released to
    pursue a case, whatever the asylum mode (under Title 42 they were its exceptions).
    """

    lever: Literal["port_appointments"]
    monthly: Annotated[int, Field(ge=0)]

    given = "monthly"
    state = (StateField("port_appointments_monthly", "appointments a month, all nationalities", lambda net: 0, int),)

    def label(self) -> str:
        return "port appointments ended" if self.monthly == 0 else f"port appointments {self.monthly:,}/month"
