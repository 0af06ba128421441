"""Per-page packages (``dashboard/reports/<page>/``: model, load, tables, charts) and the helpers
they share (frame, kpis, sheet_display, targets_text). No Streamlit here.

A page's ``load.load(filters, scope, ...)`` returns the frozen dataclass of its ``model``, which
the page renders and the Excel export writes through its ``tables.sheets(report, lang)``.
"""
