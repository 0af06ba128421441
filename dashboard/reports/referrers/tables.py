"""The referrers page's tables and texts: one Sheet per table shown (the Excel contract), the
stated rules and the messages above the network."""

from __future__ import annotations

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.i18n import t
from dashboard.literal import t_md
from dashboard.metrics import referrals as rf
from dashboard.reports.referrers.model import ReferrersData


def rule(report: ReferrersData, lang: str) -> str:
    """The ranking rule and where the filters apply, as stated on the page and in the export."""
    basis = t(f"referrers.basis_rule.{report.basis}", lang)
    return t("referrers.rule", lang, basis=basis)


def group_label(report: ReferrersData, group: object, lang: str) -> str:
    """The name of a region or city of the ranking in ``lang``."""
    names = report.group_names.get(group)
    return names[lang] if names else str(group)


def _col(key: str, label: str, unit: str, lang: str) -> Column:
    return Column(key, t(f"referrers.col.{label}", lang), unit)


def ranking_frame(report: ReferrersData, lang: str) -> pd.DataFrame:
    """The ranking with language-specific names and tier labels."""
    frame = report.ranking
    return frame.assign(
        city=frame[f"city_{lang}"] if not frame.empty else [],
        clinic=frame[f"clinic_{lang}"] if not frame.empty else [],
        tier_label=[t(f"members.tier.{x}", lang) for x in frame["tier"]],
    )


def ranking_title(report: ReferrersData, lang: str) -> str:
    """The ranking table's title: the top 50 of the selection, of a region or of a city."""
    if report.level == "chain" or report.group is None:
        return t("referrers.ranking", lang)
    return t("referrers.ranking_in", lang, group=group_label(report, report.group, lang))


def ranking_sheet(report: ReferrersData, lang: str) -> Sheet:
    """The top list: rank, masked name and phone, referral figures, home, own spend and tier."""
    columns = (
        _col("rank", "rank", "count", lang),
        _col("referrer_no", "customer_id", "text", lang),
        _col("name", "name", "text", lang),
        _col("phone", "phone", "text", lang),
        Column("valid", t(f"referrers.col.valid_{report.basis}", lang), "count"),
        _col("referred", "referred", "count", lang),
        _col("arrived", "arrived", "count", lang),
        _col("paid", "paid", "count", lang),
        _col("referred_all", "referred_all", "count", lang),
        _col("conversion", "conversion", "rate", lang),
        _col("revenue", "revenue", "money", lang),
        _col("revenue_all", "revenue_all", "money", lang),
        _col("second_degree", "second_degree", "count", lang),
        _col("first_referral_at", "first_referral", "date", lang),
        _col("last_referral_at", "last_referral", "date", lang),
        _col("city", "city", "text", lang),
        _col("clinic", "clinic", "text", lang),
        _col("own_spend", "own_spend", "money", lang),
        _col("tier_label", "tier", "text", lang),
    )
    notes = (rule(report, lang), t("referrers.conversion_rule", lang), _privacy_note(report, lang))
    return Sheet(
        t("referrers.sheet.ranking", lang),
        ranking_frame(report, lang),
        columns,
        ranking_title(report, lang),
        tuple(n for n in notes if n),
    )


def weekly_sheet(report: ReferrersData, lang: str) -> Sheet:
    """The table beneath the referral-share chart: new customers and referred ones per week."""
    columns = (
        _col("week_start", "week", "date", lang),
        _col("new_customers", "new_customers", "count", lang),
        _col("referred", "referred_new", "count", lang),
        _col("share", "share", "rate", lang),
    )
    return Sheet(
        t("referrers.sheet.share", lang),
        report.weekly,
        columns,
        t("referrers.share", lang),
        (t("referrers.share_rule", lang),),
    )


def network_frame(report: ReferrersData, lang: str) -> pd.DataFrame:
    """The referred customers of the selected referrer (depth 1 and 2), with who brought them."""
    frame = report.network
    names = dict(zip(frame["id"], frame["name"], strict=True)) if not frame.empty else {}
    people = frame[frame["depth"] > 0]
    return people.assign(
        degree=[t(f"referrers.degree.{d}", lang) for d in people["depth"]],
        via=[names.get(p, "") for p in people["parent"]],
        status_label=[t(f"referrers.status.{s}", lang) for s in people["status"]],
        city=people[f"city_{lang}"] if not people.empty else [],
        clinic=people[f"clinic_{lang}"] if not people.empty else [],
    ).reset_index(drop=True)


def network_sheet(report: ReferrersData, lang: str) -> Sheet:
    """The follow-up list beneath the network chart: everyone the referrer brought, masked."""
    columns = (
        _col("degree", "degree", "text", lang),
        _col("customer_no", "customer_id", "text", lang),
        _col("name", "name", "text", lang),
        _col("phone", "phone", "text", lang),
        _col("via", "via", "text", lang),
        _col("status_label", "status", "text", lang),
        _col("created_at", "registered", "date", lang),
        _col("first_visit_on", "first_visit", "date", lang),
        _col("first_paid_at", "first_paid", "date", lang),
        _col("last_order_at", "last_order", "date", lang),
        _col("revenue", "revenue", "money", lang),
        _col("revenue_all", "revenue_all", "money", lang),
        _col("city", "city", "text", lang),
        _col("clinic", "clinic", "text", lang),
    )
    notes = (t("referrers.follow_up_rule", lang), _privacy_note(report, lang))
    return Sheet(
        t("referrers.sheet.network", lang),
        network_frame(report, lang),
        columns,
        t("referrers.follow_up", lang),
        tuple(n for n in notes if n),
    )


def _privacy_note(report: ReferrersData, lang: str) -> str:
    return t("referrers.masked", lang) if report.masked else ""


def sheets(report: ReferrersData, lang: str) -> list[Sheet]:
    """Exactly the tables the page shows: the ranking, the weekly share, the follow-up list."""
    return [ranking_sheet(report, lang), weekly_sheet(report, lang), network_sheet(report, lang)]


def network_messages(report: ReferrersData, lang: str) -> list[tuple[str, str]]:
    """What to say above the network: who is selected, or why nothing is shown (Markdown with
    the name and city escaped, and the Streamlit element to show it in)."""
    if report.referrer_ref is None:
        return []
    root = report.selected
    if root is None:
        # The typed number is the viewer's own text: shown literally, never as Markdown.
        return [(t_md("referrers.not_found", lang, id=report.referrer_ref), "warning")]
    row = report.ranking[report.ranking["referrer_id"] == report.referrer_id]
    city = root[f"city_{lang}"]
    if row.empty:
        out = [
            (
                t_md(
                    "referrers.selected_short",
                    lang,
                    who=root["name"],
                    id=root["customer_no"],
                    city=city,
                ),
                "caption",
            )
        ]
    else:
        r = row.iloc[0]
        who = f"#{int(r['rank'])} {root['name']}"
        text = t_md(
            "referrers.selected",
            lang,
            who=who,
            id=root["customer_no"],
            city=city,
            valid=int(r["valid"]),
            direct=int(r["referred_all"]),
            second=int(r["second_degree"]),
        )
        out = [(text, "markdown")]
    if not report.has_network:
        out.append((t("referrers.no_referrals", lang), "info"))
    if report.network_truncated:
        out.append((t("referrers.truncated", lang, n=rf.MAX_NETWORK_NODES), "info"))
    return out
