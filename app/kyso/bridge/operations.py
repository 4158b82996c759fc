"""What each VGCA operation does in Kyso: a face on :mod:`kyso.services`.

:class:`Bridge` takes one call (operation, the page's origin, the first frame)
and answers one JSON object; it never raises. Signing is always the
application layer's: a :class:`~kyso.services.request.SigningRequest` with
the Decree 30 role, the token from :mod:`kyso.services.tokens`, the one batch
loop :func:`~kyso.services.batch.run_batch`.

Operation → role (what a person at that desk expects):

- ``SignApproved``: the leader's signature (image between title and name).
- ``SignIssued``: the clerk's agency signature (seal over the leader's
  signature) with ``DocNumber`` and ``IssuedDate`` written into the "Số:" and
  date blanks. ``DocNumber`` "417/UBND-VP" writes "417" (the blank carries the
  symbol); ``IssuedDate`` is read leniently (ISO with offset → Vietnam date;
  empty → today). Without ``DocNumber`` the seal is applied without a number.
- ``SignAppendix``: the agency's top-right text stamp with ``DocNumber`` (the
  main document's number) and the signing time.
- ``SignCopy``: the agency's top-right copy stamp ("SAO Y", the agency, the
  time — Decree 30's copy stamp; ``MetaData`` ``CopyForm`` may say "SAO LỤC"
  or "TRÍCH SAO"); ``DocNumber`` is echoed back.
- ``SignIncome``: a receiving clerk marks an incoming document: an agency
  text stamp "ĐẾN", the agency and the signing time, top right of the first
  page (where the attachment stamp goes).
- ``Comment``: a commenting leader's personal signature, small, at the end of
  the body (the initial's place and style): an opinion is not an approval.
- ``SignFile``/``SignPDF``: the person picks the role in the window; headless,
  a ``Role`` parameter (or ``MetaData`` key ``Role``: initial, leader, agency,
  attachment, copy), else the leader.
- ``SignFiles``/``SignLyLich``: a batch, one PIN, a result per file.
- ``SignMsg``/``Auth``: data that is not a document (a hash, a string, a login
  challenge). Signed only when a person confirmed that very request in a
  dialog that shows it (the desktop app); headless and unattended: refused.
  ``SignXML``, ``SignJson`` and the rest stay refused.

Who decides is the :class:`Attendant`: the desktop app's signing window, the
unattended mode of ``kyso bridge --unattended`` (PIN from ``KYSO_PIN``), or
nobody (headless without ``--unattended``: every signing is refused).
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..core import messages
from ..core.errors import KysoError, PinError, TokenError
from ..core.role import Role
from ..core.settings import Settings
from ..services.request import SigningRequest, sign_options
from ..services.tokens import PinSource, TokenCriteria, open_signer, token_lock
from . import protocol as P
from .transfer import BridgeError, Credentials, JobRecord, deliver, download, new_job, upload_error

log = logging.getLogger(__name__)

INCOME_TEXT = "ĐẾN\n{organisation}\n{time}"


@dataclass(frozen=True)
class Call:
    """One request from a web page."""

    operation: str
    origin: str
    params: P.Params

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.params.str("JWTToken"), self.params.str("SessionId"))


@dataclass
class Document:
    job: JobRecord
    display_name: str


#: opaque operations Kyso signs once the person confirmed each one (the others stay refused)
OPAQUE_OFFERED = ("SignMsg", "Auth")
_HASH_NAMES = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
_HASH_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


@dataclass(frozen=True)
class OpaqueRequest:
    """Data a web page wants signed that is not a document: shown to the person
    as it is (a hash, a string) before anything is signed.

    ``kind``: ``hash`` (SignMsg with ``HashValue``: the digest is signed as
    given), ``data`` (SignMsg with a Base64 body: those bytes, SHA-256),
    ``auth`` (Auth: the challenge string's UTF-8 bytes, SHA-256)."""

    call: Call
    kind: str
    algorithm: str            # sha256 | sha384 | sha512
    digest: bytes             # what the token signs (DigestInfo / ECDSA over it)
    data: bytes | None = None  # the bytes behind the digest (data, auth); None for a bare hash

    @property
    def text(self) -> str | None:
        """The data as text when it is UTF-8 (shown to the person), else None."""
        if self.data is None:
            return None
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None


def _unreadable(call: Call, detail: str) -> BridgeError:
    return BridgeError("bridge.opaque_unreadable", P.BAD_REQUEST, operation=call.operation, detail=detail)


def opaque_request(call: Call) -> OpaqueRequest:
    """Read SignMsg / Auth strictly: what cannot be read is never signed."""
    import binascii
    import hashlib

    if call.operation == "Auth":
        challenge = call.params.text
        if not challenge:
            raise _unreadable(call, "empty")
        data = challenge.encode("utf-8")
        return OpaqueRequest(call, "auth", "sha256", hashlib.sha256(data).digest(), data)
    p = call.params
    if p.raw:
        value = p.str("HashValue")
        if not value:
            raise _unreadable(call, "HashValue")
        name = _HASH_NAMES.get(p.str("HashAlg").lower().replace("-", "") or "sha256")
        if name is None:
            raise _unreadable(call, f"HashAlg {p.str('HashAlg')[:20]}")
        encode = p.str("Encode").upper()
        if encode not in ("", "RSA", "ECDSA", "EC"):
            raise _unreadable(call, f"Encode {encode[:20]}")
        try:
            digest = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _unreadable(call, "HashValue (Base64)") from None
        if len(digest) != _HASH_SIZES[name]:
            raise _unreadable(call, f"HashValue: {len(digest)} bytes, {name.upper()} has {_HASH_SIZES[name]}")
        return OpaqueRequest(call, "hash", name, digest)
    body = "".join(p.text.split())
    if not body:
        raise _unreadable(call, "empty")
    try:
        data = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise _unreadable(call, "Base64") from None
    return OpaqueRequest(call, "data", "sha256", hashlib.sha256(data).digest(), data)


@dataclass
class SignPlan:
    """What the person is asked to approve: shown by the signing window."""

    call: Call
    role: Role | None                 # None: a plain text stamp (SignIncome)
    request: SigningRequest
    documents: list[Document]
    criteria: TokenCriteria
    role_chosen_by_page: bool = True  # False: SignFile/SignPDF, the person may pick


class Attendant:
    """The person behind the service, or a stand-in. Methods run on a worker
    thread (never the GUI thread) and may block until the person answered."""

    interactive = False

    def approve(self, plan: SignPlan) -> tuple[SignPlan, PinSource]:
        """The plan as the person confirmed it (role, place) and where the PIN
        comes from; raises :class:`BridgeError` (cancelled, refused) otherwise."""
        raise BridgeError("bridge.no_person", P.REFUSED)

    def pick_file(self, call: Call) -> Path | None:
        raise BridgeError("bridge.pick_file_needs_window", P.REFUSED)

    def approve_opaque(self, request: OpaqueRequest, criteria: TokenCriteria) -> PinSource:
        """The PIN source once the person confirmed ``request`` in a dialog that
        shows it; raises :class:`BridgeError` otherwise. Only a person can:
        every stand-in (headless, unattended) refuses."""
        raise BridgeError("bridge.opaque_refused", P.REFUSED, operation=request.call.operation)

    def show_config(self) -> None:
        """``Config``: the desktop app opens its settings."""

    def signed(self, plan: SignPlan, ok: bool) -> None:
        """Told after signing (a PIN failure included)."""

    def pin_failed(self, error: PinError) -> None:
        """A PIN was refused by the token (never retried)."""


class NoPerson(Attendant):
    """Headless without ``--unattended``: signing requests are refused clearly."""


class EnvPinSource(PinSource):
    """The PIN given with the request's approval (the signing window's PIN
    dialog), or ``KYSO_PIN`` (unattended). ``person``: someone typed it and saw
    the final-try warning; unattended, the token's last try is never spent."""

    def __init__(self, pin: str | None = None, person: bool = False):
        self._pin = pin
        self._person = person

    def confirms_final_try(self, allowed: bool) -> bool:
        return self._person or allowed

    def pin(self, token, cert) -> str | None:
        value = self._pin if self._pin is not None else os.environ.get("KYSO_PIN")
        if not value:
            raise TokenError("token.pin_required")
        return value


class Unattended(Attendant):
    """``kyso bridge --unattended``: requests from the allowed web sites are
    signed without a dialog, with the PIN from ``KYSO_PIN`` (scripts, tests).
    After one PIN failure it refuses every further signing until restarted, so
    a wrong ``KYSO_PIN`` can never lock the token over repeated calls."""

    def __init__(self, pin: str | None = None):
        self.pin = pin
        self.stopped: PinError | None = None

    def approve(self, plan: SignPlan) -> tuple[SignPlan, PinSource]:
        if self.stopped is not None:
            raise BridgeError("bridge.pin_failed_before", P.TOKEN)
        return plan, EnvPinSource(self.pin)

    def pin_failed(self, error: PinError) -> None:
        self.stopped = error


def _role_param(params: P.Params) -> Role | None:
    value = params.str("Role") or params.metadata().get("Role", "") or params.metadata().get("role", "")
    return Role.parse(value.strip().lower()) if value else None


def _date_text(d) -> str:
    return d.strftime("%d/%m/%Y")


def _trust_roots():
    from ..core.settings import trust_dir
    from ..core.verify import load_certificates

    folder = trust_dir()
    if not folder.is_dir():
        return []
    return load_certificates(sorted(p for p in folder.iterdir()
                                    if p.suffix.lower() in (".pem", ".crt", ".cer", ".der")))


@dataclass
class Bridge:
    """The service's brain: one call in, one JSON answer out (thread safe)."""

    criteria: TokenCriteria = TokenCriteria()
    attendant: Attendant = field(default_factory=NoPerson)
    settings: Callable[[], Settings] | None = None     # default: kyso.core.settings.load
    extra_origins: tuple[str, ...] = ()
    ca_certs: tuple[Path, ...] = ()

    def load_settings(self) -> Settings:
        if self.settings is not None:
            return self.settings()
        from ..core import settings as store

        return store.load()

    # -- who may call ----------------------------------------------------------------------

    def allowed_origins(self) -> set[str]:
        out = set()
        for origin in (*self.load_settings().bridge_allowed_origins, *self.extra_origins):
            norm = P.normalise_origin(origin)
            if norm:
                out.add(norm)
        return out

    def origin_allowed(self, origin: str | None) -> bool:
        norm = P.normalise_origin(origin)
        return norm is not None and norm in self.allowed_origins()

    # -- one call --------------------------------------------------------------------------

    def handle(self, operation: str, origin: str | None, frame: str | bytes | None) -> dict:
        """The answer to one call; never raises (a bug answers Status 1)."""
        try:
            if operation not in P.KNOWN:
                raise BridgeError("bridge.unknown_operation", P.BAD_REQUEST, operation=operation[:60])
            if not self.origin_allowed(origin):
                raise BridgeError("bridge.origin_refused", P.REFUSED, origin=(origin or "?")[:120])
            call = Call(operation, P.normalise_origin(origin) or "", P.Params.parse(frame))
            log.info("Bridge call %s from %s", operation, call.origin)
            return self._dispatch(call)
        except KysoError as exc:
            log.info("Bridge call %s answered %s (%s)", operation, P.status_of(exc), exc.code)
            return P.error_result(exc)
        except Exception as exc:  # the page must get its one answer
            log.exception("Bridge call %s failed", operation)
            return P.result(P.INTERNAL, messages.tr("internal", detail=type(exc).__name__))

    def _dispatch(self, call: Call) -> dict:
        op = call.operation
        if op == "GetVersion":
            return P.result(P.OK, f"Kyso {__version__}", Version=__version__, Product="Kyso")
        if op == "GetLicenseRequest":
            return P.result(P.OK, messages.tr("bridge.no_license_needed"), LicenseRequest="")
        if op == "Config":
            self.attendant.show_config()
            return P.result(P.OK)
        if op == "GetCertInfo":
            return self._cert_info()
        if op == "VerifyPDF":
            return self._verify(call)
        if op in P.OPAQUE:
            # data that is not a document: only a person who saw it may sign it,
            # each time; never unattended
            if not self.attendant.interactive:
                raise BridgeError("bridge.opaque_refused", P.REFUSED, operation=op)
            if op not in OPAQUE_OFFERED:
                raise BridgeError("bridge.opaque_not_offered", P.REFUSED, operation=op)
            return self._sign_opaque(call)
        if op in P.BATCH:
            return self._sign_batch(call)
        return self._sign_one(call)

    # -- information -----------------------------------------------------------------------

    def _cert_info(self) -> dict:
        from ..services.tokens import all_tokens, choose_certificate, choose_token, scan

        conf = self.load_settings()
        token = choose_token(all_tokens(scan(conf, self.criteria.module)), self.criteria.token)
        cert = choose_certificate(token, self.criteria.cert, conf.default_certificate)
        email = ""
        try:
            from asn1crypto import x509

            parsed = x509.Certificate.load(cert.der)
            email = (parsed.subject.native.get("email_address") or "") if parsed.subject else ""
        except Exception:  # noqa: BLE001 - the e-mail is optional
            pass
        info = {"Base64Data": base64.b64encode(cert.der).decode("ascii"), "Subject": cert.subject,
                "Issuer": cert.issuer, "SerialNumber": cert.serial, "CommonName": cert.common_name,
                "Organization": cert.organisation, "Email": email,
                "NotBefore": cert.not_before.isoformat(), "NotAfter": cert.not_after.isoformat(),
                "TokenLabel": token.label}
        return P.result(P.OK, "", CertInfo=info)

    def _verify(self, call: Call) -> dict:
        from ..core.verify import verify_file

        url = call.params.str("FileName")
        if not url:
            raise BridgeError("bridge.bad_request", P.BAD_REQUEST, detail="FileName")
        rec = new_job(call.operation, call.origin, "", url)
        try:
            name = download(url, rec.original, call.credentials)
            report = verify_file(rec.original, _trust_roots())
        finally:
            rec.done()
        data = report.to_json()
        data["file"] = name
        sigs = data.get("signatures", [])
        summary = (f"{sum(1 for s in sigs if s['valid'])}/{len(sigs)} chữ ký hợp lệ" if messages.language() != "en"
                   else f"{sum(1 for s in sigs if s['valid'])} of {len(sigs)} signatures valid")
        return P.result(P.OK, data.get("error") or summary, FileName=name, Valid=data["valid"],
                        Signatures=sigs, Report=data)

    # -- signing ---------------------------------------------------------------------------

    def _request_for(self, call: Call, role: Role | None, original: Path, conf: Settings) -> SigningRequest:
        p = call.params
        number = p.str("DocNumber")
        if call.operation == "SignIncome":
            from ..services.preview import preview_placement

            place = preview_placement(original, SigningRequest(role=Role.ATTACHMENT, main_number="ĐẾN"), conf)
            return SigningRequest(placement=place.placement, text=INCOME_TEXT, reason="Văn bản đến")
        if role == Role.AGENCY:
            if number:
                return SigningRequest(role=role, number=P.number_part(number),
                                      issue_date=P.parse_issued_date(p.str("IssuedDate")))
            return SigningRequest(role=role)
        if role == Role.ATTACHMENT:
            return SigningRequest(role=role, main_number=number)
        if role == Role.COPY:
            form = p.metadata().get("CopyForm", "").strip().upper()
            return SigningRequest(role=role, copy_form=form if form in ("SAO Y", "SAO LỤC", "TRÍCH SAO") else None,
                                  main_number=number)
        return SigningRequest(role=role)

    def _role_for(self, call: Call) -> tuple[Role | None, bool]:
        op = call.operation
        if op in P.SIGN_ROLES and op not in ("SignFile", "SignPDF"):
            return P.SIGN_ROLES[op], True
        return _role_param(call.params) or Role.LEADER, False

    def _fetch(self, call: Call, rec: JobRecord, url: str, display: str = "") -> Document:
        if url:
            name = download(url, rec.original, call.credentials)
        else:
            picked = self.attendant.pick_file(call)
            if picked is None:
                raise BridgeError("bridge.cancelled", P.CANCELLED)
            shutil.copyfile(picked, rec.original)
            name = Path(picked).name
        from .transfer import safe_name

        rec.file_name = safe_name(display or name) if display else name
        rec.save()
        return Document(rec, display or name)

    def _sign(self, plan: SignPlan, conf: Settings, jobs) -> list:
        from ..services.batch import FileSink, run_batch

        plan, pins = self.attendant.approve(plan)
        options = sign_options(plan.request, conf)
        ok = False
        try:
            with token_lock(plan.criteria, conf):
                with open_signer(plan.criteria, conf, pins, self.ca_certs) as opened:
                    results = run_batch(opened.signer, jobs, options, FileSink())
            ok = any(r.ok for r in results)
            for r in results:
                if isinstance(r.error, PinError):
                    self.attendant.pin_failed(r.error)
            return results
        except PinError as exc:
            self.attendant.pin_failed(exc)
            raise
        finally:
            self.attendant.signed(plan, ok)

    def _sign_opaque(self, call: Call) -> dict:
        from ..services.tokens import sign_digest

        request = opaque_request(call)
        conf = self.load_settings()
        pins = self.attendant.approve_opaque(request, self.criteria)
        try:
            with token_lock(self.criteria, conf):
                with open_signer(self.criteria, conf, pins, self.ca_certs) as opened:
                    signature = sign_digest(opened.signer, request.digest, request.algorithm)
                    cert_der = opened.cert.der
        except PinError as exc:
            self.attendant.pin_failed(exc)
            raise
        log.info("Bridge %s: signed %s data for %s", call.operation, request.kind, call.origin)
        b64 = base64.b64encode(signature).decode("ascii")
        if request.kind == "auth":
            return P.result(P.OK, "", Signature=b64)
        return P.result(P.OK, "", Signature=b64, CertBase64=base64.b64encode(cert_der).decode("ascii"))

    def _sign_one(self, call: Call) -> dict:
        from ..services.batch import Job

        conf = self.load_settings()
        role, fixed = self._role_for(call)
        handler = call.params.str("FileUploadHandler")
        url = call.params.str("FileName")
        rec = new_job(call.operation, call.origin, handler, url)
        try:
            doc = self._fetch(call, rec, url)
            request = self._request_for(call, role, rec.original, conf)
            plan = SignPlan(call, None if call.operation == "SignIncome" else role, request, [doc],
                            self.criteria, fixed)
            (result,) = self._sign(plan, conf, [Job(rec.original, rec.signed)])
        except BaseException:
            rec.done()          # nothing was signed: nothing to keep
            raise
        if not result.ok:
            rec.done()
            raise result.error
        rec.state = "signed"
        rec.save()
        when = result.signing_time
        number = call.params.str("DocNumber") or None
        doc_date = _date_text(request.issue_date) if request.issue_date else (_date_text(when) if when else None)
        if not handler:
            rec.state = "local"
            rec.save()
            return P.result(P.OK, messages.tr("bridge.signed_locally", path=str(rec.signed)),
                            FileName=str(rec.signed), FileServer="", DocumentNumber=number, DocumentDate=doc_date)
        answer = deliver(rec, call.credentials)
        if not answer.ok:
            return P.error_result(upload_error(rec, answer), FileName=rec.file_name)
        return P.result(P.OK, answer.message, FileName=answer.file_name or rec.file_name,
                        FileServer=answer.file_server or "",
                        DocumentNumber=number or answer.document_number,
                        DocumentDate=doc_date or answer.document_date)

    def _sign_batch(self, call: Call) -> dict:
        from ..services.batch import Job

        conf = self.load_settings()
        role = _role_param(call.params) or Role.LEADER
        handler = call.params.str("FileUploadHandler")
        files = call.params.files()
        if not files:
            raise BridgeError("bridge.bad_request", P.BAD_REQUEST, detail="Files")
        entries: list[dict] = []
        docs: list[tuple[dict, Document]] = []
        for f in files:
            rec = new_job(call.operation, call.origin, handler, f["URL"], file_id=f["FileID"])
            try:
                if not f["URL"]:
                    raise BridgeError("bridge.bad_request", P.BAD_REQUEST, detail="URL")
                docs.append((f, self._fetch(call, rec, f["URL"], f["FileName"])))
            except KysoError as exc:
                rec.done()
                entries.append({"FileID": f["FileID"], **P.error_result(exc)})
        if docs:
            first = docs[0][1].job.original
            request = self._request_for(call, role, first, conf)
            plan = SignPlan(call, role, request, [d for _, d in docs], self.criteria, False)
            try:
                results = self._sign(plan, conf, [Job(d.job.original, d.job.signed) for _, d in docs])
            except BaseException:
                for _, d in docs:
                    d.job.done()
                raise
            for (f, d), r in zip(docs, results):
                rec = d.job
                if not r.ok:
                    rec.done()
                    entries.append({"FileID": f["FileID"], **P.error_result(r.error)})
                    continue
                rec.state = "signed"
                rec.save()
                if not handler:
                    rec.state = "local"
                    rec.save()
                    entries.append({"FileID": f["FileID"], **P.result(P.OK, str(rec.signed)), "FileSignedURL": ""})
                    continue
                answer = deliver(rec, call.credentials)
                if answer.ok:
                    entries.append({"FileID": f["FileID"], **P.result(P.OK, answer.message),
                                    "FileSignedURL": answer.file_server or ""})
                else:
                    entries.append({"FileID": f["FileID"], **P.error_result(upload_error(rec, answer))})
        by_id: dict[str, list[dict]] = {}
        for e in entries:
            by_id.setdefault(str(e["FileID"]), []).append(e)
        ordered = []
        for f in files:    # the caller's order
            ordered.append(by_id[str(f["FileID"])].pop(0))
        ok = sum(1 for e in ordered if e["Status"] == P.OK)
        message = messages.tr("bridge.batch_done", ok=ok, total=len(files))
        status = P.OK if ok == len(files) else next(e["Status"] for e in ordered if e["Status"] != P.OK)
        return P.result(status, message, Files=ordered)


__all__ = ["Attendant", "Bridge", "Call", "Document", "EnvPinSource", "NoPerson", "OpaqueRequest", "SignPlan",
           "Unattended", "opaque_request"]
