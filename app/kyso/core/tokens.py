"""PKCS#11 modules, tokens, certificates and PIN state.

Shape (after DigiDoc4's crypto backend): find modules → list tokens with their
certificates and PIN state → open one :class:`TokenSession` → log in → get a
pyHanko :class:`TokenSigner` for one certificate.

Rules this module keeps:

- **One thread per module.** Some vendor modules are not thread safe, and a
  token session does one operation at a time. Every call into a module (slot
  listing, login, signing) runs on that module's own worker thread; callers on
  any thread get the result through a future. The GUI thread never calls in.
- **PIN state from the token and from our own count.** Many Vietnamese vendor
  modules never set USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED, so failures are
  also counted here (per token serial, in the state folder; never the PIN)
  and turned into "tries left" with the vendor's known limit.
- **Never retry a wrong PIN.** A wrong PIN raises at once; nothing here loops.
- **The PIN is never stored or logged.** It lives in the caller's variable for
  the duration of one login (or one signature, for keys that demand it).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import hashlib
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import pkcs11
from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, Mechanism, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11e
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import paths
from .errors import PinError, PinIncorrect, PinLocked, TokenError, TokenRemoved
from .trust import name_str as _name_str

log = logging.getLogger(__name__)

# -- known modules -------------------------------------------------------------

#: Module base names seen in Vietnamese integrations (domain brief), by vendor,
#: with the number of wrong PINs after which that vendor's tokens lock.
VIETNAMESE_MODULES: dict[str, tuple[tuple[str, ...], int | None]] = {
    "Ban Cơ yếu Chính phủ (SafeNet)": (("eTPKCS11",), 3),
    "Ban Cơ yếu Chính phủ (Bit4id)": (("bit4xpki",), 3),
    "VNPT-CA": (("vnpt-ca_csp11", "vnpt-ca_v34", "vnpt-ca_cl_v1")
                + tuple(f"vnptca_p11_v{i}" for i in range(6, 11)), None),
    "Viettel-CA": (("viettel-ca",) + tuple(f"viettel-ca_v{i}" for i in range(1, 7)), 5),
    "BKAV-CA": (("BkavCA", "BkavCAv2S", "BkavCAv25"), None),
    "FPT-CA": (("fpt-ca", "fpt-ca-stx") + tuple(f"fptca_v{i}" for i in range(3, 7)), None),
    "CA2": (("CA2_csp11",), None),
    "SAFE-CA": (("safe-ca",), None),
    "NewCA": (tuple(f"nca_v{i}" for i in range(4, 10)), None),
    "ePass2003": (("eps2003csp11",), None),
    "Shuttle": (("ShuttleCsp11_3003",), None),
    "Nexus": (("ngp11v211",), None),
    "ST3": (("st3csp11",), None),
    "VDCTD": (("vdctdcsp11",), None),
}

SOFT_MODULES: tuple[tuple[str, str], ...] = (
    ("SoftHSM2", "softhsm/libsofthsm2.so"),
    ("SoftHSM2", "libsofthsm2.so"),
    ("opencryptoki", "pkcs11/libopencryptoki.so"),
    ("opencryptoki", "opencryptoki/libopencryptoki.so"),
)


@dataclass(frozen=True)
class ModuleInfo:
    path: Path
    vendor: str
    max_pin_tries: int | None = None
    source: str = "search"  # flag | environment | config | search


def _system_lib_dirs() -> list[Path]:
    extra = os.environ.get("KYSO_PKCS11_SEARCH_PATH")
    if extra:
        return [Path(p) for p in extra.split(os.pathsep) if p]
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        return [windir / "System32", windir / "SysWOW64"]
    if sys.platform == "darwin":
        return [Path("/usr/local/lib"), Path("/Library/Frameworks"), Path("/opt/homebrew/lib")]
    dirs = [Path("/usr/lib"), Path("/usr/local/lib"), Path("/usr/lib64"), Path("/lib")]
    multiarch = Path("/usr/lib") / f"{os.uname().machine}-linux-gnu"
    dirs.insert(1, multiarch)
    return dirs


def _file_names(base: str) -> list[str]:
    if sys.platform.startswith("win"):
        return [f"{base}.dll"]
    if sys.platform == "darwin":
        return [f"lib{base}.dylib", f"{base}.dylib"]
    return [f"lib{base}.so", f"{base}.so"]


def _vendor_for(path: Path) -> tuple[str, int | None]:
    stem = path.name.lower()
    for vendor, (names, tries) in VIETNAMESE_MODULES.items():
        for base in names:
            if any(stem == n.lower() for n in _file_names(base)):
                return vendor, tries
    if "softhsm" in stem:
        return "SoftHSM2", None
    if "opencryptoki" in stem:
        # Measured: the soft token locks on the third wrong PIN.
        return "opencryptoki", 3
    return path.stem, None


def find_modules(explicit: str | Path | None = None, configured: str | Path | None = None) -> list[ModuleInfo]:
    """PKCS#11 modules in order of preference, without duplicates.

    An explicit path (``--module``) comes first, then ``KYSO_PKCS11_MODULE``,
    then the configured one, then the Vietnamese CAs' modules in the OS's
    standard folders, then SoftHSM2 and opencryptoki.
    """
    found: list[ModuleInfo] = []
    seen: set[Path] = set()

    def add(path: Path, source: str) -> None:
        try:
            real = path.resolve()
        except OSError:
            return
        if real in seen or not path.is_file():
            return
        seen.add(real)
        vendor, tries = _vendor_for(path)
        found.append(ModuleInfo(path, vendor, tries, source))

    for value, source in ((explicit, "flag"), (os.environ.get("KYSO_PKCS11_MODULE"), "environment"),
                          (configured, "config")):
        if value:
            path = Path(value)
            if not path.is_file():
                raise TokenError("token.module_load_failed", path=str(path),
                                 detail="không có tệp này / no such file")
            add(path, source)
    dirs = _system_lib_dirs()
    for _vendor, (names, _tries) in VIETNAMESE_MODULES.items():
        for base in names:
            for folder in dirs:
                for name in _file_names(base):
                    add(folder / name, "search")
    for _vendor, rel in SOFT_MODULES:
        for folder in dirs:
            add(folder / rel, "search")
    return found


# -- certificates --------------------------------------------------------------


class Usability(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NOT_FOR_SIGNING = "not_for_signing"


@dataclass(frozen=True)
class CertificateInfo:
    key_id: str            # CKA_ID, hex
    label: str             # CKA_LABEL
    subject: str           # RFC 4514-like, Vietnamese diacritics intact
    common_name: str
    organisation: str
    title: str
    issuer: str
    serial: str            # hex
    not_before: datetime
    not_after: datetime
    key_usage: tuple[str, ...]
    key_type: str          # rsa | ec
    sha256: str
    der: bytes = field(repr=False)

    def usability(self, at: datetime | None = None) -> Usability:
        at = at or datetime.now(timezone.utc)
        if at > self.not_after:
            return Usability.EXPIRED
        if at < self.not_before:
            return Usability.NOT_YET_VALID
        if self.key_usage and not {"digital_signature", "non_repudiation"} & set(self.key_usage):
            return Usability.NOT_FOR_SIGNING
        return Usability.OK

    @property
    def usable(self) -> bool:
        return self.usability() is Usability.OK

    def days_left(self, at: datetime | None = None) -> int:
        at = at or datetime.now(timezone.utc)
        return (self.not_after - at).days

    def refusal(self) -> TokenError | None:
        """The error to raise when someone tries to sign with this certificate."""
        use = self.usability()
        if use is Usability.EXPIRED:
            return TokenError("token.cert_expired", subject=self.common_name,
                              date=self.not_after.strftime("%d/%m/%Y"))
        if use is Usability.NOT_YET_VALID:
            return TokenError("token.cert_not_yet_valid", subject=self.common_name,
                              date=self.not_before.strftime("%d/%m/%Y"))
        if use is Usability.NOT_FOR_SIGNING:
            return TokenError("token.cert_not_for_signing", subject=self.common_name)
        return None

    def to_json(self) -> dict:
        return {
            "key_id": self.key_id, "label": self.label, "subject": self.subject,
            "common_name": self.common_name, "organisation": self.organisation,
            "title": self.title, "issuer": self.issuer, "serial": self.serial,
            "not_before": self.not_before.isoformat(), "not_after": self.not_after.isoformat(),
            "key_usage": list(self.key_usage), "key_type": self.key_type,
            "sha256": self.sha256, "usable": self.usable,
            "unusable_reason": None if self.usable else self.usability().value,
        }


def parse_certificate(der: bytes, key_id: str = "", label: str = "") -> CertificateInfo:
    cert = asn1_x509.Certificate.load(der)
    subject = cert.subject.native
    ku = cert.key_usage_value
    key_algo = cert.public_key.algorithm
    return CertificateInfo(
        key_id=key_id,
        label=label,
        subject=_name_str(cert.subject),
        common_name=str(subject.get("common_name", "")),
        organisation=str(subject.get("organization_name", "")),
        title=str(subject.get("title", "")),
        issuer=_name_str(cert.issuer),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
        key_usage=tuple(sorted(ku.native)) if ku is not None else (),
        key_type="ec" if key_algo == "ec" else "rsa",
        sha256=hashlib.sha256(der).hexdigest(),
        der=der,
    )


# -- PIN state -----------------------------------------------------------------


class PinStatus(enum.Enum):
    OK = "ok"
    COUNT_LOW = "count_low"
    FINAL_TRY = "final_try"
    LOCKED = "locked"


class PinFailureLedger:
    """Our own count of wrong PINs per token serial (never the PIN itself).

    Kept in the state folder so a restart does not forget that the token has
    one try left. Reset by a successful login.
    """

    def __init__(self, path: Path | None = None):
        self._path = path
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        # Resolved at use: KYSO_HOME or the platform folder as they are now.
        return self._path or paths.state_dir() / "pin-failures.json"

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def count(self, serial: str) -> int:
        with self._lock:
            return int(self._read().get(serial, 0))

    def _write(self, data: dict) -> None:
        from .fileio import write_bytes_atomic

        write_bytes_atomic(self.path, json.dumps(data).encode("utf-8"), private=True)

    def failed(self, serial: str) -> int:
        with self._lock:
            data = self._read()
            data[serial] = int(data.get(serial, 0)) + 1
            self._write(data)
            return data[serial]

    def reset(self, serial: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(serial, None) is not None:
                self._write(data)


@dataclass(frozen=True)
class TokenInfo:
    module: ModuleInfo
    slot_id: int
    label: str
    serial: str
    manufacturer: str
    model: str
    pin_status: PinStatus
    pin_pad: bool               # PROTECTED_AUTHENTICATION_PATH: the reader takes the PIN
    our_failures: int
    min_pin_len: int
    max_pin_len: int
    certificates: tuple[CertificateInfo, ...]

    @property
    def tries_left(self) -> int | None:
        """Tries before the lock, when the token or the vendor's limit tells us."""
        if self.pin_status is PinStatus.LOCKED:
            return 0
        if self.pin_status is PinStatus.FINAL_TRY:
            return 1
        if self.module.max_pin_tries is not None:
            return max(self.module.max_pin_tries - self.our_failures, 0)
        return None

    @property
    def final_try(self) -> bool:
        return self.tries_left == 1

    def to_json(self) -> dict:
        return {
            "module": str(self.module.path), "vendor": self.module.vendor,
            "slot": self.slot_id, "label": self.label, "serial": self.serial,
            "manufacturer": self.manufacturer, "model": self.model,
            "pin_status": self.pin_status.value, "tries_left": self.tries_left,
            "pin_pad": self.pin_pad,
            "certificates": [c.to_json() for c in self.certificates],
        }


def _pin_status(flags: int) -> PinStatus:
    if flags & TokenFlag.USER_PIN_LOCKED:
        return PinStatus.LOCKED
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return PinStatus.FINAL_TRY
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return PinStatus.COUNT_LOW
    return PinStatus.OK


# -- modules and their worker threads -----------------------------------------

_REMOVED = (p11e.TokenNotPresent, p11e.DeviceRemoved, p11e.SessionHandleInvalid,
            p11e.SessionClosed, p11e.TokenNotRecognised, p11e.SlotIDInvalid, p11e.DeviceError)


def _pin_limits(path: Path, slot_id: int) -> tuple[int, int]:
    """ulMinPinLen and ulMaxPinLen from C_GetTokenInfo (0, 0 when unknown).

    Called on the module's own thread, after python-pkcs11 initialised it.
    Absurd values (CK_EFFECTIVELY_INFINITE, more than 1024) count as unknown.
    """
    import ctypes

    class _Version(ctypes.Structure):
        _fields_ = [("major", ctypes.c_ubyte), ("minor", ctypes.c_ubyte)]

    class _TokenInfo(ctypes.Structure):
        if sys.platform.startswith("win"):
            _pack_ = 1  # PKCS#11 structures are packed on Windows
        _fields_ = [("label", ctypes.c_char * 32), ("manufacturerID", ctypes.c_char * 32),
                    ("model", ctypes.c_char * 16), ("serialNumber", ctypes.c_char * 16),
                    ("flags", ctypes.c_ulong), ("ulMaxSessionCount", ctypes.c_ulong),
                    ("ulSessionCount", ctypes.c_ulong), ("ulMaxRwSessionCount", ctypes.c_ulong),
                    ("ulRwSessionCount", ctypes.c_ulong), ("ulMaxPinLen", ctypes.c_ulong),
                    ("ulMinPinLen", ctypes.c_ulong), ("ulTotalPublicMemory", ctypes.c_ulong),
                    ("ulFreePublicMemory", ctypes.c_ulong), ("ulTotalPrivateMemory", ctypes.c_ulong),
                    ("ulFreePrivateMemory", ctypes.c_ulong), ("hardwareVersion", _Version),
                    ("firmwareVersion", _Version), ("utcTime", ctypes.c_char * 16)]

    try:
        lib = ctypes.CDLL(str(path))  # the already loaded library, not a second copy
        fn = lib.C_GetTokenInfo
        fn.argtypes = [ctypes.c_ulong, ctypes.POINTER(_TokenInfo)]
        fn.restype = ctypes.c_ulong
        info = _TokenInfo()
        if fn(slot_id, ctypes.byref(info)) != 0:
            return 0, 0
    except (OSError, AttributeError, ValueError):
        return 0, 0
    lo, hi = int(info.ulMinPinLen), int(info.ulMaxPinLen)
    lo = lo if 0 < lo <= 1024 else 0
    hi = hi if 0 < hi <= 1024 and hi >= lo else 0
    return lo, hi


def _clean(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text.rstrip(" \x00")


class Pkcs11Module:
    """A loaded PKCS#11 library and the single thread that talks to it."""

    def __init__(self, info: ModuleInfo):
        self.info = info
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"pkcs11-{info.path.name}")
        self._lib = None
        self.ledger = PinFailureLedger()

    def submit(self, fn: Callable, *args, **kwargs) -> concurrent.futures.Future:
        return self._executor.submit(self._guarded, fn, *args, **kwargs)

    def call(self, fn: Callable, *args, **kwargs):
        return self.submit(fn, *args, **kwargs).result()

    def _guarded(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TokenError:
            raise
        except _REMOVED as exc:
            raise TokenRemoved() from exc
        except p11e.PKCS11Error as exc:
            log.exception("PKCS#11 call failed in %s", self.info.path)
            raise TokenError("token.failed", detail=type(exc).__name__) from exc

    @property
    def lib(self):
        # Only ever touched from the worker thread.
        if self._lib is None:
            try:
                self._lib = pkcs11.lib(str(self.info.path))
            except (RuntimeError, OSError, p11e.PKCS11Error) as exc:
                raise TokenError("token.module_load_failed", path=str(self.info.path),
                                 detail=str(exc) or type(exc).__name__) from exc
        return self._lib

    # -- listing (worker thread) --
    def _tokens(self) -> list[TokenInfo]:
        result = []
        for slot in self.lib.get_slots(token_present=True):
            try:
                token = slot.get_token()
                if not token.flags & TokenFlag.TOKEN_INITIALIZED:
                    continue  # a blank token (SoftHSM2 always offers one)
                result.append(self._describe(slot, token))
            except _REMOVED:
                continue  # pulled out while we looked
        return result

    def _describe(self, slot, token) -> TokenInfo:
        serial = _clean(token.serial)
        certs: list[CertificateInfo] = []
        with token.open() as session:
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                try:
                    der = obj[Attribute.VALUE]
                    key_id = bytes(obj[Attribute.ID] or b"").hex()
                    label = _clean(obj[Attribute.LABEL] or "")
                    certs.append(parse_certificate(der, key_id, label))
                except (p11e.PKCS11Error, ValueError, TypeError):
                    log.warning("Skipping an unreadable certificate on %s", _clean(token.label))
        # Personal certificates first (a CA certificate on the token has no key).
        certs.sort(key=lambda c: (not c.key_id, c.common_name))
        min_len = max_len = 0
        with contextlib.suppress(AttributeError):
            min_len, max_len = token.min_pin_length, token.max_pin_length
        if not (min_len or max_len):  # python-pkcs11 does not expose them: ask the module
            min_len, max_len = _pin_limits(self.info.path, slot.slot_id)
        return TokenInfo(
            module=self.info,
            slot_id=slot.slot_id,
            label=_clean(token.label),
            serial=serial,
            manufacturer=_clean(token.manufacturer_id),
            model=_clean(token.model),
            pin_status=_pin_status(token.flags),
            pin_pad=bool(token.flags & TokenFlag.PROTECTED_AUTHENTICATION_PATH),
            our_failures=self.ledger.count(serial),
            min_pin_len=min_len,
            max_pin_len=max_len,
            certificates=tuple(certs),
        )

    def tokens(self) -> list[TokenInfo]:
        return self.call(self._tokens)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


_modules: dict[Path, Pkcs11Module] = {}
_modules_lock = threading.Lock()


def load_module(info: ModuleInfo | str | Path) -> Pkcs11Module:
    """The process-wide :class:`Pkcs11Module` for a library (loaded once)."""
    if not isinstance(info, ModuleInfo):
        path = Path(info)
        if not path.is_file():
            raise TokenError("token.module_load_failed", path=str(path),
                             detail="không có tệp này / no such file")
        vendor, tries = _vendor_for(path)
        info = ModuleInfo(path, vendor, tries, "flag")
    key = info.path.resolve()
    with _modules_lock:
        module = _modules.get(key)
        if module is None:
            module = _modules[key] = Pkcs11Module(info)
        return module


# -- sessions ------------------------------------------------------------------


class TokenSession:
    """One session on one token, used only from its module's thread.

    Open it with :func:`open_token`, :meth:`login` once (or let the reader's PIN
    pad do it), then ask for a :meth:`signer`. Close it when done.
    """

    def __init__(self, module: Pkcs11Module, token: TokenInfo):
        self.module = module
        self.info = token
        self._session = None
        self._token = None
        self.logged_in = False

    # worker-thread helpers
    def _find_token(self):
        for slot in self.module.lib.get_slots(token_present=True):
            token = slot.get_token()
            if _clean(token.serial) == self.info.serial and _clean(token.label) == self.info.label:
                return token
        raise TokenRemoved()

    def _login(self, pin, confirmed_final_try: bool = True):
        token = self._find_token()
        status = _pin_status(token.flags)
        ledger = self.module.ledger
        if status is PinStatus.LOCKED:
            raise PinLocked("token.pin_locked", tries_left=0)
        if not confirmed_final_try and pin is not pkcs11.PROTECTED_AUTH:
            # Fresh flags and our own count, just before the PIN would go out.
            max_tries = self.module.info.max_pin_tries
            ours = ledger.count(self.info.serial)
            if status is PinStatus.FINAL_TRY or (max_tries is not None and max_tries - ours <= 1):
                raise PinError("token.pin_final_try_refused", tries_left=1)
        try:
            session = token.open(user_pin=pin)
        except p11e.PinIncorrect:
            ours = ledger.failed(self.info.serial)
            raise self._wrong_pin_error(self._find_token().flags, ours) from None
        except p11e.PinLocked:
            raise PinLocked("token.pin_locked", tries_left=0) from None
        except (p11e.PinLenRange, p11e.PinInvalid):
            raise PinIncorrect("token.pin_invalid_format") from None
        except p11e.UserAlreadyLoggedIn:
            session = token.open()
        ledger.reset(self.info.serial)
        self._close_session()
        self._session, self._token = session, token
        self.logged_in = True

    def _wrong_pin_error(self, flags: int, our_failures: int) -> TokenError:
        status = _pin_status(flags)
        max_tries = self.module.info.max_pin_tries
        if status is PinStatus.LOCKED or (max_tries is not None and our_failures >= max_tries):
            return PinLocked("token.pin_locked", tries_left=0)
        if status is PinStatus.FINAL_TRY or (max_tries is not None and max_tries - our_failures == 1):
            return PinIncorrect("token.pin_final_try", tries_left=1)
        if max_tries is not None:
            left = max_tries - our_failures
            return PinIncorrect("token.pin_incorrect_tries", tries_left=left, tries=left)
        return PinIncorrect("token.pin_incorrect")

    def _close_session(self):
        if self._session is not None:
            with contextlib.suppress(p11e.PKCS11Error):
                self._session.close()
            self._session = None
            self.logged_in = False

    # public API (any thread)
    def login(self, pin: str | None, *, pin_pad: bool = False,
              confirmed_final_try: bool = True) -> None:
        """Log in with ``pin``; with ``pin_pad`` the reader's keypad takes the PIN.

        ``confirmed_final_try=False`` (no person to confirm: a script, a PIN
        from the environment) refuses to send a PIN when the token has one
        try left (:class:`PinError` ``token.pin_final_try_refused``). A PIN
        outside the token's length limits is never sent: it would only
        spend a try.
        """
        if pin_pad:
            if not self.info.pin_pad:
                raise TokenError("token.failed", detail="no PIN pad / không có bàn phím PIN")
            self.module.call(self._login, pkcs11.PROTECTED_AUTH)
            return
        if not pin:
            raise PinIncorrect("token.pin_required")
        check_pin_length(self.info, pin)
        self.module.call(self._login, pin, confirmed_final_try)

    def current_info(self) -> TokenInfo:
        """Fresh token flags and our count (for the PIN dialog's warning)."""
        def _read():
            token = self._find_token()
            return self.module._describe(token.slot, token)
        return self.module.call(_read)

    def certificate(self, selector: str | None = None) -> CertificateInfo:
        """The signing certificate chosen by CKA_ID (hex) or label, else the only usable
        one (:func:`choose_certificate`, the one rule)."""
        return choose_certificate(self.info, selector)

    def signer(self, cert: CertificateInfo, pin_provider: Callable[[], str] | None = None,
               extra_certs: Iterable[bytes] = ()) -> "TokenSigner":
        """A pyHanko signer for ``cert``'s private key on this token.

        ``pin_provider`` is asked for the PIN before each signature when the
        key says CKA_ALWAYS_AUTHENTICATE; otherwise it is never called.
        """
        if not self.logged_in:
            raise PinIncorrect("token.pin_required")

        def _find_key():
            key_id = bytes.fromhex(cert.key_id)
            try:
                key = self._session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=key_id)
            except (p11e.NoSuchKey, p11e.MultipleObjectsReturned):
                try:
                    key = self._session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=cert.label)
                except (p11e.NoSuchKey, p11e.MultipleObjectsReturned):
                    raise TokenError("token.key_missing", cert=cert.label or cert.key_id) from None
            try:
                always = bool(key[Attribute.ALWAYS_AUTHENTICATE])
            except (p11e.AttributeTypeInvalid, p11e.PKCS11Error, KeyError):
                always = False
            mechs = set(self._token.slot.get_mechanisms())
            return key, always, mechs

        key, always, mechs = self.module.call(_find_key)
        pool = [c.der for c in self.info.certificates if c.sha256 != cert.sha256]
        chain = issuer_chain(cert.der, [*pool, *extra_certs])
        return TokenSigner(self, cert, key, always, mechs, pin_provider, chain)

    def close(self) -> None:
        self.module.call(self._close_session)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_pin_length(info: TokenInfo, pin: str) -> None:
    """Refuse, without sending it, a PIN outside the token's ulMinPinLen..ulMaxPinLen.

    Limits a token does not state (0, or a maximum below the minimum) are not
    enforced. Lengths are counted in bytes, as PKCS#11 counts them.
    """
    n = len(pin.encode("utf-8"))
    lo, hi = info.min_pin_len or 0, info.max_pin_len or 0
    if lo > 0 and n < lo:
        raise PinError("token.pin_length", min=lo, max=hi if hi >= lo else "?")
    if hi > 0 and hi >= lo and n > hi:
        raise PinError("token.pin_length", min=lo or 1, max=hi)


def final_try_confirmed(flag: bool) -> bool:
    """Whether a person stands behind this login: ``--final-try`` given, or a
    PIN typed at a terminal (not from KYSO_PIN, not from a pipe)."""
    if flag:
        return True
    if os.environ.get("KYSO_PIN"):
        return False
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _matching(certs: list, selector: str) -> list:
    key = selector.lower().removeprefix("0x")
    by_id = [c for c in certs if c.key_id and c.key_id.lower() == key]
    if by_id:
        return by_id
    exact = [c for c in certs if c.label == selector]
    if exact:
        return exact
    return [c for c in certs if c.label and c.label.lower() == selector.lower()]


def certificate_matches(cert, value: str | None) -> bool:
    """``value`` (a stored default or a --cert) designates ``cert``."""
    return bool(value) and cert in _matching([cert], value)


def choose_certificate(token, selector: str | None = None, default: str | None = None):
    """The certificate that signs on ``token``: an explicit ``selector`` (``--cert``,
    a web page's request), else the person's ``default`` certificate when this
    token holds it, else the only usable one. A key ID matches in any case, with
    or without ``0x``; a label exactly, or in any case when that is unambiguous.
    Raises a :class:`TokenError` that says why none can sign (the core's one
    wording, :meth:`CertificateInfo.refusal`)."""
    certs = [c for c in token.certificates if c.key_id]
    if selector:
        chosen = _matching(certs, selector)
        if not chosen:
            raise TokenError("token.cert_not_found", cert=selector, label=token.label)
        if len(chosen) > 1:
            raise TokenError("token.cert_ambiguous", label=token.label,
                             choices=", ".join(f"{c.label or c.key_id}: {c.common_name}" for c in chosen))
        cert = chosen[0]
    else:
        preferred = _matching(certs, default) if default else []
        if len(preferred) == 1:
            cert = preferred[0]   # the person's default certificate, held by this token
        else:
            usable = [c for c in certs if c.usable]
            if not usable:
                if certs:
                    raise certs[0].refusal() or TokenError("token.no_certificate", label=token.label)
                raise TokenError("token.no_certificate", label=token.label)
            if len(usable) > 1:
                raise TokenError("token.cert_ambiguous", label=token.label,
                                 choices=", ".join(f"{c.label or c.key_id}: {c.common_name}" for c in usable))
            cert = usable[0]
    refusal = cert.refusal()
    if refusal is not None:
        raise refusal
    return cert


def issuer_chain(leaf_der: bytes, pool: Iterable[bytes]) -> list[bytes]:
    """The CA certificates above ``leaf_der`` found in ``pool``, nearest first.

    Only these go into the signature: a shared token may also hold other
    people's certificates, which have no business in someone else's signature.
    """
    by_subject: dict[str, bytes] = {}
    for der in pool:
        c = asn1_x509.Certificate.load(der)
        if c.ca:
            by_subject.setdefault(c.subject.hashable, der)
    chain: list[bytes] = []
    current = asn1_x509.Certificate.load(leaf_der)
    while not current.self_issued and len(chain) < 8:
        parent = by_subject.get(current.issuer.hashable)
        if parent is None or parent in chain:
            break
        chain.append(parent)
        current = asn1_x509.Certificate.load(parent)
    return chain


def open_token(module: ModuleInfo | str | Path, label: str | None = None) -> TokenSession:
    """Open the token ``label`` (or the only token present) in ``module``."""
    mod = load_module(module)
    tokens = mod.tokens()
    if label:
        tokens = [t for t in tokens if t.label == label]
        if not tokens:
            raise TokenError("token.not_found", label=label)
    if not tokens:
        raise TokenError("token.none_present")
    if len(tokens) > 1:
        raise TokenError("token.ambiguous", labels=", ".join(t.label for t in tokens))
    return TokenSession(mod, tokens[0])


# -- the pyHanko signer --------------------------------------------------------

_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_RSA_MECH = {"sha256": Mechanism.SHA256_RSA_PKCS, "sha384": Mechanism.SHA384_RSA_PKCS,
             "sha512": Mechanism.SHA512_RSA_PKCS}


def _digest_info(digest_algorithm: str, digest: bytes) -> bytes:
    return asn1_algos.DigestInfo({
        "digest_algorithm": {"algorithm": digest_algorithm},
        "digest": digest,
    }).dump()


class TokenSigner(Signer):
    """pyHanko signer whose raw signature is made on the token's thread."""

    def __init__(self, session: TokenSession, cert: CertificateInfo, key, always_authenticate: bool,
                 mechanisms: set, pin_provider: Callable[[], str] | None, chain: list[bytes]):
        self.session = session
        self.cert_info = cert
        self._key = key
        self.always_authenticate = always_authenticate
        self._mechs = mechanisms
        self._pin_provider = pin_provider
        registry = SimpleCertificateStore()
        registry.register_multiple(asn1_x509.Certificate.load(d) for d in chain)
        mechanism = "sha256_ecdsa" if cert.key_type == "ec" else "sha256_rsa"
        super().__init__(
            signing_cert=asn1_x509.Certificate.load(cert.der),
            cert_registry=registry,
            signature_mechanism=asn1_algos.SignedDigestAlgorithm({"algorithm": mechanism}),
            embed_roots=False,
        )

    def _raw_size(self) -> int:
        pub = self.signing_cert.public_key
        if self.cert_info.key_type == "ec":
            return 2 * ((pub.bit_size + 7) // 8) + 8
        return (pub.bit_size + 7) // 8

    def _sign_on_token(self, data: bytes | None, digest_algorithm: str, pin: str | None,
                       digest: bytes | None = None) -> bytes:
        """Sign ``data`` (hashed here or on the token), or a ``digest`` already
        made (then always hashed nowhere: ECDSA over it, or PKCS#1 v1.5 over
        its DigestInfo). Runs on the module's thread."""
        digest_algorithm = digest_algorithm.lower()
        kwargs = {}
        if pin is not None:
            kwargs["pin"] = pin
        try:
            if digest is None and self.cert_info.key_type != "ec" and _RSA_MECH[digest_algorithm] in self._mechs:
                return self._key.sign(data, mechanism=_RSA_MECH[digest_algorithm], **kwargs)
            if digest is None:
                digest = _HASHES[digest_algorithm](data).digest()
            if self.cert_info.key_type == "ec":
                raw = self._key.sign(digest, mechanism=Mechanism.ECDSA, **kwargs)
                return asn1_algos.DSASignature.from_p1363(raw).dump()
            # Tokens without hash-and-sign mechanisms (or a digest given): pad on the token.
            return self._key.sign(_digest_info(digest_algorithm, digest),
                                  mechanism=Mechanism.RSA_PKCS, **kwargs)
        except p11e.PinIncorrect:
            ours = self.session.module.ledger.failed(self.session.info.serial)
            raise self.session._wrong_pin_error(self.session._find_token().flags, ours) from None
        except p11e.PinLocked:
            raise PinLocked("token.pin_locked", tries_left=0) from None
        except p11e.UserNotLoggedIn:
            raise PinIncorrect("token.pin_required") from None

    def _signature_pin(self) -> str | None:
        """The PIN a key with CKA_ALWAYS_AUTHENTICATE asks before each signature."""
        if not self.always_authenticate:
            return None
        if self._pin_provider is None:
            raise PinIncorrect("token.pin_required")
        pin = self._pin_provider()
        if not pin:
            raise PinIncorrect("token.pin_cancelled")
        check_pin_length(self.session.info, pin)
        return pin

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return bytes(self._raw_size())
        pin = self._signature_pin()
        future = self.session.module.submit(self._sign_on_token, data, digest_algorithm, pin)
        del pin
        return await asyncio.wrap_future(future)

    def sign_digest(self, digest: bytes, digest_algorithm: str = "sha256") -> bytes:
        """A raw signature over a digest made elsewhere (no CMS, no document):
        RSA PKCS#1 v1.5 over the DigestInfo, or ECDSA (DER) for an EC key. On
        the token's thread; the caller holds the token's lock
        (:func:`kyso.services.tokens.sign_digest`)."""
        digest_algorithm = digest_algorithm.lower().replace("-", "")
        if digest_algorithm not in _HASHES:
            raise TokenError("token.digest_unsupported", algorithm=digest_algorithm)
        if len(digest) != _HASHES[digest_algorithm]().digest_size:
            raise TokenError("token.digest_length", algorithm=digest_algorithm, length=len(digest))
        pin = self._signature_pin()
        return self.session.module.call(self._sign_on_token, None, digest_algorithm, pin, digest)
