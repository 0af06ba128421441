"""The referrers page: model, load, tables and charts."""
