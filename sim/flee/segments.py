"""Flee's routes as migsim segments (one mode, no fares, fees or hazards) and named corridors."""
from __future__ import annotations

from .tables import FleeInput


def route_segments(flee: FleeInput, mode: str, unmapped: list[str]) -> list[dict]:
    """One segment per distinct link; self-links, second links, forced redirections and custom columns are listed."""
    segments, seen = [], {}
    zero = []
    for r in flee.routes:
        if r.name1 == r.name2:
            unmapped.append(f"routes.csv line {r.line}: a link from {r.name1!r} to itself (dropped)")
            continue
        key = frozenset((r.name1, r.name2))
        if key in seen:
            unmapped.append(f"routes.csv line {r.line}: second link {r.name1} - {r.name2} (kept line {seen[key]})")
            continue
        seen[key] = r.line
        distance = r.distance_km
        if distance <= 0:
            zero.append(f"{r.name1} - {r.name2}")
            distance = 1.0
        segments.append({
            "from": r.name1, "to": r.name2, "distance_km": float(distance), "mode": mode,
            "travel_cost_usd": 0, "smuggling_fee_usd": 0, "criminal_network": "",
            "death_hazard_daily": 0, "child_abandonment_hazard_daily": 0,
            "controlled_by": "", "controlled_by_reverse": "", "crossing": "",
        })
    if zero:
        unmapped.append(f"routes.csv: zero distances set to 1 km (migsim needs > 0): {', '.join(zero)}")
    forced = [f"{r.name1} - {r.name2} ({r.forced_redirection})" for r in flee.routes if r.forced_redirection]
    if forced:
        unmapped.append("routes.csv forced_redirection (no migsim counterpart: migrants choose freely; "
                        "forwarding hubs are transit hubs, so nobody settles there): " + ", ".join(forced))
    extra = sorted({k for r in flee.routes for k in r.extra})
    if extra:
        unmapped.append(f"routes.csv custom columns (e.g. max_move_speed; speeds are per mode in migsim's "
                        f"behaviour.speed_km_per_day): {', '.join(extra)}")
    return segments


def corridors(segments: list[dict], kinds: dict[str, str]) -> list[dict]:
    """Named routes: the shortest path from each origin to each destination; every link if none."""
    import networkx as nx

    graph = nx.Graph()
    for s in segments:
        graph.add_edge(s["from"], s["to"], weight=s["distance_km"])
    routes = []
    origins = [n for n, k in kinds.items() if k == "origin" and n in graph]
    camps = [n for n, k in kinds.items() if k == "destination" and n in graph]
    for o in origins:
        _, paths = nx.single_source_dijkstra(graph, o, weight="weight")
        for d in camps:
            if d in paths and d != o:
                routes.append({"name": f"{o} to {d}", "via": paths[d]})
    if not routes:
        routes = [{"name": f"{s['from']} - {s['to']}", "via": [s["from"], s["to"]]} for s in segments]
    return routes
