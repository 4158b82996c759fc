"""Request and response bodies (pydantic); these are the integrators' contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    code: str = Field(description="Mã lỗi ổn định cho máy đọc")
    message: str = Field(description="Thông báo tiếng Việt cho người dùng")
    detail: Any = None


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    organ_id: str | None
    parent_id: int | None


class RoleOut(BaseModel):
    unit_id: int
    unit_name: str
    role: str


class MeOut(BaseModel):
    id: int
    username: str
    full_name: str
    position: str | None
    roles: list[RoleOut]


class CertificateOut(BaseModel):
    id: int
    sha256: str
    subject: str
    serial: str
    not_after: datetime | None
    status: Literal["active", "pending"] = Field(
        "active", description="active: may sign; pending: waits for an administrator's approval")
    source: Literal["unproven", "proof", "admin"] = Field(
        "unproven", description="unproven: registered without proof of the key; proof: the key signed a "
                                "challenge; admin: registered by an administrator")


class ChallengeOut(BaseModel):
    challenge_id: int
    to_sign: str = Field(description="Base64 of the exact bytes to sign with the certificate's key (SHA-256)")
    expires_at: datetime


class CertificateProof(BaseModel):
    challenge_id: int
    certificate: str = Field(min_length=1, max_length=90000, description="Base64 DER certificate")
    signature: str = Field(min_length=1, max_length=4096,
                           description="Base64 signature of to_sign: RSA PKCS#1 v1.5 or ECDSA (DER or r||s), SHA-256")


class OrganRef(BaseModel):
    organ_id: str | None = None
    organ_name: str = Field(min_length=1, max_length=255)


class DocumentCreate(BaseModel):
    """edXML names. `path`: "ubnd" (3 signatures) or "unit" (2 signatures)."""

    path: Literal["ubnd", "unit"]
    drafting_unit_id: int
    filename: str | None = Field(default=None, max_length=1000)
    to_organs: list[OrganRef] = Field(default_factory=list)
    notation: str = Field(min_length=1, max_length=64, description='Ký hiệu, ví dụ "UBND-VP"')
    place: str | None = Field(default=None, max_length=128)
    doc_type: str = Field(min_length=1, max_length=128, description='Ví dụ "Công văn"')
    subject: str = Field(min_length=1, max_length=2000, description="Trích yếu")
    signer_competence: str | None = Field(default=None, max_length=64, description='"TM.", "KT.", ...')
    signer_position: str | None = Field(default=None, max_length=128)
    signer_full_name: str | None = Field(default=None, max_length=128)
    urgency: str | None = Field(default=None, max_length=32)
    secrecy: str | None = Field(default=None, max_length=32)
    due_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    appendixes: list[str] = Field(default_factory=list)


class VersionOut(BaseModel):
    no: int
    base_no: int | None
    sha256: str
    size: int
    signature_count: int
    step: str
    uploaded_by: str
    created_at: datetime
    etag: str


class DocumentOut(BaseModel):
    id: int
    path: str
    state: str
    state_label: str
    drafting_unit_id: int
    issuing_unit_id: int
    filename: str
    from_organ_id: str | None
    from_organ_name: str | None
    to_organs: list[OrganRef]
    number: int | None
    number_formatted: str | None
    notation: str
    register_id: str = Field(description="Sổ đăng ký: \"<mã đơn vị>:<ký hiệu>\"")
    place: str | None
    promulgation_date: str | None
    doc_type: str
    subject: str
    signer_competence: str | None
    signer_position: str | None
    signer_full_name: str | None
    urgency: str | None
    secrecy: str | None
    due_date: str | None
    appendixes: list[str]
    return_comment: str | None
    current_version: VersionOut | None
    leader_signed_at: datetime | None
    agency_signed_at: datetime | None
    issued_at: datetime | None
    updated_at: datetime


class ReturnRequest(BaseModel):
    comment: str = Field(min_length=1, max_length=4000)


class AuditOut(BaseModel):
    id: int
    user: str
    action: str
    from_version_no: int | None
    to_version_no: int | None
    from_state: str | None
    to_state: str | None
    comment: str | None
    at: datetime


class InboxItem(BaseModel):
    waiting: bool = Field(description="Văn bản đang chờ một vai trò của người dùng xử lý")
    document: DocumentOut


class InboxOut(BaseModel):
    cursor: str = Field(description="Truyền lại vào ?since= ở lần đồng bộ sau")
    items: list[InboxItem]
    has_more: bool = Field(default=False, description="Còn mục chưa trả về; gọi lại với cursor mới")


class NextNumberRequest(BaseModel):
    document_id: int | None = None


class NextNumberOut(BaseModel):
    register_id: str = Field(description="Sổ đăng ký: \"<mã đơn vị>:<ký hiệu>\"")
    year: int
    number: int
    formatted: str
    document_id: int | None


class SigningRateRow(BaseModel):
    unit_id: int | None
    unit_name: str
    outgoing: int
    leader_signed: int
    leader_signed_pct: float
    agency_signed: int
    agency_signed_pct: float


class SigningRateReport(BaseModel):
    month: str
    rows: list[SigningRateRow]
    total: SigningRateRow


class DocTypePolicyOut(BaseModel):
    policy: dict[str, str]
