"""The balanced scorecard page: model, load, tables and charts (no Streamlit here)."""
