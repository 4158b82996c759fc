"""Secrecy: the agency policy the signing core itself enforces.

(Which document types may travel electronically, and who may do what in the
workflow, is enforced by the document server: ``kyso_server.config`` and
``kyso_server.rules``.)

Secret documents ("văn bản mật") are excluded from electronic signing in every
directive Kyso started from; they are refused, clearly, and never processed.
A document is taken as secret when its metadata says so (``/KysoSecrecy`` in
the Info dictionary, the edXML secrecy level carried by the server) or when
its first page carries a Decree 30 secrecy marking ("MẬT", "TỐI MẬT",
"TUYỆT MẬT") as a mark of its own, not as words inside a sentence such as
"bảo vệ bí mật nhà nước".
"""

from __future__ import annotations

import re
import unicodedata

SECRECY_LEVELS = ("Tuyệt mật", "Tối mật", "Mật")
MARK_WORD = "MẬT"  # every secrecy marking contains it, in capitals
_MARK = re.compile(r"^(?:ĐỘ\s*MẬT\s*:?\s*)?(TUYỆT\s+MẬT|TỐI\s+MẬT|MẬT)$")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_secrecy(value: str | None) -> str | None:
    """The secrecy level named by ``value`` ("Mật", "Tối mật", "Tuyệt mật"), or None."""
    if not value:
        return None
    v = _nfc(value).strip().lower()
    for level in SECRECY_LEVELS:
        if v == level.lower():
            return level
    return None  # "Thường", "", anything else: not secret


def secrecy_mark_in(runs: list[str]) -> str | None:
    """The secrecy level if one text run (a line segment) is a secrecy marking."""
    for run in runs:
        m = _MARK.match(" ".join(_nfc(run).split()))
        if m:
            word = " ".join(m.group(1).split())
            return {"MẬT": "Mật", "TỐI MẬT": "Tối mật", "TUYỆT MẬT": "Tuyệt mật"}[word]
    return None
