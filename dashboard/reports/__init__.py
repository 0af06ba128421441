"""Per-page data assembly: run the page's named queries and compute its metrics.

Each module exposes ``load(filters, scope, ...)`` returning a frozen dataclass of frames
and numbers, which the page renders and the Excel export writes. No Streamlit here.
"""
