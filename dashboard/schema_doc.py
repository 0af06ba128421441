"""Render the data model (dashboard/schema.py) as the README's Markdown tables."""

from __future__ import annotations

from dashboard import schema
from dashboard.loading.keys import is_key

TABLE_NOTES = {
    "calendar_overrides": "File `calendar.csv`, optional: flags of the days it lists replace the holiday library's in the `calendar` the warehouse builds (see Bring your own data); empty cells keep the library's.",
    "cities": "Cities with tier, region and coordinates.",
    "clinics": "Clinics with city, specialty, doctors and staff.",
    "channels": "Acquisition channels; `kind = referral` is old-brings-new (老带新).",
    "customers": "One row per customer. `name` and `phone` are personal data.",
    "leads": "One row per lead with the time it reached each funnel stage (null if never).",
    "channel_daily": "Daily impressions, clicks and spend per channel and clinic.",
    "orders": "Paid orders (deals and repeat purchases).",
    "experiments": "A/B tests: hypothesis, owner, dates, main metric.",
    "experiment_variants": "Variants of each experiment; exactly one control; planned traffic shares sum to 1.",
    "experiment_exposures": "One row per exposed unit: variant, outcome, value, guardrail event.",
    "experiment_metrics": "File `experiment_metrics.csv`, optional: further metrics of an experiment measured on the same exposures (e.g. day-1 and day-7 retention), each with its own statistics on the board; the main metric stays `experiments.metric`.",
    "experiment_outcomes": "File `experiment_outcomes.csv`, optional: one value per exposed unit and further metric (long format: one row per unit and metric). A unit without a row is not (yet) measured on that metric and is left out of its test.",
    "feedback": "Satisfaction per visit (1–5) with a problem category.",
    "staff_training": "Training hours per clinic and day.",
    "budgets": "Plan per month, city and category (4:3:3 of the non-reserve budget, 15% reserve).",
    "expenses": "Actual non-marketing costs per day, clinic and category.",
    "referral_rewards": "Rewards paid to referrers (red packets, vouchers, gifts): the referral channel's cost.",
    "scorecard_targets": "Targets per KPI, period and scope (chain, city, clinic); campaigns for north-star goals.",
}


def _type(col) -> str:
    return str(col.type).lower()


def render() -> str:
    """Markdown: one section per table with every column's type, key, nullability and meaning."""
    out: list[str] = []
    for name in schema.TABLE_ORDER:
        table = schema.table(name)
        out.append(f"### `{name}`\n\n{TABLE_NOTES.get(name, '')}\n")
        out.append("| column | type | key | required | meaning |")
        out.append("|---|---|---|---|---|")
        for col in table.columns:
            keys = []
            if col.primary_key:
                keys.append("PK")
            for fk in col.foreign_keys:
                keys.append(f"→ {fk.target_fullname}")
            if col.unique:
                keys.append("unique")
            meaning = col.comment or ""
            allowed = schema.ENUMS.get((name, col.name))
            if allowed:
                meaning = (meaning + "; " if meaning else "") + "one of " + ", ".join(allowed)
            if (name, col.name) in schema.OPEN_VOCABULARIES:
                zh, en = schema.OPEN_VOCABULARIES[(name, col.name)]
                reserved = schema.RESERVED_CODES.get((name, col.name))
                meaning += f"; any code, labels in `{zh}`/`{en}`"
                if reserved:
                    meaning += "; reserved: " + ", ".join(reserved)
            required = "yes" if not col.nullable else ""
            if (name, col.name) in schema.OMISSIBLE:
                required = "column may be left out"
            kind = _type(col)
            if is_key(name, col.name):
                # Files carry the source's own ids; the warehouse maps them to integers.
                kind = "id (text or number)"
            out.append(f"| `{col.name}` | {kind} | {' '.join(keys)} | {required} | {meaning} |")
        out.append("")
    return "\n".join(out)
