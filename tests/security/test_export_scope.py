"""City scope and masking in every export the product offers, read back cell by cell.

Exports: each page's workbook (the page's "Export to Excel" button: the page's sheets through
``service.page_bytes``), the weekly pack and both detail exports through ``opsdash export
--as USER``. Every cell of every produced workbook is read with openpyxl.

Properties, for random region-lead policies (hypothesis) whose requests also name other
cities (and sometimes other cities' clinics):
- no cell names another city or another city's clinic (cover, filters and scope included);
- each page's workbook equals an administrator's filtered to the cities the lead may see
  (so no row or total comes from elsewhere); the pack's headline totals and the detail
  exports' rows equal pandas over the raw rows of the allowed cities;
- the phones a lead sees belong to customers of the lead's cities;
- the command line refuses a city outside the scope without writing a file.
And for finance (no personal-data right): no raw customer phone in any cell of any export.
The allowed cities are computed from the raw city table, not by the product.
"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboard import cli, data, navigation
from dashboard.auth import Viewer
from dashboard.export import command, pack, service
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from tests.conftest import use_policy
from tests.export.expected import detail_leads, detail_orders, weekly_trends

START, END = date(2026, 10, 12), date(2026, 11, 15)
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LEAD = "lead@clinic.example"


@pytest.fixture
def policy_file(duckdb_warehouse, tmp_path, monkeypatch):
    """A policy file the test rewrites per example; the export command reads it per run."""
    return use_policy(tmp_path, monkeypatch)


def _write_policy(path: Path, lead_cities: list[str]) -> None:
    cities = ", ".join(f'"{c}"' for c in lead_cities)
    path.write_text(
        f'[users."{LEAD}"]\nrole = "region_lead"\ncities = [{cities}]\n'
        '[users."cfo@clinic.example"]\nrole = "finance"\n',
        encoding="utf-8",
    )


def workbook_cells(source) -> dict[str, list[list[object]]]:
    """Every sheet's rows of cell values."""
    wb = load_workbook(source, read_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    finally:
        wb.close()


def texts(sheets: dict[str, list[list[object]]]) -> list[str]:
    """Every cell as text (sheet names too)."""
    out = list(sheets)
    for rows in sheets.values():
        out.extend(str(v) for row in rows for v in row if v is not None)
    return out


def foreign_names(raw, allowed: set[int]) -> tuple[set[str], set[str]]:
    """Names (zh, en) of the cities and clinics outside ``allowed``."""
    cities = raw["cities"][~raw["cities"].city_id.isin(allowed)]
    clinics = raw["clinics"][~raw["clinics"].city_id.isin(allowed)]
    zh = set(cities.name_zh) | set(clinics.name_zh)
    en = set(cities.name_en) | set(clinics.name_en)
    return zh, en


def leaked_names(cells: list[str], raw, allowed: set[int]) -> list[tuple[str, str]]:
    zh, en = foreign_names(raw, allowed)
    patterns = [re.compile(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])") for n in sorted(en)]
    hits = []
    for text in set(cells):
        hits += [(n, text) for n in zh if n in text]
        hits += [(p.pattern, text) for p in patterns if p.search(text)]
    return hits


def raw_phones(cells: list[str], raw) -> set[str]:
    phones = set(raw["customers"].phone.astype(str))
    return {p for text in cells for p in PHONE.findall(text) if p in phones}


def own_phones(raw, allowed: set[int]) -> set[str]:
    """Phones of the customers of the allowed cities: living there, or with a lead or order
    at one of their clinics, or referred by such a customer."""
    customers, clinics = raw["customers"], raw["clinics"]
    local = set(clinics.loc[clinics.city_id.isin(allowed), "clinic_id"])
    ids = set(customers.loc[customers.home_city_id.isin(allowed), "customer_id"])
    ids |= set(raw["leads"].loc[raw["leads"].clinic_id.isin(local), "customer_id"].dropna())
    ids |= set(raw["orders"].loc[raw["orders"].clinic_id.isin(local), "customer_id"])
    ids |= set(customers.loc[customers.referrer_id.isin(ids), "customer_id"])
    return set(customers.loc[customers.customer_id.isin(ids), "phone"].astype(str))


def page_workbook(viewer: Viewer, filters: Filters, lang: str, page: pack.PackPage) -> dict:
    """The page's export as its button builds it: the page's sheets, through the service."""
    info = service.export_info(viewer, filters, lang)
    sheets, _ = pack.page_sheets(page, info, data.data_as_of().date())
    return workbook_cells(BytesIO(service.page_bytes(info, page.id, sheets, None)))


def export_cli(out: Path, lang: str, *args: str) -> int:
    argv = ["export", "--from", START.isoformat(), "--to", END.isoformat(), "--out", str(out)]
    return cli.main([*argv, "--lang", lang, *args])


def _ids(frame: pd.DataFrame, col: str, values) -> tuple[int, ...]:
    return tuple(int(i) for i in frame.loc[frame.name_en.isin(values), col])


def _detail_column(sheets: dict, kind: str, lang: str, label_key: str) -> list[object]:
    """One column of a detail export over all its sheets (``orders_1``, ``orders_2``, …)."""
    out: list[object] = []
    for name, rows in sheets.items():
        if not name.startswith(f"{kind}_"):
            continue
        col = rows[0].index(t(label_key, lang))
        # Read-only rows stop at their last written cell: a missing cell is empty.
        out += [r[col] if col < len(r) else None for r in rows[1:]]
    return out


def test_region_lead_exports_hold_only_their_cities(policy_file, raw, tmp_path):
    names = sorted(raw["cities"].name_en)
    cities = raw["cities"]
    admin = Viewer(user="boss@clinic.example", role="admin", scope=Scope.all())

    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        phases=(Phase.generate,),  # no shrinking: each example builds every export twice
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        lead_cities=st.sets(st.sampled_from(names), min_size=1, max_size=3),
        data_=st.data(),
        lang=st.sampled_from(["zh", "en"]),
    )
    def check(lead_cities, data_, lang):
        _write_policy(policy_file, sorted(lead_cities))
        allowed = set(_ids(cities, "city_id", lead_cities))
        others = [n for n in names if n not in lead_cities]
        asked_others = data_.draw(st.sets(st.sampled_from(others), min_size=1, max_size=2))
        asked_own = data_.draw(st.sets(st.sampled_from(sorted(lead_cities)), max_size=2))
        other_clinics = data_.draw(st.booleans())
        clinic_ids = ()
        if other_clinics:
            k = raw["clinics"]
            clinic_ids = tuple(
                int(c)
                for c in k.loc[k.city_id.isin(_ids(cities, "city_id", asked_others)), "clinic_id"]
            )[:2]

        viewer = command.viewer_for(data.settings(), LEAD, lang)
        assert viewer.scope.cities == allowed and viewer.can_see_personal
        asked = Filters(
            START,
            END,
            cities=_ids(cities, "city_id", sorted(asked_others) + sorted(asked_own)),
            clinics=clinic_ids,
        )
        # What the lead may see of that request: their own cities asked for, else all of them.
        same = Filters(
            START,
            END,
            cities=_ids(cities, "city_id", asked_own) or tuple(sorted(allowed)),
            clinics=clinic_ids,
        )
        seen_phones: set[str] = set()
        for page in navigation.exported():
            mine = page_workbook(viewer, asked, lang, page)
            cells = texts(mine)
            assert not leaked_names(cells, raw, allowed), (
                page.id,
                leaked_names(cells, raw, allowed)[:3],
            )
            seen_phones |= raw_phones(cells, raw)
            boss = page_workbook(admin, same, lang, page)
            cover = t("export.cover.sheet", lang)
            assert list(mine) == list(boss), page.id
            for name in mine:
                if name != cover:
                    assert mine[name] == boss[name], (page.id, name)

        # The command line: a city outside the scope is refused, nothing written, nothing named.
        refused = tmp_path / "refused.xlsx"
        asked_name = sorted(asked_others)[0]
        assert export_cli(refused, lang, "--as", LEAD, "--city", asked_name) == 2
        assert not refused.exists()

        # The weekly pack of the lead's scope: no foreign name, totals of the allowed cities.
        out = tmp_path / f"pack_{lang}.xlsx"
        assert export_cli(out, lang, "--as", LEAD) == 0
        sheets = workbook_cells(out)
        cells = texts(sheets)
        assert not leaked_names(cells, raw, allowed), leaked_names(cells, raw, allowed)[:3]
        seen_phones |= raw_phones(cells, raw)
        want = weekly_trends(raw, Filters(START, END, cities=tuple(sorted(allowed))))
        overview = sheets[t("page.overview", lang)]
        head = next(
            i for i, r in enumerate(overview) if r and r[0] == t("export.overview.kpi", lang)
        )
        kpis = {r[0]: r[1] for r in overview[head + 1 : head + 10]}
        assert kpis[t("kpi.arrivals", lang)] == want.arrivals.sum()
        assert kpis[t("kpi.revenue", lang)] == pytest.approx(want.revenue.sum())

        # Both detail exports: exactly the allowed cities' rows.
        scoped = Filters(START, END, cities=tuple(sorted(allowed)))
        for kind, expected, id_key in (
            ("orders", detail_orders(raw, scoped), "export.detail.order_id"),
            ("leads", detail_leads(raw, scoped), "export.detail.lead_id"),
        ):
            out = tmp_path / f"{kind}_{lang}.xlsx"
            assert export_cli(out, lang, "--as", LEAD, "--detail", kind) == 0
            sheets = workbook_cells(out)
            cells = texts(sheets)
            assert not leaked_names(cells, raw, allowed), leaked_names(cells, raw, allowed)[:3]
            seen_phones |= raw_phones(cells, raw)
            ids = [int(v) for v in _detail_column(sheets, kind, lang, id_key)]
            assert ids == expected[f"{kind[:-1]}_id"].astype(int).tolist(), kind
            city_col = "name_zh" if lang == "zh" else "name_en"
            allowed_names = set(cities.loc[cities.city_id.isin(allowed), city_col])
            assert set(_detail_column(sheets, kind, lang, "export.detail.city")) <= allowed_names

        stray = seen_phones - own_phones(raw, allowed)
        assert not stray, f"phones of other cities' customers: {sorted(stray)[:3]}"

    check()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_finance_exports_hold_no_phone(policy_file, raw, tmp_path, lang):
    _write_policy(policy_file, ["Zhengzhou"])
    viewer = command.viewer_for(data.settings(), "cfo@clinic.example", lang)
    assert not viewer.can_see_personal
    everything = Filters(START, END)
    found: dict[str, set[str]] = {}
    for page in navigation.exported():
        found[page.id] = raw_phones(texts(page_workbook(viewer, everything, lang, page)), raw)
    for what, extra in (
        ("pack", ()),
        ("orders", ("--detail", "orders")),
        ("leads", ("--detail", "leads")),
    ):
        out = tmp_path / f"{what}.xlsx"
        assert export_cli(out, lang, "--as", "cfo@clinic.example", *extra) == 0
        sheets = workbook_cells(out)
        found[what] = raw_phones(texts(sheets), raw)
        if what != "pack":
            # The detail's personal columns hold masked values only.
            names = set(raw["customers"].name.astype(str))
            shown = _detail_column(sheets, what, lang, "export.detail.customer_name")
            assert shown and not (set(shown) & names), what
    leaks = {k: sorted(v)[:3] for k, v in found.items() if v}
    assert not leaks, f"unmasked phones for finance: {leaks}"


def test_scorecard_of_a_lead_asking_for_another_city_is_their_own_city(duckdb_warehouse, raw):
    """Found by the property above: a pick of only out-of-scope cities fell back to the whole
    chain's targets (a chain total in a region lead's scorecard)."""
    from dashboard.reports.scorecard import load as scorecard_load

    cities = raw["cities"]
    own, other = _ids(cities, "city_id", ["Beijing"])[0], _ids(cities, "city_id", ["Changsha"])[0]
    end = data.data_as_of().date()
    opts = scorecard_load.options(
        Filters(START, END, cities=(other,)), Scope(frozenset({own})), end
    )
    assert opts.scopes[0] == f"city-{own}" and "chain" not in opts.scopes
    assert opts.default_scope == f"city-{own}"
    assert not any(code == f"city-{other}" for code in opts.scopes)
