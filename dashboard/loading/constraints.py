"""Checks derived from the schema's declarations: unique keys, enumerations, references.

Nothing here names a table: primary keys, ``unique`` columns, foreign keys and ``ENUMS``
come from ``dashboard.schema``, plus the one reference SQLAlchemy cannot declare on these
tables (an exposure's variant must be a variant of its experiment).

In append and upsert mode keys and references are checked on the merged table (kept
warehouse rows plus incoming rows, see ``dashboard.loading.merged``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.loading import merged
from dashboard.loading.existing import ExistingWarehouse
from dashboard.loading.merged import contains as _contains
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
# In append/upsert mode: the message of a key a kept warehouse row already holds, by the
# message of the same key repeated within the file.
IN_WAREHOUSE = {
    "load.duplicate_key": "load.key_in_warehouse",
    "load.duplicate_unit": "load.unit_in_warehouse",
}


def key_sets(name: str) -> list[tuple[tuple[str, ...], str]]:
    """Column sets of a table that must be unique (primary key, ``unique`` columns, EXTRA_KEYS),
    each with the catalogue key of its message."""
    declared = schema.table(name)
    sets = [tuple(c.name for c in declared.primary_key.columns)]
    sets += [(c.name,) for c in declared.columns if c.unique]
    keyed = [(s, "load.duplicate_key") for s in sets if s]
    return keyed + EXTRA_KEYS.get(name, [])


def check_unique(
    data: TableData,
    problems: Problems,
    existing: ExistingWarehouse | None = None,
    *,
    mode: str = "replace",
) -> None:
    """Report every row whose key repeats an earlier row's key, naming the earlier row; in
    append/upsert mode also keys the warehouse already holds (``existing`` needed then)."""
    _check_unique_in_file(data, problems)
    if merged.is_merge(mode):
        if existing is None:
            raise ValueError(f"check_unique in {mode} mode needs the existing warehouse")
        _check_unique_in_warehouse(data, existing, problems, mode)


def _check_unique_in_file(data: TableData, problems: Problems) -> None:
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


def _check_unique_in_warehouse(
    data: TableData, existing: ExistingWarehouse, problems: Problems, mode: str
) -> None:
    """Append: an incoming primary key already in the warehouse. Both merge modes: another
    unique key (channels.code, an exposure's experiment and unit) held by a kept row."""
    pk = schema.primary_key(data.name)
    for cols, code in key_sets(data.name):
        if not data.has(*cols):
            continue
        # First occurrences only: a repeat within the file is reported as a duplicate.
        mask = data.clean(*cols) & data.frame[list(cols)].notna().all(axis=1).to_numpy()
        mask &= ~data.frame[list(cols)].duplicated(keep="first").to_numpy()
        if not mask.any():
            continue
        values = data.frame.loc[mask, list(cols)]
        match = {c: values[c] for c in cols}
        if cols == pk:
            if mode != "append":
                continue  # upsert: an incoming row with a warehouse key replaces that row
            found = _contains(existing.rows(data.name, cols, match), values, cols)
            _report_keys(problems, data, cols, "load.key_exists", mask, found, values)
            continue
        if not data.has(*pk):
            continue  # which rows are kept is unknown: missing key columns are reported
        # A kept row holding the value, under its own (other) primary key.
        held = merged.kept(data, existing, data.name, (*cols, *pk), match)
        owners = held.drop_duplicates(subset=list(cols)).set_axis(
            [*cols, *(f"_pk_{c}" for c in pk)], axis=1
        )
        found = _contains(held[list(cols)], values, cols)
        if not found.any():
            continue
        hit = values[found].merge(owners, on=list(cols), how="left")
        shown = hit.head(problems.max_per_kind)
        owner_cols = [f"_pk_{c}" for c in pk]
        other = [_describe(shown[owner_cols].iloc[i], pk) for i in range(len(shown))]
        held_code = IN_WAREHOUSE.get(code, "load.key_in_warehouse")
        _report_keys(problems, data, cols, held_code, mask, found, values, other=other)


def _report_keys(problems, data, cols, code, mask, found, values, other=None) -> None:
    hit = np.flatnonzero(mask)[found]
    shown = values[found].head(problems.max_per_kind)
    per_row = {"ref": [_describe(shown.iloc[i], cols) for i in range(len(shown))]}
    if other is not None:
        per_row["other"] = other
    problems.add_rows(data.file, ", ".join(cols), code, data.rows[hit], per_row=per_row)


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
    *,
    mode: str = "replace",
) -> None:
    """Every reference of an incoming table must resolve: in the folder, else the warehouse.

    Then the other way round: tables kept from the warehouse must still resolve against the
    tables this load replaces, or the load would leave them pointing at nothing. In append
    and upsert mode references resolve against the merged parent (kept rows plus incoming
    rows), and no row is deleted; only an upsert that changes a referenced non-key column
    of a parent row can leave kept rows pointing at nothing.
    """
    merging = merged.is_merge(mode)
    # Rows already reported as dangling, per table: an exposure whose experiment does not
    # exist is not reported a second time for its (experiment, variant) pair.
    dangling: dict[str, np.ndarray] = {}
    for ref in references():
        child = incoming.get(ref.child)
        if child is None or ref.parent in unreadable or not child.has(*ref.columns):
            continue
        seen = dangling.setdefault(ref.child, np.zeros(len(child), dtype=bool))
        if merging:
            _check_forward_merged(ref, child, incoming, existing, problems, seen)
        else:
            _check_forward(ref, child, incoming, existing, problems, seen)
    for ref in references():
        parent = incoming.get(ref.parent)
        if parent is None or ref.child in unreadable:
            continue
        if not parent.has(*ref.parent_columns):
            continue
        if mode == "upsert":  # append refuses a row with a warehouse key: nothing moves
            _check_moved(ref, parent, incoming.get(ref.child), existing, problems)
        elif not merging and ref.child not in incoming:
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
    _report_dangling(ref, child, mask, values, found, seen, problems, code, where)


def _report_dangling(ref, child, mask, values, found, seen, problems, code, where) -> None:
    """Report the child rows whose reference was not found (and mark them as reported)."""
    cols = list(ref.columns)
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


def _check_forward_merged(ref, child, incoming, existing, problems, seen) -> None:
    """A reference resolves against the incoming parent rows, else the kept warehouse rows
    (asked only about the values the child holds)."""
    cols = list(ref.columns)
    mask = child.clean(*cols) & child.frame[cols].notna().all(axis=1).to_numpy() & ~seen
    if not mask.any():
        return
    parent = incoming.get(ref.parent)
    if parent is not None and not parent.has(*ref.parent_columns):
        return
    values = child.frame.loc[mask, cols]
    found = np.zeros(len(values), dtype=bool)
    if parent is not None:
        found = _contains(_incoming_keys(parent, ref.parent_columns), values, ref.parent_columns)
    rest = values[~found].drop_duplicates()
    if len(rest):
        match = {p: rest[c] for c, p in zip(cols, ref.parent_columns, strict=True)}
        held = merged.kept(parent, existing, ref.parent, ref.parent_columns, match)
        found = found | _contains(held, values, ref.parent_columns)
    if parent is not None:
        code, where = "load.dangling_merged", parent.file
    else:
        has_data = existing.has_rows(ref.parent)
        code = "load.dangling_existing" if has_data else "load.dangling_nothing"
        where = ref.parent
    _report_dangling(ref, child, mask, values, found, seen, problems, code, where)


def _check_moved(ref, parent, child, existing, problems) -> None:
    """Upsert: an incoming parent row that changes the referenced columns of the row it
    replaces must not leave kept child rows pointing at the old values.

    Only a reference to columns other than the parent's primary key can break this way (a
    replaced row keeps its key); e.g. outcomes refer to an exposure's (experiment, unit).
    """
    pk = schema.primary_key(ref.parent)
    target = list(ref.parent_columns)
    if set(target) <= set(pk) or not parent.has(*pk):
        return
    new = parent.frame[[*pk, *target]].assign(_row=parent.rows)
    new = new[merged.usable(parent, *pk, *target)].drop_duplicates(subset=list(pk))
    if new.empty:
        return
    # The warehouse rows these incoming rows replace, with their current values.
    old = existing.rows(ref.parent, (*pk, *target), {c: new[c] for c in pk})
    if old.empty:
        return
    old = old.set_axis([*pk, *(f"_old_{c}" for c in target)], axis=1)
    pairs = new.merge(old, on=list(pk), how="inner")
    old_values = pairs[[f"_old_{c}" for c in target]].set_axis(target, axis=1)
    moved = ~_contains(new[target], old_values, target)  # nothing else brings the old value
    if moved.any():
        held = merged.kept(
            parent, existing, ref.parent, target, {c: old_values.loc[moved, c] for c in target}
        )
        moved &= ~_contains(held, old_values, target)
    if not moved.any():
        return
    lost = old_values[moved]
    # Kept child rows that still point at a lost value (an incoming child row with the old
    # value is a dangling reference, reported by the forward check).
    refers = {c: lost[p] for c, p in zip(ref.columns, target, strict=True)}
    children = merged.kept(child, existing, ref.child, ref.columns, refers)
    if children.empty:
        return
    children = children.set_axis(target, axis=1)
    counts = children.value_counts().rename("_count").reset_index()
    hits = (
        pairs[moved]
        .merge(
            counts.set_axis([*(f"_old_{c}" for c in target), "_count"], axis=1),
            on=[f"_old_{c}" for c in target],
            how="inner",
        )
        .sort_values("_row")
    )
    shown = hits.head(problems.max_per_kind)
    problems.add_rows(
        parent.file,
        ", ".join(target),
        "load.moves_referenced",
        hits["_row"].to_numpy(),
        per_row={
            "ref": [
                _describe(shown[[f"_old_{c}" for c in target]].iloc[i], target)
                for i in range(len(shown))
            ],
            "new": [_describe(shown[target].iloc[i], target) for i in range(len(shown))],
            "count": shown["_count"].astype(int).tolist(),
        },
        child=ref.child,
        columns=", ".join(ref.columns),
    )


def _incoming_keys(parent: TableData, columns: tuple[str, ...]) -> pd.DataFrame:
    cols = list(columns)
    mask = parent.clean(*cols) & parent.frame[cols].notna().all(axis=1).to_numpy()
    return parent.frame.loc[mask, cols]


def _describe(row: pd.Series, cols) -> str:
    return ", ".join(f"{c} = {show_key(row.iloc[i])}" for i, c in enumerate(cols))
