"""SoftHSM2 tokens that look like the officials' USB tokens.

Why SoftHSM2
------------
Kyso talks PKCS#11 to the USB tokens issued to officials.  SoftHSM2 is a real
PKCS#11 module, so tests and the demo exercise the very same code path
(C_Login, C_FindObjects, C_Sign) without hardware.

Why a private softhsm2.conf and a subprocess
--------------------------------------------
SoftHSM2 reads ``SOFTHSM2_CONF`` once, at ``C_Initialize``.  The tokens made
here live in their own token directory under ``base_dir`` (the system token
directory is never touched).  Tokens are initialised with ``softhsm2-util``
and objects are imported by a child ``python -m kyso.demo.softhsm import``
so the *calling* process never initialises the module itself: it stays free
to load SoftHSM2 later with whatever configuration it decides (typically the
one in :attr:`SoftHsmSetup.env`, exported before anything loads the module).

PINs
----
``softhsm2-util`` only takes PINs on its command line (it reads interactive
input from the terminal, not stdin), so the test PINs are on that argv for
the duration of one short command; they are never printed or logged, and
error messages here never include the command line.  The importer child
receives the PIN on stdin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .pki import Identity

__all__ = [
    "SoftHsmError",
    "SoftHsmSetup",
    "create_softhsm_tokens",
    "find_softhsm_module",
]

_MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
)

_TIMEOUT = 60  # seconds for any single helper command


class SoftHsmError(RuntimeError):
    """SoftHSM2 is missing or a token could not be prepared."""


@dataclass(frozen=True)
class SoftHsmSetup:
    """Where the tokens are and how to load them.

    Merge :attr:`env` into ``os.environ`` *before* the first ``C_Initialize``
    of SoftHSM2 in a process: SoftHSM2 reads its configuration only then.
    """

    module_path: Path
    conf_path: Path
    token_dir: Path
    env: dict[str, str]
    token_labels: tuple[str, ...]
    user_pin: str = field(repr=False)
    so_pin: str = field(repr=False)


def find_softhsm_module() -> Path:
    """Locate libsofthsm2.so (known Debian paths first, then ``dpkg -L``)."""
    env_path = os.environ.get("KYSO_SOFTHSM_MODULE")
    if env_path and Path(env_path).is_file():
        return Path(env_path)
    for cand in _MODULE_CANDIDATES:
        if Path(cand).is_file():
            return Path(cand)
    for pkg in ("libsofthsm2", "softhsm2"):
        try:
            out = subprocess.run(
                ["dpkg", "-L", pkg],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        for line in out.splitlines():
            if line.endswith("/libsofthsm2.so") and Path(line).is_file():
                return Path(line)
    raise SoftHsmError(
        "libsofthsm2.so not found; install the Debian package 'softhsm2'"
    )


def _run(args: list[str], env: Mapping[str, str], what: str, stdin: str | None = None):
    """Run a helper; on failure raise without echoing argv (it may hold PINs)."""
    try:
        proc = subprocess.run(
            args,
            input=stdin,
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise SoftHsmError(f"{what}: {args[0]} not found") from None
    except subprocess.TimeoutExpired:
        raise SoftHsmError(f"{what}: timed out after {_TIMEOUT}s") from None
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip()[-2000:]
        raise SoftHsmError(f"{what} failed (exit {proc.returncode}): {detail}")
    return proc


def create_softhsm_tokens(
    base_dir: Path,
    tokens: Mapping[str, Sequence[Identity]],
    user_pin: str,
    so_pin: str,
    ca_certs: Sequence[bytes] = (),
) -> SoftHsmSetup:
    """Create one SoftHSM2 token per label and import identities into it.

    ``tokens`` maps token label -> identities.  For each identity the
    private key (CKA_ID = ``key_id``, CKA_LABEL = ``key_label``, CKA_SIGN,
    sensitive, not extractable, CKA_ALWAYS_AUTHENTICATE when
    ``always_authenticate``), its public key and its certificate (same
    CKA_ID and CKA_LABEL) are created.  ``ca_certs`` (DER) are added to every
    token as certificates without CKA_ID, like the CA certificates vendors put
    on real tokens.

    ``base_dir`` is owned by this function: a previous token directory in it
    is wiped so each call starts from a clean state.
    """
    base_dir = Path(base_dir).resolve()
    module = find_softhsm_module()
    util = shutil.which("softhsm2-util")
    if util is None:
        raise SoftHsmError("softhsm2-util not found; install 'softhsm2'")
    token_dir = base_dir / "tokens"
    if token_dir.exists():
        shutil.rmtree(token_dir)
    token_dir.mkdir(parents=True)
    conf = base_dir / "softhsm2.conf"
    conf.write_text(
        "# Kyso test tokens -- private token directory, not the system one\n"
        f"directories.tokendir = {token_dir}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n"
        "slots.removable = false\n"
        "slots.mechanisms = ALL\n",
        encoding="utf-8",
    )
    extra_env = {"SOFTHSM2_CONF": str(conf)}
    child_env = {**os.environ, **extra_env}

    for label in tokens:
        _run(
            [util, "--init-token", "--free", "--label", label,
             "--so-pin", so_pin, "--pin", user_pin],
            child_env,
            f"initialising SoftHSM2 token {label!r}",
        )

    # Make sure the child can import this package even when the parent got
    # it through sys.path manipulation rather than PYTHONPATH.
    pkg_parent = str(Path(__file__).resolve().parents[2])
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (pkg_parent, child_env.get("PYTHONPATH", "")) if p
    )
    payload = {
        "module": str(module),
        "user_pin": user_pin,
        "ca_certs": [c.hex() for c in ca_certs],
        "tokens": {
            label: [
                {
                    "key_der": ident.key_der.hex(),
                    "cert_der": ident.cert_der.hex(),
                    "key_id": ident.key_id,
                    "key_label": ident.key_label,
                    "key_type": ident.key_type,
                    "always_authenticate": ident.always_authenticate,
                }
                for ident in idents
            ]
            for label, idents in tokens.items()
        },
    }
    _run(
        [sys.executable, "-m", "kyso.demo.softhsm", "import"],
        child_env,
        "importing keys into SoftHSM2",
        stdin=json.dumps(payload),
    )
    return SoftHsmSetup(
        module_path=module,
        conf_path=conf,
        token_dir=token_dir,
        env=extra_env,
        token_labels=tuple(tokens),
        user_pin=user_pin,
        so_pin=so_pin,
    )


# --------------------------------------------------------------------------
# Child-process side: runs with SOFTHSM2_CONF already pointing at our conf.


def private_key_template(key_der: bytes, key_type: str) -> dict:
    """PKCS#11 attributes for a PKCS#8 key (shared with the opencryptoki helper)."""
    from asn1crypto import keys as asn1_keys
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util import biginteger

    pki = asn1_keys.PrivateKeyInfo.load(key_der)
    if key_type == "rsa":
        k = pki["private_key"].parsed
        return {
            Attribute.CLASS: ObjectClass.PRIVATE_KEY,
            Attribute.KEY_TYPE: KeyType.RSA,
            Attribute.MODULUS: biginteger(k["modulus"]),
            Attribute.PUBLIC_EXPONENT: biginteger(k["public_exponent"]),
            Attribute.PRIVATE_EXPONENT: biginteger(k["private_exponent"]),
            Attribute.PRIME_1: biginteger(k["prime1"]),
            Attribute.PRIME_2: biginteger(k["prime2"]),
            Attribute.EXPONENT_1: biginteger(k["exponent1"]),
            Attribute.EXPONENT_2: biginteger(k["exponent2"]),
            Attribute.COEFFICIENT: biginteger(k["coefficient"]),
            Attribute.DECRYPT: True,
        }
    if key_type == "ec":
        k = pki["private_key"].parsed
        return {
            Attribute.CLASS: ObjectClass.PRIVATE_KEY,
            Attribute.KEY_TYPE: KeyType.EC,
            Attribute.EC_PARAMS: pki["private_key_algorithm"]["parameters"].dump(),
            Attribute.VALUE: k["private_key"].contents,
        }
    raise ValueError(f"unsupported key type {key_type!r}")


def public_key_template(cert_der: bytes, key_type: str) -> dict:
    from asn1crypto import core, x509
    from pkcs11 import Attribute, KeyType, ObjectClass
    from pkcs11.util import biginteger

    spki = x509.Certificate.load(cert_der).public_key
    if key_type == "rsa":
        k = spki["public_key"].parsed
        return {
            Attribute.CLASS: ObjectClass.PUBLIC_KEY,
            Attribute.KEY_TYPE: KeyType.RSA,
            Attribute.MODULUS: biginteger(k["modulus"]),
            Attribute.PUBLIC_EXPONENT: biginteger(k["public_exponent"]),
        }
    return {
        Attribute.CLASS: ObjectClass.PUBLIC_KEY,
        Attribute.KEY_TYPE: KeyType.EC,
        Attribute.EC_PARAMS: spki["algorithm"]["parameters"].dump(),
        Attribute.EC_POINT: core.OctetString(spki["public_key"].native).dump(),
    }


def certificate_template(cert_der: bytes) -> dict:
    from asn1crypto import x509
    from pkcs11 import Attribute, CertificateType, ObjectClass

    cert = x509.Certificate.load(cert_der)
    return {
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.VALUE: cert_der,
        Attribute.SUBJECT: cert.subject.dump(),
        Attribute.ISSUER: cert.issuer.dump(),
        Attribute.SERIAL_NUMBER: cert["tbs_certificate"]["serial_number"].dump(),
        Attribute.TOKEN: True,
        Attribute.PRIVATE: False,
    }


def import_identity(session, ident: Mapping, ca_certs: Sequence[bytes] = ()) -> None:
    """Create key pair + certificate objects for one identity in ``session``.

    ``ident`` holds ``key_der``/``cert_der`` (bytes), ``key_id`` (hex),
    ``key_label``, ``key_type`` and ``always_authenticate``.
    """
    from pkcs11 import Attribute

    key_id = bytes.fromhex(ident["key_id"])
    label = ident["key_label"]
    common = {Attribute.ID: key_id, Attribute.LABEL: label, Attribute.TOKEN: True}
    priv = private_key_template(ident["key_der"], ident["key_type"])
    priv.update(common)
    priv.update(
        {
            Attribute.PRIVATE: True,
            Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
            Attribute.SIGN: True,
        }
    )
    if ident.get("always_authenticate"):
        priv[Attribute.ALWAYS_AUTHENTICATE] = True
    session.create_object(priv)
    pub = public_key_template(ident["cert_der"], ident["key_type"])
    pub.update(common)
    pub.update({Attribute.VERIFY: True, Attribute.PRIVATE: False})
    session.create_object(pub)
    cert = certificate_template(ident["cert_der"])
    cert.update(common)
    session.create_object(cert)


def _child_import(payload: dict) -> None:
    import pkcs11
    from asn1crypto import x509
    from pkcs11 import Attribute

    lib = pkcs11.lib(payload["module"])
    ca_certs = [bytes.fromhex(c) for c in payload.get("ca_certs", [])]
    for label, idents in payload["tokens"].items():
        token = lib.get_token(token_label=label)
        with token.open(rw=True, user_pin=payload["user_pin"]) as session:
            for ident in idents:
                ident = dict(ident)
                ident["key_der"] = bytes.fromhex(ident["key_der"])
                ident["cert_der"] = bytes.fromhex(ident["cert_der"])
                import_identity(session, ident)
            for ca_der in ca_certs:
                tpl = certificate_template(ca_der)
                cn = x509.Certificate.load(ca_der).subject.native.get(
                    "common_name", "CA"
                )
                tpl[Attribute.LABEL] = cn
                session.create_object(tpl)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv != ["import"]:
        print("usage: python -m kyso.demo.softhsm import  < payload.json", file=sys.stderr)
        return 2
    _child_import(json.load(sys.stdin))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
