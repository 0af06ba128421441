"""Warehouse access: the read-only engine, named SQL files, and the single writer."""
