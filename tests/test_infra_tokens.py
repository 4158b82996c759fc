"""The test infrastructure itself, proven at raw python-pkcs11 level.

If these fail, every signing test built on top would fail for the wrong
reason; so they check the parts one by one: certificates as issued, tokens
and their objects, signatures verified independently with ``cryptography``,
CKA_ALWAYS_AUTHENTICATE, opencryptoki's PIN lock progression, and live
OCSP / CRL / RFC 3161 answers from the served PKI.
"""

from __future__ import annotations

import ast
import hashlib
import os
import secrets
from datetime import datetime, timedelta, timezone

import pkcs11
import pytest
import requests
from asn1crypto import algos, crl, ocsp, tsp, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pkcs11 import Attribute, Mechanism, ObjectClass, TokenFlag
from pkcs11.exceptions import PinIncorrect, PinLocked, UserNotLoggedIn

from conftest import SOFTHSM_TOKENS

HTTP_TIMEOUT = 10
ALL_IDENTITIES = [n for names in SOFTHSM_TOKENS.values() for n in names]
TOKEN_OF = {n: label for label, names in SOFTHSM_TOKENS.items() for n in names}


# --------------------------------------------------------------------------
# the PKI as issued


def test_root_fingerprint_and_test_names(test_pki):
    root = x509.Certificate.load(test_pki.root_cert_der)
    assert hashlib.sha256(test_pki.root_cert_der).hexdigest() == test_pki.root_sha256
    assert root.subject.native["common_name"] == "Kyso TEST Root CA"
    assert root.subject.native["organization_name"] == "Kyso TEST PKI (không dùng thật)"
    interm = x509.Certificate.load(test_pki.intermediate_cert_der)
    assert interm.subject.native["common_name"] == "Kyso TEST Issuing CA"
    assert interm.issuer == root.subject
    assert test_pki.root_cert_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE")


@pytest.mark.parametrize("name", ALL_IDENTITIES)
def test_identity_names_are_utf8_with_diacritics(test_pki, name):
    ident = test_pki.identities[name]
    cert = x509.Certificate.load(ident.cert_der)
    assert cert.subject.native["common_name"] == ident.common_name
    if ident.title:
        assert cert.subject.native["title"] == ident.title
    for rdn in cert.subject.chosen:
        for atv in rdn:
            if atv["type"].native in ("common_name", "title", "organization_name"):
                assert atv["value"].name == "utf8_string"
    assert ident.cert_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert ident.key_path.with_suffix(".der").read_bytes() == ident.key_der


def test_validity_and_key_usage_shapes(test_pki):
    ids = test_pki.identities
    now = datetime.now(timezone.utc)

    def cert(n):
        return cx509.load_der_x509_certificate(ids[n].cert_der)

    assert cert("expired").not_valid_after_utc < now - timedelta(days=29)
    soon = cert("expiring_soon").not_valid_after_utc - now
    assert timedelta(days=19) < soon <= timedelta(days=20)
    assert cert("leader").not_valid_after_utc > now + timedelta(days=365 * 2)
    ku = cert("encrypt_only").extensions.get_extension_for_class(cx509.KeyUsage).value
    assert ku.key_encipherment and not ku.digital_signature and not ku.content_commitment
    ku = cert("leader").extensions.get_extension_for_class(cx509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    agency = x509.Certificate.load(ids["agency"].cert_der).subject.native
    assert agency["common_name"] == agency["organization_name"] == (
        "ỦY BAN NHÂN DÂN THÀNH PHỐ PHỦ LÝ"
    )
    assert ids["unit_head"].key_type == "ec"
    assert isinstance(cert("unit_head").public_key(), ec.EllipticCurvePublicKey)
    aia = cert("leader").extensions.get_extension_for_class(
        cx509.AuthorityInformationAccess
    ).value
    assert aia[0].access_location.value == test_pki.ocsp_url


# --------------------------------------------------------------------------
# SoftHSM2 tokens


@pytest.fixture(scope="module")
def softhsm_lib(softhsm):
    return pkcs11.lib(str(softhsm.module_path))


def test_softhsm_tokens_listed(softhsm, softhsm_lib):
    assert os.environ["SOFTHSM2_CONF"] == str(softhsm.conf_path)
    labels = {t.label for t in softhsm_lib.get_tokens()}
    assert set(SOFTHSM_TOKENS) <= labels
    assert softhsm.token_dir.is_relative_to(softhsm.conf_path.parent)


def _verify(cert_der: bytes, key_type: str, data: bytes, signature: bytes) -> None:
    pub = cx509.load_der_x509_certificate(cert_der).public_key()
    if key_type == "rsa":
        pub.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    else:
        half = len(signature) // 2
        der = encode_dss_signature(
            int.from_bytes(signature[:half], "big"),
            int.from_bytes(signature[half:], "big"),
        )
        pub.verify(der, data, ec.ECDSA(hashes.SHA256()))


def _sign(key, key_type: str, data: bytes, **kwargs) -> bytes:
    if key_type == "rsa":
        return key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS, **kwargs)
    # SoftHSM2 2.6 has no CKM_ECDSA_SHA256: hash on the host, raw CKM_ECDSA.
    return key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA, **kwargs)


@pytest.mark.parametrize("name", ALL_IDENTITIES)
def test_softhsm_identity_cert_and_signature(test_pki, softhsm, softhsm_lib, name):
    ident = test_pki.identities[name]
    token = softhsm_lib.get_token(token_label=TOKEN_OF[name])
    data = f"Kyso {name} {secrets.token_hex(8)}".encode()
    with token.open(user_pin=softhsm.user_pin) as session:
        certs = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: ident.key_id_bytes}
            )
        )
        assert len(certs) == 1
        assert certs[0][Attribute.VALUE] == ident.cert_der
        assert certs[0][Attribute.LABEL] == ident.key_label
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=ident.key_id_bytes)
        assert key[Attribute.LABEL] == ident.key_label
        assert key[Attribute.SIGN] is True
        assert key[Attribute.EXTRACTABLE] is False
        assert bool(key[Attribute.ALWAYS_AUTHENTICATE]) == ident.always_authenticate
        extra = {"pin": softhsm.user_pin} if ident.always_authenticate else {}
        sig = _sign(key, ident.key_type, data, **extra)
    _verify(ident.cert_der, ident.key_type, data, sig)


def test_softhsm_tokens_carry_intermediate(test_pki, softhsm, softhsm_lib):
    token = softhsm_lib.get_token(token_label="KYSO-LEADER")
    with token.open(user_pin=softhsm.user_pin) as session:
        values = {
            c[Attribute.VALUE]
            for c in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
        }
    assert test_pki.intermediate_cert_der in values


def test_softhsm_enforces_always_authenticate(test_pki, softhsm, softhsm_lib):
    """SoftHSM2 2.6 enforces CKA_ALWAYS_AUTHENTICATE.

    A normal C_Login is not enough: C_Sign fails with CKR_USER_NOT_LOGGED_IN
    until a CKU_CONTEXT_SPECIFIC login, which python-pkcs11 does when
    ``pin=`` is given to ``sign``.  The permission lasts for one operation.
    """
    ident = test_pki.identities["always_auth"]
    token = softhsm_lib.get_token(token_label="KYSO-MISC")
    with token.open(user_pin=softhsm.user_pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label="always_auth")
        with pytest.raises(UserNotLoggedIn):
            key.sign(b"x", mechanism=Mechanism.SHA256_RSA_PKCS)
        sig = key.sign(b"x", mechanism=Mechanism.SHA256_RSA_PKCS, pin=softhsm.user_pin)
        _verify(ident.cert_der, "rsa", b"x", sig)
        with pytest.raises(UserNotLoggedIn):
            key.sign(b"x", mechanism=Mechanism.SHA256_RSA_PKCS)


def test_softhsm_wrong_pin_never_locks(softhsm, softhsm_lib):
    """SoftHSM2 does not lock PINs: that is why opencryptoki is needed too."""
    token = softhsm_lib.get_token(token_label="KYSO-REVIEWER")
    for _ in range(4):
        with pytest.raises(PinIncorrect):
            token.open(user_pin="000000")
    token = softhsm_lib.get_token(token_label="KYSO-REVIEWER")
    assert not token.flags & TokenFlag.USER_PIN_LOCKED
    with token.open(user_pin=softhsm.user_pin):
        pass


# --------------------------------------------------------------------------
# opencryptoki: a token that locks


def _pin_flags(lib, label):
    flags = lib.get_token(token_label=label).flags  # fresh C_GetTokenInfo
    return {
        n
        for n in ("USER_PIN_COUNT_LOW", "USER_PIN_FINAL_TRY", "USER_PIN_LOCKED")
        if flags & getattr(TokenFlag, n)
    }


@pytest.mark.opencryptoki
def test_opencryptoki_wrong_pin_progression_locks(opencryptoki):
    """Measured: 3 consecutive wrong PINs lock the opencryptoki sw token.

    wrong #1 -> PinIncorrect, flags {COUNT_LOW}
    wrong #2 -> PinIncorrect, flags {FINAL_TRY}
    wrong #3 -> PinIncorrect, flags {LOCKED}
    then any PIN, even the right one -> PinLocked.
    """
    lib = pkcs11.lib(str(opencryptoki.module_path))
    label = opencryptoki.token_label
    assert _pin_flags(lib, label) == set()
    expected = [{"USER_PIN_COUNT_LOW"}, {"USER_PIN_FINAL_TRY"}, {"USER_PIN_LOCKED"}]
    for want in expected:
        with pytest.raises(PinIncorrect):
            lib.get_token(token_label=label).open(user_pin="0000")
        assert _pin_flags(lib, label) == want
    with pytest.raises(PinLocked):
        lib.get_token(token_label=label).open(user_pin=opencryptoki.user_pin)
    with pytest.raises(PinLocked):
        lib.get_token(token_label=label).open(user_pin="0000")


@pytest.mark.opencryptoki
def test_opencryptoki_correct_pin_resets_count(opencryptoki):
    lib = pkcs11.lib(str(opencryptoki.module_path))
    label = opencryptoki.token_label
    for _ in range(2):
        with pytest.raises(PinIncorrect):
            lib.get_token(token_label=label).open(user_pin="0000")
    assert _pin_flags(lib, label) == {"USER_PIN_FINAL_TRY"}
    with lib.get_token(token_label=label).open(user_pin=opencryptoki.user_pin):
        pass
    assert _pin_flags(lib, label) == set()


@pytest.mark.opencryptoki
def test_opencryptoki_reinit_unlocks_and_key_signs(opencryptoki, test_pki):
    """After a lock, the fixture's re-init gives a usable token again."""
    from support.opencryptoki import prepare_token

    lib = pkcs11.lib(str(opencryptoki.module_path))
    label = opencryptoki.token_label
    for _ in range(3):
        with pytest.raises(PinIncorrect):
            lib.get_token(token_label=label).open(user_pin="0000")
    assert "USER_PIN_LOCKED" in _pin_flags(lib, label)

    tok = prepare_token(test_pki.identities["leader"])
    lib = pkcs11.lib(str(tok.module_path))
    assert _pin_flags(lib, label) == set()
    ident = test_pki.identities["leader"]
    with lib.get_token(token_label=label).open(user_pin=tok.user_pin) as session:
        certs = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.ID: ident.key_id_bytes}
            )
        )
        assert [c[Attribute.VALUE] for c in certs] == [ident.cert_der]
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=ident.key_id_bytes)
        # opencryptoki 3.8's sw token has no CKM_SHA256_RSA_PKCS (only SHA1/MD5
        # combined mechanisms): hash on the host and sign a DigestInfo with
        # raw CKM_RSA_PKCS, as the product must do for such tokens.
        digest_info = algos.DigestInfo(
            {
                "digest_algorithm": {"algorithm": "sha256"},
                "digest": hashlib.sha256(b"opencryptoki").digest(),
            }
        ).dump()
        sig = key.sign(digest_info, mechanism=Mechanism.RSA_PKCS)
    _verify(ident.cert_der, "rsa", b"opencryptoki", sig)


# --------------------------------------------------------------------------
# live services


def _ocsp_status(test_pki, name: str) -> str:
    cert = x509.Certificate.load(test_pki.identities[name].cert_der)
    issuer = x509.Certificate.load(test_pki.intermediate_cert_der)
    cert_id = ocsp.CertId(
        {
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha1"}),
            "issuer_name_hash": hashlib.sha1(issuer.subject.dump()).digest(),
            "issuer_key_hash": hashlib.sha1(
                issuer.public_key["public_key"].contents[1:]  # strip unused-bits byte
            ).digest(),
            "serial_number": cert.serial_number,
        }
    )
    req = ocsp.OCSPRequest(
        {"tbs_request": {"request_list": [{"req_cert": cert_id}]}}
    )
    resp = requests.post(
        test_pki.ocsp_url,
        data=req.dump(),
        headers={"Content-Type": "application/ocsp-request"},
        timeout=HTTP_TIMEOUT,
    )
    assert resp.status_code == 200
    parsed = ocsp.OCSPResponse.load(resp.content)
    assert parsed["response_status"].native == "successful"
    basic = parsed["response_bytes"]["response"].parsed
    (single,) = basic["tbs_response_data"]["responses"]
    assert single["cert_id"]["serial_number"].native == cert.serial_number
    return single["cert_status"].name


def test_ocsp_revoked_and_good(test_pki, pki_services):
    assert _ocsp_status(test_pki, "revoked") == "revoked"
    assert _ocsp_status(test_pki, "leader") == "good"


def test_crl_lists_revoked_only(test_pki, pki_services):
    resp = requests.get(test_pki.intermediate_crl_url, timeout=HTTP_TIMEOUT)
    assert resp.status_code == 200
    lst = crl.CertificateList.load(resp.content)
    serials = {
        r["user_certificate"].native
        for r in lst["tbs_cert_list"]["revoked_certificates"]
    }
    revoked = x509.Certificate.load(test_pki.identities["revoked"].cert_der)
    leader = x509.Certificate.load(test_pki.identities["leader"].cert_der)
    assert revoked.serial_number in serials
    assert leader.serial_number not in serials
    assert lst.issuer == x509.Certificate.load(test_pki.intermediate_cert_der).subject


def test_timestamp_request_gets_valid_token(test_pki, pki_services):
    digest = hashlib.sha256(b"Kyso timestamp probe").digest()
    nonce = secrets.randbits(63)
    req = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    resp = requests.post(
        test_pki.tsa_url,
        data=req.dump(),
        headers={"Content-Type": "application/timestamp-query"},
        timeout=HTTP_TIMEOUT,
    )
    assert resp.status_code == 200
    parsed = tsp.TimeStampResp.load(resp.content)
    assert parsed["status"]["status"].native == "granted"
    signed_data = parsed["time_stamp_token"]["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    assert tst_info["nonce"].native == nonce
    gen_time = tst_info["gen_time"].native
    assert abs(gen_time - datetime.now(timezone.utc)) < timedelta(minutes=5)

    # The signature over the signed attributes verifies with the TSA cert,
    # and the messageDigest attribute binds the TSTInfo.
    tsa_der = test_pki.tsa_cert_path.with_suffix(".der").read_bytes()
    tsa_cert = cx509.load_der_x509_certificate(tsa_der)
    eku = tsa_cert.extensions.get_extension_for_class(cx509.ExtendedKeyUsage).value
    assert cx509.oid.ExtendedKeyUsageOID.TIME_STAMPING in eku
    embedded = {c.chosen.dump() for c in signed_data["certificates"]}
    assert tsa_der in embedded
    (signer,) = signed_data["signer_infos"]
    attrs = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    encap = signed_data["encap_content_info"]["content"].contents
    assert attrs["message_digest"].native == hashlib.sha256(encap).digest()
    signed_attrs_der = signer["signed_attrs"].untag().dump(force=True)
    assert signed_attrs_der[0] == 0x31  # SET OF, as signed
    tsa_cert.public_key().verify(
        signer["signature"].native,
        signed_attrs_der,
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


# --------------------------------------------------------------------------
# facts the product relies on


_LATE_TOKEN_PROBE = r"""
import os, subprocess, sys
import pkcs11
lib = pkcs11.lib(sys.argv[1])
before = sorted(t.label for t in lib.get_tokens())
subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "LATE",
                "--so-pin", "12345678", "--pin", "123456"],
               check=True, capture_output=True, timeout=30)
same_process = sorted(t.label for t in lib.get_tokens())
lib.reinitialize()
after_reinit = sorted(t.label for t in lib.get_tokens())
print(repr((before, same_process, after_reinit)))
"""


def test_softhsm_token_created_after_initialize_needs_reinitialize(tmp_path, softhsm):
    """A process that already called C_Initialize does not see a token that
    softhsm2-util creates afterwards; C_Finalize + C_Initialize shows it.

    Run in a child with its own config so this session's tokens are untouched
    (and because this process must not C_Finalize SoftHSM2 mid-session).
    """
    import subprocess
    import sys

    tokdir = tmp_path / "tokens"
    tokdir.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokdir}\nlog.level = ERROR\n")
    out = subprocess.run(
        [sys.executable, "-c", _LATE_TOKEN_PROBE, str(softhsm.module_path)],
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    before, same_process, after_reinit = ast.literal_eval(out)
    assert "LATE" not in before
    assert "LATE" not in same_process
    assert "LATE" in after_reinit


def test_saved_config_reproduces_certificates(test_pki):
    """serve_pki_services(dir) reloads certomancer.yml: same certs, byte for byte,
    so OCSP/CRL served from a directory answer about the certificates on disk."""
    from kyso.demo.pki import ARCH_LABEL, load_certomancer_config

    arch = load_certomancer_config(test_pki.dest).get_pki_arch(ARCH_LABEL)
    for name in ("leader", "unit_head", "revoked"):
        assert arch.get_cert(name).dump() == test_pki.identities[name].cert_der
    assert arch.get_cert("root").dump() == test_pki.root_cert_der


def test_openssl_prints_vietnamese_subject(test_pki):
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-subject", "-nameopt", "utf8",
         "-in", str(test_pki.identities["leader"].cert_path)],
        capture_output=True, timeout=30, check=True,
    ).stdout.decode("utf-8")
    assert "Phạm Văn Quân" in out
    assert "PHÓ CHỦ TỊCH" in out
