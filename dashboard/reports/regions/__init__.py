"""The regions page (the city lens): model, load, tables and charts (no Streamlit here)."""
