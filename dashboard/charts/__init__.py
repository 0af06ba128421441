"""Chart builders: take frames, return Plotly figures; never call Streamlit."""
