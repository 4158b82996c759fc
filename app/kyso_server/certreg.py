"""Certificate registration with proof of possession of the key.

1. ``POST /me/certificates/challenge``: the server makes a random challenge,
   bound to the account, valid ``Settings.challenge_ttl`` (5 minutes), usable
   once. The client is given the exact bytes to sign (``to_sign``: a fixed
   prefix, the user name, the challenge id and the nonce, so the signature
   means nothing outside this registration).
2. ``POST /me/certificates/proof`` ``{challenge_id, certificate, signature}``:
   the challenge is consumed first (even if the proof then fails), the
   certificate is checked as at any registration (trust roots, validity, key
   usage, revocation), and the signature is verified with the certificate's
   public key (RSA PKCS#1 v1.5 or ECDSA, SHA-256; the ``cryptography``
   library). The registration is stored ``pending`` until an administrator
   approves it (``kyso-server admin approve-cert``), or ``active`` at once
   with ``--auto-approve-certs``. Only active certificates sign.

Who wins: a registration that proves possession of the key replaces a
registration of the same certificate by another account that was made
without proof (``POST /me/certificates``); a proven or administrator-made
registration is never replaced by anyone (``409 certificate_taken``; the
administrator can ``release-certificate``). Both decisions are written to the
security log.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from datetime import datetime, timezone

from asn1crypto import x509 as asn1_x509
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .auth import security_event
from .deps import AppContext
from .errors import ApiError
from .models import CERT_ACTIVE, CERT_PENDING, Certificate, CertificateChallenge, User
from .pdfcheck import validate_certificate

PROOF_PREFIX = b"kyso-certificate-proof:v1\n"


def challenge_bytes(username: str, challenge_id: int, nonce: str) -> bytes:
    """The exact bytes the key signs for ``challenge_id``."""
    return PROOF_PREFIX + f"user={username}\nchallenge={challenge_id}\nnonce={nonce}\n".encode()


def issue_challenge(session: Session, ctx: AppContext, user: User) -> tuple[CertificateChallenge, bytes]:
    now = ctx.settings.clock()
    session.execute(delete(CertificateChallenge).where(CertificateChallenge.expires_at < now))
    row = CertificateChallenge(user_id=user.id, nonce=secrets.token_hex(32), created_at=now,
                               expires_at=now + ctx.settings.challenge_ttl)
    session.add(row)
    session.flush()
    return row, challenge_bytes(user.username, row.id, row.nonce)


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, "invalid_request", f"Trường {what} không phải Base64.") from exc


def signature_matches(der: bytes, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``data`` (SHA-256) verifies with the public
    key of the certificate ``der``: RSA PKCS#1 v1.5 (or PSS), ECDSA as DER or
    as the raw r||s a PKCS#11 token returns."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        key = x509.load_der_x509_certificate(der).public_key()
    except ValueError:
        return False
    attempts = []
    if isinstance(key, rsa.RSAPublicKey):
        attempts = [lambda: key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256()),
                    lambda: key.verify(signature, data, padding.PSS(padding.MGF1(hashes.SHA256()),
                                                                    padding.PSS.AUTO), hashes.SHA256())]
    elif isinstance(key, ec.EllipticCurvePublicKey):
        size = (key.curve.key_size + 7) // 8
        attempts = [lambda: key.verify(signature, data, ec.ECDSA(hashes.SHA256()))]
        if len(signature) == 2 * size:
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            attempts.append(lambda: key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256())))
    for attempt in attempts:
        try:
            attempt()
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


def _describe(der: bytes) -> tuple[str, str, datetime | None]:
    try:
        cert = asn1_x509.Certificate.load(der)
        not_after = cert["tbs_certificate"]["validity"]["not_after"].native
        return (cert.subject.human_friendly, format(cert.serial_number, "x"),
                not_after.astimezone(timezone.utc) if not_after else None)
    except Exception as exc:
        raise ApiError(422, "invalid_certificate", "Dữ liệu gửi lên không phải chứng thư số X.509 dạng DER.") from exc


def _consume(ctx: AppContext, user: User, challenge_id: int, now: datetime) -> CertificateChallenge:
    """Mark the challenge used in its own committed transaction: one proof per
    challenge, whether or not it succeeds, even with concurrent requests."""
    with ctx.sessions.begin() as s:
        row = s.get(CertificateChallenge, challenge_id)
        if row is None or row.user_id != user.id:
            raise ApiError(404, "challenge_unknown",
                           "Mã thử thách không tồn tại hoặc không thuộc tài khoản này. Hãy chạy lại kyso register-cert.")
        if row.used_at is not None:
            raise ApiError(409, "challenge_used",
                           "Mã thử thách này đã được dùng. Hãy chạy lại kyso register-cert để nhận mã mới.")
        if row.expires_at <= now:
            raise ApiError(410, "challenge_expired",
                           "Mã thử thách đã hết hạn. Hãy chạy lại kyso register-cert và nhập mã PIN ngay.")
        done = s.execute(update(CertificateChallenge).where(
            CertificateChallenge.id == row.id, CertificateChallenge.used_at.is_(None)).values(used_at=now)).rowcount
        if done != 1:
            raise ApiError(409, "challenge_used",
                           "Mã thử thách này đã được dùng. Hãy chạy lại kyso register-cert để nhận mã mới.")
        return row


def _audit_now(ctx: AppContext, now: datetime, kind: str, username: str, detail: str) -> None:
    with ctx.sessions.begin() as s:   # kept although the request fails
        security_event(s, now, kind, username, detail=detail)


def prove_and_register(session: Session, ctx: AppContext, user: User, challenge_id: int,
                       certificate_b64: str, signature_b64: str) -> tuple[Certificate, bool]:
    """``POST /me/certificates/proof``; returns (registration, created)."""
    now = ctx.settings.clock()
    der = _b64(certificate_b64, "certificate")
    signature = _b64(signature_b64, "signature")
    challenge = _consume(ctx, user, challenge_id, now)
    subject, serial, not_after = _describe(der)
    sha = hashlib.sha256(der).hexdigest()
    validate_certificate(der, _trust(ctx, now))
    if not signature_matches(der, challenge_bytes(user.username, challenge.id, challenge.nonce), signature):
        _audit_now(ctx, now, "certificate_proof_failed", user.username, f"sha256={sha}")
        raise ApiError(422, "proof_invalid",
                       "Chữ ký trên mã thử thách không khớp với khóa công khai của chứng thư số: khóa bí mật "
                       "không nằm trên token này. Hãy chọn đúng token và chứng thư số (--token, --cert).",
                       {"sha256": sha})
    existing = session.scalar(select(Certificate).where(Certificate.sha256 == sha))
    if existing is not None and existing.user_id == user.id:
        if existing.source == "unproven":
            existing.source = "proof"
            security_event(session, now, "certificate_proven", user.username, detail=f"sha256={sha}")
        return existing, False
    if existing is not None:
        owner = session.get(User, existing.user_id)
        if existing.source != "unproven":
            _audit_now(ctx, now, "certificate_taken_refused", user.username,
                       f"sha256={sha} owner={owner.username if owner else existing.user_id} (proven)")
            raise ApiError(
                409, "certificate_taken",
                "Chứng thư số này đã được đăng ký, có chứng minh giữ khóa, cho một tài khoản khác. "
                "Hãy báo quản trị máy chủ (kyso-server admin release-certificate).",
                {"sha256": sha})
        session.delete(existing)
        session.flush()
        security_event(session, now, "certificate_taken_over", user.username,
                       detail=f"sha256={sha} from {owner.username if owner else existing.user_id} "
                              "(registered without proof; proof of possession wins)")
    status = CERT_ACTIVE if ctx.settings.auto_approve_certs else CERT_PENDING
    row = Certificate(user_id=user.id, sha256=sha, der=der, subject=subject, serial=serial, not_after=not_after,
                      created_at=now, status=status, source="proof",
                      approved_at=now if status == CERT_ACTIVE else None,
                      approved_by="auto" if status == CERT_ACTIVE else None)
    session.add(row)
    session.flush()
    security_event(session, now, "certificate_registered", user.username,
                   detail=f"sha256={sha} subject={subject} proof {status}")
    return row, True


def _trust(ctx: AppContext, now: datetime):
    from .service import trust_config

    return trust_config(ctx, now)


def find_certificate(session: Session, ref: str) -> Certificate | None:
    """A registration by id, full SHA-256, or an unambiguous SHA-256 prefix (≥ 8)."""
    ref = ref.strip().lower().replace(":", "")
    if ref.isdigit() and len(ref) < 8:
        return session.get(Certificate, int(ref))
    if len(ref) == 64:
        return session.scalar(select(Certificate).where(Certificate.sha256 == ref))
    if len(ref) >= 8:
        rows = list(session.scalars(select(Certificate).where(Certificate.sha256.startswith(ref))).all())
        return rows[0] if len(rows) == 1 else None
    return None


def approve(session: Session, row: Certificate, now: datetime, by: str = "admin") -> bool:
    if row.status == CERT_ACTIVE:
        return False
    row.status, row.approved_at, row.approved_by = CERT_ACTIVE, now, by
    owner = session.get(User, row.user_id)
    security_event(session, now, "certificate_approved", owner.username if owner else None,
                   detail=f"sha256={row.sha256} by {by}")
    return True
