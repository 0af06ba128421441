"""Who exported what: the export's context and the cover sheet describing it.

Every workbook opens with a cover: period, filters (by name), the viewer's city scope,
data as of, when it was generated and by whom, so a file passed on still says what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from dashboard import data, labels
from dashboard.export.workbook import Cover
from dashboard.filters import Filters, Scope, effective_cities
from dashboard.formatting import DASH
from dashboard.i18n import has, t


@dataclass(frozen=True)
class ExportInfo:
    """The context of one export: filters, scope, who, language, data as of, when."""

    filters: Filters
    scope: Scope
    user: str
    role: str
    lang: str
    data_as_of: datetime | None
    generated_at: datetime
    can_see_personal: bool = False

    @property
    def stamp(self) -> str:
        """A file-name friendly period, e.g. 2026-11-09_2026-11-15."""
        return f"{self.filters.start.isoformat()}_{self.filters.end.isoformat()}"


def _names(frame: pd.DataFrame, id_col: str, ids: Sequence[object], lang: str) -> list[str]:
    col = "name_zh" if lang == "zh" else "name_en"
    names = dict(zip(frame[id_col].tolist(), frame[col].tolist(), strict=True))
    return [str(names.get(i, i)) for i in ids]


def _joined(values: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(values) if values else t("filters.all", lang)


def _specialty_names(clinics: pd.DataFrame, codes, lang: str) -> list[str]:
    """The picked specialties by their loaded label (else catalogue label, else code)."""
    names = labels.loaded_labels(clinics, "specialty")
    return [names.get(s, {}).get(lang) or labels.code_label("specialty", s, lang) for s in codes]


def filter_rows(filters: Filters, scope: Scope, lang: str) -> list[tuple[str, str]]:
    """The dimension filters as label/value lines, by name, in ``lang``."""
    cities = data.run("filter_cities", None, scope)
    clinics = data.run("filter_clinics", None, scope)
    channels = data.run("filter_channels", None, scope)
    picked = effective_cities(filters, scope)
    return [
        (t("filters.cities", lang), _joined(_names(cities, "city_id", picked, lang), lang)),
        (
            t("filters.specialties", lang),
            _joined(_specialty_names(clinics, filters.specialties, lang), lang),
        ),
        (
            t("filters.clinics", lang),
            _joined(_names(clinics, "clinic_id", filters.clinics, lang), lang),
        ),
        (
            t("filters.channels", lang),
            _joined(_names(channels, "channel_id", filters.channels, lang), lang),
        ),
    ]


def scope_text(scope: Scope, lang: str) -> str:
    """The viewer's city scope in words: every city, or the cities by name."""
    if not scope.is_restricted:
        return t("export.cover.scope_all", lang)
    cities = data.run("filter_cities", None, scope)
    names = _names(cities, "city_id", sorted(scope.cities or ()), lang)
    return _joined(names, lang) if names else t("export.cover.scope_none", lang)


def role_name(role: str, lang: str) -> str:
    """A role's display name (the raw id when the catalogue has none)."""
    return t(f"role.{role}", lang) if has(f"role.{role}") else role


def period_text(filters: Filters, lang: str, label: str = "") -> str:
    """The period in words, optionally prefixed by a code such as 2026-W46."""
    f = filters
    summary = t("filters.summary", lang, start=f.start, end=f.end, days=f.days)
    return f"{label} ({summary})" if label else summary


def cover(
    info: ExportInfo,
    title: str,
    period_label: str = "",
    extra: Sequence[tuple[str, object]] = (),
    notes: Sequence[str] = (),
) -> Cover:
    """The cover sheet of an export."""
    lang = info.lang
    rows: list[tuple[str, object]] = [
        (t("export.cover.period", lang), period_text(info.filters, lang, period_label)),
        *filter_rows(info.filters, info.scope, lang),
        (t("export.cover.scope", lang), scope_text(info.scope, lang)),
        (t("export.cover.data_as_of", lang), info.data_as_of or DASH),
        (t("export.cover.generated_at", lang), info.generated_at.replace(microsecond=0)),
        (
            t("export.cover.generated_by", lang),
            f"{info.user} ({role_name(info.role, lang)})",
        ),
        (
            t("export.cover.personal", lang),
            t(
                "export.cover.personal_shown" if info.can_see_personal else "export.cover.masked",
                lang,
            ),
        ),
        *extra,
    ]
    return Cover(t("export.cover.sheet", lang), title, tuple(rows), tuple(notes))
