"""Who is displaced at the start: conflict-zone populations and initial_idps as migsim population groups."""
from __future__ import annotations

from ..errors import ScenarioError
from .tables import FleeInput


def population_groups(flee: FleeInput, kinds: dict[str, str], origins: list[str], unmapped: list[str]) -> list[dict]:
    """People per location; camp capacities and town residents have no counterpart and are listed."""
    population, hosts, capacity = [], [], []
    for loc in flee.locations:
        idps = loc.extra.get("initial_idps", "")
        people = loc.population if kinds[loc.name] == "origin" else 0
        if idps:
            try:
                people += int(float(idps))
            except ValueError:
                raise ScenarioError(flee.directory / "locations.csv", f"line {loc.line} (initial_idps)",
                                    f"expected a whole number of people, got {idps!r}") from None
        elif loc.population and kinds[loc.name] == "destination":
            capacity.append(f"{loc.name} ({loc.population:,})")
        elif loc.population and kinds[loc.name] != "origin":
            hosts.append(loc.name)
        if people > 0:
            population.append({"location": loc.name, "people": people})
    if not population:
        raise ScenarioError(flee.directory / "locations.csv", "population",
                            f"the conflict zones ({', '.join(origins)}) have no population; "
                            "fill Flee's population column")
    if capacity:
        unmapped.append("camp capacities (migsim locations have no capacity): " + ", ".join(capacity))
    if hosts:
        unmapped.append("populations of towns/hubs (residents, not displaced people): " + ", ".join(hosts))
    return population


def note_conflict_onsets(flee: FleeInput, kinds: dict[str, str], unmapped: list[str]) -> None:
    """List Flee's conflict dates and intensities: in migsim everyone in a conflict zone can leave from day 0."""
    delayed = [f"{loc.name} (day {loc.conflict_date})" for loc in flee.locations
               if kinds[loc.name] == "origin" and loc.conflict_date]
    if delayed or flee.conflict_file:
        unmapped.append("conflict onset dates and intensities"
                        + (f" ({flee.conflict_file})" if flee.conflict_file else "")
                        + ": migsim has no time-varying push, so every conflict zone's population can leave "
                        "from day 0" + (f"; delayed in Flee: {', '.join(delayed)}" if delayed else ""))
