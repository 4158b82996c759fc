"""Tokens and certificates, chosen the same way in every face.

- :func:`find_token_modules` and :func:`scan` are the one listing of PKCS#11
  modules and their tokens: ``kyso token list``, the token watcher, the
  first-run assistant and the settings dialog all call them, so the configured
  module is honoured everywhere.
- :func:`choose_certificate` (kept in :mod:`kyso.core.tokens`, where the token
  session uses it too) is the one rule for which certificate signs: an explicit
  choice (``--cert``, the web page's request), else the person's default
  certificate when this token holds it, else the only usable one. A key ID
  matches in any case, with or without ``0x``; a label matches exactly, or in
  any case when that is unambiguous.
- :func:`start_session` is the one place that opens a token session;
  :func:`login` turns a PIN (or the reader's PIN pad) into a pyHanko signer
  with the intermediate certificates the person installed. :func:`open_signer`
  does both for faces that have the PIN at hand (the CLI, an unattended
  service); the desktop app asks for the PIN between the two steps.

Why a certificate cannot be used is worded once, by the core
(:meth:`~kyso.core.tokens.CertificateInfo.refusal`).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..core.errors import KysoError, TokenError
from ..core.tokens import certificate_matches, choose_certificate  # noqa: F401 - the one rule, re-exported
from ..core.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenCriteria:
    """Which token and certificate a face asked for (None: the settings decide)."""

    module: str | None = None   # a module path given explicitly (--module)
    token: str | None = None    # a token label
    cert: str | None = None     # CKA_ID in hex, or a key label
    final_try: bool = False     # the person allows the token's last PIN try (--final-try)


@dataclass
class ModuleScan:
    """One PKCS#11 module and the tokens it shows (or why it showed none)."""

    module: object              # kyso.core.tokens.ModuleInfo
    tokens: list
    error: str | None = None


def find_token_modules(settings: Settings, explicit: str | Path | None = None) -> list:
    """PKCS#11 modules in order of preference: ``explicit`` alone when given, else
    ``KYSO_PKCS11_MODULE``, the configured module, the Vietnamese CAs' modules
    found on this computer, SoftHSM2 and opencryptoki."""
    from ..core import tokens

    if explicit:
        return tokens.find_modules(explicit=explicit)[:1]
    try:
        found = tokens.find_modules(configured=settings.pkcs11_module)
    except TokenError:       # a configured module that is gone: still list the others
        log.warning("Configured PKCS#11 module %s is not usable", settings.pkcs11_module)
        found = tokens.find_modules()
    # opencryptoki found by the search is skipped when its daemon is unreachable
    # (configured or named in KYSO_PKCS11_MODULE: loaded, and its error shown).
    return [m for m in found if m.source != "search" or m.vendor != "opencryptoki" or opencryptoki_reachable()]


#: Where opencryptoki's slot daemon (pkcsslotd) listens, by version.
PKCSSLOTD_SOCKETS = ("/run/opencryptoki/pkcsslotd.socket", "/run/pkcsslotd.socket", "/var/run/pkcsslotd.socket")


def opencryptoki_reachable() -> bool:
    """Whether opencryptoki's slot daemon can be reached by this user. Without
    it, loading libopencryptoki only fails, and C_Initialize writes "failed to
    attach to shared memory / verify that the slot management daemon is
    running" to the system log (and, in some versions, to stderr) at every
    scan; so a module found by the search (not one the person configured) is
    skipped quietly when the daemon's socket is absent or not accessible
    (the user is not in the ``pkcs11`` group)."""
    for path in PKCSSLOTD_SOCKETS:
        if os.path.exists(path):
            if os.access(path, os.R_OK | os.W_OK):
                return True
            log.info("opencryptoki skipped: %s is not accessible (add the user to the pkcs11 group)", path)
            return False
    log.info("opencryptoki skipped: its slot daemon pkcsslotd is not running")
    return False


def scan(settings: Settings, explicit: str | Path | None = None, modules: Iterable | None = None,
         report: Callable[[int, int, str | None], None] | None = None) -> list[ModuleScan]:
    """Every module with its tokens. A module that fails is reported, not fatal,
    unless it was named explicitly. ``modules`` replaces the search (paths)."""
    from ..core import tokens

    if modules is not None:
        infos = [tokens.load_module(m).info for m in modules]
    else:
        infos = find_token_modules(settings, explicit)
    out: list[ModuleScan] = []
    for i, info in enumerate(infos):
        if report is not None:
            report(i, len(infos), info.vendor)
        try:
            out.append(ModuleScan(info, tokens.load_module(info).tokens()))
        except KysoError as exc:
            if explicit:
                raise
            log.info("Token module %s skipped: %s", info.path, exc.code)
            out.append(ModuleScan(info, [], exc.message))
        except Exception as exc:  # a broken vendor module must not hide the others
            if explicit:
                raise TokenError("token.module_load_failed", path=str(info.path), detail=str(exc)) from exc
            log.exception("Token module %s failed", info.path)
            out.append(ModuleScan(info, [], str(exc) or type(exc).__name__))
    if report is not None:
        report(len(infos), len(infos), None)
    return out


def all_tokens(scans: Iterable[ModuleScan]) -> list:
    return [t for s in scans for t in s.tokens]


def choose_token(tokens: list, label: str | None = None):
    """The token labelled ``label``, or the only one present."""
    candidates = [t for t in tokens if not label or t.label == label]
    if not candidates:
        raise TokenError("token.not_found", label=label) if label else TokenError("token.none_present")
    if len(candidates) > 1:
        raise TokenError("token.ambiguous", labels=", ".join(t.label for t in candidates))
    return candidates[0]


def certificate_value(cert) -> str:
    """What ``default_certificate`` stores for ``cert``: CKA_ID (hex), else the label."""
    return cert.key_id or cert.label


@dataclass
class TokenStart:
    """A session opened on a token, with fresh PIN state and the chosen certificate."""

    session: object             # kyso.core.tokens.TokenSession
    token: object               # TokenInfo, read again just now
    cert: object                # CertificateInfo

    def close(self) -> None:
        self.session.close()


def start_session(token, settings: Settings, cert_selector: str | None = None,
                  session=None) -> TokenStart:
    """Open a session on ``token`` (or reuse ``session``), read its PIN state
    afresh and choose the certificate. The one place a token session opens."""
    from ..core.tokens import TokenSession, load_module

    if session is None:
        session = TokenSession(load_module(token.module), token)
    try:
        info = session.current_info()
        session.info = info
        cert = choose_certificate(info, cert_selector, settings.default_certificate)
    except BaseException:
        session.close()
        raise
    return TokenStart(session, info, cert)


def login(start: TokenStart, pin: str | None, *, pin_pad: bool = False,
          per_signature_pin: Callable[[], str] | None = None, ca_certs: Iterable[str | Path] = (),
          confirmed_final_try: bool = True):
    """Log in (``pin``, or the reader's PIN pad) and return the pyHanko signer.

    ``per_signature_pin`` is asked before each signature only by keys that
    demand it (CKA_ALWAYS_AUTHENTICATE). The PIN is not kept. Without a
    person to confirm (``confirmed_final_try=False``: a script, an unattended
    service) no PIN is sent when the token has one try left.
    """
    from ..core.verify import ca_certificates

    if pin_pad:
        start.session.login(None, pin_pad=True)
    else:
        start.session.login(pin, confirmed_final_try=confirmed_final_try)
    extra = [c.dump() for c in ca_certificates(ca_certs)]
    return start.session.signer(start.cert, extra_certs=extra, pin_provider=per_signature_pin)


class PinSource:
    """Where a face gets the PIN when it has it at hand (the CLI: ``KYSO_PIN`` or a
    prompt; an unattended service: its environment). ``pin`` returns None to let
    a reader's PIN pad take it."""

    def pin(self, token, cert) -> str | None:  # pragma: no cover - an interface
        raise NotImplementedError

    def per_signature_pin(self, token, cert) -> str:
        return self.pin(token, cert) or ""

    def warn(self, message: str) -> None:
        """A warning the person should see before the PIN is sent (final try)."""

    def confirms_final_try(self, allowed: bool) -> bool:
        """Whether a person stands behind this PIN at the token's last try:
        only when explicitly ``allowed`` (--final-try) for a source with no one
        at it; a face that asks a person overrides this."""
        return allowed


@dataclass
class OpenSigner:
    start: TokenStart
    signer: object

    @property
    def cert(self):
        return self.start.cert

    @property
    def token(self):
        return self.start.token

    def close(self) -> None:
        self.start.close()

    def __enter__(self) -> "OpenSigner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_signer(criteria: TokenCriteria, settings: Settings, pin_source: PinSource,
                ca_certs: Iterable[str | Path] = ()) -> OpenSigner:
    """Choose the token and certificate, log in once, and return the signer."""
    token = choose_token(all_tokens(scan(settings, criteria.module)), criteria.token)
    start = start_session(token, settings, criteria.cert)
    try:
        info = start.token
        if info.final_try:
            from ..core import messages

            pin_source.warn(messages.tr("token.pin_final_try_warning"))
        pin = pin_source.pin(info, start.cert)
        signer = login(start, pin, pin_pad=pin is None and info.pin_pad,
                       per_signature_pin=lambda: pin_source.per_signature_pin(info, start.cert),
                       ca_certs=ca_certs, confirmed_final_try=pin_source.confirms_final_try(criteria.final_try))
    except BaseException:
        start.close()
        raise
    return OpenSigner(start, signer)


_token_locks: dict[tuple, threading.Lock] = {}
_token_locks_guard = threading.Lock()


def token_lock(criteria: TokenCriteria, settings: Settings) -> threading.Lock:
    """The one lock of the token ``criteria`` designates: a face that serves
    several callers at once (the web-page signing service) holds it from the
    session's start to its close, so one token has one session, one signing
    at a time (the module's own thread already serialises each call)."""
    key = (criteria.module or settings.pkcs11_module or "", criteria.token or "")
    with _token_locks_guard:
        return _token_locks.setdefault(key, threading.Lock())


def sign_digest(signer, digest: bytes, digest_algorithm: str = "sha256") -> bytes:
    """A raw signature with the token's key over ``digest`` (made elsewhere):
    RSA PKCS#1 v1.5 over its DigestInfo, ECDSA (DER) for an EC key. ``signer``
    is :attr:`OpenSigner.signer`; the token's own thread does the work. A face
    that serves several callers holds :func:`token_lock` around it, as around
    any signing. Never a document signature: for data a person confirmed."""
    return signer.sign_digest(digest, digest_algorithm)


def sign_data(signer, data: bytes, digest_algorithm: str = "sha256") -> bytes:
    """:func:`sign_digest` over ``data``'s digest (SHA-256 by default)."""
    import hashlib

    return sign_digest(signer, hashlib.new(digest_algorithm.lower().replace("-", ""), data).digest(),
                       digest_algorithm)
