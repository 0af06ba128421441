"""The member lifecycle page: model, load, tables and charts."""
