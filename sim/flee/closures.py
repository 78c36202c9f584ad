"""Flee's closures as dated policy levers: border control for country closures, a prohibitive fee otherwise."""
from __future__ import annotations

import datetime as dt

from .assumptions import PROHIBITIVE_FEE_USD
from .tables import FleeClosure, FleeInput


def _border_control(code: str, intensity: float) -> dict:
    return {"lever": "border_control", "country": code, "intensity": intensity, "response": "push_back"}


def _smuggling_fee(segment: list[str], fee_usd: int) -> dict:
    return {"lever": "smuggling_fee", "segment": segment, "fee_usd": fee_usd}


def _control_crossings(c: FleeClosure, segments: list[dict], country_of: dict[str, str],
                       codes: dict[str, str]) -> int:
    """Mark the segments between the two countries as controlled both ways (as Flee enacts it); how many."""
    a, b = codes[c.name1], codes[c.name2]
    crossing = 0
    for s in segments:
        ca, cb = codes[country_of[s["from"]]], codes[country_of[s["to"]]]
        if {ca, cb} == {a, b} and ca != cb:
            s["controlled_by"], s["controlled_by_reverse"] = cb, ca
            crossing += 1
    return crossing


def _closed_segments(c: FleeClosure, segments: list[dict]) -> list[dict]:
    """Segments a location closure (all touching it) or a link closure (that link) shuts."""
    if c.closure_type == "location":
        return [s for s in segments if c.name1 in (s["from"], s["to"])]
    return [s for s in segments if {s["from"], s["to"]} == {c.name1, c.name2}]


def closure_timeline(flee: FleeInput, segments: list[dict], codes: dict[str, str], start: dt.date, days: int,
                     unmapped: list[str]) -> list[dict]:
    """Dated levers for Flee's closures, in date order; sets controlled_by on segments crossing closed borders."""
    country_of = flee.country_of
    levers: list[dict] = []
    windows: dict[str, set] = {}  # country code -> (start, end) days of the closures of its borders

    def closed_then_reopened(c: FleeClosure, closed: dict, reopened: dict) -> None:
        levers.append({"date": start + dt.timedelta(days=c.start_day), **closed})
        if c.end_day != -1 and c.end_day < days:
            levers.append({"date": start + dt.timedelta(days=c.end_day), **reopened})

    for c in flee.closures:
        where = f"closures.csv line {c.line}"
        if c.start_day >= days:
            unmapped.append(f"{where}: {c.closure_type} closure starts on day {c.start_day}, after the run's "
                            f"{days} days")
            continue
        if c.closure_type == "country":
            if not _control_crossings(c, segments, country_of, codes):
                unmapped.append(f"{where}: no route crosses between {c.name1} and {c.name2}; closure has no effect")
                continue
            for code in (codes[c.name1], codes[c.name2]):
                windows.setdefault(code, set()).add((c.start_day, c.end_day))
                closed_then_reopened(c, _border_control(code, 1.0), _border_control(code, 0.0))
        elif c.closure_type in ("location", "link"):
            hit = _closed_segments(c, segments)
            if not hit:
                unmapped.append(f"{where}: {c.closure_type} closure of {c.name1} touches no route")
                continue
            for s in hit:
                segment = [s["from"], s["to"]]
                closed_then_reopened(c, _smuggling_fee(segment, PROHIBITIVE_FEE_USD), _smuggling_fee(segment, 0))
        else:
            unmapped.append(f"{where}: closure_type {c.closure_type!r} ({c.name1}) has no migsim lever "
                            "(camps do not change kind or capacity during a run)")
    shared = sorted(code for code, w in windows.items() if len(w) > 1)
    if shared:
        unmapped.append("border_control acts on a whole country: closures of different borders of "
                        f"{', '.join(shared)} on different days apply to all its closed borders at once")
    return sorted(levers, key=lambda lever: lever["date"])  # stable: same-day levers keep closures.csv order
