"""Referrer ranking logic: the ranking rule, top lists per level, conversion, share, the network.

The warehouse ranks (queries/referrers_ranking.sql ranks overall, within each region and
within each city, with the tie-breaks below); these functions pick one list, add rates
that may have no denominator, and shape one referrer's network into a tree.
"""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.arithmetic import safe_div

BASES: tuple[str, ...] = ("paid", "arrived")
DEFAULT_BASIS = "paid"
LEVELS: tuple[str, ...] = ("chain", "region", "city")
DEFAULT_LEVEL = "chain"
TOP_N = 50
MAX_NETWORK_NODES = 500
# The order the warehouse ranks by (most important first); stated on the page.
RANK_ORDER: tuple[str, ...] = ("valid", "revenue", "first_referral_at", "referrer_id")
RANK_COLUMN = {"chain": "rank_all", "region": "rank_region", "city": "rank_city"}
GROUP_COLUMN = {"chain": None, "region": "region_en", "city": "home_city_id"}
STATUSES: tuple[str, ...] = ("paid", "arrived", "registered")


def groups(ranking: pd.DataFrame, level: str) -> list[object]:
    """The regions or cities that have a ranking, best-ranked first (empty for the chain)."""
    column = GROUP_COLUMN[level]
    if column is None or ranking.empty:
        return []
    return ranking.sort_values("rank_all").drop_duplicates(column)[column].tolist()


def top_list(ranking: pd.DataFrame, level: str, group: object = None) -> pd.DataFrame:
    """The top list of one level (and region or city), ranked, with a ``rank`` column."""
    rank_col = RANK_COLUMN[level]
    frame = ranking
    column = GROUP_COLUMN[level]
    if column is not None:
        frame = frame[frame[column] == group]
    frame = frame[frame[rank_col] <= TOP_N].sort_values(rank_col)
    return with_rates(frame.assign(rank=frame[rank_col].astype(int))).reset_index(drop=True)


def group_total(top: pd.DataFrame, level: str, measure: str) -> int:
    """A ranking-wide total the warehouse attached to each row (referrers or valid referrals)."""
    if top.empty:
        return 0
    suffix = {"chain": "all", "region": "region", "city": "city"}[level]
    return int(top[f"{measure}_{suffix}"].iloc[0])


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add conversion: referred customers who have paid ÷ everyone referred (all-time)."""
    conversion = [
        safe_div(p, r) for p, r in zip(frame["paid_all"], frame["referred_all"], strict=True)
    ]
    return frame.assign(conversion=pd.Series(conversion, index=frame.index, dtype=object))


def share_of_new(weekly: pd.DataFrame) -> pd.DataFrame:
    """Weekly new customers with the referred share (None in a week without new customers)."""
    share = [
        safe_div(r, n) for r, n in zip(weekly["referred"], weekly["new_customers"], strict=True)
    ]
    return weekly.assign(share=pd.Series(share, index=weekly.index, dtype=object))


def period_share(weekly: pd.DataFrame) -> float | None:
    """The referred share of all new customers of the period."""
    return safe_div(weekly["referred"].sum(), weekly["new_customers"].sum())


def status(first_visit_on: object, first_paid_at: object) -> str:
    """How far a referred customer got: paid, arrived, or only registered."""
    if not _missing(first_paid_at):
        return "paid"
    if not _missing(first_visit_on):
        return "arrived"
    return "registered"


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def network_tree(nodes: pd.DataFrame) -> pd.DataFrame:
    """The network as a tree for a sunburst: id, parent ('' for the root), status, size.

    ``size`` is 1 for a person who brought no one and the sum of their people's sizes
    otherwise, so every ring is full and each outermost person is equally wide. People whose
    referrer is not in the frame (cut by the node limit) are left out, so the tree stays whole.
    """
    frame = nodes.assign(
        id=[str(int(c)) for c in nodes["customer_id"]],
        parent=["" if _missing(p) else str(int(p)) for p in nodes["parent_id"]],
        status=[
            status(v, p)
            for v, p in zip(nodes["first_visit_on"], nodes["first_paid_at"], strict=True)
        ],
    )
    frame = frame[(frame["parent"] == "") | frame["parent"].isin(set(frame["id"]))]
    below = dict.fromkeys(frame["id"], 0)
    # Deepest first, so each branch is complete before it is added to its parent.
    deepest = frame.sort_values("depth", ascending=False, kind="stable")
    for node_id, parent in zip(deepest["id"], deepest["parent"], strict=True):
        if parent:
            below[parent] += below[node_id] or 1
    sizes = [below[i] or 1 for i in frame["id"]]
    return frame.assign(size=sizes).reset_index(drop=True)
