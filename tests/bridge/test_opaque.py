"""Data that is not a document (SignMsg, Auth): signed only after a person
confirmed that very request, never unattended, and the signature verifies with
the certificate's public key. (The desktop window itself is clicked in
tests/gui/test_bridge_window.py; here the application layer under it.)"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from kyso.bridge.operations import Attendant, Bridge, EnvPinSource, NoPerson, Unattended
from kyso.core import settings as store
from kyso.demo.settings import demo_settings
from kyso.services.tokens import TokenCriteria

ORIGIN = "https://qlvb.example.gov.vn"


class Confirms(Attendant):
    """A person who reads the request and types the PIN (the window's answer)."""

    interactive = True

    def __init__(self, pin):
        self.pin, self.seen = pin, []

    def approve_opaque(self, request, criteria):
        self.seen.append(request)
        return EnvPinSource(self.pin, person=True)


@pytest.fixture
def bridge_for(kyso_home, softhsm):
    store.save(demo_settings(bridge_allowed_origins=(ORIGIN,)))

    def make(attendant, token="KYSO-LEADER"):
        return Bridge(TokenCriteria(str(softhsm.module_path), token), attendant)
    return make


def verify(cert_der: bytes, signature: bytes, digest: bytes) -> None:
    key = x509.load_der_x509_certificate(cert_der).public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    else:
        key.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


@pytest.mark.parametrize("token", ["KYSO-LEADER", "KYSO-UNITHEAD"])     # RSA, EC
def test_a_confirmed_hash_is_signed_and_verifies(bridge_for, softhsm, token):
    person = Confirms(softhsm.user_pin)
    digest = hashlib.sha256(b"to khai ho so 42").digest()
    answer = bridge_for(person, token).handle("SignMsg", ORIGIN, json.dumps(
        {"HashAlg": "SHA256", "HashValue": base64.b64encode(digest).decode(), "Encode": "RSA"}))
    assert answer["Status"] == 0, answer
    assert [(r.kind, r.digest, r.call.origin) for r in person.seen] == [("hash", digest, ORIGIN)]
    verify(base64.b64decode(answer["CertBase64"]), base64.b64decode(answer["Signature"]), digest)


def test_signmsg_data_and_auth(bridge_for, softhsm):
    bridge = bridge_for(Confirms(softhsm.user_pin))
    data = "HoTen=Nguyễn Văn A&SoHoSo=42".encode("utf-8")
    answer = bridge.handle("SignMsg", ORIGIN, base64.b64encode(data).decode())
    assert answer["Status"] == 0, answer
    cert = base64.b64decode(answer["CertBase64"])
    verify(cert, base64.b64decode(answer["Signature"]), hashlib.sha256(data).digest())
    answer = bridge.handle("Auth", ORIGIN, "challenge-7f3a")
    assert answer["Status"] == 0 and set(answer) >= {"Signature"} and "CertBase64" not in answer, answer
    verify(cert, base64.b64decode(answer["Signature"]), hashlib.sha256(b"challenge-7f3a").digest())


def test_unreadable_or_unoffered_is_never_shown_nor_signed(bridge_for, softhsm):
    person = Confirms(softhsm.user_pin)
    bridge = bridge_for(person)
    short = base64.b64encode(b"\0" * 20).decode()
    for op, body in (("SignMsg", json.dumps({"HashAlg": "SHA256", "HashValue": short})),
                     ("SignMsg", json.dumps({"HashAlg": "MD5", "HashValue": short})),
                     ("SignMsg", "không phải base64!"), ("Auth", "")):
        answer = bridge.handle(op, ORIGIN, body)
        assert answer["Status"] == 2, (op, body, answer)
    for op in ("SignXML", "SignJson"):
        answer = bridge.handle(op, ORIGIN, json.dumps({"Base64Content": "PHg+PC94Pg==", "JsonContent": "{}"}))
        assert answer["Status"] == 12 and op in answer["Message"], answer
    assert person.seen == []


@pytest.mark.parametrize("attendant", [NoPerson(), Unattended("123456")])
def test_never_without_a_person(bridge_for, attendant):
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    for op, body in (("SignMsg", json.dumps({"HashAlg": "SHA256", "HashValue": digest})), ("Auth", "abc")):
        answer = bridge_for(attendant).handle(op, ORIGIN, body)
        assert answer["Status"] == 12 and "không ký dữ liệu" in answer["Message"], answer
