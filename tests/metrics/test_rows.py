"""Frames to Python rows and back: against pandas' own conversions."""

from datetime import date

import numpy as np
import pandas as pd

from dashboard.metrics.rows import column_tuples, object_frame, records


def test_records_are_the_rows_as_python_values():
    frame = pd.DataFrame(
        {
            "i": [1, 2],
            "f": [0.5, np.nan],
            "b": [True, False],
            "s": ["A", None],
            "d": [date(2026, 1, 2), None],
        }
    )
    got = records(frame)
    want = frame.to_dict("records")
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for k in g:
            assert type(g[k]) is type(w[k]) and (g[k] == w[k] or pd.isna(g[k]) and pd.isna(w[k]))
    assert records(frame.iloc[:0]) == []


def test_column_tuples_are_the_rows_of_some_columns():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.5, 1.5]})
    want = list(frame[["c", "a"]].itertuples(index=False, name=None))
    assert column_tuples(frame, "c", "a") == want
    assert column_tuples(frame.iloc[:0], "a") == []


def test_object_frame_keeps_every_cell_as_given():
    rows = [[1, None, [1.0, None]], [2, 0.5, []]]
    got = object_frame(rows, ["i", "x", "spark"])
    assert list(got.columns) == ["i", "x", "spark"]
    assert all(str(d) == "object" for d in got.dtypes)
    assert got["x"].tolist() == [None, 0.5]  # None stays None, not NaN
    assert got["spark"].tolist() == [[1.0, None], []]  # a list is one cell
    assert object_frame([], ["a"]).columns.tolist() == ["a"]
