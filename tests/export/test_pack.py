"""The weekly pack: a cover (period, filters, scope, data as of, generated at, by whom) and one
worksheet per exported page of the registry holding exactly that page's tables for the week;
scope honoured; a page added to the registry alone appears in the pack."""

from datetime import date, datetime
from io import BytesIO

import pandas as pd
import pytest

from dashboard import audit, data, navigation
from dashboard.auth import Viewer
from dashboard.export import pack, service
from dashboard.export.formats import safe_sheet_name
from dashboard.export.sheet import Column, Sheet
from dashboard.filters import Filters, Scope, iso_week_range
from dashboard.i18n import t
from dashboard.reports.overview import load as overview
from dashboard.reports.overview import tables as overview_tables
from dashboard.reports.scorecard import load as scorecard_load
from dashboard.reports.weekly import load as weekly_load
from tests.export.expected import weekly_trends
from tests.export.helpers import assert_sheet, libreoffice_csv, open_workbook

WEEK = "2026-W46"
START, END = iso_week_range(2026, 46)


def cover_values(ws) -> dict[str, object]:
    return {r[0].value: r[1].value for r in ws.iter_rows(min_row=3) if r[0].value is not None}


def tables_by_row(ws) -> list:
    return sorted(ws.tables.values(), key=lambda tb: int(tb.ref.split(":")[0][1:]))


def build(viewer: Viewer, f: Filters, lang: str, audit_url=None):
    info = service.export_info(viewer, f, lang)
    buffer = BytesIO()
    result = service.pack(info, data.data_as_of().date(), buffer, audit_url, WEEK)
    return result, open_workbook(BytesIO(buffer.getvalue())), info


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pack_has_cover_and_every_page(duckdb_warehouse, lang, tmp_path):
    viewer = Viewer(user="cfo@clinic.example", role="finance", scope=Scope.all())
    f = Filters(START, END)
    audit_url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    result, wb, info = build(viewer, f, lang, audit_url)

    used = {t("export.cover.sheet", lang).lower()}
    exported = [p for p in navigation.PAGES if p.exports]
    titles = [safe_sheet_name(t(f"page.{p.id}", lang), used) for p in exported]
    assert result.included == tuple(p.id for p in exported)
    assert {p.id for p in navigation.PAGES} - set(result.included) == {"health", "audit", "loads"}
    assert wb.sheetnames == [t("export.cover.sheet", lang), *titles]

    cover = cover_values(wb.worksheets[0])
    assert wb.worksheets[0].cell(1, 1).value == t("export.pack.title", lang)
    assert WEEK in cover[t("export.cover.period", lang)]
    assert str(START) in cover[t("export.cover.period", lang)]
    assert cover[t("filters.cities", lang)] == t("filters.all", lang)
    assert cover[t("export.cover.scope", lang)] == t("export.cover.scope_all", lang)
    assert cover[t("export.cover.data_as_of", lang)] == data.data_as_of()
    assert isinstance(cover[t("export.cover.generated_at", lang)], datetime)
    assert cover[t("export.cover.generated_by", lang)].startswith("cfo@clinic.example")
    assert cover[t("export.cover.personal", lang)] == t("export.cover.masked", lang)

    for page, title in zip(exported, titles, strict=True):
        ws = wb[title]
        assert ws.cell(1, 1).value.startswith(t(f"page.{page.id}", lang))
        sheets, empty = pack.page_sheets(page, info, data.data_as_of().date())
        assert not empty
        tables = tables_by_row(ws)
        filled = [s for s in sheets if len(s.frame)]
        assert len(tables) == len(filled), page.id
        for table, sheet in zip(tables, filled, strict=True):
            assert_sheet(ws, sheet, int(table.ref.split(":")[0][1:]))

    events = audit.read(audit_url)
    assert events.iloc[0].event == "export" and events.iloc[0].what == f"pack:{WEEK}"
    assert events.iloc[0].user == "cfo@clinic.example"
    assert events.iloc[0].rows == result.workbook.rows > 0

    if lang == "zh":
        path = tmp_path / "pack.xlsx"
        service.pack(info, data.data_as_of().date(), path, None, WEEK)
        read = libreoffice_csv(path, tmp_path / "csv")
        assert set(read) == set(wb.sheetnames)


def test_region_lead_pack_shows_only_their_city(duckdb_warehouse, raw):
    zz = int(raw["cities"].loc[raw["cities"].name_en == "Zhengzhou", "city_id"].iloc[0])
    lead = Viewer(user="lead@clinic.example", role="region_lead", scope=Scope(frozenset({zz})))
    # A pick of a city outside the scope must not widen it.
    sh = int(raw["cities"].loc[raw["cities"].name_en == "Shanghai", "city_id"].iloc[0])
    f = Filters(START, END, cities=(sh,))
    _, wb, _ = build(lead, f, "en")
    cover = cover_values(wb.worksheets[0])
    assert cover[t("export.cover.scope", "en")] == "Zhengzhou"
    assert cover[t("export.cover.personal", "en")] == t("export.cover.personal_shown", "en")
    want = weekly_trends(raw, Filters(START, END, cities=(zz,)))
    kpis, _ = overview_tables.sheets(overview.load(f, lead.scope), "en")
    ws = wb[t("page.overview", "en")]
    first = tables_by_row(ws)[0]
    header = int(first.ref.split(":")[0][1:])
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(header + 1, header + 10)}
    assert values[t("kpi.arrivals", "en")] == want.arrivals.sum()
    assert values[t("kpi.revenue", "en")] == pytest.approx(want.revenue.sum())
    assert (
        kpis.frame.set_index("kpi").loc[t("kpi.arrivals", "en"), "current"] == want.arrivals.sum()
    )


def test_a_page_added_to_the_registry_is_in_the_pack(duckdb_warehouse, monkeypatch):
    """The pack iterates the registry alone: a new entry's build and tables make its sheet."""
    seen = []

    def build_ghost(ctx):
        seen.append(ctx)
        return ("ghost report", ctx.filters.start)

    def ghost_tables(report, lang):
        frame = pd.DataFrame({"day": [report[1]], "n": [7]})
        columns = (Column("day", "Day", "date"), Column("n", "N", "count"))
        return [Sheet("ghost", frame, columns, title=f"Ghost ({lang})")]

    ghost = navigation.PageSpec(
        "ghost", "pages/ghost.py", "management", "", build_ghost, ghost_tables
    )
    hidden = navigation.PageSpec(
        "hidden", "pages/hidden.py", "management", "", build_ghost, ghost_tables, exports=False
    )
    monkeypatch.setattr(navigation, "PAGES", (navigation.PAGES[0], ghost, hidden))
    viewer = Viewer(user="x@clinic.example", role="admin", scope=Scope.all())
    result, wb, _ = build(viewer, Filters(START, END, specialties=("eye",)), "en")
    assert result.included == ("overview", "ghost")
    assert wb.sheetnames == [t("export.cover.sheet", "en"), t("page.overview", "en"), "ghost"]
    assert len(seen) == 1 and seen[0].filters.start == START and seen[0].lang == "en"
    assert seen[0].scope == Scope.all() and seen[0].data_end == data.data_as_of().date()
    ws = wb["ghost"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Ghost (en)" in values and 7 in values
    texts = [c.value for row in wb.worksheets[0].iter_rows() for c in row if c.value]
    assert t("specialty.eye", "en") in texts


def test_target_period_and_review_week():
    assert scorecard_load.target_period(Filters(START, END)) == ("week", WEEK)
    assert scorecard_load.target_period(Filters(date(2026, 10, 1), date(2026, 10, 31))) == (
        "month",
        "2026-10",
    )
    assert scorecard_load.target_period(Filters(date(2026, 10, 5), date(2026, 10, 20))) == (
        "month",
        "2026-10",
    )
    assert weekly_load.review_week(Filters(START, END), date(2026, 11, 20)).code == WEEK
    assert weekly_load.review_week(Filters(START, END), date(2026, 11, 12)).code == "2026-W45"
