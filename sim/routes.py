"""What the network offers a migrant at each location: the candidate routes that leave it, the one that
carries on a traveller's plan, and sums of arc quantities along the rest of a route.

Built once per network (the choice sets) and per policy epoch (the sums, in :func:`sim.behaviour.route_table`).
"""
from __future__ import annotations

import numpy as np

from .network import Network
from .vocabulary import Mode


def suffix_sum(per_arc: np.ndarray, path_arcs: np.ndarray) -> np.ndarray:
    """[path, pos] sum of an arc quantity from position pos to the end of the path."""
    vals = np.where(path_arcs >= 0, per_arc[np.maximum(path_arcs, 0)], 0.0)
    out = np.zeros((path_arcs.shape[0], path_arcs.shape[1] + 1), dtype=np.float64)
    out[:, :-1] = np.cumsum(vals[:, ::-1], axis=1)[:, ::-1]
    return out


def candidates(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """For every node, the (path, position) pairs that leave it: int16 [node, K], -1 padded.

    Paths that continue from a node along the same sequence of locations are one alternative,
    not several (listing it twice would double its choice probability).
    """
    per_node: list[list[tuple[int, int]]] = [[] for _ in range(net.n_nodes)]
    seen: list[set] = [set() for _ in range(net.n_nodes)]
    for p in range(net.n_paths):
        length = int(net.path_length[p])
        for pos in range(length - 1):
            node = int(net.path_nodes[p, pos])
            rest = tuple(net.path_nodes[p, pos:length].tolist())
            if rest not in seen[node]:
                seen[node].add(rest)
                per_node[node].append((p, pos))
    k = max(1, max(len(c) for c in per_node))
    cand_path = np.full((net.n_nodes, k), -1, dtype=np.int16)
    cand_pos = np.zeros((net.n_nodes, k), dtype=np.int16)
    for node, cands in enumerate(per_node):
        for j, (p, pos) in enumerate(cands):
            cand_path[node, j], cand_pos[node, j] = p, pos
    return cand_path, cand_pos


def path_needs_passport(net: Network) -> np.ndarray:
    """bool [path, pos]: the rest of the route has a flight from one country into another."""
    abroad = net.node_country[net.arc_from] != net.node_country[net.arc_to]
    flight = ((net.arc_mode == Mode.AIR) & abroad).astype(np.float64)
    return suffix_sum(flight, net.path_arcs)[:, :-1] > 0


def same_country_candidates(net: Network, cand_path: np.ndarray) -> np.ndarray:
    """bool [node, K]: the candidate route ends in the country of the location it leaves from."""
    last = net.path_nodes[np.maximum(cand_path, 0), net.path_length[np.maximum(cand_path, 0)] - 1]
    return (net.node_country[last] == net.node_country[:, None]) & (cand_path >= 0)


def planned_candidates(net: Network, cand_path: np.ndarray, cand_pos: np.ndarray) -> np.ndarray:
    """[path, pos] -> the candidate index, at that location, that carries on along the same route.

    A traveller at a stop weighs carrying on as planned (this candidate) against every other
    choice; -1 at a route's last location.
    """
    index = {}
    for node in range(net.n_nodes):
        for k in np.flatnonzero(cand_path[node] >= 0):
            p, q = int(cand_path[node, k]), int(cand_pos[node, k])
            index[(node, tuple(net.path_nodes[p, q : net.path_length[p]].tolist()))] = k
    planned = np.full(net.path_nodes.shape, -1, dtype=np.int16)
    for p in range(net.n_paths):
        length = int(net.path_length[p])
        for q in range(length - 1):
            rest = tuple(net.path_nodes[p, q:length].tolist())
            planned[p, q] = index[(rest[0], rest)]
    return planned
