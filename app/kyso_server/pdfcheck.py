"""Checks on an uploaded signed version, with pyHanko.

An upload at a signing step must (1) start with the exact bytes of the version
it was based on (an incremental update, so earlier signatures stay valid),
(2) carry exactly one more signature than the base, and (3) that signature must
be intact, cryptographically valid, cover its whole revision, and be made by a
certificate the uploader registered. Earlier signatures are re-checked so that
the update cannot have changed signed content beyond form filling.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .errors import ApiError

log = logging.getLogger(__name__)

_ALLOWED_LATER_CHANGES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


@dataclass
class SignatureInfo:
    signer_cert_sha256: str
    signer_subject: str
    field_name: str


def _reader(data: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pyHanko raises several types for broken files
        raise ApiError(422, "invalid_pdf", "Tệp tải lên không phải là PDF hợp lệ.", {"error": str(exc)[:200]}) from exc


def count_signatures(data: bytes) -> int:
    """Number of /Sig signatures (document timestamps are not signatures of a person)."""
    if not data.startswith(b"%PDF-"):
        raise ApiError(422, "invalid_pdf", "Tệp tải lên không phải là PDF hợp lệ.")
    try:
        return len(_reader(data).embedded_regular_signatures)
    except ApiError:
        raise
    except Exception as exc:
        raise ApiError(422, "invalid_pdf", "Không đọc được chữ ký trong tệp PDF.", {"error": str(exc)[:200]}) from exc


def _context(trust_roots: list[bytes], signer: asn1_x509.Certificate) -> ValidationContext:
    roots = [asn1_x509.Certificate.load(r) for r in trust_roots] if trust_roots else [signer]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def check_signed_extension(
    base: bytes,
    upload: bytes,
    base_sig_count: int,
    registered_cert_sha256: set[str],
    trust_roots: list[bytes],
) -> SignatureInfo:
    """Validate a signing-step upload against its base; raise ApiError with the reason."""
    if len(upload) <= len(base) or not upload.startswith(base):
        raise ApiError(
            422,
            "not_incremental",
            "Tệp tải lên không phải là bản cập nhật nối tiếp của phiên bản gốc: nội dung đã ký "
            "trước đó bị thay đổi. Hãy ký trên đúng phiên bản mới nhất tải từ máy chủ.",
        )
    reader = _reader(upload)
    try:
        sigs = list(reader.embedded_regular_signatures)
    except Exception as exc:
        raise ApiError(422, "invalid_pdf", "Không đọc được chữ ký trong tệp PDF.", {"error": str(exc)[:200]}) from exc
    added = len(sigs) - base_sig_count
    if added != 1:
        raise ApiError(
            422,
            "signature_count",
            f"Phiên bản mới phải có đúng một chữ ký số mới so với phiên bản gốc (tìm thấy {added}).",
            {"base_signatures": base_sig_count, "upload_signatures": len(sigs)},
        )

    def _end(sig) -> int:  # last byte covered by the signature's /ByteRange
        br = list(sig.byte_range)
        return int(br[-2]) + int(br[-1])

    new = [s for s in sigs if _end(s) > len(base)]
    if len(new) != 1:
        raise ApiError(
            422,
            "signature_count",
            "Không xác định được chữ ký số mới trong phần nối thêm của tệp.",
            {"new_signatures": len(new)},
        )
    sig = new[0]
    signer = sig.signer_cert
    cert_sha = hashlib.sha256(signer.dump()).hexdigest()
    subject = signer.subject.human_friendly
    if cert_sha not in registered_cert_sha256:
        raise ApiError(
            422,
            "certificate_not_registered",
            "Chữ ký số mới không được tạo bằng chứng thư số đã đăng ký của tài khoản đang tải lên.",
            {"signer_subject": subject, "signer_cert_sha256": cert_sha},
        )
    try:
        status = validate_pdf_signature(sig, signer_validation_context=_context(trust_roots, signer))
    except Exception as exc:
        log.info("signature validation error: %s", type(exc).__name__)
        raise ApiError(
            422, "signature_invalid", "Chữ ký số mới không hợp lệ.", {"error": type(exc).__name__}
        ) from exc
    if not status.intact:
        raise ApiError(
            422, "signature_not_intact", "Chữ ký số mới không toàn vẹn: nội dung đã bị thay đổi sau khi ký."
        )
    if not status.valid:
        raise ApiError(422, "signature_invalid", "Chữ ký số mới không hợp lệ về mặt mật mã.")
    if trust_roots and not status.trusted:
        raise ApiError(
            422, "signature_untrusted", "Chứng thư số của người ký không thuộc tổ chức cung cấp dịch vụ tin cậy."
        )
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        raise ApiError(422, "signature_coverage", "Chữ ký số mới không bao phủ toàn bộ văn bản.")
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and (
        status.modification_level not in _ALLOWED_LATER_CHANGES
    ):
        raise ApiError(422, "modified_after_signing", "Văn bản bị sửa đổi sau chữ ký số mới.")
    # Earlier signatures: the appended revision must be an allowed change for them.
    for old in sigs:
        if old is sig:
            continue
        try:
            old_status = validate_pdf_signature(old, signer_validation_context=_context(trust_roots, old.signer_cert))
        except Exception as exc:
            raise ApiError(
                422, "earlier_signature_broken", "Chữ ký số trước đó không còn hợp lệ.", {"field": old.field_name}
            ) from exc
        if not old_status.intact or not old_status.valid:
            raise ApiError(
                422, "earlier_signature_broken", "Chữ ký số trước đó không còn hợp lệ.", {"field": old.field_name}
            )
        level = old_status.modification_level
        if level is not None and level not in _ALLOWED_LATER_CHANGES:
            raise ApiError(
                422,
                "earlier_signature_modified",
                "Phần nối thêm đã thay đổi nội dung đã được ký trước đó (chỉ được điền số, ngày và ký).",
                {"field": old.field_name, "modification_level": level.name},
            )
    return SignatureInfo(signer_cert_sha256=cert_sha, signer_subject=subject, field_name=str(sig.field_name))
