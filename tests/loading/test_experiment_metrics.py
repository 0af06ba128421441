"""Several metrics of one experiment from one exposure table (#22 item 7).

A real-shaped folder — text ids for the experiment and its exposures, WeChat-openid units, no
clinic or value columns, and a long outcomes file with day-7 retention (only for units whose
seven days are over) and 30-day spend — loads into DuckDB and PostgreSQL; the board shows the
main metric and both further metrics, each with the statistics scipy/statsmodels compute on the
raw files, and BH across all three. Malformed outcome files are refused with their row, column
and a message in zh and en. The page renders in both languages with the metrics by name.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.reports.experiments import load as experiments_load
from dashboard.reports.experiments import tables as experiments_tables
from dashboard.reports.experiments.tables import LIST_COLUMNS, display
from tests.conftest import activate

TODAY = date(2026, 11, 30)
START, LAST = date(2026, 10, 1), date(2026, 11, 29)
EXPERIMENT = "EXP-2610-RET"
UNITS = 1_400
PERIOD = Filters(date(2026, 10, 1), LAST)
METRICS = {  # code -> (name_zh, name_en, kind)
    "retention_d7": ("7日留存率", "Day-7 retention", "proportion"),
    "spend_30d": ("30天消费", "30-day spend", "mean"),
}


def _write(folder: Path, name: str, header: list[str], rows: list[list]) -> None:
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_folder(folder: Path, seed: int = 7) -> Path:
    """The experiment, its variants, exposures, further metrics and outcomes, as exported."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    _write(folder, "experiments",
           ["experiment_id", "code", "name_zh", "name_en", "hypothesis_zh", "hypothesis_en",
            "owner", "surface", "metric", "has_guardrail", "started_on", "ended_on"],
           [[EXPERIMENT, "member_push", "会员推送", "Member push", "推送提高留存",
             "A push lifts retention", "运营部", "offer", "conversion", "false",
             START.isoformat(), ""]])  # fmt: skip
    _write(folder, "experiment_variants",
           ["experiment_id", "variant_code", "name_zh", "name_en", "is_control", "planned_share"],
           [[EXPERIMENT, "ctl", "不推送", "No push", "true", "0.5"],
            [EXPERIMENT, "push", "推送", "Push", "false", "0.5"]])  # fmt: skip
    days = (LAST - START).days + 1
    exposures, outcomes = [], []
    for i in range(UNITS):
        variant = "push" if rng.random() < 0.5 else "ctl"
        at = datetime.combine(START, datetime.min.time()) + timedelta(
            seconds=int(rng.integers(0, days * 86_400))
        )
        unit = f"oWx{i:06d}Qk"
        converted = rng.random() < (0.03 if variant == "ctl" else 0.045)
        exposures.append([f"EXPO-{i:07d}", EXPERIMENT, variant, unit,
                          at.strftime("%Y-%m-%d %H:%M:%S"), "true" if converted else "false",
                          ""])  # fmt: skip
        if at + timedelta(days=7) <= datetime.combine(
            LAST + timedelta(days=1), datetime.min.time()
        ):
            retained = rng.random() < (0.20 if variant == "ctl" else 0.27)
            outcomes.append([EXPERIMENT, unit, "retention_d7", "1" if retained else "0"])
        spend = rng.gamma(2.0, 60.0 if variant == "ctl" else 70.0) if rng.random() < 0.4 else 0
        outcomes.append([EXPERIMENT, unit, "spend_30d", f"{spend:.2f}"])
    # No clinic and no value columns: both may be left out of an exposures export.
    _write(folder, "experiment_exposures",
           ["exposure_id", "experiment_id", "variant_code", "unit_id", "exposed_at", "converted",
            "guardrail_event"], exposures)  # fmt: skip
    _write(folder, "experiment_metrics", ["experiment_id", "metric_code", "name_zh", "name_en", "kind"],
           [[EXPERIMENT, code, zh, en, kind] for code, (zh, en, kind) in METRICS.items()])  # fmt: skip
    _write(folder, "experiment_outcomes", ["experiment_id", "unit_id", "metric_code", "value"],
           outcomes)  # fmt: skip
    return folder


def _raw(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("experiment_exposures", "experiment_outcomes")
    }


@pytest.fixture
def loaded(new_warehouse, tmp_path, monkeypatch):
    settings = new_warehouse()
    folder = write_folder(tmp_path / "exports")
    monkeypatch.setenv("OPSDASH_TODAY", TODAY.isoformat())
    result = load_directory(settings, folder, lang="en")
    assert result.ok, [f"{p.file} {p.row} {p.column}: {p.reason}" for p in result.problems]
    activate(settings, monkeypatch)
    yield settings, folder
    data.settings.cache_clear()
    data.clear_cache()


def _expected(folder: Path) -> dict[str, dict]:
    """Per metric: the test scipy/statsmodels run on the raw files, and BH over all three."""
    raw = _raw(folder)
    x = raw["experiment_exposures"]
    out = {}
    arms = {v: x[x.variant_code == v] for v in ("ctl", "push")}
    conv = {v: (a.converted == "true").astype(float) for v, a in arms.items()}
    out["conversion"] = _proportion(conv["ctl"], conv["push"])
    o = raw["experiment_outcomes"].merge(x[["unit_id", "variant_code"]], on="unit_id")
    o = o.assign(value=o.value.astype(float))
    for code, (_, _, kind) in METRICS.items():
        part = o[o.metric_code == code]
        c, tr = (part.loc[part.variant_code == v, "value"] for v in ("ctl", "push"))
        if kind == "proportion":
            out[code] = _proportion(c, tr)
        else:
            test = stats.ttest_ind(tr, c, equal_var=False)
            ci = test.confidence_interval(0.95)
            out[code] = {"p": test.pvalue, "lo": ci.low, "hi": ci.high, "n": (len(c), len(tr)),
                         "diff": tr.mean() - c.mean(), "events": None}  # fmt: skip
    codes = list(out)
    adjusted = multipletests([out[k]["p"] for k in codes], method="fdr_bh")[1]
    for code, q in zip(codes, adjusted, strict=True):
        out[code]["q"] = q
    return out


def _proportion(c: pd.Series, tr: pd.Series) -> dict:
    x_c, x_t = int(c.sum()), int(tr.sum())
    lo, hi = confint_proportions_2indep(x_t, len(tr), x_c, len(c), method="newcomb")
    p = proportions_ztest([x_t, x_c], [len(tr), len(c)])[1]
    return {"p": p, "lo": lo, "hi": hi, "n": (len(c), len(tr)), "events": (x_c, x_t),
            "diff": tr.mean() - c.mean()}  # fmt: skip


def test_two_further_metrics_on_the_board_match_scipy(loaded):
    _, folder = loaded
    report = experiments_load.load(PERIOD, Scope.all())
    board = report.board.set_index("metric")
    want = _expected(folder)
    assert sorted(board.index) == sorted(want) == ["conversion", "retention_d7", "spend_30d"]
    # Day-7 retention measures only the units whose seven days are over; spend measures all.
    assert sum(want["retention_d7"]["n"]) < UNITS == sum(want["spend_30d"]["n"])
    for code, w in want.items():
        got = board.loc[code]
        assert (got["units_c"], got["units_t"]) == w["n"], code
        if w["events"] is not None:
            assert (got["conv_c"], got["conv_t"]) == w["events"], code
        assert got["p_value"] == pytest.approx(w["p"], rel=1e-9, abs=1e-15), code
        assert got["p_adjusted"] == pytest.approx(w["q"], rel=1e-9, abs=1e-15), code
        assert got["abs_lift"] == pytest.approx(w["diff"], rel=1e-9, abs=1e-12), code
        assert got["abs_lo"] == pytest.approx(w["lo"], rel=1e-9, abs=1e-12), code
        assert got["abs_hi"] == pytest.approx(w["hi"], rel=1e-9, abs=1e-12), code
    assert board.loc["retention_d7", "kind"] == "proportion"
    assert board.loc["spend_30d", "kind"] == "mean"
    assert board["is_primary"].tolist().count(True) == 1
    assert bool(board.loc["conversion", "is_primary"])
    # Names as loaded, in both languages, in the page's tables and the Excel sheet.
    for lang in ("zh", "en"):
        table = display(report.board, LIST_COLUMNS["all"], lang)
        shown = table[t("abtest.col.metric", lang)].tolist()
        for code, names in METRICS.items():
            assert names[0 if lang == "zh" else 1] in shown, (lang, code)
        sheet = experiments_tables.sheets(report, lang)[5]
        assert sheet.frame["metric"].tolist() == shown
        # The mean metric's values go to their own (plain number) columns, not to ¥ or %.
        spend = shown.index(METRICS["spend_30d"][0 if lang == "zh" else 1])
        assert sheet.frame["abs_lift_ratio"].iloc[spend] == pytest.approx(want["spend_30d"]["diff"])
        assert sheet.frame["abs_lift_money"].iloc[spend] is None
        assert sheet.frame["abs_lift_rate"].iloc[spend] is None


def test_minimum_sample_per_metric(loaded):
    """A proportion metric is too early on events, a mean metric only on units."""
    _, folder = loaded
    x = _raw(folder)["experiment_exposures"]
    # The first day by which both arms have 150 units: conversions are still few then.
    for days in range(1, 60):
        day = PERIOD.start + timedelta(days=days - 1)
        early = x[pd.to_datetime(x.exposed_at) < pd.Timestamp(day + timedelta(days=1))]
        arms = early.groupby("variant_code").size()
        if len(arms) == 2 and arms.min() >= 150:
            break
    conversions = early[early.converted == "true"].groupby("variant_code").size()
    assert conversions.min() < 10  # the case the rule is about
    report = experiments_load.load(Filters(PERIOD.start, day), Scope.all())
    board = report.board.set_index("metric")
    assert board.loc["conversion", "verdict"] == "too_early"
    assert board.loc["conversion", "conversions_short"] == 10 - conversions.min()
    # spend_30d: at least 150 measured units per arm, many with no spend at all: not too early.
    assert not board.loc["spend_30d", "too_early"]
    assert board.loc["spend_30d", "conversions_short"] == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_every_metric(loaded, lang, backend):
    if backend != "duckdb":
        pytest.skip("the page renders once, on DuckDB")
    from tests.pages.apptest import all_text, open_page

    at = open_page("experiments", lang, timeout=120, period=t("preset.ytd", lang))
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    for zh, en, _ in METRICS.values():
        assert (zh if lang == "zh" else en) in text
    main = t("abtest.metric.main", lang, name=t("abtest.metric.conversion", lang))
    assert main in text


# --- malformed files ------------------------------------------------------------------------


def _edit(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = change(frame)
    frame.to_csv(path, index=False, lineterminator="\r\n")


def _problems(settings, folder: Path, lang: str):
    result = load_directory(settings, folder, lang=lang)
    assert not result.ok
    return [(p.file, p.row, p.column, p.code, p.reason) for p in result.problems]


def test_malformed_outcomes_are_refused_with_row_and_column(new_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", TODAY.isoformat())
    settings = new_warehouse()
    folder = write_folder(tmp_path / "bad")

    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        d7 = frame.index[frame.metric_code == "retention_d7"]
        frame.loc[d7[0], "value"] = "2"  # not 0 or 1 for a proportion
        frame.loc[d7[1], "unit_id"] = "oWxNOBODY"  # a unit never exposed
        frame.loc[d7[2], "metric_code"] = "retention_d30"  # a metric not declared
        frame.loc[d7[3], "value"] = "abc"  # not a number
        repeat = frame.loc[[d7[4]]]  # the same unit and metric twice
        return pd.concat([frame, repeat], ignore_index=True)

    _edit(folder, "experiment_outcomes", spoil)
    # Data row i is file row i + 2 (after the header), as a spreadsheet numbers it.
    frame = pd.read_csv(folder / "experiment_outcomes.csv", dtype=str, keep_default_na=False)
    d7 = frame.index[frame.metric_code.isin(["retention_d7", "retention_d30"])].tolist()
    d7 = [i for i in d7 if i < len(frame) - 1]  # the spoiled rows come first; not the repeat
    last = len(frame) + 1
    by_lang = {lang: _problems(settings, folder, lang) for lang in ("zh", "en")}
    found = {(f, r, c, code) for f, r, c, code, _ in by_lang["en"]}
    file = "experiment_outcomes.csv"
    assert found == {
        (file, d7[0] + 2, "value", "load.outcome_not_binary"),
        (file, d7[1] + 2, "experiment_id, unit_id", "load.dangling_incoming"),
        (file, d7[2] + 2, "experiment_id, metric_code", "load.dangling_incoming"),
        (file, d7[3] + 2, "value", by_code(by_lang["en"], d7[3] + 2)),
        (file, last, "experiment_id, unit_id, metric_code", "load.duplicate_key"),
    }, by_lang["en"]
    reasons = {lang: {(r, code): reason for _, r, _, code, reason in found_}
               for lang, found_ in by_lang.items()}  # fmt: skip
    assert reasons["en"][(d7[0] + 2, "load.outcome_not_binary")] == (
        "“2.0” is not 0 or 1: an outcome of a proportion metric (kind = proportion) is 0 (did not "
        "happen) or 1 (happened)"
    )
    assert reasons["zh"][(d7[0] + 2, "load.outcome_not_binary")].startswith("“2.0” 不是 0 或 1")
    dangling = reasons["en"][(d7[1] + 2, "load.dangling_incoming")]
    assert "oWxNOBODY" in dangling and "experiment_exposures.csv" in dangling
    assert "oWxNOBODY" in reasons["zh"][(d7[1] + 2, "load.dangling_incoming")]
    assert "retention_d30" in reasons["zh"][(d7[2] + 2, "load.dangling_incoming")]
    for lang in ("zh", "en"):  # every message translated, none the other language's
        assert len(reasons[lang]) == 5
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons["zh"].values())
    # Nothing was written: the new warehouse holds no experiment.
    if settings.is_duckdb:
        assert not settings.duckdb_path.exists()


def by_code(problems, row: int) -> str:
    """The code of the problem reported on ``row`` (the parser's own code for a bad number)."""
    codes = [code for _, r, _, code, _ in problems if r == row]
    assert len(codes) == 1, problems
    return codes[0]


def test_metric_definitions_are_checked(new_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", TODAY.isoformat())
    settings = new_warehouse()
    folder = write_folder(tmp_path / "defs")

    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[0, "kind"] = "ratio"
        extra = frame.loc[[1]].assign(metric_code="revenue")
        return pd.concat([frame, extra], ignore_index=True)

    _edit(folder, "experiment_metrics", spoil)
    for lang in ("zh", "en"):
        found = _problems(settings, folder, lang)
        codes = {(f, r, c, code) for f, r, c, code, _ in found}
        assert ("experiment_metrics.csv", 2, "kind", "load.bad_enum") in codes, found
        assert ("experiment_metrics.csv", 4, "metric_code", "load.metric_code_reserved") in codes
    reason = [r for *_, code, r in found if code == "load.metric_code_reserved"][0]
    assert reason.startswith("“revenue” is a main-metric code (conversion, revenue)")


def test_replacing_exposures_must_not_orphan_kept_outcomes(loaded, tmp_path):
    settings, folder = loaded
    again = tmp_path / "exposures_only"
    again.mkdir()
    source = pd.read_csv(folder / "experiment_exposures.csv", dtype=str, keep_default_na=False)
    source.iloc[1:].to_csv(again / "experiment_exposures.csv", index=False)
    found = _problems(settings, again, "en")
    assert [(f, code) for f, _, _, code, _ in found] == [
        ("experiment_exposures.csv", "load.orphaned_existing")
    ]
    assert "experiment_outcomes" in found[0][4]
