"""One name, one number (#22 item 8): where two pages count a shared word (arrivals, paid deals,
new customers, leads, bookings, inquiries) differently, their labels differ, in zh and en.

``SHOWN`` declares, per page, the catalogue key of each such label and the definition it
stands for; the AppTest runs collect the labels every page shows (metric cards and table
headers) and check that each declared label is really shown there, that no bare shared word
is shown undeclared, and that one label never stands for two definitions."""

from __future__ import annotations

from collections import defaultdict

import pytest

from dashboard.i18n import t
from tests.pages.apptest import open_page

# Definitions, by what is counted and when:
#   *_in_period: events that happened in the period (any lead's), by their time;
#   cohort_*: the leads created in the period that reached the stage within the window;
#   leads_created: every lead created in the period; new_leads: those of new (not returning)
#   people; new_customers: first paid order ever falls in the period.
SHOWN: dict[str, dict[str, str]] = {
    "overview": {
        "kpi.inquiries": "inquiries_in_period",
        "kpi.arrivals": "arrivals_in_period",
        "kpi.paid_deals": "paid_deals_in_period",
        "kpi.new_customers": "new_customers",
    },
    "weekly": {
        "kpi.inquiries": "inquiries_in_period",
        "kpi.arrivals": "arrivals_in_period",
        "kpi.paid_deals": "paid_deals_in_period",
        "kpi.new_customers": "new_customers",
    },
    "funnel": {
        "funnel.stage.leads": "leads_created",
        "funnel.stage.inquiries": "cohort_inquiries",
        "funnel.stage.bookings": "cohort_bookings",
        "funnel.stage.arrivals": "cohort_arrivals",
        "funnel.stage.paid_deals": "cohort_paid_deals",
    },
    "channels": {
        "kpi.new_customers": "new_customers",
        "channels.col.leads": "leads_created",
        "channels.col.new_leads": "new_leads",
    },
    "regions": {},  # its metrics are the registry's, chosen in a control (none bare)
    "scorecard": {},
}
# Bare words that would name a count without saying which: shown only where declared above.
BARE = {
    "zh": {"到院", "成交", "新客", "线索", "线索数", "预约", "咨询", "到院数", "成交数", "预约数"},
    "en": {"Arrivals", "Paid deals", "New customers", "Leads", "Bookings", "Inquiries"},
}
# Query parameters a page needs to show its declared labels (none: the default views do).
QUERY: dict[str, dict[str, str]] = {}


def _labels(at) -> set[str]:
    """The KPI labels a run shows: metric card titles and table column headers."""
    out = {str(m.label) for m in at.metric}
    for df in at.dataframe:
        out.update(str(c) for c in df.value.columns)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_label_never_names_two_definitions(lang):
    meaning: dict[str, set[str]] = defaultdict(set)
    for shown in SHOWN.values():
        for key, definition in shown.items():
            meaning[t(key, lang)].add(definition)
    clashes = {label: defs for label, defs in meaning.items() if len(defs) > 1}
    assert not clashes
    # The two arrivals (and the other counts) are named apart, in both languages.
    for stage in ("inquiries", "bookings", "arrivals", "paid_deals"):
        assert t(f"kpi.{stage}", lang) != t(f"funnel.stage.{stage}", lang)
    assert t("kpi.arrivals", lang) == {"zh": "期间到院数", "en": "Arrivals in the period"}[lang]
    assert t("funnel.stage.arrivals", lang) == {"zh": "队列到院", "en": "Cohort arrivals"}[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_shows_its_declared_labels_and_no_bare_word(duckdb_warehouse, lang):
    collected: dict[str, set[str]] = {}
    for page, shown in SHOWN.items():
        at = open_page(page, lang, timeout=120, **QUERY.get(page, {}))
        assert not at.exception, (page, [e.value for e in at.exception])
        labels = collected[page] = _labels(at)
        for key in shown:
            assert t(key, lang) in labels, (page, key, sorted(labels))
        declared = {t(key, lang) for key in shown}
        assert not (labels & BARE[lang]) - declared, page
    # Across pages: a label shown on two pages is declared with one definition on both.
    meaning: dict[str, set[str]] = defaultdict(set)
    for page, labels in collected.items():
        for key, definition in SHOWN[page].items():
            if t(key, lang) in labels:
                meaning[t(key, lang)].add(definition)
    assert all(len(defs) == 1 for defs in meaning.values()), meaning
    # The explanation sits where the number is shown: the overview's card help and the funnel.
    assert t("funnel.stage.arrivals", lang) in t("kpi_help.arrivals", lang)
