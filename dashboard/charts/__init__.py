"""Shared chart pieces (theme, maps, trends): take frames, return Plotly/pydeck figures; never
call Streamlit. A page's own figures are in ``dashboard/reports/<page>/charts.py``."""
