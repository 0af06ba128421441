"""The options of ``opsdash export`` (kept apart so ``--help`` loads no data layer)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.settings import LANGUAGES

DETAIL_CHOICES = ("orders", "leads")

EPILOG = """examples:
  opsdash export --week 2026-W46 --out pack.xlsx
  opsdash export --from 2026-10-01 --to 2026-10-31 --out month.xlsx --city 郑州 --lang en
  opsdash export --week 2026-W46 --detail orders --out orders.xlsx --as li.wei@clinic.example

Without --as the export runs as the local operator with full scope (every city, personal
data shown), like `opsdash dump`. With --as USER it runs with that user's role, cities and
masking from the access policy; an unknown user or a role without exports is refused."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``opsdash export``."""
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    period = p.add_mutually_exclusive_group(required=True)
    period.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W46")
    period.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (with --from)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx", help="output file")
    p.add_argument("--city", action="append", default=[], help="city id or name (repeatable)")
    p.add_argument(
        "--specialty",
        action="append",
        default=[],
        help="specialty code or name, e.g. eye (repeatable)",
    )
    p.add_argument("--clinic", action="append", default=[], help="clinic id or name (repeatable)")
    p.add_argument(
        "--channel", action="append", default=[], help="channel id, code or name (repeatable)"
    )
    p.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the workbook")
    p.add_argument(
        "--as", dest="as_user", metavar="USER", help="export as this user (access policy e-mail)"
    )
    p.add_argument(
        "--detail",
        choices=DETAIL_CHOICES,
        help="instead of the pack: every order or lead of the filters, streamed",
    )
