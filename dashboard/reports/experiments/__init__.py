"""The A/B red-black board page (效果红黑榜): model, load, tables and charts (no Streamlit here)."""
