"""Scenario files: the validated description of one run, as a user writes it in YAML.

Validation happens in two steps: the shape (types, ranges, unknown keys) here with pydantic,
then the names (locations, countries, criminal networks) against the network in
:func:`sim.load.load_scenario`.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from . import vocabulary as vocab
from .levers import (  # noqa: F401 (the lever classes, re-exported: sc.BorderControl, ...)
    EVENT_NAMES, LEVER_NAMES, LEVERS, Asylum, BorderControl, Lever, LeverChange, Parole, PoliceOperation, Removal,
    PortAppointments, RepatriationFlight, SmugglingFee, Tps, Visa, VisaBond,
)
from .schema import NonNegative, Positive, Probability, Strict  # noqa: F401
from .vocabulary import AsylumMode

Mode = vocab.words_literal(vocab.Mode)
LegalStatus = vocab.words_literal(vocab.LegalStatus, leave_out=(vocab.LegalStatus.TPS_LOST,))
BorderResponse = vocab.words_literal(vocab.BorderResponse)


class Savings(Strict):
    """Savings in USD, lognormal: ``median_usd`` and the log-scale spread ``sigma``."""

    median_usd: NonNegative = 600.0
    sigma: Annotated[float, Field(ge=0, le=5)] = 1.0


class PopulationGroup(Strict):
    """People living at one location when the run starts."""

    location: str
    people: Annotated[int, Field(ge=0)]
    savings: Savings = Savings()
    share_with_children: Probability = 0.25
    legal_status: LegalStatus = "none"


class Weights(Strict):
    """Random-utility weights (utility units per unit of each attribute)."""

    income: float = 1.0  # per log-point of destination income over income here
    legal_status: float = 1.5  # per unit chance of legal status there minus here
    cost: float = 1.0  # per unit of (money cost of the route / savings)
    death_risk: float = 40.0  # per unit probability of dying on the route
    interception: float = 1.0  # per log-point of the chance of getting through border controls (and visas, unless:)
    # per log-point of the chance of being granted the visas a route needs; unset, visas weigh as `interception`
    visa_refusal: float | None = None
    duration: float = 0.01  # per day of travel
    move: float = -4.0  # constant of leaving a settled life (inertia); not applied in transit
    plan: float = 2.0  # bonus of carrying on along one's current route, for travellers at a stop
    children_risk: float = 1.0  # extra multiple of death risk aversion for groups with children


class PerceptionLag(Strict):
    """Days until a migrant acts on a policy change: gamma with this mean and shape (0 mean = instant)."""

    mean_days: NonNegative = 30.0
    shape: Positive = 2.0


class HazardScale(Strict):
    """Multipliers on the network's daily hazards (the network's values are partly assumptions)."""

    death: NonNegative = 1.0
    child_abandonment: NonNegative = 1.0


class Behaviour(Strict):
    """How migrants decide and move; every number here is a calibration candidate."""

    reconsideration_days: Positive = 730.0  # mean days between a settled migrant's reconsiderations
    saving_share: Annotated[float, Field(ge=0, le=1)] = 0.1  # share of income put aside while settled
    # A traveller who cannot pay the next leg works where they are, putting this share of the local
    # income aside, for as long as the shortfall takes; if that exceeds max_work_days they stop there.
    transit_saving_share: Annotated[float, Field(ge=0, le=1)] = 0.5
    max_work_days: Annotated[int, Field(ge=0, le=3650)] = 180
    weights: Weights = Weights()
    speed_km_per_day: dict[Mode, Positive] = Field(
        default_factory=lambda: {
            "road": 250.0, "bus": 400.0, "boat": 120.0, "jungle": 20.0, "air": 5000.0, "sea": 150.0,
        }
    )
    perception_lag: PerceptionLag = PerceptionLag()
    hazard_scale: HazardScale = HazardScale()
    detention_days: Annotated[int, Field(ge=1, le=3650)] = 30
    parole_eligible_share: Probability = 0.2  # share of US-bound migrants with a sponsor (parole)
    # Venezuelans' share of the appointments at US ports of entry (`port_appointments` lever, given for all
    # nationalities): no published figure; Venezuela led the nationalities using them (CBP via La Nación,
    # 2024-02-14). Assumption, fitted in the history.
    port_appointment_share: Probability = 0.25
    asylum_release_share: dict[AsylumMode, Probability] = Field(
        default_factory=lambda: {"open": 0.6, "paused": 0.1, "expulsion": 0.0}
    )
    asylum_legal_factor: dict[AsylumMode, Probability] = Field(
        default_factory=lambda: {"open": 1.0, "paused": 0.3, "expulsion": 0.05}
    )
    # Share of a place's income that someone without legal status there earns (no work permit,
    # informal work, extortion): what keeps an irregular migrant in transit from settling where the
    # way on closes, and what a destination is worth if status does not come.
    irregular_income_share: Annotated[float, Field(gt=0, le=1)] = 0.5
    # Share of migrants holding a valid passport, drawn once per migrant: a route with an international
    # flight is open only to them (airlines board no one without one; land borders in the region
    # admit Venezuelans with their national identity card).
    passport_share: Probability = 1.0
    # The push of conditions at home: utility added to every route for people living in the home
    # country, from each date on (before the first date, the first value; after the last, the last).
    # Keys are ISO dates as text, so that a calibration or sweep can address `behaviour.push.2022-01-01`.
    push: dict[str, float] = {}
    # Between two dates the push holds its value (`step`) or moves linearly to the next (`linear`):
    # conditions at home worsen or ease over months, not overnight on the dates of a timeline.
    push_between: Literal["step", "linear"] = "step"
    # What living in a country is worth beyond its income and the chance of legal status, in utility
    # units (countries not listed: 0; the home country is the reference): family and friends already
    # there, language, reception programmes, the hardship of waiting in transit. It enters staying there
    # and every route that ends there alike; fitted to the host countries' stocks.
    country_appeal: dict[str, float] = {}
    # What migrants weigh as the chance of getting through a country's controls: the realised share
    # of those who tried in the last `perceived_window_days` and were stopped for good (pushed back,
    # removed, expelled), mixed with the policy's stated intensity as if `perceived_prior_people`
    # people had tried at that rate; updated monthly, perceived with the perception lag.
    perceived_window_days: Annotated[int, Field(ge=1, le=365)] = 60
    perceived_prior_people: Annotated[float, Field(ge=0)] = 5000.0

    @field_validator("push", mode="before")
    @classmethod
    def _dated(cls, value):
        """Push keys are ISO dates (YAML may give them as dates or as text)."""
        if not isinstance(value, dict):
            return value
        out = {}
        for key, v in value.items():
            try:
                out[dt.date.fromisoformat(str(key)).isoformat()] = v
            except ValueError:
                raise ValueError(f"push: {key!r} is not a date (YYYY-MM-DD)") from None
        return dict(sorted(out.items()))

    @field_validator("speed_km_per_day", "asylum_release_share", "asylum_legal_factor", mode="before")
    @classmethod
    def _complete(cls, value, info):
        """A partial mapping (e.g. only `paused`) keeps the defaults for the keys it leaves out."""
        if isinstance(value, dict):
            return {**cls.model_fields[info.field_name].default_factory(), **value}
        return value


class Policy(Strict):
    """The dated policy timeline; entries dated on the start date set the initial policy.

    ``until``: entries dated after it are left out (a counterfactual written as a file, e.g. a
    history without the levers of its last year).
    """

    timeline: list[LeverChange] = []
    until: dt.date | None = None

    @model_validator(mode="after")
    def _cut(self):
        if self.until is not None and any(lv.date > self.until for lv in self.timeline):
            object.__setattr__(self, "timeline", [lv for lv in self.timeline if lv.date <= self.until])
        return self


class Scenario(Strict):
    """One run: where people are, how they behave, and which policies apply when."""

    name: str
    description: str = ""
    start: dt.date
    end: dt.date
    seed: Annotated[int, Field(ge=0)] = 0
    scale: Annotated[float, Field(ge=1)] = 1.0  # people per agent
    network: str  # path to the network file, relative to the scenario file
    home: str = "Caracas"  # where deportees and returnees land
    population: list[PopulationGroup] = Field(min_length=1)
    behaviour: Behaviour = Behaviour()
    policy: Policy = Policy()
    # Days simulated before `start` under the start day's policy and left out of every output, so
    # that the road is already travelled on the first recorded day (a run starting from settled
    # stocks alone has nobody in transit, and its first months under-count arrivals).
    spin_up_days: Annotated[int, Field(ge=0, le=3650)] = 0
    # First day of the outputs, when a run is the last part of a longer history: the days from
    # `start` are simulated with the real timeline and left out of the tables (a counterfactual
    # branches from the run's own state; see sim/branch.py). Empty: report from `start`.
    report_from: dt.date | None = None

    @model_validator(mode="after")
    def _dates(self):
        if self.end < self.start:
            raise ValueError(f"`end` ({self.end}) is before `start` ({self.start})")
        if (self.end - self.start).days > 20 * 366:
            raise ValueError("a run is limited to 20 years")
        if self.report_from is not None and not self.start <= self.report_from <= self.end:
            raise ValueError(f"`report_from` ({self.report_from}) is outside the run ({self.start} to {self.end})")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def reported_start(self) -> dt.date:
        """First day in the outputs (``report_from``, else ``start``)."""
        return self.report_from or self.start

    def spun_up(self) -> "Scenario":
        """The scenario as simulated: starting ``spin_up_days`` earlier with the start day's levers in force.

        Dated events (repatriation flights, police operations) stay on their dates.
        """
        if self.spin_up_days == 0:
            return self
        start = self.start - dt.timedelta(days=self.spin_up_days)
        timeline = [lv.model_copy(update={"date": start}) if lv.date == self.start and not lv.event else lv
                    for lv in self.policy.timeline]
        return self.model_copy(update={"start": start, "policy": Policy(timeline=timeline)})
