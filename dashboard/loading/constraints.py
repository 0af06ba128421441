"""Checks derived from the schema's declarations: unique keys, enumerations, references.

Nothing here names a table: primary keys, ``unique`` columns, foreign keys and ``ENUMS``
come from ``dashboard.schema``, plus the one reference SQLAlchemy cannot declare on these
tables (an exposure's variant must be a variant of its experiment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.loading.existing import ExistingWarehouse
from dashboard.loading.problems import Problems, show_key, show_value
from dashboard.loading.tables import TableData


@dataclass(frozen=True)
class Reference:
    """Rows of ``child`` whose ``columns`` must match a row of ``parent``'s ``parent_columns``."""

    child: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


# References on top of the declared foreign keys (composite, so not declarable as a column
# ForeignKey without a unique constraint the DuckDB warehouse does not keep).
EXTRA_REFERENCES = (
    Reference(
        "experiment_exposures",
        ("experiment_id", "variant_code"),
        "experiment_variants",
        ("experiment_id", "variant_code"),
    ),
    # An outcome belongs to an exposed unit of its experiment and to one of its metrics.
    Reference(
        "experiment_outcomes",
        ("experiment_id", "unit_id"),
        "experiment_exposures",
        ("experiment_id", "unit_id"),
    ),
    Reference(
        "experiment_outcomes",
        ("experiment_id", "metric_code"),
        "experiment_metrics",
        ("experiment_id", "metric_code"),
    ),
)


def references() -> list[Reference]:
    """Every reference to check: the schema's foreign keys, then the extra composite ones."""
    found = []
    for name in schema.TABLE_ORDER:
        for fk in schema.table(name).foreign_key_constraints:
            if fk.referred_table.name in schema.BUILT_TABLES:
                continue  # the writer builds the calendar to cover every date: always resolves
            found.append(
                Reference(
                    child=name,
                    columns=tuple(fk.column_keys),
                    parent=fk.referred_table.name,
                    parent_columns=tuple(e.column.name for e in fk.elements),
                )
            )
    return found + list(EXTRA_REFERENCES)


# Keys the schema does not declare but the statistics need: an experiment's unit is exposed
# once, to one variant. Page-view logs repeat units, and a unit counted twice (or in two
# variants after a deploy) moves every p-value; refused, so the source is de-duplicated by a
# rule its owner chooses rather than one guessed here.
EXTRA_KEYS: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "experiment_exposures": [(("experiment_id", "unit_id"), "load.duplicate_unit")],
}


def key_sets(name: str) -> list[tuple[tuple[str, ...], str]]:
    """Column sets of a table that must be unique (primary key, ``unique`` columns, EXTRA_KEYS),
    each with the catalogue key of its message."""
    declared = schema.table(name)
    sets = [tuple(c.name for c in declared.primary_key.columns)]
    sets += [(c.name,) for c in declared.columns if c.unique]
    keyed = [(s, "load.duplicate_key") for s in sets if s]
    return keyed + EXTRA_KEYS.get(name, [])


def check_unique(data: TableData, problems: Problems) -> None:
    """Report every row whose key repeats an earlier row's key, naming the earlier row."""
    for cols, code in key_sets(data.name):
        mask = data.clean(*cols) & data.frame[list(cols)].notna().all(axis=1).to_numpy()
        if not mask.any():
            continue
        keys = data.frame.loc[mask, list(cols)].assign(_row=data.rows[mask])
        later = keys.duplicated(subset=list(cols), keep="first").to_numpy()
        if not later.any():
            continue
        firsts = keys[~keys.duplicated(subset=list(cols), keep="first")]
        repeats = keys[later].merge(firsts, on=list(cols), how="left", suffixes=("", "_first"))
        shown = repeats.head(problems.max_per_kind)
        problems.add_rows(
            data.file,
            ", ".join(cols),
            code,
            repeats["_row"].to_numpy(),
            per_row={
                "ref": [_describe(shown.iloc[i], cols) for i in range(len(shown))],
                "first_row": shown["_row_first"].tolist(),
            },
        )


def check_enums(data: TableData, problems: Problems) -> None:
    """Report values of enumerated columns that are not among the allowed values."""
    for (name, col), allowed in schema.ENUMS.items():
        if name != data.name or not data.has(col):
            continue
        series = data.frame[col]
        mask = data.clean(col) & series.notna().to_numpy() & ~series.isin(allowed).to_numpy()
        hit = np.flatnonzero(mask)
        problems.add_rows(
            data.file,
            col,
            "load.bad_enum",
            data.rows[hit],
            per_row={"value": [show_value(v) for v in series.iloc[hit[: problems.max_per_kind]]]},
            allowed=", ".join(allowed),
        )


def check_references(
    incoming: dict[str, TableData],
    unreadable: set[str],
    existing: ExistingWarehouse,
    problems: Problems,
) -> None:
    """Every reference of an incoming table must resolve: in the folder, else the warehouse.

    Then the other way round: tables kept from the warehouse must still resolve against the
    tables this load replaces, or the load would leave them pointing at nothing.
    """
    # Rows already reported as dangling, per table: an exposure whose experiment does not
    # exist is not reported a second time for its (experiment, variant) pair.
    dangling: dict[str, np.ndarray] = {}
    for ref in references():
        child = incoming.get(ref.child)
        if child is None or ref.parent in unreadable or not child.has(*ref.columns):
            continue
        seen = dangling.setdefault(ref.child, np.zeros(len(child), dtype=bool))
        _check_forward(ref, child, incoming, existing, problems, seen)
    for ref in references():
        parent = incoming.get(ref.parent)
        if parent is None or ref.child in incoming or ref.child in unreadable:
            continue
        if not parent.has(*ref.parent_columns):
            continue
        _check_backward(ref, parent, existing, problems)


def _check_forward(ref, child, incoming, existing, problems, seen) -> None:
    cols = list(ref.columns)
    mask = child.clean(*cols) & child.frame[cols].notna().all(axis=1).to_numpy() & ~seen
    if not mask.any():
        return
    parent = incoming.get(ref.parent)
    if parent is not None:
        if not parent.has(*ref.parent_columns):
            return
        targets = _incoming_keys(parent, ref.parent_columns)
        code, where = "load.dangling_incoming", parent.file
    else:
        targets = existing.keys(ref.parent, ref.parent_columns)
        has_data = len(targets) > 0
        code = "load.dangling_existing" if has_data else "load.dangling_nothing"
        where = ref.parent
    values = child.frame.loc[mask, cols]
    found = _contains(targets, values, ref.parent_columns)
    hit = np.flatnonzero(mask)[~found]
    seen[hit] = True
    shown = values[~found].head(problems.max_per_kind)
    problems.add_rows(
        child.file,
        ", ".join(cols),
        code,
        child.rows[hit],
        per_row={"ref": [_describe(shown.iloc[i], cols) for i in range(len(shown))]},
        parent=ref.parent,
        where=where,
        target=", ".join(ref.parent_columns),
    )


def _check_backward(ref, parent, existing, problems) -> None:
    if ref.child not in existing.tables():
        return
    used = existing.keys(ref.child, ref.columns)
    if used.empty:
        return
    targets = _incoming_keys(parent, ref.parent_columns)
    used = used.set_axis(list(ref.parent_columns), axis=1)
    found = _contains(targets, used, ref.parent_columns)
    missing = used[~found]
    if missing.empty:
        return
    missing = missing.sort_values(list(missing.columns), ignore_index=True)
    examples = "; ".join(
        _describe(missing.iloc[i], ref.parent_columns) for i in range(3) if i < len(missing)
    )
    problems.add(
        parent.file,
        None,
        ", ".join(ref.parent_columns),
        "load.orphaned_existing",
        child=ref.child,
        columns=", ".join(ref.columns),
        count=len(missing),
        examples=examples,
    )


def _incoming_keys(parent: TableData, columns: tuple[str, ...]) -> pd.DataFrame:
    cols = list(columns)
    mask = parent.clean(*cols) & parent.frame[cols].notna().all(axis=1).to_numpy()
    return parent.frame.loc[mask, cols]


def _contains(targets: pd.DataFrame, values: pd.DataFrame, target_cols) -> np.ndarray:
    """For each row of ``values``, whether ``targets`` holds the same key (positional columns)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if len(target_cols) == 1:
        return values.iloc[:, 0].isin(targets.iloc[:, 0]).to_numpy()
    left = pd.MultiIndex.from_frame(values.set_axis(list(target_cols), axis=1))
    right = pd.MultiIndex.from_frame(targets)
    return left.isin(right)


def _describe(row: pd.Series, cols) -> str:
    return ", ".join(f"{c} = {show_key(row.iloc[i])}" for i, c in enumerate(cols))
