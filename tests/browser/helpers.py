"""Helpers for the browser tests: URLs, waiting for Streamlit, reading the page."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

from dashboard import data
from dashboard.filters import Filters, Scope, preset_range
from dashboard.i18n import t
from dashboard.navigation import PAGES

# Re-exported so the tests reach everything through ``helpers as h``.
from tests.browser.console import ConsoleLog  # noqa: F401
from tests.browser.shown import DASH, assert_shown, parse_shown  # noqa: F401

LANGS = ("zh", "en")
PAGE_IDS = tuple(p.id for p in PAGES)
DEFAULT_PAGE = "overview"  # dashboard/app.py marks it default=True: Streamlit serves it at "/"

APP = '[data-testid="stApp"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
EXCEPTION = '[data-testid="stException"]'


def page_path(page_id: str) -> str:
    """The URL path of a page: its id, except the default page which Streamlit serves at /.

    (/overview is not a route: Streamlit falls back to the main page and logs a console error.)
    """
    return "/" if page_id == DEFAULT_PAGE else f"/{page_id}"


def page_url(base: str, page_id: str, lang: str, **query: str) -> str:
    """The deep link to a page in a language, with further (label-valued) query parameters."""
    return f"{base}{page_path(page_id)}?{urlencode({'lang': lang, **query})}"


def query_of(url: str) -> dict[str, list[str]]:
    """The query parameters of a URL."""
    return parse_qs(urlsplit(url).query)


# --- waiting ---------------------------------------------------------------------------------


def wait_idle(page, title: str | None = None, timeout: float = 120) -> None:
    """Wait until Streamlit has finished: connected, script not running, nothing stale or
    still loading, the status widget gone, the DOM settled, and (if given) the page title
    ``h1`` showing."""
    deadline = time.monotonic() + timeout
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]', timeout=timeout * 1e3)
    if title is not None:
        page.wait_for_function(
            "t => Array.from(document.querySelectorAll('h1')).some(h => h.innerText.trim() === t)",
            arg=title,
            timeout=timeout * 1e3,
        )
    stable, last = 0, None
    while stable < 3:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the app did not settle within {timeout:.0f} s ({page.url})")
        state = page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return [
                    app ? app.getAttribute('data-test-script-state') : null,
                    document.querySelectorAll('[data-testid="stStatusWidget"]').length,
                    document.querySelectorAll('[data-stale="true"]').length,
                    // Placeholders while an element's code is still being fetched.
                    document.querySelectorAll(
                        '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]'
                    ).length,
                    document.querySelectorAll('*').length,
                ];
            }"""
        )
        script, status, stale, loading, count = state
        idle = script == "notRunning" and status == 0 and stale == 0 and loading == 0
        stable = stable + 1 if idle and count == last else 0
        last = count if idle else None
        time.sleep(0.25)


_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__opsdashRuns = 0;
    if (window.__opsdashObserver) window.__opsdashObserver.disconnect();
    window.__opsdashObserver = new MutationObserver(records => {
        window.__opsdashRuns += records.length;
    });
    window.__opsdashObserver.observe(app, {
        attributes: true, attributeFilter: ['data-test-script-state'],
    });
}"""


def rerun(page, action, title: str | None = None, timeout: float = 120) -> None:
    """Do ``action`` (a click, a pick) and wait for the script run it triggers to finish.

    The script state is watched from before the action, so a run that starts and ends between
    two polls is not missed and an idle page before the run is not mistaken for its end.
    """
    page.evaluate(_WATCH_RUNS)
    action()
    page.wait_for_function("() => window.__opsdashRuns > 0", timeout=timeout * 1e3)
    wait_idle(page, title, timeout)


def open_page(page, url: str, title: str, timeout: float = 120) -> None:
    """Navigate to ``url`` and wait until the page titled ``title`` has finished running."""
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page, title, timeout)


def exception_texts(page) -> list[str]:
    """The text of every exception element on the page."""
    return [e.inner_text() for e in page.locator(EXCEPTION).all()]


def first_alert(page) -> str:
    """The text of the first alert (info/warning/error box) in the main area, without its icon."""
    alert = page.locator(f'{MAIN} [data-testid="stAlertContainer"]').first
    return alert.locator('[data-testid="stMarkdownContainer"]').first.inner_text().strip()


def main_text(page) -> str:
    """All visible text of the main area."""
    return page.locator(MAIN).inner_text()


# --- reading widgets and elements --------------------------------------------------------------


def metrics(page) -> dict[str, tuple[str, str]]:
    """The main area's metric cards: label -> (value, delta) as displayed."""
    out = {}
    for card in page.locator(f'{MAIN} [data-testid="stMetric"]').all():
        label = card.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
        delta = card.locator('[data-testid="stMetricDelta"]')
        out[label] = (value, delta.inner_text().strip() if delta.count() else "")
    return out


def sidebar_nav(page) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sidebar navigation: [(section header, [(page title, URL path), ...]), ...]."""
    return [
        (s["header"], [tuple(link) for link in s["links"]])
        for s in page.evaluate(
            """() => Array.from(
                document.querySelectorAll('[data-testid="stSidebarNavItems"] > *')
            ).map(sec => {
                const text = el => el ? el.innerText.trim() : null;
                const header = sec.querySelector('[data-testid="stNavSectionHeader"]');
                return {
                    header: text(header && header.querySelector('[data-testid="stMarkdownContainer"]')),
                    links: Array.from(sec.querySelectorAll('a[data-testid="stSidebarNavLink"]')).map(
                        a => [text(a.querySelector('[data-testid="stMarkdownContainer"]')),
                              new URL(a.href).pathname]),
                };
            })"""
        )
    ]


def sidebar_widget(page, kind: str, label: str):
    """A sidebar widget (``stMultiSelect``, ``stSelectbox`` …) by its exact label."""
    widgets = page.locator(f'{SIDEBAR} [data-testid="{kind}"]')
    return widgets.filter(
        has=page.locator(
            '[data-testid="stWidgetLabel"]', has_text=re.compile(f"^{re.escape(label)}$")
        )
    )


def pick_option(page, widget, option: str) -> None:
    """Open a selectbox or multiselect and click the option with exactly this text."""
    box = widget.locator("input").first
    box.click()
    # Typing narrows the list as it does for a person; long lists are virtualised, so an
    # option far down may not be in the DOM until the list is filtered.
    box.press_sequentially(option)
    page.locator('[role="option"]').filter(
        has_text=re.compile(f"^{re.escape(option)}$")
    ).first.click()
    page.keyboard.press("Escape")


def multiselect_values(widget) -> list[str]:
    """The tags a multiselect shows."""
    tags = widget.locator(
        '[data-testid="stMultiSelectTagsContainer"] [data-testid="stMultiSelectTag"]'
    )
    if tags.count():
        return [x.strip() for x in tags.all_inner_texts()]
    # Fallback for Streamlit versions without a test id on the tag: its visible text.
    text = widget.locator('[data-testid="stMultiSelectTagsContainer"]').inner_text()
    return [x.strip() for x in text.splitlines() if x.strip()]


def selectbox_value(widget) -> str:
    """The option a selectbox shows."""
    box = widget.locator("input").first
    value = box.input_value()
    return value or widget.locator('[data-baseweb="select"], [role="combobox"]').first.inner_text()


def dataframe_rows(frame) -> list[dict[str, str]]:
    """The rendered cells of a st.dataframe, read from the grid's accessible table (the grid
    itself is drawn on a canvas): one dict per row, header -> displayed text."""
    headers = [h.strip() for h in frame.locator('[role="columnheader"]').all_inner_texts()]
    rows = []
    for row in frame.locator('tbody [role="row"]').all():
        cells = [c.strip() for c in row.locator('[role="gridcell"]').all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=False)))
    return rows


def dataframe_with_header(page, first_header: str):
    """The main area's st.dataframe whose first column header is ``first_header``."""
    for frame in page.locator(f'{MAIN} [data-testid="stDataFrame"]').all():
        headers = frame.locator('[role="columnheader"]').all_inner_texts()
        if headers and headers[0].strip() == first_header:
            return frame
    raise AssertionError(f"no table with first column {first_header!r} on {page.url}")


# --- views: filters computed independently of the page, and the URL that asks for them ----------

# (preset, city by English name, specialty): the default view and a narrowed one.
VIEWS = {
    "default": ("last_4_weeks", None, None),
    "narrowed": ("last_month", "Zhengzhou", "dental"),
}


def view_filters(view: str, lang: str) -> tuple[Filters, dict[str, str]]:
    """The filters of a view (computed independently of the page) and its URL parameters,
    which carry stable codes as the filter bar writes them (city id, preset and specialty
    codes); links with labels are accepted too (tests/browser/test_filters.py)."""
    preset, city_en, specialty = VIEWS[view]
    anchor: date = data.data_as_of().date()
    start, end = preset_range(preset, anchor)
    query = {"period": preset}
    cities: tuple[int, ...] = ()
    if city_en:
        frame = data.run("filter_cities", None, Scope.all())
        row = frame[frame["name_en"] == city_en].iloc[0]
        cities = (int(row["city_id"]),)
        query["city"] = str(int(row["city_id"]))
    if specialty:
        query["specialty"] = specialty
    filters = Filters(
        start=start, end=end, cities=cities, specialties=(specialty,) if specialty else ()
    )
    return filters, query


def title_of(page_id: str, lang: str) -> str:
    """The page's catalogue title, as its h1 and sidebar entry show it."""
    return t(f"page.{page_id}", lang)
