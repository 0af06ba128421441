"""The funnel page: model, load, tables and charts."""
