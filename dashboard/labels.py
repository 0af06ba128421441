"""Labels of open-vocabulary codes: channel kinds, order categories, specialties.

A chain loads its own codes (``schema.OPEN_VOCABULARIES``), optionally with labels in both
languages beside them. A page shows the loaded label, else the catalogue's label for the
sample's codes, else the code itself, so no page assumes the sample's lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.i18n import LANGUAGES, has, t

# Vocabulary -> catalogue prefix of the sample codes' labels.
PREFIXES: dict[str, str] = {
    "specialty": "specialty",
    "kind": "channels.kind",
    "category": "export.category",
}

# The sample chain's specialty codes, the one list: the seed writes them (its per-specialty
# arrays follow this order), the catalogues label them (specialty.<code>), the map colours them.
SAMPLE_SPECIALTIES: tuple[str, ...] = ("eye", "dental", "aesthetic")
# Known specialties' marker colours (RGB); any other specialty gets one of OTHER_COLORS.
SPECIALTY_COLORS: dict[str, tuple[int, int, int]] = dict(
    zip(SAMPLE_SPECIALTIES, ((28, 131, 225), (33, 195, 84), (128, 61, 245)), strict=True)
)
# Streamlit markdown colour names matching SPECIALTY_COLORS, for the map's legend.
SPECIALTY_MARKDOWN: dict[str, str] = dict(
    zip(SAMPLE_SPECIALTIES, ("blue", "green", "violet"), strict=True)
)
# Not red: in mainland China red reads as "up", and a marker colour should not say anything.
OTHER_COLORS: tuple[tuple[tuple[int, int, int], str], ...] = (
    ((255, 130, 0), "orange"),
    ((128, 128, 128), "gray"),
)


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value) == ""


def code_label(vocabulary: str, code: object, lang: str, loaded: object = None) -> str:
    """The loaded label, else the catalogue's label of a sample code, else the code itself."""
    if not _blank(loaded):
        return str(loaded)
    if _blank(code):
        return ""
    key = f"{PREFIXES[vocabulary]}.{code}"
    return t(key, lang) if has(key) else str(code)


def loaded_labels(
    frame: pd.DataFrame, code_col: str, vocabulary: str | None = None
) -> dict[str, dict[str, str]]:
    """code -> {lang: label} for every code in ``frame`` (its ``<code_col>_<lang>`` columns)."""
    vocabulary = vocabulary or code_col
    out: dict[str, dict[str, str]] = {}
    if code_col not in frame:
        return out
    for row in frame.drop_duplicates(code_col).to_dict("records"):
        code = row[code_col]
        if _blank(code):
            continue
        out[str(code)] = {
            lang: code_label(vocabulary, code, lang, row.get(f"{code_col}_{lang}"))
            for lang in LANGUAGES
        }
    return out


def labels_in(
    frame: pd.DataFrame, code_col: str, lang: str, vocabulary: str | None = None
) -> list[str]:
    """The label of each row's code in ``lang`` (loaded label first), in row order."""
    vocabulary = vocabulary or code_col
    loaded = frame.get(f"{code_col}_{lang}")
    return [
        code_label(vocabulary, code, lang, None if loaded is None else loaded.iloc[i])
        for i, code in enumerate(frame[code_col])
    ]


def specialty_colors(codes: Iterable[str]) -> dict[str, tuple[tuple[int, int, int], str]]:
    """code -> (RGB, markdown colour): known specialties keep theirs, others take the spares."""
    out: dict[str, tuple[tuple[int, int, int], str]] = {}
    others = sorted({str(c) for c in codes} - set(SPECIALTY_COLORS))
    for code in sorted({str(c) for c in codes}):
        if code in SPECIALTY_COLORS:
            out[code] = (SPECIALTY_COLORS[code], SPECIALTY_MARKDOWN[code])
        else:
            # Past the spares every further specialty is grey: the legend still names it.
            out[code] = OTHER_COLORS[min(others.index(code), len(OTHER_COLORS) - 1)]
    return out


def ordered_codes(codes: Iterable[object], known: Mapping[str, object] = SPECIALTY_COLORS) -> list:
    """Codes with the sample's known ones first (in their usual order), then the rest sorted."""
    present = {str(c) for c in codes if not _blank(c)}
    return [c for c in known if c in present] + sorted(present - set(known))
