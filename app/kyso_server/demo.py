"""Demo data: the Phủ Lý units, one user per role (password "demo"), documents
waiting at each workflow step, and last month's issued documents for the report.

PDF bytes come from the caller (`pdf_factory(title, kind)`), because the
realistic Decree 30 samples live in another module (`kyso.demo.samples`).
States after a signature need a signed PDF: pass `sign(username, pdf) -> pdf`
and the matching `certificates` (username → DER list); without them the
seeder stops at "submitted" and the signed states are left out.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import hash_password
from .config import VN_TZ
from .models import AuditEntry, Certificate, Document, RegisterNumber, RoleAssignment, Unit, User, Version
from .numbering import create_register, register_key
from .storage import FileStore

PdfFactory = Callable[[str, str], bytes]
SignFn = Callable[[str, bytes], bytes]

DEMO_PASSWORD = "demo"

UNITS = [
    # code, name, kind, parent code, edXML organ id
    ("phuly", "UBND thành phố Phủ Lý", "committee", None, "000.00.00.H31"),
    ("phuly-vp", "Văn phòng HĐND-UBND", "office", "phuly", "000.01.00.H31"),
    ("phuly-tp", "Phòng Tư pháp", "department", "phuly", "000.02.00.H31"),
    ("phuly-qldt", "Phòng Quản lý đô thị", "department", "phuly", "000.03.00.H31"),
    ("minhkhai", "UBND phường Minh Khai", "committee", "phuly", "000.10.00.H31"),
    ("liemchinh", "UBND phường Liêm Chính", "committee", "phuly", "000.11.00.H31"),
]

#: Registers the administrator opened ("<unit code>:<notation>"); numbers are
#: handed out only in these.
REGISTERS = [
    "phuly:UBND-VP", "phuly:KH-UBND", "phuly:QĐ-UBND", "phuly:TB-UBND", "phuly:BC-UBND", "phuly:CT-UBND",
    "phuly-tp:TP", "phuly-qldt:QLĐT",
    "minhkhai:UBND", "minhkhai:QĐ-UBND", "minhkhai:KH-UBND", "liemchinh:UBND",
]

USERS = [
    # username, full name, position, [(unit code, role)]
    ("chutich", "Nguyễn Văn An", "Chủ tịch UBND", [("phuly", "leader")]),
    ("phochutich", "Trần Thị Bình", "Phó Chủ tịch UBND", [("phuly", "leader")]),
    ("chanhvp", "Lê Văn Cường", "Chánh Văn phòng HĐND-UBND", [("phuly-vp", "reviewer")]),
    ("vanthu", "Phạm Thị Dung", "Văn thư UBND", [("phuly-vp", "clerk")]),
    ("truongphong", "Hoàng Văn Em", "Trưởng phòng Tư pháp", [("phuly-tp", "unit_head")]),
    ("chuyenvien", "Đỗ Thị Giang", "Chuyên viên Phòng Tư pháp", [("phuly-tp", "drafter")]),
    ("vanthutp", "Vũ Thị Hoa", "Văn thư Phòng Tư pháp", [("phuly-tp", "clerk")]),
    ("chutichphuong", "Bùi Văn Khánh", "Chủ tịch UBND phường Minh Khai", [("minhkhai", "leader")]),
    ("vanthuphuong", "Ngô Thị Lan", "Văn thư UBND phường Minh Khai", [("minhkhai", "clerk")]),
    ("canbophuong", "Đinh Văn Minh", "Công chức Văn phòng - Thống kê", [("minhkhai", "drafter")]),
]


def _find_font() -> Path | None:
    here = Path(__file__).resolve().parent.parent / "kyso" / "resources" / "fonts" / "Tinos-Regular.ttf"
    return here if here.exists() else None


@functools.lru_cache(maxsize=64)
def minimal_pdf(title: str, kind: str) -> bytes:
    """A one-page A4 PDF; stands in until `kyso.demo.samples` provides real ones.
    Deterministic (reportlab invariant mode), hence cached."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    font = "Helvetica"
    path = _find_font()
    if path is not None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("Tinos", str(path)))
        font = "Tinos"
    c.setFont(font, 13)
    c.drawString(72, 770, "UBND THÀNH PHỐ PHỦ LÝ" if font == "Tinos" else "UBND THANH PHO PHU LY")
    c.drawString(72, 740, kind.upper() if font == "Tinos" else "DOCUMENT")
    c.setFont(font, 12)
    c.drawString(72, 710, title if font == "Tinos" else title.encode("ascii", "replace").decode())
    c.showPage()
    c.save()
    return buf.getvalue()


def seed(
    session: Session,
    files_dir: Path | str,
    pdf_factory: PdfFactory | None = None,
    *,
    sign: SignFn | None = None,
    certificates: Mapping[str, Sequence[bytes]] | None = None,
    now: datetime | None = None,
    password_hash: str | None = None,
) -> bool:
    """Insert demo data unless units already exist. Returns True if it seeded.

    `password_hash` lets tests pass a cheap argon2 hash of "demo"."""
    if session.scalar(select(Unit.id).limit(1)) is not None:
        return False
    now = now or datetime.now(timezone.utc)
    make_pdf = pdf_factory or minimal_pdf
    store = FileStore(Path(files_dir))

    units: dict[str, Unit] = {}
    for code, name, kind, parent, organ in UNITS:
        u = Unit(code=code, name=name, kind=kind, organ_id=organ, parent_id=units[parent].id if parent else None)
        session.add(u)
        session.flush()
        units[code] = u
    for key in REGISTERS:
        create_register(session, key, now)
    pw = password_hash or hash_password(DEMO_PASSWORD)  # one hash reused: argon2 is slow on purpose
    users: dict[str, User] = {}
    for username, full_name, position, roles in USERS:
        user = User(username=username, full_name=full_name, position=position, password_hash=pw)
        session.add(user)
        session.flush()
        for code, role in roles:
            session.add(RoleAssignment(user_id=user.id, unit_id=units[code].id, role=role))
        users[username] = user
    for username, ders in (certificates or {}).items():
        for der in ders:
            session.add(Certificate(
                user_id=users[username].id, sha256=hashlib.sha256(der).hexdigest(), der=der,
                subject=f"demo {username}", serial="0", not_after=None, created_at=now,
            ))
    session.flush()

    def add_doc(
        *, path: str, drafting: str, issuing: str, state: str, subject: str, doc_type: str, notation: str,
        author: str, versions: list[tuple[str, bytes]], at: datetime, number: int | None = None,
        leader_signed: bool = False, agency_signed: bool = False,
    ) -> Document:
        iss = units[issuing]
        doc = Document(
            path=path, state=state, drafting_unit_id=units[drafting].id, issuing_unit_id=iss.id,
            created_by_id=users[author].id, filename=f"{doc_type} - {subject[:60]}.pdf",
            from_organ_id=iss.organ_id, from_organ_name=iss.name, to_organs=[], notation=notation,
            place="Phủ Lý", doc_type=doc_type, subject=subject, urgency="Thường", secrecy=None,
            appendixes=[], current_version_no=0, created_at=at, updated_at=at, last_event_id=0,
            number=number,
            promulgation_date=at.astimezone(VN_TZ).date().isoformat() if number else None,
            leader_signed_at=at if leader_signed else None,
            agency_signed_at=at if agency_signed else None,
            issued_at=at if state == "issued" else None,
        )
        session.add(doc)
        session.flush()
        for i, (uploader, data) in enumerate(versions, start=1):
            sha = store.put(data)
            session.add(Version(
                document_id=doc.id, no=i, base_no=i - 1 or None, sha256=sha, size=len(data),
                signature_count=i - 1 if sign else 0, step="draft" if i == 1 else "seed",
                uploaded_by_id=users[uploader].id, created_at=at,
            ))
        doc.current_version_no = len(versions)
        entry = AuditEntry(document_id=doc.id, user_id=users[author].id, action="seed", to_state=state, at=at)
        session.add(entry)
        session.flush()
        doc.last_event_id = entry.id
        if number is not None:
            session.add(RegisterNumber(
                register=register_key(iss, notation), year=at.astimezone(VN_TZ).year, number=number,
                document_id=doc.id, reserved_by_id=users["vanthu"].id, used=True, created_at=at,
            ))
        return doc

    def chain(subject: str, kind: str, signers: list[str]) -> list[tuple[str, bytes]]:
        data = make_pdf(subject, kind)
        out = [("chuyenvien", data)]
        for who in signers:
            assert sign is not None
            data = sign(who, data)
            out.append((who, data))
        return out

    ubnd = dict(path="ubnd", drafting="phuly-tp", issuing="phuly", notation="UBND-VP", author="chuyenvien")
    add_doc(**ubnd, state="draft", doc_type="Công văn", at=now - timedelta(hours=5),
            subject="V/v tăng cường sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
            versions=chain("V/v tăng cường sử dụng chữ ký số", "Công văn", []))
    # A plan's ký hiệu is KH-UBND (Decree 30), as its PDF says (kyso.demo.samples,
    # ke_hoach); its register is therefore phuly:KH-UBND, which starts at 01.
    add_doc(**{**ubnd, "notation": "KH-UBND"}, state="submitted", doc_type="Kế hoạch", at=now - timedelta(hours=4),
            subject="Kế hoạch triển khai công tác phổ biến, giáo dục pháp luật năm 2026",
            versions=chain("Kế hoạch phổ biến, giáo dục pháp luật", "Kế hoạch", []))
    if sign is not None:
        add_doc(**ubnd, state="initialled", doc_type="Quyết định", at=now - timedelta(hours=3),
                subject="Quyết định ban hành Quy chế tiếp công dân",
                versions=chain("Quyết định ban hành Quy chế tiếp công dân", "Quyết định", ["chanhvp"]))
        add_doc(**ubnd, state="signed", doc_type="Thông báo", at=now - timedelta(hours=2),
                subject="Thông báo kết luận của Chủ tịch UBND thành phố tại buổi làm việc",
                versions=chain("Thông báo kết luận", "Thông báo", ["chanhvp", "chutich"]), leader_signed=True)
    add_doc(path="unit", drafting="phuly-tp", issuing="phuly-tp", notation="TP", author="chuyenvien",
            state="draft", doc_type="Báo cáo", at=now - timedelta(hours=1),
            subject="Báo cáo kết quả công tác tư pháp tháng",
            versions=chain("Báo cáo kết quả công tác tư pháp", "Báo cáo", []))

    # Issued earlier this month, for the signing-rate report; a few went out on
    # paper only (no signatures) as in the Phủ Lý 2022 findings.
    start = now.astimezone(VN_TZ).replace(day=1, hour=9, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    history = [
        ("phuly", "phuly-tp", "UBND-VP", 600, True, True),
        ("phuly", "phuly-tp", "UBND-VP", 601, True, True),
        ("phuly", "phuly-qldt", "UBND-VP", 602, True, True),
        ("phuly", "phuly-qldt", "UBND-VP", 603, True, False),
        ("phuly", "phuly-tp", "UBND-VP", 604, True, True),
        ("phuly", "phuly-tp", "UBND-VP", 605, False, False),
        ("phuly", "phuly-qldt", "UBND-VP", 606, True, True),
        ("minhkhai", "minhkhai", "UBND", 41, True, True),
        ("minhkhai", "minhkhai", "UBND", 42, False, False),
        ("minhkhai", "minhkhai", "UBND", 43, False, False),
    ]
    for i, (issuing, drafting, notation, number, leader, agency) in enumerate(history):
        at = min(start + timedelta(hours=i), now)
        add_doc(path="ubnd" if issuing == "phuly" else "unit", drafting=drafting, issuing=issuing,
                notation=notation, author="chuyenvien" if issuing == "phuly" else "canbophuong",
                state="issued", doc_type="Công văn", subject=f"Công văn số {number} (dữ liệu mẫu)",
                versions=[("chuyenvien", make_pdf(f"Công văn số {number}", "Công văn"))], at=at,
                number=number, leader_signed=leader, agency_signed=agency)
    session.flush()
    return True
