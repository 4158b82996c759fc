"""The user's settings, one JSON file in the configuration folder.

What an official sets once and forgets: the document server, the token's
PKCS#11 module and the default certificate, the signature, seal and initial
images, the seal's real diameter, a timestamp server, the language. The CLI
takes its defaults from here (flags still win); the desktop app's settings
dialog edits the same file. Written atomically; unknown keys are kept so a
newer version's settings survive an older one. No secret is ever stored here:
the server's token lives in the OS keyring, the PIN nowhere.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from . import paths
from .fileio import write_bytes_atomic

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    server_url: str | None = None
    username: str | None = None
    pkcs11_module: str | None = None
    default_certificate: str | None = None   # CKA_ID (hex) or label
    signature_image: str | None = None       # blue PNG, transparent
    seal_image: str | None = None            # red PNG, transparent
    seal_diameter_mm: float | None = None    # the seal's real size
    initial_image: str | None = None
    agency_name: str | None = None           # shown beside the seal; default: the certificate's O
    tsa_url: str | None = None               # RFC 3161 → PAdES B-T
    language: str = "vi"
    #: web sites (origins such as ``https://qlvb.example.gov.vn``) whose pages may call
    #: the web-page signing service (``kyso bridge``); a list in the JSON file
    bridge_allowed_origins: tuple[str, ...] = ()
    #: start the desktop app, minimised to the tray, when the person logs in (the
    #: signing service always running); the OS entry is written by kyso.services.autostart
    bridge_autostart: bool = False
    #: trust pools switched off (kyso.core.trust: public, government, admin)
    disabled_trust_pools: tuple[str, ...] = ()

    def __post_init__(self):
        if not isinstance(self.bridge_autostart, bool):
            try:
                flag = parse_bool(self.bridge_autostart)
            except ValueError:
                flag = False
            object.__setattr__(self, "bridge_autostart", flag)
        value = self.bridge_allowed_origins
        if isinstance(value, str):
            value = split_list(value)
        object.__setattr__(self, "bridge_allowed_origins",
                           tuple(str(v).strip() for v in (value or ()) if str(v).strip()))
        pools = self.disabled_trust_pools
        if isinstance(pools, str):
            pools = split_list(pools)
        object.__setattr__(self, "disabled_trust_pools",
                           tuple(str(v).strip() for v in (pools or ()) if str(v).strip()))

    def to_json(self) -> dict:
        out = asdict(self)
        out["bridge_allowed_origins"] = list(self.bridge_allowed_origins)
        return out


def split_list(text: str) -> list[str]:
    """A list setting typed on one line: items separated by commas or spaces."""
    return [v for v in text.replace(",", " ").split() if v]


def parse_bool(value) -> bool:
    """A yes/no setting typed or stored loosely: on/off, true/false, 1/0, có/không."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("on", "true", "1", "yes", "có", "bật"):
            return True
        if text in ("off", "false", "0", "no", "", "không", "tắt"):
            return False
        raise ValueError(value)
    return bool(value)


def settings_path() -> Path:
    return paths.config_dir() / FILE_NAME


def _read_raw() -> dict:
    try:
        data = json.loads(settings_path().read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("Settings file %s is unreadable; using defaults", settings_path())
        return {}


def load() -> Settings:
    raw = _read_raw()
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known}
    if isinstance(values.get("disabled_trust_pools"), list):
        values["disabled_trust_pools"] = tuple(str(v) for v in values["disabled_trust_pools"])
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save(settings: Settings) -> None:
    raw = _read_raw()  # keep keys this version does not know
    raw.update(settings.to_json())
    write_bytes_atomic(settings_path(), json.dumps(raw, ensure_ascii=False, indent=2).encode("utf-8"))


def update(**changes) -> Settings:
    """Change some settings and save; returns the new settings."""
    known = {f.name: f for f in fields(Settings)}
    for key, value in list(changes.items()):
        if key not in known:
            raise KeyError(key)
        if key == "disabled_trust_pools" and isinstance(value, str):
            changes[key] = tuple(v.strip() for v in value.split(",") if v.strip())
            continue
        if key == "seal_diameter_mm" and value not in (None, ""):
            changes[key] = float(value)
        elif key == "bridge_autostart":
            changes[key] = parse_bool(value)
        elif key == "bridge_allowed_origins":
            changes[key] = tuple(split_list(value) if isinstance(value, str) else value or ())
        elif value == "":
            changes[key] = None
    new = replace(load(), **changes)
    save(new)
    return new


def trust_dir() -> Path:
    """Administrator-managed trusted roots (PEM/DER), shared by the CLI and the app."""
    return paths.config_dir() / "trust"
