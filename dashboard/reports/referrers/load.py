"""Referrers: the top 50 super-customers (overall, per region, per city), referral share, network.

Every figure is aggregated in the warehouse; only the top lists and one referrer's network
come back as rows. Names and phones are masked here, once, unless the viewer may see them,
so the page, its charts and its export all carry the same (masked) values.
"""

from __future__ import annotations

import pandas as pd

from dashboard import data, privacy
from dashboard.filters import Filters, Scope, pick
from dashboard.loading import keys
from dashboard.metrics import lifecycle as lc
from dashboard.metrics import referrals as rf
from dashboard.page_context import PageContext
from dashboard.reports.referrers.model import ReferrersData

PERSONAL = {"name": "name", "phone": "phone"}


def _group_names(ranking: pd.DataFrame, level: str) -> dict[object, dict[str, str]]:
    column = rf.GROUP_COLUMN[level]
    if column is None or ranking.empty:
        return {}
    prefix = "region" if level == "region" else "city"
    rows = ranking.drop_duplicates(column)
    return {
        key: {"zh": zh, "en": en}
        for key, zh, en in zip(
            rows[column], rows[f"{prefix}_zh"], rows[f"{prefix}_en"], strict=True
        )
    }


def group_options(
    filters: Filters, scope: Scope, basis: str, level: str
) -> dict[object, dict[str, str]]:
    """The regions or cities that have a ranking (best first), each with its zh and en name."""
    basis = pick(basis, rf.BASES, rf.DEFAULT_BASIS)
    level = pick(level, rf.LEVELS, rf.DEFAULT_LEVEL)
    ranking = _ranking(filters, scope, basis)
    names = _group_names(ranking, level)
    return {key: names[key] for key in rf.groups(ranking, level)}


def _ranking(filters: Filters, scope: Scope, basis: str) -> pd.DataFrame:
    return data.run(
        "referrers_ranking",
        filters,
        scope,
        valid_basis=basis,
        top_n=rf.TOP_N,
        tier_mid=lc.DEFAULT_TIER_MID,
        tier_high=lc.DEFAULT_TIER_HIGH,
    )


def _as_ref(value: object) -> str | None:
    """A typed customer number as text (None when empty)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _resolve(ref: str) -> int | None:
    """The warehouse id of the customer a person names by ``ref`` (None when there is none)."""
    number = keys.plain_number(ref)
    plain = -1 if number is None else number
    found = data.run("customer_by_ref", ref=ref, plain=plain)
    return None if found.empty else int(found["customer_id"].iloc[0])


def load(
    filters: Filters,
    scope: Scope,
    basis: str = rf.DEFAULT_BASIS,
    level: str = rf.DEFAULT_LEVEL,
    group: object = None,
    referrer_id: object = None,
    personal: bool = False,
) -> ReferrersData:
    """Rankings, weekly referral share and one referrer's network for the filters.

    ``personal`` is the viewer's right to see names and phones (``ctx.can_see_personal``);
    without it every name and phone is masked before it leaves this function. Odd control
    values fall back to the defaults; ``referrer_id`` None means the list's number one.
    """
    basis = pick(basis, rf.BASES, rf.DEFAULT_BASIS)
    level = pick(level, rf.LEVELS, rf.DEFAULT_LEVEL)
    ranking = _ranking(filters, scope, basis)
    weekly = rf.share_of_new(data.run("referrers_share", filters, scope))
    groups = tuple(rf.groups(ranking, level))
    if groups and group not in groups:
        group = groups[0]
    top = rf.top_list(ranking, level, group if groups else None)
    ref = _as_ref(referrer_id)
    chosen = _resolve(ref) if ref is not None else None
    if ref is None and not top.empty:
        chosen = int(top["referrer_id"].iloc[0])
        ref = str(top["referrer_no"].iloc[0])
    network = _network(filters, scope, chosen)
    truncated = len(network) > rf.MAX_NETWORK_NODES
    network = network.head(rf.MAX_NETWORK_NODES)
    return ReferrersData(
        filters=filters,
        basis=basis,
        level=level,
        group=group if groups else None,
        groups=groups,
        group_names=_group_names(ranking, level),
        ranking=privacy.mask_frame(top, personal, PERSONAL),
        weekly=weekly,
        referrer_id=chosen,
        referrer_ref=ref,
        network=privacy.mask_frame(rf.network_tree(network), personal, PERSONAL),
        network_truncated=truncated,
        masked=not personal,
        is_empty=ranking.empty and int(weekly["new_customers"].sum()) == 0,
    )


def _network(filters: Filters, scope: Scope, referrer_id: int | None) -> pd.DataFrame:
    if referrer_id is None:
        return data.run("referrers_network", filters, scope, referrer_id=-1, max_nodes=1)
    return data.run(
        "referrers_network",
        filters,
        scope,
        referrer_id=referrer_id,
        max_nodes=rf.MAX_NETWORK_NODES + 1,
    )


def build(ctx: PageContext) -> ReferrersData:
    """The page's default view for the registry: the whole chain, names as the viewer may see."""
    return load(ctx.filters, ctx.scope, personal=ctx.can_see_personal)
