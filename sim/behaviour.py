"""Migrant behaviour, written once as pure functions on arrays; both engines call these.

A migrant at a location chooses among *stay* and every candidate (destination, route) that
continues from there, by multinomial logit on a random utility. Hazards and interceptions
are Bernoulli draws against per-day or per-crossing probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import MODES, Network
from .policy import PolicyState
from .scenario import Behaviour, Weights
from .routes import (  # noqa: F401 (re-exported: the choice sets are read as bh.candidates, ...)
    candidates, path_needs_passport, planned_candidates, same_country_candidates, suffix_sum,
)
from .vocabulary import Crossing, Mode

US = "USA"


@dataclass(frozen=True)
class RouteTable:
    """What the rest of a journey costs, for every path and position on it, under one policy."""

    money_cost: np.ndarray  # float32 [path, pos]: travel + fees + visa bonds to the end (USD)
    refusal: np.ndarray  # float32 [path, pos]: chance a visa the rest of the route needs is refused
    death_risk: np.ndarray  # float32 [path, pos]: probability of dying on the way
    interception: np.ndarray  # float32 [path, pos]: probability of being stopped on the way (or refused a
    # visa, unless the weights give visa refusal a weight of its own)
    days: np.ndarray  # float32 [path, pos]: days of travel to the end
    dest_log_income: np.ndarray  # float32 [path]
    dest_legal_chance: np.ndarray  # float32 [path]
    country_legal_chance: np.ndarray  # float32 [country] under this policy


def arc_days(net: Network, speed_km_per_day: dict[str, float]) -> np.ndarray:
    """Whole days needed to travel each arc (at least one)."""
    speed = np.array([speed_km_per_day[m] for m in MODES], dtype=np.float32)[net.arc_mode]
    return np.maximum(np.ceil(net.arc_distance_km / speed), 1).astype(np.int16)


def arc_hazards(net: Network, behaviour: Behaviour) -> tuple[np.ndarray, np.ndarray]:
    """Daily death and child-abandonment hazards per arc, scaled by the behaviour's multipliers."""
    death = np.minimum(net.arc_death_hazard * behaviour.hazard_scale.death, 0.999)
    abandon = np.minimum(net.arc_abandon_hazard * behaviour.hazard_scale.child_abandonment, 0.999)
    return death.astype(np.float32), abandon.astype(np.float32)


def arc_needs_visa(net: Network, state: PolicyState) -> np.ndarray:
    """Air arcs into another country that asks Venezuelans for a visa under ``state``."""
    dest_country = net.node_country[net.arc_to]
    abroad = dest_country != net.node_country[net.arc_from]
    return (net.arc_mode == Mode.AIR) & state.visa_required[dest_country] & abroad


def arc_visa_refusal(net: Network, state: PolicyState) -> np.ndarray:
    """Probability of being refused a visa (or boarding) before an air arc."""
    return np.where(arc_needs_visa(net, state), state.visa_refusal[net.node_country[net.arc_to]], 0.0)


def path_visa_refusal(net: Network, state: PolicyState) -> np.ndarray:
    """[path, pos] probability that a visa the rest of the route needs is refused (asked before setting off)."""
    log_granted = np.log1p(-np.minimum(arc_visa_refusal(net, state), 0.999999))
    return (-np.expm1(suffix_sum(log_granted, net.path_arcs))).astype(np.float32)


def arc_money_cost(net: Network, state: PolicyState) -> np.ndarray:
    """Fare + smuggling fee + visa bond (air arcs into a country that asks Venezuelans for a visa)."""
    dest_country = net.node_country[net.arc_to]
    bond = np.where(arc_needs_visa(net, state), state.visa_bond[dest_country], 0.0)
    return (net.arc_travel_cost + state.arc_fees(net) + bond).astype(np.float32)


def arc_stop_probability(net: Network, state: PolicyState, behaviour: Behaviour,
                         perceived: np.ndarray | None = None) -> np.ndarray:
    """Probability that completing an arc ends in an interception that stops the journey for good.

    With ``perceived`` (float [country], from what happened to those who tried:
    :func:`sim.perception.perceived_stop`), that; otherwise the policy's stated intensity, less those the US
    releases at its border.
    """
    if perceived is not None:
        return np.where(net.arc_control >= 0, perceived[net.arc_control], 0.0).astype(np.float32)
    p = np.where(net.arc_control >= 0, state.border_intensity[net.arc_control], 0.0)
    us_border = net.arc_crossing == Crossing.US_BORDER
    released = behaviour.asylum_release_share[state.asylum]
    return np.where(us_border, p * (1.0 - released), p).astype(np.float32)


def country_log_income(net: Network, behaviour: Behaviour) -> np.ndarray:
    """[country] log income plus each country's appeal, carried as the income that would be worth as much.

    ``behaviour.country_appeal`` is in utility units; dividing it by the income weight lets it ride on
    the log income that staying, every destination and the seat home already weigh, so it enters all
    of them alike without a term of its own.
    """
    log_income = np.log(net.country_income)
    if not behaviour.country_appeal:
        return log_income
    appeal = np.zeros(len(net.countries), np.float64)
    for code, value in behaviour.country_appeal.items():
        appeal[net.country_index(code)] = value / behaviour.weights.income
    return log_income + appeal


def expected_log_income(log_income, legal_chance, irregular_share: float) -> np.ndarray:
    """Log of what one expects to earn at a destination: full income with status, a share of it without."""
    chance = np.asarray(legal_chance, np.float64)
    return (np.asarray(log_income, np.float64) + np.log(chance + (1.0 - chance) * irregular_share)).astype(np.float32)


def here_log_income(log_income_here, earns_full, irregular_share: float) -> np.ndarray:
    """Log of what a migrant earns where they are: full income with status, ``irregular_share`` without."""
    return np.where(earns_full, log_income_here, log_income_here + np.float32(np.log(irregular_share))
                    ).astype(np.float32)


def push_by_day(push: dict[str, float], dates, between: str = "step") -> np.ndarray:
    """[day] the push of conditions at home on each date: held from each dated value to the next
    (``step``) or moving linearly between them (``linear``); the first value before, the last after."""
    out = np.zeros(len(dates), np.float32)
    if not push:
        return out
    keys = sorted(push)
    days = np.asarray(dates.values.astype("datetime64[D]")).astype(np.int64)
    starts = np.array(keys, dtype="datetime64[D]").astype(np.int64)
    values = np.array([push[k] for k in keys], np.float64)
    if between == "linear":
        return np.interp(days, starts, values).astype(np.float32)
    index = np.maximum(np.searchsorted(starts, days, side="right") - 1, 0)
    return values[index].astype(np.float32)


def country_legal_chance(net: Network, state: PolicyState, behaviour: Behaviour) -> np.ndarray:
    """Chance of obtaining legal status in each country; US asylum policy scales the US figure."""
    chance = net.country_legal_chance.copy()
    if US in net.countries:
        chance[net.country_index(US)] *= behaviour.asylum_legal_factor[state.asylum]
    return chance


def route_table(net: Network, state: PolicyState, behaviour: Behaviour,
                perceived: np.ndarray | None = None) -> RouteTable:
    """Remaining-journey attributes of every (path, position) under ``state`` (and the perceived stops)."""
    days = arc_days(net, behaviour.speed_km_per_day).astype(np.float64)
    log_survive = days * np.log1p(-arc_hazards(net, behaviour)[0].astype(np.float64))
    stop = arc_stop_probability(net, state, behaviour, perceived)
    if behaviour.weights.visa_refusal is None:  # visas weigh as border controls do: one chance of getting through
        stop = 1.0 - (1.0 - stop) * (1.0 - arc_visa_refusal(net, state))
    log_pass = np.log1p(-np.minimum(stop, 0.999999))
    legal = country_legal_chance(net, state, behaviour)
    last = net.path_nodes[np.arange(net.n_paths), net.path_length - 1]
    dest_country = net.node_country[last]
    return RouteTable(
        money_cost=suffix_sum(arc_money_cost(net, state), net.path_arcs).astype(np.float32),
        refusal=path_visa_refusal(net, state),
        death_risk=(-np.expm1(suffix_sum(log_survive, net.path_arcs))).astype(np.float32),
        interception=(-np.expm1(suffix_sum(log_pass, net.path_arcs))).astype(np.float32),
        days=suffix_sum(days, net.path_arcs).astype(np.float32),
        dest_log_income=expected_log_income(country_log_income(net, behaviour)[dest_country], legal[dest_country],
                                            behaviour.irregular_income_share),
        dest_legal_chance=legal[dest_country],
        country_legal_chance=legal,
    )


def accrued_savings(savings, monthly_income, days_settled, saving_share: float) -> np.ndarray:
    """Savings after ``days_settled`` days of putting aside ``saving_share`` of the income there."""
    return (np.asarray(savings, np.float32)
            + np.float32(saving_share / 30.0) * monthly_income * np.maximum(days_settled, 0)).astype(np.float32)


def work_days(shortfall, monthly_income, saving_share: float) -> np.ndarray:
    """Whole days of work, putting ``saving_share`` of the local income aside, to earn ``shortfall`` USD."""
    per_day = np.float32(saving_share / 30.0) * np.asarray(monthly_income, np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        days = np.ceil(np.asarray(shortfall, np.float32) / per_day)
    return np.where(per_day > 0, np.maximum(days, 1), np.inf)


def means(savings, monthly_income_here, behaviour: Behaviour) -> np.ndarray:
    """What a migrant weighs a route's price against: savings plus what working on the way could earn.

    Earnings are valued at the local income for ``max_work_days`` (the most anyone works before
    giving up), so that a route dearer than one's savings is not judged as if no one earned on the way.
    """
    b = behaviour
    earnable = np.float32(b.transit_saving_share * b.max_work_days / 30.0) * np.asarray(monthly_income_here, np.float32)
    return (np.asarray(savings, np.float32) + earnable).astype(np.float32)


def route_utility(
    w: Weights,
    *,
    dest_log_income: np.ndarray,
    dest_legal: np.ndarray,
    death_risk: np.ndarray,
    interception: np.ndarray,
    days: np.ndarray,
    same_country: np.ndarray | None = None,
    refusal: np.ndarray | None = None,
) -> np.ndarray:
    """The part of a route's utility that is the same for everyone who weighs it.

    For a candidate ending in the country one is in (``same_country``), the destination's income
    and status terms are left out: :func:`personal_utility` adds back what staying is worth.

    Interception (and visa refusal) enters as the log of the chance of getting through: with
    weight 1 a route's choice weight is proportional to that chance, so a route nine in ten are
    stopped on weighs a tenth of an open one, however attractive; a linear penalty could not do that.
    With ``w.visa_refusal`` set, the chance of being granted the route's visas (``refusal``, the table's)
    has that weight of its own: applying at a consulate is not the same gamble as a border.
    """
    if same_country is not None:
        dest_log_income = np.where(same_country, 0.0, dest_log_income)
        dest_legal = np.where(same_country, 0.0, dest_legal)
    u = (
        w.income * dest_log_income
        + w.legal_status * dest_legal
        - w.death_risk * death_risk
        + w.interception * np.log1p(-np.minimum(interception, 0.999999))
        - w.duration * days
    )
    if w.visa_refusal is not None and refusal is not None:
        u = u + w.visa_refusal * np.log1p(-np.minimum(refusal, 0.999999))
    return u.astype(np.float32)


def here_value(w: Weights, here_log_income, here_legal, push=None) -> np.ndarray:
    """What staying where one is is worth (the utility every route is measured against)."""
    value = w.income * np.asarray(here_log_income, np.float64) + w.legal_status * np.asarray(here_legal, np.float64)
    return value if push is None else value - np.asarray(push, np.float64)


def personal_utility(
    w: Weights,
    route_part: np.ndarray,  # [n, K] from route_utility
    *,
    money_cost: np.ndarray,  # [n, K]
    death_risk: np.ndarray,  # [n, K]
    available: np.ndarray,  # bool [n, K]
    here_log_income: np.ndarray,  # [n]
    here_legal: np.ndarray,  # [n]
    savings: np.ndarray,  # [n]
    with_children: np.ndarray,  # bool [n]
    settled: np.ndarray,  # bool [n]: leaving a settled life costs `w.move`
    planned: np.ndarray | None = None,  # [n]: candidate that carries on the current route, -1 none
    push: np.ndarray | None = None,  # [n]: push of conditions at home, for those living there (else 0)
    same_country: np.ndarray | None = None,  # bool [n, K]: the candidate ends in the country one is in
) -> np.ndarray:
    """Add what depends on the migrant (here, savings, children, plan); `stay` is column 0, fixed at 0.

    Staying is worth income and legal status here (:func:`here_value`); leaving costs ``w.move``
    for the settled. The push of conditions at home lowers what staying there is worth. A move
    within the country one is in changes neither income nor status nor the push: its route part
    carries no destination terms (:func:`route_utility` with ``same_country``) and ``here`` is added back.

    A traveller's current route, carried on, gets ``w.plan`` (people stick to a plan they have
    paid into); without it travellers would re-plan from scratch at every stop.

    Cost enters relative to savings on a log scale, ``log(1 + cost / savings)``: the first
    hundred dollars weigh more than the tenth (diminishing sensitivity), so a route costing five
    times one's savings is dearer than one costing twice as much, but not 2.5 times as bad. A route
    dearer than one's savings is not excluded (people set off hoping to earn or borrow on the way)
    but those who cannot pay a leg stop there. Unavailable candidates get -inf.
    """
    col = lambda a: np.asarray(a, dtype=np.float32)[:, None]  # noqa: E731
    here = col(here_value(w, here_log_income, here_legal, push))
    u = (
        route_part
        - here
        - w.cost * np.log1p(money_cost / np.maximum(col(savings), 1.0))
        - (w.death_risk * w.children_risk) * col(with_children) * death_risk
        + w.move * col(settled)
    )
    if same_country is not None:
        u = u + np.where(same_country, here, 0.0)
    if planned is not None:
        rows = np.flatnonzero(np.asarray(planned) >= 0)
        u[rows, np.asarray(planned)[rows]] += w.plan
    u = np.where(available, u, -np.inf).astype(np.float32)
    return np.concatenate([np.zeros((u.shape[0], 1), np.float32), u], axis=1)


def utilities(
    w: Weights,
    *,
    dest_log_income: np.ndarray,  # [n, K]
    dest_legal: np.ndarray,  # [n, K]
    money_cost: np.ndarray,  # [n, K]
    death_risk: np.ndarray,  # [n, K]
    interception: np.ndarray,  # [n, K]
    days: np.ndarray,  # [n, K]
    refusal: np.ndarray | None = None,  # [n, K]: chance a visa the route needs is refused
    available: np.ndarray,  # bool [n, K]
    here_log_income: np.ndarray,  # [n]
    here_legal: np.ndarray,  # [n]
    savings: np.ndarray,  # [n]
    with_children: np.ndarray,  # bool [n]
    settled: np.ndarray,  # bool [n]
    planned: np.ndarray | None = None,  # [n]
    push: np.ndarray | None = None,  # [n]
    same_country: np.ndarray | None = None,  # bool [n, K]
) -> np.ndarray:
    """Utility of staying (column 0, fixed at 0) and of each candidate route; -inf if unavailable.

    The sum of :func:`route_utility` and :func:`personal_utility`; the vectorised engine
    precomputes the first per location and policy epoch.
    """
    route_part = route_utility(w, dest_log_income=dest_log_income, dest_legal=dest_legal,
                               death_risk=death_risk, interception=interception, days=days,
                               same_country=same_country, refusal=refusal)
    return personal_utility(w, route_part, money_cost=money_cost, death_risk=death_risk, available=available,
                            here_log_income=here_log_income, here_legal=here_legal, savings=savings,
                            with_children=with_children, settled=settled, planned=planned, push=push,
                            same_country=same_country)


def choice_probabilities(u: np.ndarray) -> np.ndarray:
    """Multinomial-logit probabilities over the last axis (rows sum to 1; -inf gets 0)."""
    top = np.max(u, axis=-1, keepdims=True)
    e = np.exp(u - top)
    return e / e.sum(axis=-1, keepdims=True)


def choose(probabilities: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Index of the chosen alternative per row, by inverse CDF on one uniform draw per row."""
    cdf = np.cumsum(probabilities, axis=-1)
    pick = (cdf < uniform[:, None] * cdf[:, -1:]).sum(axis=-1)
    return np.minimum(pick, probabilities.shape[-1] - 1)


def flight_home_probability(w: Weights, here_log_income, home_log_income, here_legal, settled,
                            home_push: float = 0.0) -> np.ndarray:
    """Chance of taking a free repatriation seat home rather than carrying on as one is (binary logit).

    Home's income, status and conditions (its push) against what one earns and can hope for here,
    less the inertia of a settled life (``w.move``) or, for a traveller, the pull of the current plan (``w.plan``).
    """
    u = (w.income * (np.float32(home_log_income) - np.asarray(here_log_income, np.float32))
         + w.legal_status * (1.0 - np.asarray(here_legal, np.float32))
         - home_push
         + np.where(settled, w.move, -w.plan))
    return 1.0 / (1.0 + np.exp(-u))


def happens(probability: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Bernoulli outcome of an event with the given probability, on pre-drawn uniforms."""
    return uniform < probability


