"""The interactive page (Mesa SolaraViz): ``migsim app [SCENARIO]``, or ``solara run sim/app.py``.

Sliders set the *initial* policy of the scenario (border control in Panama, Mexico and the US,
a multiplier on every smuggling fee, US asylum processing, TPS); press Reset to apply them,
then Step or Play. Later entries of the scenario's timeline still apply on their dates. The
page shows a map of people at each location and weekly encounters at the US border and Darién
crossings by direction. The scenario, scale and engine come from ``migsim app`` through the
environment variables ``MIGSIM_APP_SCENARIO``, ``MIGSIM_APP_SCALE`` and ``MIGSIM_APP_ENGINE``.
"""
from __future__ import annotations

import os
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.app_launch import DEFAULT_SCALE, DEFAULT_SCENARIO
from sim.engine import VectorModel
from sim.initial_policy import initial_levers, with_initial_policy
from sim.load import load_scenario
from sim.mesa_engine import MesaModel



class _Explorer:
    """A model built from a scenario file and the page's lever values (SolaraViz re-creates it on Reset)."""

    def __init__(self, scenario: str = str(DEFAULT_SCENARIO), scale: float = DEFAULT_SCALE, seed: int | None = None,
                 pan_control: float = 0.05, mex_control: float = 0.25, usa_control: float = 0.9,
                 fee_multiplier: float = 1.0, asylum: str = "open", tps: str = "designated"):
        base = load_scenario(scenario, check_size=False)
        policy = with_initial_policy(base, {"PAN": pan_control, "MEX": mex_control, "USA": usa_control},
                                     fee_multiplier, asylum, tps)
        super().__init__(policy, seed=seed, scale=scale)


class VectorExplorer(_Explorer, VectorModel):
    pass


class MesaExplorer(_Explorer, MesaModel):
    pass


# --- components ------------------------------------------------------------------------------


def last_day(model) -> str:
    """The date the model has simulated up to, for titles."""
    return f"end of {model.dates[model.day - 1].date()}" if model.day else f"start, {model.dates[0].date()}"


def draw_map(model, fig: Figure) -> None:
    """People at each location (circle area), on the network's segments, by longitude and latitude."""
    net, scale = model.net, model.scenario.scale
    ax = fig.subplots()
    lon, lat = net.node_lon, net.node_lat
    for a in range(0, net.n_arcs, 2):  # arcs come in pairs, one per direction
        ax.plot(lon[[net.arc_from[a], net.arc_to[a]]], lat[[net.arc_from[a], net.arc_to[a]]],
                color="0.82", lw=0.7, zorder=1)
    people = np.asarray(model.people_at, dtype=float) * scale
    size = 1500 * people / max(people.max(), 1.0)
    ax.scatter(lon, lat, s=np.maximum(size, 4), c=np.where(people > 0, "tab:red", "0.6"), alpha=0.55,
               edgecolors="k", linewidths=0.3, zorder=2)
    labelled: list[int] = []
    for i in np.argsort(people)[::-1]:
        if people[i] <= 0 or len(labelled) == 8:
            break
        if all(np.hypot(lon[i] - lon[j], lat[i] - lat[j]) > 8 for j in labelled):  # no overlapping labels
            ax.annotate(f"{net.nodes[i]} {people[i]:,.0f}", (lon[i], lat[i]), fontsize=7,
                        xytext=(4, 3), textcoords="offset points")
            labelled.append(i)
    ax.set_title(f"People at each location ({last_day(model)})", fontsize=10)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect("equal")


def draw_flows(model, fig: Figure) -> None:
    """Weekly encounters at the US border and Darién crossings north and south, in people."""
    ax = fig.subplots()
    days = model.day
    names = {"encounters_us_border": "US border encounters", "darien_crossings_north": "Darién, northbound",
             "darien_crossings_south": "Darién, southbound"}
    if days:
        frame = pd.DataFrame({label: model.rec.flow[name][:days] * model.scenario.scale
                              for name, label in names.items()}, index=model.dates[:days])
        weekly = frame.resample("W", closed="left", label="left").sum()
        for label in weekly.columns:
            ax.plot(weekly.index, weekly[label], marker=".", label=label)
        ax.legend(loc="upper left", fontsize=8)
    else:
        ax.text(0.5, 0.5, "press Step or Play", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(model.dates[0], model.dates[-1])
    ax.set_ylim(bottom=0)
    ax.set_ylabel("people per week")
    ax.set_title(f"Encounters and Darién crossings ({last_day(model)})", fontsize=10)
    fig.autofmt_xdate()


def policy_text(model) -> str:
    """The policy in force on the day simulated last (the timeline may have changed it since the start)."""
    state = model.timeline.states[int(model.timeline.epoch_of(max(model.day - 1, 0)))]
    net = model.net
    control = ", ".join(f"{c} {state.border_intensity[net.country_index(c)]:.2f}" for c in ("PAN", "MEX", "USA"))
    fees = ", ".join(f"{n} x{m:.2f}" for n, m in zip(net.criminal_networks, state.fee_multiplier))
    return (f"**Policy in force** ({last_day(model)}): border control {control}; US asylum {state.asylum}; "
            f"TPS {state.tps}; parole {state.parole_monthly_quota:,}/month; smuggling fees {fees}. "
            f"{model.scenario.name}: {model.scenario.scale:g} people per agent.")


@solara.component
def Policy(model):
    update_counter.get()
    solara.Markdown(policy_text(model))


@solara.component
def PeopleMap(model):
    update_counter.get()
    fig = Figure(figsize=(6.5, 6))
    draw_map(model, fig)
    solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


@solara.component
def Flows(model):
    update_counter.get()
    fig = Figure(figsize=(6.5, 3.5))
    draw_flows(model, fig)
    solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


def model_params(scenario_file: str, scale: float) -> dict:
    """SolaraViz parameters: fixed scenario and scale, sliders for the levers starting at the scenario's values."""
    levers = initial_levers(load_scenario(scenario_file, check_size=False))
    slider = lambda label, value, lo, hi, step: {  # noqa: E731
        "type": "SliderFloat", "label": label, "value": value, "min": lo, "max": hi, "step": step}
    bc = levers["border_control"]
    return {
        "scenario": scenario_file,
        "scale": scale,
        "pan_control": slider("Border control PAN (Darién exit)", bc["PAN"], 0.0, 1.0, 0.05),
        "mex_control": slider("Border control MEX", bc["MEX"], 0.0, 1.0, 0.05),
        "usa_control": slider("Border control USA", bc["USA"], 0.0, 1.0, 0.05),
        "fee_multiplier": slider("Smuggling fee multiplier", 1.0, 0.0, 5.0, 0.1),
        "asylum": {"type": "Select", "label": "US asylum", "value": levers["asylum"],
                   "values": ["open", "paused", "expulsion"]},
        "tps": {"type": "Select", "label": "TPS", "value": levers["tps"], "values": ["designated", "terminated"]},
    }


def make_page(scenario_file: str, scale: float, engine: str = "vector"):
    """The SolaraViz page for a scenario file."""
    params = model_params(scenario_file, scale)
    explorer = MesaExplorer if engine == "mesa" else VectorExplorer
    first = explorer(**{k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()})
    return SolaraViz(first, components=[PeopleMap, Flows, Policy], model_params=params,
                     name=f"migsim: {first.scenario.name}")


page = make_page(os.environ.get("MIGSIM_APP_SCENARIO", str(DEFAULT_SCENARIO)),
                 float(os.environ.get("MIGSIM_APP_SCALE", DEFAULT_SCALE)),
                 os.environ.get("MIGSIM_APP_ENGINE", "vector"))
