"""Settings: where the warehouse is, the default language, the map style.

Resolution order for the warehouse URL: the ``OPSDASH_WAREHOUSE_URL`` environment
variable, then ``[connections.warehouse] url`` in ``.streamlit/secrets.toml`` (Streamlit's
``st.connection`` convention), then the embedded DuckDB file under ``var/``. The warehouse's
time zone (``OPSDASH_TIMEZONE`` / ``[opsdash] timezone``, an IANA name, default Asia/Shanghai)
and the currency of its money (``OPSDASH_CURRENCY`` / ``[opsdash] currency``, ISO 4217, default
CNY) are checked here, so a typo stops the process instead of mis-stating every figure.
"""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
SAMPLE_DATA_DIR = ROOT / "sample_data"
DEFAULT_DUCKDB_PATH = ROOT / "var" / "warehouse.duckdb"
DEFAULT_AUDIT_PATH = ROOT / "var" / "audit.sqlite"
LANGUAGES = ("zh", "en")
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_CURRENCY = "CNY"


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one process."""

    warehouse_url: str
    language: str = "zh"
    map_style: str = ""
    secrets_path: Path = ROOT / ".streamlit" / "secrets.toml"
    access_policy_path: Path = ROOT / ".streamlit" / "access_policy.toml"
    audit_url: str = ""
    auth_configured: bool = False
    connect_timeout: int = 5  # seconds to reach a server warehouse, for pages and loads alike
    timezone: str = DEFAULT_TIMEZONE  # the warehouse's local time; offset timestamps convert to it
    currency: str = DEFAULT_CURRENCY  # ISO 4217 code of every money figure
    # How many loads ``opsdash undo`` can take back (DuckDB keeps a copy of the file before
    # each; PostgreSQL keeps the rows each load removed). 0 turns undo off.
    undo_versions: int = 2

    @property
    def is_duckdb(self) -> bool:
        """True when the warehouse is a DuckDB file."""
        return self.warehouse_url.startswith("duckdb:")

    @property
    def duckdb_path(self) -> Path | None:
        """The DuckDB file behind the URL, or None for a server warehouse."""
        if not self.is_duckdb:
            return None
        path = self.warehouse_url.split("duckdb:///", 1)[-1].split("?", 1)[0]
        return Path(path)

    @property
    def duckdb_file(self) -> Path:
        """The DuckDB file behind the URL, where the caller has checked ``is_duckdb``."""
        path = self.duckdb_path
        if path is None:
            raise ValueError(f"not a DuckDB warehouse: {self.redacted_url()}")
        return path

    def redacted_url(self) -> str:
        """The warehouse URL with any password hidden, for messages."""
        from sqlalchemy.engine import make_url

        return make_url(self.warehouse_url).render_as_string(hide_password=True)


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def check_timezone(name: str) -> str:
    """``name`` when it is an IANA time zone (``Asia/Shanghai``); ValueError otherwise."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"timezone must be an IANA time zone such as Asia/Shanghai: {name!r}"
        ) from None
    return name


def check_currency(code: str) -> str:
    """``code`` upper-cased when it has the shape of an ISO 4217 code (CNY); ValueError otherwise."""
    upper = code.strip().upper()
    if len(upper) != 3 or not upper.isascii() or not upper.isalpha():
        raise ValueError(f"currency must be an ISO 4217 code such as CNY or HKD: {code!r}")
    return upper


def duckdb_url(path: Path) -> str:
    """The SQLAlchemy URL of a DuckDB file."""
    return f"duckdb:///{Path(path).resolve()}"


def load_settings(secrets_path: Path | None = None) -> Settings:
    """Resolve settings from the environment, secrets.toml and defaults."""
    secrets_path = secrets_path or Path(
        os.environ.get("OPSDASH_SECRETS", ROOT / ".streamlit" / "secrets.toml")
    )
    secrets = _read_secrets(secrets_path)
    conn = secrets.get("connections", {}).get("warehouse", {})
    opsdash = secrets.get("opsdash", {})
    url = (
        os.environ.get("OPSDASH_WAREHOUSE_URL")
        or conn.get("url")
        or duckdb_url(DEFAULT_DUCKDB_PATH)
    )
    language = os.environ.get("OPSDASH_LANGUAGE") or opsdash.get("language", "zh")
    if language not in LANGUAGES:
        language = "zh"
    map_style = os.environ.get("OPSDASH_MAP_STYLE", opsdash.get("map_style", ""))
    policy = os.environ.get("OPSDASH_ACCESS_POLICY") or opsdash.get("access_policy")
    audit_url = (
        os.environ.get("OPSDASH_AUDIT_URL")
        or opsdash.get("audit_url")
        or f"sqlite:///{DEFAULT_AUDIT_PATH}"
    )
    timeout_text = str(
        os.environ.get("OPSDASH_CONNECT_TIMEOUT") or opsdash.get("connect_timeout", 5)
    ).strip()
    if not timeout_text.isdigit() or int(timeout_text) < 1:
        # A wrong setting must not silently become "wait forever" or the default.
        raise ValueError(f"connect_timeout must be a whole number of seconds: {timeout_text!r}")
    undo_text = str(
        os.environ.get("OPSDASH_UNDO_VERSIONS") or opsdash.get("undo_versions", 2)
    ).strip()
    if not undo_text.isdigit():
        raise ValueError(f"undo_versions must be a whole number (0 or more): {undo_text!r}")
    return Settings(
        warehouse_url=url,
        language=language,
        map_style=map_style,
        secrets_path=secrets_path,
        access_policy_path=Path(policy) if policy else ROOT / ".streamlit" / "access_policy.toml",
        audit_url=audit_url,
        auth_configured=bool(secrets.get("auth")),
        connect_timeout=int(timeout_text),
        undo_versions=int(undo_text),
        timezone=check_timezone(
            str(os.environ.get("OPSDASH_TIMEZONE") or opsdash.get("timezone", DEFAULT_TIMEZONE))
        ),
        currency=check_currency(
            str(os.environ.get("OPSDASH_CURRENCY") or opsdash.get("currency", DEFAULT_CURRENCY))
        ),
    )
