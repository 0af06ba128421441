"""The weekly review page (周例会): model, load, tables and charts (no Streamlit here)."""
