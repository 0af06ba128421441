"""External ids: the columns that hold them, and how a file's ids become the warehouse's integers.

Files carry ids as the source system writes them — ``00012345``, ``DD20261101-0001``, a UUID,
a WeChat openid — and every check runs on those texts, so messages name the user's own ids.
Only after every check passes are they turned into the warehouse's integer ids:

- an id already in ``key_map`` keeps the integer it got the first time (the same external id
  is the same entity in every later load);
- an id written as a plain whole number (``12345``: no sign, no leading zero) is its own
  integer, unless a text id already took that integer, so integer-keyed data (the sample
  chain, exports of older versions) needs no mapping rows at all;
- any other id gets the next integer above every id the table has ever used, and a new
  ``key_map`` row.

Integers keep joins as fast as before (text keys throughout would make every join of 10
million leads compare strings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dashboard import schema
from dashboard.loading.values import Issue

# The target scope of a scorecard target names a city or a clinic, depending on its kind.
SCOPE = ("scorecard_targets", "scope_id")
SCOPE_ENTITY = {"city": "cities", "clinic": "clinics"}
CHAIN_SCOPE_ID = "0"
_WHOLE = r"^(0|[1-9][0-9]{0,17})$"
_INT32_MAX = 2**31 - 1


def key_columns(table: str) -> dict[str, str]:
    """Columns of ``table`` that hold an entity's id, each with the entity table it names."""
    found: dict[str, str] = {}
    own = schema.ENTITY_IDS.get(table)
    if own:
        found[own] = table
    for fk in schema.table(table).foreign_key_constraints:
        parent = fk.referred_table.name
        if parent in schema.ENTITY_IDS and len(fk.column_keys) == 1:
            found[fk.column_keys[0]] = parent
    return found


def is_key(table: str, column: str) -> bool:
    """True when files write this column as an external id (text or number)."""
    return column in key_columns(table) or (table, column) == SCOPE


def parse_key(text: pd.Series) -> tuple[pd.Series, list[Issue]]:
    """Ids as written (stripped; '' = null); longer than the warehouse keeps is an issue."""
    text = text.reset_index(drop=True).astype(str)
    too_long = (text.str.len() > schema.EXTERNAL_ID_LENGTH).to_numpy()
    values = text.where((text != "").to_numpy() & ~too_long)
    issue = Issue(too_long, "load.key_too_long", {"limit": schema.EXTERNAL_ID_LENGTH})
    return values, [issue]


def as_written(declared: sa.Table, column: sa.Column, source, has_key_map: bool):
    """A column as files write it (an id through key_map, anything else as it is) and the FROM
    clause that yields it; ``has_key_map`` False for a warehouse from before key_map."""
    name = declared.name
    # The entity table the ids name: fixed by the column, or per row (a scope's kind).
    entity: sa.ColumnElement[Any] | str | None
    if (name, column.name) == SCOPE:
        entity = sa.case(
            *((declared.c.scope_kind == k, v) for k, v in SCOPE_ENTITY.items()),
            else_=None,
        )
    else:
        entity = key_columns(name).get(column.name)
    if entity is None:
        return column, source
    as_text = sa.case((column.is_(None), None), else_=sa.cast(column, sa.String))
    if not has_key_map:
        return as_text, source
    km = schema.key_map.alias(f"km_{column.name}")
    on = sa.and_(km.c.table_name == entity, km.c.internal_id == column)
    return sa.func.coalesce(km.c.external_id, as_text), source.outerjoin(km, on)


def plain_number(text: str) -> int | None:
    """The integer a plain whole-number id stands for (``12345``), else None (``0012``, ``A1``)."""
    return int(text) if re.fullmatch(_WHOLE, text) else None


def id_limit(entity: str) -> int:
    """The highest integer the entity table's id column holds."""
    column = schema.table(entity).c[schema.ENTITY_IDS[entity]]
    return _INT32_MAX if not isinstance(column.type, sa.BigInteger) else 2**63 - 1


def whole_numbers(values: pd.Series, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Which ids are plain whole numbers within ``limit``, and their integer values (0 if not)."""
    arr = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    plain = pc.fill_null(pc.match_substring_regex(arr, _WHOLE), False).to_numpy(
        zero_copy_only=False
    )
    numbers = np.zeros(len(values), dtype=np.int64)
    if plain.any():
        # At most 18 digits (the pattern): always within int64.
        where = np.flatnonzero(plain)
        numbers[where] = pc.cast(pc.filter(arr, pa.array(plain)), pa.int64()).to_numpy()
        over = numbers > limit
        plain &= ~over
        numbers[over] = 0
    return plain, numbers


@dataclass(frozen=True)
class Lookup:
    """External id -> integer id of one entity table."""

    index: pd.Index  # external ids with a known integer
    ids: np.ndarray  # their integers, aligned with ``index``
    taken: np.ndarray  # integers that text ids hold (so a plain number may not claim them)
    limit: int
    whole_numbers: bool  # a plain number not in ``index`` is its own integer

    def resolve(self, values: pd.Series) -> pd.Series:
        """Integer ids of ``values`` (null stays null); an unknown id raises KeyError."""
        out = np.zeros(len(values), dtype=np.int64)
        present = values.notna().to_numpy()
        pos = self.index.get_indexer(values.to_numpy(dtype=object, na_value=None))
        known = pos >= 0
        out[known] = self.ids[pos[known]]
        missing = present & ~known
        if missing.any() and self.whole_numbers:
            plain, numbers = whole_numbers(values, self.limit)
            own = missing & plain & ~np.isin(numbers, self.taken)
            out[own] = numbers[own]
            missing &= ~own
        if missing.any():
            raise KeyError(str(values[missing].iloc[0]))
        return pd.Series(pd.array(out, dtype="Int64")).where(present, pd.NA)


def _stored(existing, entity: str) -> tuple[pd.DataFrame, int]:
    """The key_map rows of ``entity`` and the highest integer its table has used."""
    mapped = existing.key_map(entity)
    top = max(existing.max_id(entity), int(mapped["internal_id"].max()) if len(mapped) else 0)
    return mapped, top


def allocate(entity: str, external: pd.Series, existing) -> tuple[Lookup, pd.DataFrame]:
    """Integer ids for an incoming entity table's (unique) external ids, and the new key_map rows."""
    mapped, top = _stored(existing, entity)
    limit = id_limit(entity)
    old = pd.Index(mapped["external_id"].astype(str))
    taken = mapped["internal_id"].to_numpy(dtype=np.int64)
    ext = external.reset_index(drop=True)
    ids = np.zeros(len(ext), dtype=np.int64)
    pos = old.get_indexer(ext.to_numpy(dtype=object))
    known = pos >= 0
    ids[known] = taken[pos[known]]
    plain, numbers = whole_numbers(ext, limit)
    own = ~known & plain & ~np.isin(numbers, taken)
    ids[own] = numbers[own]
    rest = ~known & ~own
    start = max(top, int(ids.max()) if len(ids) else 0) + 1
    ids[rest] = np.arange(start, start + int(rest.sum()), dtype=np.int64)
    if rest.any() and ids[rest].max() > limit:
        raise OverflowError(f"{entity}: more ids than the warehouse's integer column holds")
    fresh = pd.DataFrame(
        {
            "table_name": entity,
            "external_id": ext[rest].astype(str).to_numpy(),
            "internal_id": ids[rest],
        }
    )
    # Every incoming id is now in the index: references to a replaced table resolve only
    # against its incoming rows (the checks made sure they do).
    lookup = Lookup(pd.Index(ext.astype(str)), ids, np.array([], np.int64), limit, False)
    return lookup, fresh


def stored_lookup(entity: str, existing) -> Lookup:
    """The warehouse's mapping of a table the load keeps."""
    mapped, _ = _stored(existing, entity)
    ids = mapped["internal_id"].to_numpy(dtype=np.int64)
    return Lookup(pd.Index(mapped["external_id"].astype(str)), ids, ids, id_limit(entity), True)


def with_stored(incoming: Lookup, entity: str, existing) -> Lookup:
    """An appended or upserted table's lookup: its incoming ids, then the rows it keeps."""
    stored = stored_lookup(entity, existing)
    both = pd.DataFrame(
        {
            "external": [*stored.index, *incoming.index],
            "internal": np.concatenate([stored.ids, incoming.ids]),
        }
    ).drop_duplicates("external", keep="last")
    return Lookup(
        pd.Index(both["external"]),
        both["internal"].to_numpy(dtype=np.int64),
        both["internal"].to_numpy(dtype=np.int64),
        stored.limit,
        True,
    )


def to_internal(
    frames: dict[str, pd.DataFrame], existing, merge: bool = False
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Frames whose id columns hold the warehouse's integers, and the key_map rows to add.

    ``merge``: the frames add to their tables (append, upsert), so a reference may point at a
    kept row as well as at an incoming one.
    """
    lookups: dict[str, Lookup] = {}
    fresh: list[pd.DataFrame] = []
    for entity, column in schema.ENTITY_IDS.items():
        if entity in frames:
            lookups[entity], rows = allocate(entity, frames[entity][column], existing)
            if merge:
                lookups[entity] = with_stored(lookups[entity], entity, existing)
            fresh.append(rows)

    def lookup(entity: str) -> Lookup:
        if entity not in lookups:
            lookups[entity] = stored_lookup(entity, existing)
        return lookups[entity]

    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        frame = frame.copy(deep=False)
        for column, entity in key_columns(name).items():
            if column in frame:
                frame[column] = lookup(entity).resolve(frame[column]).to_numpy()
        if name == SCOPE[0] and SCOPE[1] in frame:
            frame[SCOPE[1]] = _scope_ids(frame, lookup)
        out[name] = frame
    new_rows = pd.concat(fresh, ignore_index=True) if fresh else _no_rows()
    return out, new_rows


def _scope_ids(frame: pd.DataFrame, lookup) -> np.ndarray:
    text = frame[SCOPE[1]].reset_index(drop=True)
    ids = np.zeros(len(frame), dtype=np.int64)
    kind = frame["scope_kind"].reset_index(drop=True)
    for scope, entity in SCOPE_ENTITY.items():
        mask = (kind == scope).to_numpy()
        if mask.any():
            ids[mask] = lookup(entity).resolve(text[mask]).to_numpy(dtype=np.int64)
    return ids


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "table_name": pd.Series([], dtype=str),
            "external_id": pd.Series([], dtype=str),
            "internal_id": pd.Series([], dtype=np.int64),
        }
    )
