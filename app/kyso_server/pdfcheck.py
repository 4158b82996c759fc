"""Checks on an uploaded signed version and on signing certificates, with pyHanko.

An upload at a signing step must

1. start with the exact bytes of the stored version it was based on (an
   incremental update, so earlier signatures stay valid);
2. add exactly one revision, and that revision must carry exactly one new
   signature whose ByteRange covers the whole file: no unsigned revision before
   it (which the signer would not have been shown as a change) and none after it
   (which nobody signed);
3. change only what the step allows: the new signature field, and at issuance
   the number and date form fields (``kyso.core.issuance.FIELD_NAMES``); the
   first signature of a document may also create those (empty) fields. Once the
   document carries signatures this is pyHanko's difference analysis
   (``DEFAULT_DIFF_POLICY``: form filling at most); before the first signature
   there is no form for pyHanko to compare, and a small structural check here
   allows only the catalog's /AcroForm, pages' /Annots (new widgets of those
   fields) and the document information dictionary to change;
4. be intact, cryptographically valid and made by a certificate that the
   uploader registered, that chains to one of the server's trust roots, is
   valid now, is not revoked (when a CRL is configured, or fetching is on), is
   not self-signed, and whose key usage allows signing (digitalSignature or
   nonRepudiation).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.diff_analysis.policy_api import SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from .errors import ApiError

log = logging.getLogger(__name__)

_ALLOWED_LATER_CHANGES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)

#: Kyso's number/date form fields (kyso.core.issuance.FIELD_NAMES; the server
#: does not import the client package).
ISSUANCE_FIELDS = frozenset({"KysoSoVanBan", "KysoNgay", "KysoThang", "KysoNam"})

#: Key usages that make a certificate usable for signing documents.
SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


@dataclass
class SignatureInfo:
    signer_cert_sha256: str
    signer_subject: str
    field_name: str


@dataclass
class TrustConfig:
    """What certificates are checked against (from Settings)."""

    roots: list[bytes]
    intermediates: list[bytes]
    crls: list[bytes]
    fetch_revocation: bool
    moment: datetime


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


# --- certificates -----------------------------------------------------------


def _context(trust: TrustConfig) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r) for r in trust.roots],
        other_certs=[asn1_x509.Certificate.load(c) for c in trust.intermediates],
        crls=[asn1_crl.CertificateList.load(c) for c in trust.crls],
        allow_fetching=trust.fetch_revocation,
        revocation_mode="soft-fail",
        moment=trust.moment,
    )


def _cert_error(code: str, message: str, cert: asn1_x509.Certificate, **extra) -> ApiError:
    return ApiError(422, code, message, {"subject": cert.subject.human_friendly, **extra})


def check_certificate_basics(cert: asn1_x509.Certificate, trust: TrustConfig) -> None:
    """The checks that give a precise reason: roots configured, not self-signed,
    valid at ``trust.moment``, key usage for signing."""
    if not trust.roots:
        raise ApiError(
            422,
            "no_trust_roots",
            "Máy chủ chưa được cấu hình chứng thư gốc tin cậy (tùy chọn --trust) nên không nhận chữ ký số.",
        )
    if cert.self_signed != "no":
        raise _cert_error(
            "certificate_self_signed",
            "Chứng thư số tự ký không được chấp nhận; hãy dùng chứng thư số do tổ chức cung cấp dịch vụ tin cậy cấp.",
            cert,
        )
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if trust.moment < not_before:
        raise _cert_error("certificate_not_yet_valid", "Chứng thư số chưa đến thời hạn có hiệu lực.", cert,
                          not_before=not_before.isoformat())
    if trust.moment > not_after:
        raise _cert_error("certificate_expired", "Chứng thư số đã hết hạn.", cert, not_after=not_after.isoformat())
    for crl_der in trust.crls:
        # The administrator's CRLs (trust folder): checked here directly, since
        # pyHanko's soft-fail mode skips certificates that name no CRL/OCSP.
        crl = asn1_crl.CertificateList.load(crl_der)
        if crl.issuer != cert.issuer:
            continue
        for entry in crl["tbs_cert_list"]["revoked_certificates"]:
            if entry["user_certificate"].native == cert.serial_number and \
                    entry["revocation_date"].native <= trust.moment:
                raise _cert_error("certificate_revoked", "Chứng thư số đã bị thu hồi.", cert,
                                  revoked_at=entry["revocation_date"].native.isoformat())
    usage = cert.key_usage_value
    names = set(usage.native) if usage is not None else set()
    if not names & {"digital_signature", "non_repudiation"}:
        raise _cert_error(
            "certificate_not_for_signing",
            "Chứng thư số này không dùng để ký số (thiếu mục đích sử dụng digitalSignature/nonRepudiation).",
            cert,
            key_usage=sorted(names),
        )


def validate_certificate(der: bytes, trust: TrustConfig) -> asn1_x509.Certificate:
    """Full check of a certificate on its own (registration): basics, chain to
    a trust root (intermediates only from the trust folder), revocation."""
    try:
        cert = asn1_x509.Certificate.load(der)
        cert.native  # noqa: B018 - forces a full parse
    except Exception as exc:
        raise ApiError(422, "invalid_certificate", "Tệp gửi lên không phải chứng thư số X.509 (DER).") from exc
    check_certificate_basics(cert, trust)
    vc = _context(trust)
    validator = CertificateValidator(cert, validation_context=vc)
    usage = {"digital_signature"} if "digital_signature" in set(cert.key_usage_value.native) else {"non_repudiation"}
    try:
        asyncio.run(validator.async_validate_usage(usage, extended_optional=True))
    except Exception as exc:  # PathBuildingError, RevokedError, InvalidCertificateError...
        name = type(exc).__name__
        if "Revoked" in name:
            raise _cert_error("certificate_revoked", "Chứng thư số đã bị thu hồi.", cert) from exc
        raise _cert_error(
            "certificate_untrusted",
            "Chứng thư số không được cấp bởi tổ chức cung cấp dịch vụ tin cậy mà máy chủ chấp nhận.",
            cert,
            error=name,
        ) from exc
    return cert


# --- what the new revision changes -------------------------------------------


def _widget_field(annot: generic.DictionaryObject) -> generic.DictionaryObject:
    field = annot
    while "/FT" not in field and "/Parent" in field:
        field = field["/Parent"]
    return field


def _check_grown_array(before, after, where: str, sig_field: str, problems: list[str]) -> None:
    old = [a.reference for a in (before or ()) if isinstance(a, generic.IndirectObject)]
    new = list(after or ())
    if [a.reference for a in new[: len(old)] if isinstance(a, generic.IndirectObject)] != old:
        problems.append(f"{where}: existing entries changed")
        return
    for a in new[len(old):]:
        obj = a.get_object()
        if not isinstance(obj, generic.DictionaryObject) or obj.get("/Subtype", "/Widget") != "/Widget":
            problems.append(f"{where}: new entry that is not a form field")
            continue
        field = _widget_field(obj)
        ft, name = field.get("/FT"), str(field.get("/T", ""))
        if ft == "/Sig" and name == sig_field:
            continue
        if ft == "/Tx" and name in ISSUANCE_FIELDS and not str(field.get("/V", "")).strip():
            continue
        problems.append(f"{where}: new field {name!r} ({ft})")


def _check_first_revision(reader: PdfFileReader, rev: int, sig_field: str) -> None:
    """Before any signature pyHanko's diff policy has no form to compare: allow
    only a new /AcroForm, new widgets (the signature field and empty issuance
    fields) on pages, and document information; every other object the new
    revision overwrites is refused."""
    old = reader.get_historical_resolver(rev - 1)
    new = reader.get_historical_resolver(rev)
    xrefs = reader.xrefs
    root_ref = new.trailer_view.raw_get("/Root")
    info_ref = new.trailer_view.raw_get("/Info") if "/Info" in new.trailer_view else None
    problems: list[str] = []
    if old.trailer_view.raw_get("/Root") != root_ref:
        problems.append("document catalog replaced")
    for ref in sorted(xrefs.explicit_refs_in_revision(rev), key=lambda r: r.idnum):
        if xrefs.get_introducing_revision(ref) >= rev:
            continue  # a new object: only reachable through the changes checked here
        before = old(ref)
        after = new(ref)
        if isinstance(root_ref, generic.IndirectObject) and ref == root_ref.reference:
            allowed = {"/AcroForm", "/Version", "/Extensions", "/Metadata"}
        elif info_ref is not None and isinstance(info_ref, generic.IndirectObject) and ref == info_ref.reference:
            continue
        elif isinstance(before, generic.DictionaryObject) and before.get("/Type") == "/Page":
            allowed = {"/Annots"}
            _check_grown_array(before.get("/Annots"), after.get("/Annots"), f"page {ref.idnum}", sig_field, problems)
        elif isinstance(before, generic.ArrayObject) and isinstance(after, generic.ArrayObject):
            # an indirect /Annots or /Fields array: it may only grow by allowed fields
            _check_grown_array(before, after, f"array {ref.idnum}", sig_field, problems)
            continue
        else:
            problems.append(f"object {ref.idnum} overwritten")
            continue
        if isinstance(before, generic.DictionaryObject) and isinstance(after, generic.DictionaryObject):
            for key in set(before) | set(after):
                if key in allowed:
                    continue
                if key not in before or key not in after or before.raw_get(key) != after.raw_get(key):
                    problems.append(f"object {ref.idnum}: {key} changed")
    if problems:
        raise ApiError(
            422,
            "unexpected_changes",
            "Phần nối thêm thay đổi nội dung văn bản ngoài chữ ký số và các ô số, ngày được phép.",
            {"changes": problems[:20]},
        )


def _check_later_revision(reader: PdfFileReader, base_rev: int, allowed_fields: set[str]) -> None:
    """After earlier signatures: pyHanko's difference analysis from the base."""
    try:
        result = DEFAULT_DIFF_POLICY.review_file(reader, base_rev, field_mdp_spec=None, doc_mdp=None)
    except SuspiciousModification as exc:
        result = exc
    except Exception as exc:
        raise ApiError(422, "unexpected_changes", "Không phân tích được phần nối thêm của tệp.",
                       {"error": type(exc).__name__}) from exc
    if isinstance(result, SuspiciousModification):
        raise ApiError(
            422,
            "unexpected_changes",
            "Phần nối thêm thay đổi nội dung văn bản ngoài chữ ký số và các ô số, ngày được phép.",
            {"error": str(result)[:300]},
        )
    if result.modification_level not in _ALLOWED_LATER_CHANGES:
        raise ApiError(
            422,
            "unexpected_changes",
            "Phần nối thêm thay đổi nội dung văn bản ngoài chữ ký số và các ô số, ngày được phép.",
            {"modification_level": result.modification_level.name},
        )
    extra = set(result.changed_form_fields) - allowed_fields
    if extra:
        raise ApiError(
            422,
            "unexpected_changes",
            "Phần nối thêm điền vào các ô không được phép ở bước này.",
            {"fields": sorted(extra)},
        )


# --- the upload ------------------------------------------------------------------


def check_signed_extension(
    base: bytes,
    upload: bytes,
    base_sig_count: int,
    registered_cert_sha256: set[str],
    trust: TrustConfig,
    step_name: str = "sign",
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
        base_revs = _reader(base).xrefs.total_revisions
        total_revs = reader.xrefs.total_revisions
    except ApiError:
        raise
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
    br = [int(x) for x in sig.byte_range]
    if br[0] != 0 or _end(sig) != len(upload):
        raise ApiError(
            422,
            "signature_coverage",
            "Tệp phải kết thúc đúng tại chữ ký số mới: có phần nối thêm sau chữ ký mà không ai ký.",
            {"signed_bytes_end": _end(sig), "file_size": len(upload)},
        )
    if total_revs != base_revs + 1 or sig.signed_revision != total_revs - 1:
        raise ApiError(
            422,
            "extra_revisions",
            "Phần nối thêm phải là đúng một lần cập nhật mang chữ ký số mới; tệp có thêm bản cập nhật "
            "không được ký.",
            {"base_revisions": base_revs, "upload_revisions": total_revs},
        )
    field_name = str(sig.field_name)
    signer = sig.signer_cert
    cert_sha = hashlib.sha256(signer.dump()).hexdigest()
    subject = signer.subject.human_friendly
    if cert_sha not in registered_cert_sha256:
        raise ApiError(
            422,
            "certificate_not_registered",
            "Chữ ký số mới không được tạo bằng chứng thư số đã đăng ký của tài khoản đang tải lên. "
            "Hãy đăng ký chứng thư số trên token của bạn (lệnh kyso register-cert, hoặc trợ lý cài đặt của "
            "ứng dụng) và chờ quản trị phê duyệt, rồi chạy kyso sync.",
            {"signer_subject": subject, "signer_cert_sha256": cert_sha},
        )
    check_certificate_basics(signer, trust)

    try:
        status = validate_pdf_signature(
            sig, signer_validation_context=_context(trust), key_usage_settings=SIGNING_KEY_USAGE, skip_diff=True
        )
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
    if status.revoked:
        raise ApiError(422, "certificate_revoked", "Chứng thư số của người ký đã bị thu hồi.", {"subject": subject})
    if not status.trusted:
        raise ApiError(
            422,
            "signature_untrusted",
            "Chứng thư số của người ký không thuộc tổ chức cung cấp dịch vụ tin cậy mà máy chủ chấp nhận.",
            {"subject": subject,
             "problem": status.trust_problem_indic.name if status.trust_problem_indic else None},
        )
    # What the new revision changes.
    allowed_fields = {field_name} | (set(ISSUANCE_FIELDS) if step_name == "issue" else set())
    if base_sig_count == 0:
        try:
            _check_first_revision(reader, total_revs - 1, field_name)
        except ApiError:
            raise
        except Exception as exc:
            raise ApiError(422, "unexpected_changes", "Không phân tích được phần nối thêm của tệp.",
                           {"error": type(exc).__name__}) from exc
    else:
        _check_later_revision(reader, base_revs - 1, allowed_fields)

    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise ApiError(422, "signature_coverage", "Chữ ký số mới không bao phủ toàn bộ văn bản.")
    # Earlier signatures: still intact and valid, and the appended revision is an
    # allowed change for each of them (honours their own DocMDP/FieldMDP locks).
    for old in sigs:
        if old is sig:
            continue
        try:
            old_status = validate_pdf_signature(old, signer_validation_context=_context(trust))
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
    return SignatureInfo(signer_cert_sha256=cert_sha, signer_subject=subject, field_name=field_name)
