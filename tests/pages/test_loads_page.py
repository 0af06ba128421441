"""The Load history page in AppTest: what an administrator sees, and that no other role gets it.

The warehouse is a DuckDB file holding the loads and the undo of tests/reports/
load_history_chain.py, written by the real writer; the page's table and file lists are checked
against what the chain wrote (counts by pandas, digests by hashlib). Only administrators may
read the history (as the audit log); analysts, who see data health, do not.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.auth import Viewer
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.settings import ROOT, Settings, duckdb_url
from dashboard.ui.context import _KEY as CONTEXT_KEY
from dashboard.ui.context import PageContext
from dashboard.warehouse import engine as wh
from tests.conftest import activate, use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text, open_page
from tests.reports import load_history_chain as chain

PAGE = str(ROOT / "pages" / "loads.py")
POLICY = (
    '[users."boss@clinic.example"]\nrole = "admin"\n'
    '[users."analyst@clinic.example"]\nrole = "analyst"\n'
    '[users."manager@clinic.example"]\nrole = "manager"\n'
)


@pytest.fixture(scope="module")
def history_file(tmp_path_factory):
    """A DuckDB warehouse with the chain's loads and undo, and the steps written."""
    folder = tmp_path_factory.mktemp("loads_page")
    settings = Settings(warehouse_url=duckdb_url(folder / "w.duckdb"))
    steps = chain.build(settings, folder / "in")
    yield settings, steps
    wh.dispose_all()


@pytest.fixture
def signin(history_file, tmp_path, monkeypatch):
    settings, steps = history_file
    activate(settings, monkeypatch)
    use_policy(tmp_path, monkeypatch, POLICY)
    return steps


def run_as(email: str, lang: str = "en", page: str | None = PAGE) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _files_shown(at: AppTest, step: chain.Step) -> None:
    files = at.dataframe[2].value
    expected = [(name, size, sha) for name, (size, sha) in sorted(step.files.items())]
    assert list(files.itertuples(index=False, name=None)) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_sees_every_load_and_its_files(signin, lang):
    steps = signin
    at = run_as("boss@clinic.example", lang)
    assert at.title[0].value == t("page.loads", lang)
    assert not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "opsdash undo" in captions and "undo_versions" in captions
    table = at.dataframe[0].value
    assert list(table.columns) == chain.HEADERS[lang]
    assert table.iloc[:, 0].tolist() == [s.batch for s in reversed(steps)]
    for (_, row), step in zip(table.iterrows(), reversed(steps), strict=True):
        assert row.iloc[3] == chain.MODE[lang][step.mode]
        assert row.iloc[4] == chain.status(step, steps, lang)
        if step.mode != "undo":
            assert row.iloc[6] == chain.SEP[lang].join(chain.phrases(step, lang))
        assert row.iloc[7] == (chain.short_files(step) or chain.DASH)
    # One load in detail, any of them: the newest first (the undo, which has no files).
    picker = at.selectbox(key="loads_batch")
    when = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    assert picker.options == [
        t(
            "loads.pick_label",
            lang,
            batch=s.batch,
            when=when[s.batch],
            mode=chain.MODE[lang][s.mode],
        )
        for s in reversed(steps)
    ]
    assert len(at.dataframe) == 2 and t("loads.no_files", lang) in [c.value for c in at.caption]
    for step in steps[1:-1]:  # the loads with files: their tables one per line, their files
        at.selectbox(key="loads_batch").select(step.batch).run()
        assert not at.exception
        assert at.dataframe[1].value.iloc[:, 0].tolist() == chain.phrases(step, lang)
        _files_shown(at, step)


def test_other_roles_do_not_get_it_listed(signin):
    for email in ("manager@clinic.example", "analyst@clinic.example"):
        at = run_as(email, page=None)
        # Not among the viewer's pages, so the page's script cannot be switched to.
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGE)
        assert t("loads.detail_title", "en") not in all_text(at)


def _run_script_as(role: str, lang: str) -> AppTest:
    """The page script alone (no entry script, no navigation) for a viewer of ``role``."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    viewer = Viewer(user="x@clinic.example", role=role, scope=Scope.all())
    period = Filters(start=date(2024, 1, 1), end=date(2024, 1, 31))
    at.session_state[CONTEXT_KEY] = PageContext(
        lang=lang, filters=period, scope=Scope.all(), data_end=None, viewer=viewer
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["analyst", "manager", "region_lead", "finance"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_script_refuses_other_roles_itself(signin, role, lang):
    """Server-side: even run directly, the page stops before reading the history."""
    at = _run_script_as(role, lang)
    assert [e.value for e in at.error] == [t("loads.only_admin", lang)]
    assert at.error[0].value == (
        "仅管理员可查看导入记录。"
        if lang == "zh"
        else "Only administrators can read the load history."
    )
    assert not at.dataframe and not at.selectbox


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_script_serves_admins(signin, lang):
    at = _run_script_as("admin", lang)
    assert not at.error
    assert at.dataframe[0].value.iloc[:, 0].tolist() == [s.batch for s in reversed(signin)]


def test_demo_mode_lists_the_page_as_for_admins(history_file, monkeypatch):
    """Without sign-in the viewer is an administrator (as for the audit page)."""
    activate(history_file[0], monkeypatch)
    at = open_page("loads", "en")
    assert not at.exception
    assert at.title[0].value == t("page.loads", "en")
    assert at.dataframe


def test_undo_off_is_said(history_file, monkeypatch):
    activate(history_file[0], monkeypatch)
    monkeypatch.setenv("OPSDASH_UNDO_VERSIONS", "0")
    data.settings.cache_clear()
    try:
        at = open_page("loads", "en")
    finally:
        data.settings.cache_clear()  # the next test reads undo_versions unset again
    assert not at.exception
    assert t("loads.undo_off", "en") in [c.value for c in at.caption]
