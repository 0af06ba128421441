"""Referral cycles (A referred B referred A …) among customers, in vectorised O(n log n).

Each customer has at most one referrer, so the referral links form a functional graph:
every node has one successor (its referrer, or a shared sink for "none"). After ``N >= n``
steps every walk sits on a cycle, and every cycle node is reached that way, so the nodes on
cycles are exactly the image of the N-th power of the successor map. Pointer doubling
computes that power in log2(n) array gathers, fast enough for millions of customers and
free of recursion limits and per-row Python loops.
"""

from __future__ import annotations

import numpy as np


def successors(ids: np.ndarray, referrers: np.ndarray, has_referrer: np.ndarray) -> np.ndarray:
    """Successor index of each node (its referrer's position), ``len(ids)`` for none.

    ``ids`` must be unique. A referrer that is not among ``ids``, or that is the customer
    itself (reported separately as a self-referral), leads to the sink.
    """
    n = len(ids)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    pos = np.searchsorted(sorted_ids, referrers)
    pos_clipped = np.minimum(pos, max(n - 1, 0))
    found = has_referrer & (pos < n)
    if n:
        found &= sorted_ids[pos_clipped] == referrers
    nxt = np.full(n + 1, n, dtype=np.int64)
    nxt[:n][found] = order[pos_clipped[found]]
    nxt[:n][nxt[:n] == np.arange(n)] = n
    return nxt


def cycle_labels(nxt: np.ndarray) -> np.ndarray:
    """For each node: the smallest index on its cycle, or -1 when it is not on a cycle."""
    size = len(nxt)  # n nodes + the sink, which points at itself
    sink = size - 1
    power = nxt.copy()
    low = np.arange(size, dtype=np.int64)
    low = np.minimum(low, nxt)  # min over the walk's first two nodes
    span = 1
    # After k rounds ``power`` is the 2**k-th successor and ``low`` the smallest index among
    # the first 2**k + 1 nodes of each walk, which covers a whole cycle once 2**k >= size.
    while span < size:
        low = np.minimum(low, low[power])
        power = power[power]
        span *= 2
    on_cycle = np.zeros(size, dtype=bool)
    on_cycle[power] = True
    on_cycle[sink] = False
    return np.where(on_cycle, low, -1)[:-1]


def walk(nxt: np.ndarray, start: int, limit: int) -> list[int]:
    """Up to ``limit`` nodes of the cycle through ``start``, in referral order."""
    members = [start]
    node = int(nxt[start])
    while node != start and len(members) < limit:
        members.append(node)
        node = int(nxt[node])
    return members
