"""The data-health page (数据体检): model, load, checks and tables (no Streamlit here)."""
