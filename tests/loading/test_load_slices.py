"""Random data in random slices gives the same warehouse as one load (issue #23, item 2).

Hypothesis cuts a generated chain's facts (leads, orders, channel spend) at random days into
two to four slices. The first slice is loaded with every other table (replace); each later one
is appended, or upserted together with corrections of rows already loaded: orders moved to
another customer with a new amount, leads moved to another clinic and channel. Whatever the
plan, every derived table (which appends and upserts refresh only where touched) and every
fact table must equal a one-shot load of the final data, as computed by pandas.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.loading import load_directory
from dashboard.loading.exporting import export_tables
from dashboard.seed import generate
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse.writer import replace_tables

END = date(2026, 11, 15)
FACTS = {"leads": "created_at", "orders": "ordered_at", "channel_daily": "date"}
KEYS = {"leads": "lead_id", "orders": "order_id"}
_runs = itertools.count()


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A small generated chain as its files' text (ids as files write them)."""
    root = tmp_path_factory.mktemp("slices")
    source = Settings(warehouse_url=duckdb_url(root / "source.duckdb"))
    replace_tables(source, generate(END, leads=1_200, seed=5), source="tests")
    export_tables(source, root / "all")
    return {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for p in (root / "all").glob("*.csv")
    }


def _write(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _corrections(
    loaded: dict[str, pd.DataFrame], chain: dict[str, pd.DataFrame], rng: np.random.Generator
) -> dict[str, pd.DataFrame]:
    """Changed copies of a few loaded rows: orders to another customer, leads to another clinic."""
    out = {}
    orders = loaded["orders"]
    if len(orders):
        picked = orders.sample(min(5, len(orders)), random_state=rng.integers(1 << 31)).copy()
        customers = chain["customers"]["customer_id"].to_numpy()
        picked["customer_id"] = rng.choice(customers, len(picked))
        picked["amount"] = (picked["amount"].astype(float) + 7.5).map("{:.2f}".format)
        out["orders"] = picked
    leads = loaded["leads"]
    if len(leads):
        picked = leads.sample(min(5, len(leads)), random_state=rng.integers(1 << 31)).copy()
        picked["clinic_id"] = rng.choice(chain["clinics"]["clinic_id"].to_numpy(), len(picked))
        picked["channel_id"] = rng.choice(chain["channels"]["channel_id"].to_numpy(), len(picked))
        out["leads"] = picked
    return out


def _table(path: Path, name: str) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        frame = con.execute(f"select * from {name}").df()  # noqa: S608 - names from the schema
    finally:
        con.close()
    return frame.sort_values(list(frame.columns), ignore_index=True)


PLANS = st.fixed_dictionaries(
    {
        "cuts": st.lists(st.integers(1, 120), min_size=1, max_size=3, unique=True),
        "modes": st.lists(st.sampled_from(["append", "upsert"]), min_size=3, max_size=3),
        "seed": st.integers(0, 2**31 - 1),
    }
)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=PLANS)
def test_slices_equal_one_load(chain, tmp_path, plan):
    run = tmp_path / f"run{next(_runs)}"
    rng = np.random.default_rng(plan["seed"])
    cuts = [pd.Timestamp(END) - pd.Timedelta(days=d) for d in sorted(plan["cuts"], reverse=True)]
    bounds = [pd.Timestamp.min, *cuts, pd.Timestamp.max]
    slices = []
    for lo, hi in itertools.pairwise(bounds):
        part = {}
        for name, column in FACTS.items():
            when = pd.to_datetime(chain[name][column])
            part[name] = chain[name][(when >= lo) & (when < hi)]
        slices.append(part)

    steps = Settings(warehouse_url=duckdb_url(run / "steps.duckdb"))
    final = {name: frame.copy() for name, frame in chain.items()}
    first = {**chain, **slices[0]}
    loaded = {name: slices[0][name] for name in FACTS}
    folders = [(_write(run / "s0", first), "replace")]
    for i, (part, mode) in enumerate(zip(slices[1:], plan["modes"], strict=False), start=1):
        files = dict(part)
        if mode == "upsert":
            for name, fixed in _corrections(loaded, chain, rng).items():
                files[name] = pd.concat([files[name], fixed])
                key = KEYS[name]
                final[name] = pd.concat([final[name][~final[name][key].isin(fixed[key])], fixed])
        for name in FACTS:
            loaded[name] = pd.concat([loaded[name], part[name]])
        folders.append((_write(run / f"s{i}", files), mode))
    for folder, mode in folders:
        result = load_directory(steps, folder, lang="en", mode=mode)
        assert result.ok, (mode, [p.reason for p in result.problems][:5])

    once = Settings(warehouse_url=duckdb_url(run / "once.duckdb"))
    result = load_directory(once, _write(run / "final", final), lang="en")
    assert result.ok, [p.reason for p in result.problems][:5]

    for name in (*schema.DERIVED_TABLES, *FACTS, "customers"):
        pd.testing.assert_frame_equal(
            _table(steps.duckdb_path, name), _table(once.duckdb_path, name), obj=name
        )
