"""The server token lives in the OS keyring, never in a plain file.

Service ``"kyso"``, key ``"<server URL>|<username>"`` (one token per server and
person). Windows Credential Manager, macOS Keychain and the Secret Service
(GNOME Keyring / KWallet) are accepted. Backends that would write the secret to
a plain or merely obfuscated file (the ``keyrings.alt`` family) and the "fail"
and "null" backends are refused: on such a machine the token is kept in this
process's memory only, for the session, and :func:`warning` says so. Tests
install their own in-memory backend with ``keyring.set_keyring(...)``.

The password itself is never stored anywhere; only the token (revocable,
expiring after 12 h on the server) is.
"""

from __future__ import annotations

import logging

from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "kyso"

#: Backends refused even if installed: they keep secrets in files.
_INSECURE_MODULE_PREFIXES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")

_memory: dict[str, str] = {}
_warned = False


def key_for(server_url: str, username: str) -> str:
    return f"{server_url.rstrip('/')}|{username}"


def _backends(kr) -> list:
    children = getattr(kr, "backends", None)
    return list(children) if children is not None else [kr]


def secure_backend():
    """The keyring backend if it is one we trust with a token, else None."""
    try:
        import keyring
        from keyring.errors import KeyringError

        kr = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - no keyring library or a broken config
        return None
    usable = []
    for b in _backends(kr):
        mod = type(b).__module__
        if mod.startswith(_INSECURE_MODULE_PREFIXES):
            continue
        try:
            if getattr(type(b), "priority", 1) <= 0:
                continue
        except (KeyringError, Exception):  # noqa: BLE001 - priority may raise when unavailable
            continue
        usable.append(b)
    if not usable:
        return None
    return kr if len(usable) == len(_backends(kr)) else usable[0]


def has_secure_backend() -> bool:
    return secure_backend() is not None


def keyring_problem() -> str:
    """Why no secure keyring is usable here, as a message suffix: ``no_dbus``,
    ``no_secretstorage``, ``no_service`` (Linux) or ``other``."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return "other"
    try:
        import secretstorage  # noqa: F401 - keyring's Secret Service backend needs it
    except ImportError:
        return "no_secretstorage"
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no_dbus"
    return "no_service"


def explain_missing_keyring() -> dict[str, str]:
    """``why`` and ``fix`` parameters for the messages that say a login is not kept."""
    import sys

    from kyso.core.messages import tr

    return {"why": tr(f"keyring.why.{keyring_problem()}"),
            "fix": tr("keyring.fix.linux" if sys.platform.startswith("linux") else "keyring.fix.other")}


def warning() -> str | None:
    """The sentence to show when tokens only live in memory (None: all is well)."""
    if has_secure_backend():
        return None
    from kyso.core.messages import tr

    return tr("sync.no_keyring")


def save_token(server_url: str, username: str, token: str) -> bool:
    """Keep the token; True if it went to the OS keyring, False if memory only."""
    global _warned
    key = key_for(server_url, username)
    backend = secure_backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, key, token)
            _memory.pop(key, None)
            return True
        except Exception as exc:  # noqa: BLE001 - locked keyring, DBus gone...
            log.warning("keyring refused the token (%s); kept in memory for this session", type(exc).__name__)
    elif not _warned:
        log.warning("no secure keyring backend; the token is kept in memory for this session")
        _warned = True
    _memory[key] = token
    return False


def load_token(server_url: str, username: str) -> str | None:
    key = key_for(server_url, username)
    if key in _memory:
        return _memory[key]
    backend = secure_backend()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, key)
    except Exception as exc:  # noqa: BLE001
        log.warning("keyring read failed (%s)", type(exc).__name__)
        return None


def delete_token(server_url: str, username: str) -> None:
    key = key_for(server_url, username)
    _memory.pop(key, None)
    backend = secure_backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, key)
    except Exception:  # noqa: BLE001 - absent already
        pass


class MemoryKeyring(KeyringBackend):
    """A keyring whose secrets live in this process only (a dict, never a file).

    For throwaway sessions that must not touch the person's real keyring: the
    demo's server logins, and the tests.
    """

    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)
