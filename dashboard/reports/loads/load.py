"""The load history page's data: the rows of ``load_batches`` through the cached data layer.

``opsdash loads`` does not come here (the data layer brings Streamlit): it reads the history
with ``dashboard.warehouse.undo.read_history`` and words it with ``loads.tables``.
"""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.filters import Scope
from dashboard.page_context import PageContext
from dashboard.warehouse import history


def load() -> pd.DataFrame:
    """The load history through the cached data layer, as ``history.frame`` gives it (newest first)."""
    rows = data.run("load_history", None, Scope.all())
    # A warehouse of an older version lacks the newer history columns: they read as empty.
    rows = rows.reindex(columns=history.COLUMNS)
    return history.frame(rows.itertuples(index=False, name=None))


def build(ctx: PageContext) -> pd.DataFrame:
    """The page's default view for the registry: the whole load history (admins only)."""
    return load()
