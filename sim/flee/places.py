"""Flee's countries and locations as migsim countries (codes, neutral incomes) and located places."""
from __future__ import annotations

import re
import unicodedata

from .assumptions import CONFLICT_INCOME_USD, DEFAULT_INCOME_USD, DEFAULT_LEGAL_CHANCE
from .tables import FleeInput


def country_codes(countries: list[str]) -> dict[str, str]:
    """A short upper-case code per Flee country name (kept if it already is 2-3 letters; not ISO)."""
    codes: dict[str, str] = {}
    used: set[str] = set()
    for name in countries:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        letters = re.sub(r"[^A-Za-z0-9]", "", ascii_name).upper()
        base = letters if 2 <= len(letters) <= 3 and name.isupper() else (letters[:3] or "UNK")
        code, k = base, 1
        while code in used:
            k += 1
            code = f"{base[:2]}{k}"
        used.add(code)
        codes[name] = code
    return codes


def country_rows(flee: FleeInput, kinds: dict[str, str], codes: dict[str, str]) -> list[dict]:
    """One row per country in order of appearance; countries with a conflict zone get the lower income."""
    in_conflict = {loc.country for loc in flee.locations if kinds[loc.name] == "origin"}
    return [{
        "code": codes[c], "name": c,
        "income_usd_month": CONFLICT_INCOME_USD if c in in_conflict else DEFAULT_INCOME_USD,
        "legal_status_chance": DEFAULT_LEGAL_CHANCE, "visa_required": False,
    } for c in codes]


def location_rows(flee: FleeInput, kinds: dict[str, str], codes: dict[str, str], unmapped: list[str]) -> list[dict]:
    """One row per location; one without coordinates is placed at 0, 0 and listed."""
    no_coords = [loc.name for loc in flee.locations if loc.lat is None or loc.lon is None]
    if no_coords:
        unmapped.append(f"locations.csv: no coordinates, placed at 0, 0: {', '.join(no_coords)}")
    return [{
        "name": loc.name, "country": codes[loc.country], "lat": loc.lat or 0.0, "lon": loc.lon or 0.0,
        "kind": kinds[loc.name],
    } for loc in flee.locations]
