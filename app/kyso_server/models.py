"""ORM model: units, users and roles, certificates, documents, versions, audit.

Field names for document metadata follow edXML (QCVN 102:2016/BTTTT) so that an
exchange package can be produced from a row without a mapping table.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("drafter", "unit_head", "reviewer", "leader", "clerk")
UNIT_KINDS = ("committee", "office", "department")
PATHS = ("ubnd", "unit")
STATES = ("draft", "submitted", "initialled", "signed", "issued", "returned")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """An organisation unit; `kind` decides whose seal the office clerk uses."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    #: edXML OrganId, e.g. "000.00.12.H40".
    organ_id: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Revoked by an administrator (``kyso-server admin disable-user``): no
    #: login, and existing tokens stop working. Kept for the audit trail.
    disabled: Mapped[bool] = mapped_column(default=False, server_default="0")
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(32))
    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship(lazy="joined")


#: Certificate registration states: only ``active`` certificates may sign.
CERT_ACTIVE = "active"
CERT_PENDING = "pending"
#: How a registration was made: ``unproven`` (``POST /me/certificates``, no
#: proof of the key), ``proof`` (challenge signed with the key), ``admin``
#: (registered by an administrator from a file).
CERT_SOURCES = ("unproven", "proof", "admin")


class Certificate(Base):
    """A signing certificate registered by its holder; matched by SHA-256 of DER."""

    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    subject: Mapped[str] = mapped_column(Text)
    serial: Mapped[str] = mapped_column(String(128))
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=CERT_ACTIVE, server_default=CERT_ACTIVE)
    source: Mapped[str] = mapped_column(String(16), default="unproven", server_default="unproven")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(64))


class CertificateChallenge(Base):
    """A random challenge for proof of possession of a certificate's key:
    bound to one account, short-lived, used once."""

    __tablename__ = "certificate_challenges"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthToken(Base):
    """Bearer tokens are stored only as SHA-256 so a database leak is not a login."""

    __tablename__ = "auth_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: None while the password is being checked: a pending attempt counts as a
    #: failure, so concurrent guesses are throttled before any is verified.
    success: Mapped[bool | None] = mapped_column(default=None)


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    drafting_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    # edXML metadata
    from_organ_id: Mapped[str | None] = mapped_column(String(64))
    from_organ_name: Mapped[str | None] = mapped_column(String(255))
    to_organs: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    number: Mapped[int | None] = mapped_column(Integer)
    notation: Mapped[str] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(128))
    promulgation_date: Mapped[str | None] = mapped_column(String(10))
    doc_type: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(Text)
    signer_competence: Mapped[str | None] = mapped_column(String(64))
    signer_position: Mapped[str | None] = mapped_column(String(128))
    signer_full_name: Mapped[str | None] = mapped_column(String(128))
    urgency: Mapped[str | None] = mapped_column(String(32))
    secrecy: Mapped[str | None] = mapped_column(String(32))
    due_date: Mapped[str | None] = mapped_column(String(10))
    appendixes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # workflow bookkeeping
    current_version_no: Mapped[int] = mapped_column(Integer, default=0)
    return_comment: Mapped[str | None] = mapped_column(Text)
    leader_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agency_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Id of the last audit entry: the inbox cursor compares against it.
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0, index=True)

    drafting_unit: Mapped[Unit] = relationship(foreign_keys=[drafting_unit_id], lazy="joined")
    issuing_unit: Mapped[Unit] = relationship(foreign_keys=[issuing_unit_id], lazy="joined")


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    no: Mapped[int] = mapped_column(Integer)
    base_no: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    signature_count: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(16))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdempotencyRecord(Base):
    """Remembers (user, document, key) → version so a retried upload is not a duplicate."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "document_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    key: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    version_no: Mapped[int] = mapped_column(Integer)


class RegisterNumber(Base):
    """One row per number handed out: the unique key makes double issue impossible."""

    __tablename__ = "register_numbers"
    __table_args__ = (UniqueConstraint("register", "year", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    reserved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    used: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_version_no: Mapped[int | None] = mapped_column(Integer)
    to_version_no: Mapped[int | None] = mapped_column(Integer)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Register(Base):
    """A number register ("sổ đăng ký văn bản đi"), created by an administrator
    (``kyso-server add-register`` or the demo seed): "<unit code>:<notation>".
    Number reservation locks this row, so concurrent clerks are serialised per
    register on every backend."""

    __tablename__ = "registers"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    notation: Mapped[str] = mapped_column(String(64))
    #: Bumped by every reservation: the UPDATE is what takes the row lock.
    reservations: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountLogin(Base):
    """Per account: where it last logged in successfully, and when an
    administrator last unlocked it (failures before that no longer count)."""

    __tablename__ = "account_logins"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_ok_ip: Mapped[str | None] = mapped_column(String(64))
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SecurityEvent(Base):
    """Audit of security decisions that are not about one document: throttling
    locks and unlocks, certificate registrations and refusals."""

    __tablename__ = "security_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    username: Mapped[str | None] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
