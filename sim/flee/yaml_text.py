"""The imported network and scenario as YAML text: one row per line, the import's assumptions as comments."""
from __future__ import annotations

import yaml

from .assumptions import (CONFLICT_INCOME_USD, DEFAULT_INCOME_USD, DEFAULT_LEGAL_CHANCE, RECONSIDERATION_DAYS,
                          TARGET_AGENTS)
from .mapping import Imported


def _flow(item) -> str:
    """One value as single-line (flow style) YAML."""
    text = yaml.safe_dump(item, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def network_yaml(imported: Imported, source: str) -> str:
    """The network as YAML with one row per line and the import's assumptions as comments."""
    n = imported.network
    lines = [
        f"# Network imported from the Flee input directory {source} by `migsim import-flee`.",
        "# Format: scenarios/networks/FORMAT.md. Neutral defaults, all assumptions of the import (Flee has no",
        f"# incomes or legal status): income_usd_month {DEFAULT_INCOME_USD:g} everywhere, {CONFLICT_INCOME_USD:g} in "
        "countries with a conflict zone;",
        f"# legal_status_chance {DEFAULT_LEGAL_CHANCE:g} everywhere; no visas. Country codes are derived from Flee's "
        "country names (not ISO).",
        "# Kinds: conflict_zone -> origin, camp/idpcamp -> destination, town/forwarding_hub/marker -> transit_hub.",
        "# Segments: Flee distances, one mode for all, no fares/fees/hazards; controlled_by marks borders closed",
        "# by Flee country closures (see the scenario's timeline).",
        f"name: {_flow(n['name'])}",
        f"description: {_flow(n['description'])}",
    ]
    for key in ("countries", "locations", "segments", "routes"):
        lines.append(f"{key}:")
        lines.extend(f"  - {_flow(row)}" for row in n[key])
    return "\n".join(lines) + "\n"


def scenario_yaml(imported: Imported, source: str) -> str:
    """The scenario as YAML, with comments saying where each part came from."""
    s = imported.scenario
    head = {k: s[k] for k in ("name", "description", "start", "end", "seed")}
    lines = [
        f"# Scenario imported from the Flee input directory {source} by `migsim import-flee`.",
        "# Run it:  migsim run THIS_FILE",
        yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100).rstrip(),
        f"scale: {s['scale']}  # people per agent, chosen for about {TARGET_AGENTS:,} agents",
        f"network: {_flow(s['network'])}",
        f"home: {_flow(s['home'])}  # first conflict zone (Flee takes the first location's country as home)",
        "population:  # Flee's population column of the conflict zones (and initial_idps)",
    ]
    lines.extend(f"  - {_flow(g)}" for g in s["population"])
    lines += [
        "behaviour:",
        f"  reconsideration_days: {RECONSIDERATION_DAYS:g}  # assumption: not calibrated; migsim's default is 730",
        "policy:",
    ]
    if s["policy"]["timeline"]:
        lines.append("  timeline:  # Flee closures.csv: country -> border_control; location/link -> prohibitive fee")
        lines.extend(f"    - {_flow(lv)}" for lv in s["policy"]["timeline"])
    else:
        lines.append("  timeline: []")
    return "\n".join(lines) + "\n"
