"""Pure metric logic: KPI definitions, ratios, comparisons. No Streamlit, no SQL."""
