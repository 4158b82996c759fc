"""The VGCA Sign Service protocol, as the web document systems speak it.

The facts come from ``shared/spec/vgca-protocol.md``: one WebSocket per call on
``wss://127.0.0.1:8987/<Operation>``, one text frame in (the caller's
parameters, usually a JSON object with PascalCase keys), exactly one JSON text
frame out. This module is pure: it names the operations, reads the parameters
leniently (non-string values count as absent) and writes the results.

``Status`` values Kyso answers (only 0 is documented by the vendor; the others
are Kyso's, stable, and listed in the README):

====  =====================================================================
0     success
1     unexpected error (details in Kyso's log)
2     bad request: unreadable parameters, an operation Kyso does not offer
3     the document: download failed, not a PDF, too large, secret, damaged
4     the token or the PIN (wrong PIN: never retried; the token is not locked)
5     a signature that does not verify (VerifyPDF answers 0 with the report)
7     signed, but the upload failed; the signed file is kept (``kyso bridge retry``)
11    the person cancelled (the code a re-implementation gives as VGCA's)
12    refused: web site not allowed, opaque data without a person, no window
====  =====================================================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from ..core.errors import ExitCode, KysoError
from ..core.role import Role

OK = 0
INTERNAL = 1
BAD_REQUEST = 2
DOCUMENT = 3
TOKEN = 4
VERIFY = 5
UPLOAD = 7
CANCELLED = 11
REFUSED = 12

DEFAULT_PORT = 8987
VIETNAM = timezone(timedelta(hours=7))

#: document operations and the Decree 30 role each one signs in (None: the
#: person picks; headless: the ``Role`` parameter or the leader)
SIGN_ROLES: dict[str, Role | None] = {
    "SignApproved": Role.LEADER,
    "SignIssued": Role.AGENCY,
    "SignAppendix": Role.ATTACHMENT,
    "SignCopy": Role.COPY,
    "SignIncome": None,      # an agency text stamp "ĐẾN" top right (see operations)
    "Comment": Role.INITIAL,
    "SignFile": None,
    "SignPDF": None,
}
BATCH = ("SignFiles", "SignLyLich")
#: the web page hands over data whose meaning Kyso cannot show: a person must
#: confirm each one; never signed unattended
OPAQUE = ("SignMsg", "Auth", "SignXML", "SignJson", "SignRSAs", "SignXMLP12", "SignTest", "SignPDFWP")
#: answered without a token or a person
INFO = ("GetVersion", "GetLicenseRequest", "Config")
OTHER = ("VerifyPDF", "GetCertInfo")
#: known paths Kyso does not offer: answered at once with a JSON error
UNSUPPORTED = ("SignOffice", "VerifyOffice", "VerifyMsg", "VerifyXML", "VerifyJson", "Encrypt", "Decrypt")

KNOWN = (*SIGN_ROLES, *BATCH, *OPAQUE, *INFO, *OTHER)

#: Kyso's exit codes → the page's Status
_STATUS_OF_EXIT = {ExitCode.USAGE: BAD_REQUEST, ExitCode.DOCUMENT: DOCUMENT, ExitCode.TOKEN: TOKEN,
                   ExitCode.VERIFY: VERIFY, ExitCode.CANCELLED: CANCELLED, ExitCode.SERVER: UPLOAD}


def status_of(error: KysoError) -> int:
    return getattr(error, "bridge_status", None) or _STATUS_OF_EXIT.get(error.exit_code, INTERNAL)


def operation_of(path: str) -> str:
    """``/SignApproved?x`` → ``SignApproved``."""
    return urlsplit(path).path.strip("/")


def normalise_origin(origin: str | None) -> str | None:
    """``HTTPS://QLVB.example.vn:443/`` → ``https://qlvb.example.vn``; None when unusable."""
    if not origin or origin == "null":
        return None
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


@dataclass(frozen=True)
class Params:
    """The caller's parameters, read leniently: a non-string value is absent."""

    raw: dict = field(default_factory=dict)
    text: str = ""     # the frame as received (SignMsg, Auth send a bare string)

    @classmethod
    def parse(cls, frame: str | bytes | None) -> "Params":
        if isinstance(frame, bytes):
            frame = frame.decode("utf-8", "replace")
        frame = frame or ""
        try:
            data = json.loads(frame)
        except ValueError:
            data = None
        return cls(data if isinstance(data, dict) else {}, frame)

    def str(self, key: str) -> str:
        value = self.raw.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value.strip() if isinstance(value, str) else ""

    def metadata(self) -> dict[str, str]:
        out = {}
        items = self.raw.get("MetaData")
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("Key"), str):
                    value = item.get("Value")
                    out[item["Key"]] = value if isinstance(value, str) else ""
        return out

    def files(self) -> list[dict]:
        """``Files`` of a batch: each {FileID, FileName, URL} (FileID echoed as given)."""
        items = self.raw.get("Files")
        if not isinstance(items, list):
            return []
        out = []
        for item in items:
            if isinstance(item, dict):
                url = item.get("URL") if isinstance(item.get("URL"), str) else ""
                name = item.get("FileName") if isinstance(item.get("FileName"), str) else ""
                out.append({"FileID": item.get("FileID"), "FileName": name.strip(), "URL": url.strip()})
        return out


def parse_issued_date(text: str, today: date | None = None) -> date:
    """``IssuedDate`` leniently: ISO date or date-time (an offset or ``Z`` is turned
    into Vietnam time), ``dd/mm/yyyy``; empty or unreadable → today (Vietnam)."""
    today = today or datetime.now(VIETNAM).date()
    text = (text or "").strip()
    if not text:
        return today
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(VIETNAM)
        return moment.date()
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return today


def number_part(doc_number: str) -> str:
    """``417/UBND-VP`` → ``417``: the blank "Số:   /UBND-VP" already carries the symbol."""
    return doc_number.split("/", 1)[0].strip()


def result(status: int = OK, message: str = "", **more) -> dict:
    out = {"Status": status, "Message": message}
    if status != OK and message:
        out["Error"] = message     # XML/JSON/Auth callers read Error
    out.update({k: v for k, v in more.items() if v is not None})
    return out


def error_result(error: KysoError, **more) -> dict:
    return result(status_of(error), error.message, **more)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
