"""A scenario's start-day policy replaced by given lever values: what the interactive page's sliders set."""
from __future__ import annotations

from . import scenario as sc
from .load import network_of

CONTROLLED = ("PAN", "MEX", "USA")  # the countries whose border control the page offers


def with_initial_policy(scenario: sc.Scenario, border_control: dict[str, float], fee_multiplier: float,
                        asylum: str, tps: str) -> sc.Scenario:
    """The scenario with its start-day policy replaced by these lever values (later entries kept).

    Border control keeps the response the scenario gives that country (push back if none). The fee
    multiplier scales every criminal network's start-day fees (its multiplier or absolute fee);
    start-day fees set on single segments are applied after it, as given.
    """
    start, timeline = scenario.start, scenario.policy.timeline
    at_start = [lv for lv in timeline if lv.date == start]
    later = [lv for lv in timeline if lv.date != start]
    response = {lv.country: lv.response for lv in at_start if isinstance(lv, sc.BorderControl)}
    network_fee = {lv.network: lv for lv in at_start if isinstance(lv, sc.SmugglingFee) and lv.network}
    segment_fees = [lv for lv in at_start if isinstance(lv, sc.SmugglingFee) and lv.segment]

    def replaced(lv) -> bool:
        return (isinstance(lv, sc.BorderControl) and lv.country in border_control) \
            or isinstance(lv, (sc.Asylum, sc.Tps, sc.SmugglingFee))

    def scaled_fee(network: str) -> sc.SmugglingFee:
        given = network_fee.get(network)
        if given is not None and given.fee_usd is not None:
            return given.model_copy(update={"fee_usd": given.fee_usd * fee_multiplier})
        base = given.multiplier if given is not None else 1.0
        return sc.SmugglingFee(date=start, lever="smuggling_fee", network=network, multiplier=base * fee_multiplier)

    new = [lv for lv in at_start if not replaced(lv)]
    new += [sc.BorderControl(date=start, lever="border_control", country=c, intensity=v,
                             response=response.get(c, "push_back")) for c, v in border_control.items()]
    new += [scaled_fee(n) for n in network_of(scenario).criminal_networks]
    new += segment_fees
    new += [sc.Asylum(date=start, lever="asylum", mode=asylum), sc.Tps(date=start, lever="tps", status=tps)]
    return scenario.model_copy(update={"policy": sc.Policy(timeline=new + later)})


def initial_levers(scenario: sc.Scenario) -> dict:
    """Slider starting values: the scenario's own start-day policy."""
    levers = {"border_control": {c: 0.0 for c in CONTROLLED}, "asylum": "open", "tps": "designated"}
    for lv in scenario.policy.timeline:
        if lv.date != scenario.start:
            continue
        if isinstance(lv, sc.BorderControl) and lv.country in CONTROLLED:
            levers["border_control"][lv.country] = lv.intensity
        elif isinstance(lv, sc.Asylum):
            levers["asylum"] = lv.mode
        elif isinstance(lv, sc.Tps):
            levers["tps"] = lv.status
    return levers
