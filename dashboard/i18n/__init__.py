"""The language catalogue: every label, metric name, axis, header and message, in zh and en.

The catalogue is one namespace of keys, kept in one TOML file per area (``common.toml``,
``load.toml``, ``funnel.toml`` …) so each area's labels sit together. Each key is a table
with a ``zh`` and an ``en`` string; ``{name}`` placeholders are filled by ``t``.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LANGUAGES = ("zh", "en")
_DIR = Path(__file__).resolve().parent


class MissingTranslation(KeyError):
    """A key is not in the catalogue."""


def _flatten(prefix: str, node: dict, out: dict[str, dict[str, str]], source: str) -> None:
    if set(node) & set(LANGUAGES) and all(isinstance(v, str) for v in node.values()):
        if prefix in out:
            raise ValueError(f"duplicate catalogue key {prefix!r} in {source}")
        out[prefix] = dict(node)
        return
    for key, value in node.items():
        if not isinstance(value, dict):
            raise ValueError(f"{source}: {prefix}.{key} must be a table with zh and en")
        _flatten(f"{prefix}.{key}" if prefix else key, value, out, source)


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of every area file, flattened to dotted keys (``section.key``)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        _flatten("", data, out, path.name)
    return out


def t(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    entry = catalogue().get(key)
    if entry is None:
        raise MissingTranslation(key)
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """True when the catalogue has ``key``."""
    return key in catalogue()
