"""What a page's default view depends on: the one context the registry's build functions take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.filters import Filters, Scope


@dataclass(frozen=True)
class PageContext:
    """Filters, city scope, the data's last day, language and whether personal data may show."""

    filters: Filters
    scope: Scope
    data_end: date
    lang: str = "zh"
    can_see_personal: bool = False
