"""Settings from the environment, .streamlit/secrets.toml and settings.toml."""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_PATH = DATA_DIR / "dashboard.db"
SETTINGS_PATH = ROOT / "settings.toml"
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"


def database_url() -> str:
    """Return the database URL: $DATABASE_URL, else secrets.toml, else the bundled SQLite file."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if SECRETS_PATH.exists():
        secrets = tomllib.loads(SECRETS_PATH.read_text(encoding="utf-8"))
        if secrets.get("DATABASE_URL"):
            return secrets["DATABASE_URL"]
    return f"sqlite:///{DEFAULT_DB_PATH}"


@lru_cache(maxsize=1)
def settings() -> dict:
    """Return the parsed settings.toml (targets, limits, rules)."""
    return tomllib.loads(SETTINGS_PATH.read_text(encoding="utf-8"))


def target(key: str) -> float | None:
    """Return the target of a higher-is-better KPI, or None."""
    return settings()["targets"].get(key)


def limit(key: str) -> float | None:
    """Return the upper limit of a lower-is-better KPI, or None."""
    return settings()["limits"].get(key)


def rule(key: str):
    """Return a rule threshold, e.g. outflow_contact_months."""
    return settings()["rules"][key]
