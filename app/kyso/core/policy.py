"""Agency policy the core enforces: secrecy, document types, who may do what.

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
from dataclasses import dataclass, field
from enum import Enum

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
    if v in ("", "thường", "thuong", "không", "none", "normal"):
        return None
    return None


def secrecy_mark_in(runs: list[str]) -> str | None:
    """The secrecy level if one text run (a line segment) is a secrecy marking."""
    for run in runs:
        m = _MARK.match(" ".join(_nfc(run).split()))
        if m:
            word = " ".join(m.group(1).split())
            return {"MẬT": "Mật", "TỐI MẬT": "Tối mật", "TUYỆT MẬT": "Tuyệt mật"}[word]
    return None


class Transport(Enum):
    """How a document type may travel (seed Lục Nam 2020)."""

    ELECTRONIC = "electronic"          # điện tử
    BOTH = "both"                      # điện tử kèm bản giấy
    PAPER = "paper"                    # chỉ bản giấy


# One district's choice (Quyết định 648/QĐ-UBND Lục Nam, 2019); agencies configure their own.
DEFAULT_TRANSPORT: dict[str, Transport] = {
    **{t: Transport.ELECTRONIC for t in (
        "Báo cáo", "Chỉ thị", "Chương trình", "Kế hoạch", "Hướng dẫn", "Quy định", "Quy chế",
        "Thông báo", "Công văn", "Giấy mời", "Công điện")},
    **{t: Transport.BOTH for t in (
        "Đề án", "Quyết định", "Nghị quyết", "Tờ trình", "Phiếu gửi", "Phiếu chuyển",
        "Giấy chứng nhận", "Giấy biên nhận hồ sơ", "Giấy ủy quyền")},
    **{t: Transport.PAPER for t in (
        "Quyết định giao dự toán NSNN", "Bản cam kết", "Bản ghi nhớ", "Bản thỏa thuận",
        "Biên bản", "Dự án", "Giấy đi đường", "Giấy giới thiệu", "Giấy nghỉ phép", "Hợp đồng",
        "Phương án")},
}


@dataclass(frozen=True)
class AgencyPolicy:
    transport: dict = field(default_factory=lambda: dict(DEFAULT_TRANSPORT))
    default_transport: Transport = Transport.ELECTRONIC

    def transport_for(self, doc_type: str | None) -> Transport:
        if not doc_type:
            return self.default_transport
        return self.transport.get(_nfc(doc_type).strip(), self.default_transport)

    def may_sign_electronically(self, doc_type: str | None) -> bool:
        return self.transport_for(doc_type) is not Transport.PAPER
