"""Download the caller's PDF, keep the signed result, upload it to the handler.

- The download is a plain GET of ``FileName`` (http or https only), with
  timeouts and a size limit; the body must be a PDF (``%PDF-`` at its start).
- Every signing gets a job folder in ``data_dir()/bridge/<job>/``: the
  downloaded original (never changed), the signed file and ``job.json``. The
  folder is removed only after the handler confirmed the upload
  (``Status: true``); a failed upload leaves it, and ``kyso bridge pending``
  lists it, ``kyso bridge retry`` sends it again. Nothing signed is lost.
- The upload is ``multipart/form-data`` with one file part ``uploadfile`` to
  ``FileUploadHandler`` exactly as given (query string kept).
- ``JWTToken`` goes as ``Authorization: Bearer …`` and ``SessionId`` as the
  ASP.NET session cookie (``ASP.NET_SessionId``, the vendor's sample handler
  is ASP.NET), on the download and the upload. Both are secrets of the web
  session: they are kept in memory for this run only, never written to the job
  folder, so ``kyso bridge retry`` from the command line sends without them
  (handlers authenticated by a token in their URL, the common case, still work).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core import paths
from ..core.errors import DocumentError, KysoError
from ..core.fileio import write_bytes_atomic
from . import protocol as P

log = logging.getLogger(__name__)

MAX_DOWNLOAD = 100 * 1024 * 1024     # bytes
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
USER_AGENT = "Mozilla/5.0 (compatible; Kyso bridge; VGCA Sign Service protocol)"


class BridgeError(KysoError):
    """A failure of the web-page service with its own page Status."""

    def __init__(self, code: str, status: int, **params):
        self.bridge_status = status
        super().__init__(code, **params)

    @property
    def exit_code(self):  # an attribute in the base class
        from ..core.errors import ExitCode

        return {P.DOCUMENT: ExitCode.DOCUMENT, P.UPLOAD: ExitCode.SERVER, P.CANCELLED: ExitCode.CANCELLED,
                P.BAD_REQUEST: ExitCode.USAGE}.get(self.bridge_status, ExitCode.INTERNAL)


@dataclass(frozen=True)
class Credentials:
    """The web session's secrets for one call (memory only)."""

    jwt: str = ""
    session_id: str = ""

    def headers(self) -> dict[str, str]:
        out = {"User-Agent": USER_AGENT}
        if self.jwt:
            out["Authorization"] = f"Bearer {self.jwt}"
        if self.session_id:
            out["Cookie"] = f"ASP.NET_SessionId={self.session_id}"
        return out


def bridge_dir() -> Path:
    return paths.data_dir() / "bridge"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BridgeError("bridge.bad_url", P.BAD_REQUEST, url=url[:200])


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(name: str, fallback: str = "document.pdf") -> str:
    """A file name that is safe on every platform and ends in ``.pdf``."""
    name = _UNSAFE.sub("_", unquote(name or "")).strip(" .")[:150] or fallback
    return name if name.lower().endswith(".pdf") else name + ".pdf"


def _disposition_name(header: str | None) -> str | None:
    if not header:
        return None
    m = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", header)
    if m:
        return unquote(m.group(1).strip().strip('"'))
    m = re.search(r'filename\s*=\s*"?([^";]+)"?', header)
    return m.group(1).strip() if m else None


def download(url: str, dst: Path, credentials: Credentials = Credentials(),
             limit: int | None = None, timeout: tuple[float, float] | None = None) -> str:
    """GET ``url`` into ``dst``; returns the document's file name. Raises a
    :class:`BridgeError` (Status 3) for anything but a PDF within ``limit``."""
    import requests

    _check_url(url)
    limit = limit or MAX_DOWNLOAD
    timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)
    short = url.split("?", 1)[0][:200]
    try:
        with requests.get(url, headers=credentials.headers(), stream=True, timeout=timeout,
                          allow_redirects=True) as resp:
            if resp.status_code != 200:
                raise BridgeError("bridge.download_failed", P.DOCUMENT, url=short, detail=f"HTTP {resp.status_code}")
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise BridgeError("bridge.download_too_large", P.DOCUMENT, url=short, limit_mb=limit // (1024 * 1024))
            chunks, size = [], 0
            for chunk in resp.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise BridgeError("bridge.download_too_large", P.DOCUMENT, url=short,
                                      limit_mb=limit // (1024 * 1024))
                chunks.append(chunk)
            name = _disposition_name(resp.headers.get("Content-Disposition")) or \
                urlsplit(resp.url or url).path.rsplit("/", 1)[-1]
    except BridgeError:
        raise
    except requests.RequestException as exc:
        raise BridgeError("bridge.download_failed", P.DOCUMENT, url=short, detail=type(exc).__name__) from None
    body = b"".join(chunks)
    if b"%PDF-" not in body[:1024]:
        raise BridgeError("bridge.download_not_pdf", P.DOCUMENT, url=short)
    write_bytes_atomic(dst, body)
    return safe_name(name)


@dataclass
class UploadAnswer:
    ok: bool
    message: str = ""
    file_name: str | None = None
    file_server: str | None = None
    document_number: str | None = None
    document_date: str | None = None
    answered: bool = False        # the handler answered with its JSON (Status false): refused


def upload(handler: str, signed: Path, file_name: str, credentials: Credentials = Credentials(),
           timeout: tuple[float, float] = (CONNECT_TIMEOUT, 120.0)) -> UploadAnswer:
    """POST ``signed`` as part ``uploadfile`` to ``handler``; the handler's JSON
    answer, read whatever its content type (``Status`` true = stored)."""
    import requests

    _check_url(handler)
    try:
        with open(signed, "rb") as fh:
            resp = requests.post(handler, files={"uploadfile": (file_name, fh, "application/pdf")},
                                 headers=credentials.headers(), timeout=timeout)
    except requests.RequestException as exc:
        return UploadAnswer(False, type(exc).__name__)
    try:
        data = json.loads(resp.text)
    except ValueError:
        data = None
    if resp.status_code >= 400 or not isinstance(data, dict):
        from ..core import messages

        return UploadAnswer(False, messages.tr("bridge.upload_http", status=resp.status_code))

    def text(key):
        value = data.get(key)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    status = data.get("Status")
    ok = status is True or (isinstance(status, str) and status.strip().lower() == "true")
    return UploadAnswer(ok, text("Message") or "", text("FileName"), text("FileServer"),
                        text("DocumentNumber"), text("DocumentDate"), answered=True)


# -- the job folders ---------------------------------------------------------------------------

@dataclass
class JobRecord:
    """What ``job.json`` keeps: enough to send the signed file again (no secret)."""

    job: str
    operation: str
    origin: str
    handler: str
    file_name: str
    source_url: str = ""
    created: float = field(default_factory=time.time)
    state: str = "new"            # new | signed | pending (upload failed) | local (no handler)
    attempts: int = 0
    last_error: str = ""
    file_id: object = None        # a batch's FileID

    @property
    def folder(self) -> Path:
        return bridge_dir() / self.job

    @property
    def original(self) -> Path:
        return self.folder / "original.pdf"

    @property
    def signed(self) -> Path:
        return self.folder / safe_name(self.file_name)

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(self.folder / "job.json",
                           json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8"))

    def done(self) -> None:
        """The handler confirmed: the job's files are no longer needed."""
        shutil.rmtree(self.folder, ignore_errors=True)


def new_job(operation: str, origin: str, handler: str, source_url: str = "", file_id=None) -> JobRecord:
    job = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)
    rec = JobRecord(job, operation, origin, handler, "document.pdf", source_url, file_id=file_id)
    rec.folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(rec.folder, 0o700)
    except OSError:
        pass
    return rec


def load_job(job: str) -> JobRecord:
    if not re.fullmatch(r"[0-9A-Za-z-]+", job or ""):
        raise BridgeError("bridge.job_not_found", P.BAD_REQUEST, job=job)
    path = bridge_dir() / job / "job.json"
    try:
        data = json.loads(path.read_text("utf-8"))
        return JobRecord(**{k: v for k, v in data.items() if k in JobRecord.__dataclass_fields__})
    except (OSError, ValueError, TypeError):
        raise BridgeError("bridge.job_not_found", P.BAD_REQUEST, job=job) from None


def pending_jobs() -> list[JobRecord]:
    """Signed files whose upload has not been confirmed (oldest first)."""
    out = []
    if bridge_dir().is_dir():
        for folder in sorted(bridge_dir().iterdir()):
            if (folder / "job.json").is_file():
                try:
                    rec = load_job(folder.name)
                except KysoError:
                    continue
                if rec.state in ("pending", "signed") and rec.signed.is_file():
                    out.append(rec)
    return out


def deliver(rec: JobRecord, credentials: Credentials = Credentials()) -> UploadAnswer:
    """Upload a job's signed file; on confirmation the job folder goes, else it
    stays ``pending`` with the reason."""
    if not rec.handler:
        raise BridgeError("bridge.no_handler", P.BAD_REQUEST, job=rec.job)
    rec.attempts += 1
    answer = upload(rec.handler, rec.signed, rec.file_name, credentials)
    if answer.ok:
        log.info("Bridge job %s uploaded to %s", rec.job, urlsplit(rec.handler).netloc)
        rec.done()
    else:
        rec.state, rec.last_error = "pending", answer.message
        rec.save()
        log.warning("Bridge job %s: upload failed (%s); kept in %s", rec.job, answer.message, rec.folder)
    return answer


def upload_error(rec: JobRecord, answer: UploadAnswer) -> BridgeError:
    from ..core import messages

    detail = answer.message
    if answer.answered:
        detail = messages.tr("bridge.upload_refused", detail=answer.message or "Status: false")
    return BridgeError("bridge.upload_failed", P.UPLOAD, detail=detail, job=rec.job)


__all__ = ["BridgeError", "Credentials", "DocumentError", "JobRecord", "UploadAnswer", "bridge_dir",
           "deliver", "download", "load_job", "new_job", "pending_jobs", "safe_name", "upload", "upload_error"]
