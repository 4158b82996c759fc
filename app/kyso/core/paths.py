"""Where Kyso keeps its files: platformdirs folders, or one root in KYSO_HOME.

``KYSO_HOME`` puts config, data, state and logs under one folder; the demo and
the tests use it so they never touch a user's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "kyso"


def _home() -> Path | None:
    value = os.environ.get("KYSO_HOME")
    return Path(value) if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def state_dir() -> Path:
    home = _home()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP, appauthor=False))


def log_dir() -> Path:
    home = _home()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Things fetched from the network that may be fetched again (revocation answers)."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))
