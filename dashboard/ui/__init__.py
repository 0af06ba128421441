"""The only Streamlit code outside pages/: the filter bar, page frame, and shared widgets."""

from dashboard.ui.context import PageContext, current
from dashboard.ui.frame import empty_state, guard, page_header, placeholder
from dashboard.ui.widgets import kpi_cards, show_table

__all__ = [
    "PageContext",
    "current",
    "empty_state",
    "guard",
    "kpi_cards",
    "page_header",
    "placeholder",
    "show_table",
]
