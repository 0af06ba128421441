"""Chart builders of the referrers and members pages: figures build, no NaN/inf, labels translated."""

from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from dashboard.reports.members import charts as mc
from dashboard.reports.referrers import charts as rc


def _finite(fig) -> None:
    spec = json.loads(fig.to_json())
    for trace in spec["data"]:
        for key in ("x", "y", "z", "values"):
            values = trace.get(key)
            if isinstance(values, list):
                flat = [v for row in values for v in (row if isinstance(row, list) else [row])]
                assert not any(isinstance(v, float) and not math.isfinite(v) for v in flat), key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_share_chart_handles_a_week_without_new_customers(lang):
    weekly = pd.DataFrame(
        {
            "week_start": [date(2026, 10, 5), date(2026, 10, 12)],
            "new_customers": [10, 0],
            "referred": [4, 0],
            "share": [0.4, None],
        }
    )
    fig = rc.share_chart(weekly, lang)
    names = [tr.name for tr in fig.data]
    assert t("referrers.chart.share", lang) in names
    _finite(fig)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_network_chart_labels_are_the_given_names(lang):
    tree = pd.DataFrame(
        {
            "id": ["1", "2", "3"],
            "parent": ["", "1", "2"],
            "depth": [0, 1, 2],
            "status": ["registered", "paid", "arrived"],
            "size": [3, 2, 1],
            "name": ["张*丰", "李*", "王*明"],
        }
    )
    fig = rc.network_chart(tree, lang)
    sunburst = fig.data[0]
    assert list(sunburst.labels) == ["张*丰", "李*", "王*明"]
    assert list(sunburst.parents) == ["", "1", "2"]
    assert t("referrers.status.paid", lang) in [tr.name for tr in fig.data[1:]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_member_charts_build(lang):
    stages = pd.DataFrame({"stage": list(lc.STAGES), "customers": [5, 4, 3, 2, 1]})
    _finite(mc.stage_bars(stages, lang))
    snaps = [date(2026, 9, 30), date(2026, 10, 31)]
    flows = pd.DataFrame(
        {
            "start": [snaps[0], snaps[0]],
            "end": [snaps[1], snaps[1]],
            "from_stage": ["none", "new"],
            "to_stage": ["new", "active"],
            "customers": [3, 5],
        }
    )
    sankey = mc.flows_sankey(flows, snaps, lang).data[0]
    assert t("members.stage.none", lang) in sankey.node.label
    assert sum(sankey.link.value) == 8
    window = lc.cohort_window(date(2026, 9, 1), date(2026, 11, 15))
    cohorts = lc.retention_table(
        pd.DataFrame(
            {
                "first_month": [window.first] * 3,
                "months_since": [0, 1, 2],
                "customers": [8, 2, 4],
            }
        ),
        window,
        date(2026, 11, 15),
    )
    heat = mc.retention_heatmap(cohorts, lang).data[0]
    assert len(heat.y) == 3 and len(heat.x) == 2
    # September: October 25%, November (in progress) 50%*; November's cohort is still growing.
    assert list(heat.text[0]) == ["25%", "50%*"]
    assert list(heat.text[2]) == ["", ""] and heat.y[2].startswith("2026-11*")
    tiers = pd.DataFrame(
        {"tier": list(lc.TIERS), "share": [0.1, None, 0.9], "ltv_share": [0.5, None, 0.5]}
    )
    _finite(mc.tier_bars(tiers, lang))
