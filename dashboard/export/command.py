"""``opsdash export``: the weekly pack (or a detail export) from the command line, for scheduling.

Without ``--as`` the export runs as the local operator: every city, personal data shown,
like ``opsdash dump`` (whoever runs the command can read the warehouse anyway). With
``--as USER`` it runs with that user's role, city scope and masking from the access policy.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import data, labels
from dashboard.auth import Viewer, load_policy
from dashboard.export import service
from dashboard.export.workbook import atomic_path
from dashboard.filters import (
    EARLIEST_DAY,
    LATEST_DAY,
    Filters,
    Scope,
    iso_week_range,
    parse_iso_week,
)
from dashboard.i18n import t
from dashboard.settings import Settings


class UsageError(ValueError):
    """Bad arguments (exit code 2)."""


def _date(text: str, what: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: not a date (YYYY-MM-DD): {text!r}") from None
    return _within(day, what, text)


def _within(day: date, what: str, text: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise _outside(what, text)
    return day


def _outside(what: str, text: str) -> UsageError:
    return UsageError(
        f"{what}: {text} is outside the dates an export takes "
        f"({EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()})"
    )


def period(args: argparse.Namespace) -> tuple[date, date, str]:
    """The export's first and last day, and its label (the ISO week code for --week)."""
    if args.week:
        if args.end:
            raise UsageError("--to goes with --from, not with --week")
        try:
            year, week = parse_iso_week(args.week)
        except ValueError as exc:
            raise UsageError(f"--week: {exc}") from None
        if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
            raise _outside("--week", args.week)  # before its days overflow (9999-W52)
        start, end = iso_week_range(year, week)
        return start, end, f"{year}-W{week:02d}"
    if not args.end:
        raise UsageError("--from needs --to")
    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    if end < start:
        raise UsageError("--to is before --from")
    return start, end, ""


def _match(
    values: list[str], frame: pd.DataFrame, id_col: str, names: tuple[str, ...], what: str
) -> tuple[int, ...]:
    """Ids of the rows named by id or by any of the name columns; unknown names are errors."""
    out: list[int] = []
    for value in values:
        key = value.strip().lower()
        mask = frame[id_col].astype(str) == key
        for col in names:
            mask |= frame[col].astype(str).str.lower() == key
        if not mask.any():
            choices = ", ".join(frame[names[0]].astype(str).tolist()[:40])
            raise UsageError(f"--{what}: unknown or out of scope: {value!r} (choices: {choices})")
        out.extend(frame.loc[mask, id_col].astype(int).tolist())
    return tuple(dict.fromkeys(out))


def filters_for(args: argparse.Namespace, scope: Scope) -> tuple[Filters, str]:
    """The Filters the arguments name (names resolved within the viewer's scope)."""
    start, end, label = period(args)
    cities = _match(
        args.city, data.run("filter_cities", None, scope), "city_id", ("name_zh", "name_en"), "city"
    )
    clinic_rows = data.run("filter_clinics", None, scope)
    clinics = _match(
        args.clinic,
        clinic_rows,
        "clinic_id",
        ("name_zh", "name_en"),
        "clinic",
    )
    channels = _match(
        args.channel,
        data.run("filter_channels", None, scope),
        "channel_id",
        ("code", "name_zh", "name_en"),
        "channel",
    )
    # The specialties of the loaded clinics in scope (an open vocabulary), by code or label.
    names = labels.loaded_labels(clinic_rows, "specialty")
    known = labels.ordered_codes(names)
    specialties = []
    for value in args.specialty:
        wanted = value.strip().lower()
        code = next(
            (s for s in known if wanted in {s.lower(), *(n.lower() for n in names[s].values())}),
            None,
        )
        if code is None:
            raise UsageError(f"--specialty: unknown: {value!r} (choices: {', '.join(known)})")
        specialties.append(code)
    filters = Filters(
        start=start,
        end=end,
        cities=cities,
        specialties=tuple(dict.fromkeys(specialties)),
        clinics=clinics,
        channels=channels,
    )
    return filters, label


def viewer_for(settings: Settings, user: str | None, lang: str) -> Viewer:
    """The operator (no --as), or the named user resolved through the access policy."""
    if not user:
        return Viewer(user=f"operator:{getpass.getuser()}", role="admin", scope=Scope.all())
    policy = load_policy(settings.access_policy_path)
    viewer = policy.viewer(user, data.run("filter_cities", None, Scope.all()))
    if viewer is None:
        raise UsageError(
            t("export.cli.unknown_user", lang, user=user, path=settings.access_policy_path)
        )
    if not viewer.can_export:
        raise UsageError(t("export.cli.not_allowed", lang, user=viewer.user, role=viewer.role))
    return viewer


class _ProgressLine:
    """A progress line on stderr: rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()

    def show(self, text: str) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``opsdash export``; returns the exit code (2 for bad arguments or refused users)."""
    lang = args.lang or settings.language
    out = Path(args.out)
    try:
        if out.suffix.lower() != ".xlsx":
            raise UsageError(f"--out must name an .xlsx file: {out}")
        if not (out.parent if str(out.parent) else Path(".")).is_dir():
            raise UsageError(f"--out: the folder does not exist: {out.parent}")
        viewer = viewer_for(settings, args.as_user, lang)
        filters, label = filters_for(args, viewer.scope)
    except UsageError as exc:
        print(f"opsdash export: error: {exc}", file=sys.stderr)
        return 2
    data.begin_view()  # the whole pack reads one data version, even if a load lands meanwhile
    info = service.export_info(viewer, filters, lang)
    line = _ProgressLine()
    if args.detail:
        # The detail export writes through a temporary file and renames it itself.
        result = service.detail(
            args.detail,
            info,
            out,
            settings.audit_url,
            progress=lambda n: line.show(t("export.progress.rows", lang, rows=f"{n:,}")),
        )
        line.done()
        print(
            t(
                "export.cli.wrote_detail",
                lang,
                path=out,
                rows=f"{result.rows:,}",
                sheets=len(result.sheets),
            )
        )
        return 0
    data_end = info.data_as_of.date() if info.data_as_of else filters.end

    def progress(done: int, total: int, what: str) -> None:
        if what:
            line.show(t("export.progress.page", lang, page=what, done=done + 1, total=total))

    with atomic_path(out) as tmp:
        packed = service.pack(info, data_end, tmp, settings.audit_url, label, progress)
    line.done()
    print(
        t(
            "export.cli.wrote_pack",
            lang,
            path=out,
            sheets=len(packed.workbook.sheets),
            rows=f"{packed.workbook.rows:,}",
            pages=len(packed.included),
        )
    )
    return 0
