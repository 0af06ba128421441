"""Loading a customer's own data: one CSV/XLSX file per table, validated, all or nothing.

``load_directory`` reads and checks every file and writes only when nothing is wrong;
``format_report`` and ``problems_as_frame`` present the outcome; ``export_tables`` writes the
warehouse back out as files that ``load_directory`` takes unchanged.
"""

from dashboard.loading.exporting import export_tables
from dashboard.loading.loader import LoadResult, load_directory
from dashboard.loading.problems import Problem
from dashboard.loading.report import format_report, problems_as_frame

__all__ = [
    "LoadResult",
    "Problem",
    "export_tables",
    "format_report",
    "load_directory",
    "problems_as_frame",
]
