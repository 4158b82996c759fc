"""Workflow rules the server enforces (seeds Phủ Lý 2022, Lục Nam 2020; Decree 30).

Role scope: a role held in an office unit (Văn phòng HĐND-UBND) acts for the
office's parent committee: the office's reviewer initials and its clerk seals
documents issued in the name of the People's Committee.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import BOTH, ELECTRONIC, PAPER
from .errors import ApiError
from .models import Document, RoleAssignment, Unit, User

SECRET_LEVELS = ("Mật", "Tối mật", "Tuyệt mật")
NORMAL_SECRECY = ("", "thường", "thuong", "không", "khong")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def check_secrecy(secrecy: str | None) -> None:
    """Secret documents never enter electronic signing (every seed); refuse clearly."""
    if secrecy is None:
        return
    value = _norm(secrecy)
    if value in NORMAL_SECRECY:
        return
    if "mat" in _strip_accents(value).split() or value in {_norm(s) for s in SECRET_LEVELS}:
        raise ApiError(
            422,
            "secret_document_refused",
            f"Văn bản mật (độ mật \"{secrecy}\") không được ký số và trao đổi qua hệ thống. "
            "Vui lòng xử lý theo quy định về bảo vệ bí mật nhà nước (bản giấy).",
            {"secrecy": secrecy},
        )
    raise ApiError(
        422,
        "invalid_secrecy",
        f"Độ mật \"{secrecy}\" không hợp lệ. Để trống hoặc ghi \"Thường\".",
        {"secrecy": secrecy},
    )


def check_doc_type(policy: dict[str, str], doc_type: str) -> str:
    """Apply the agency's travel policy; returns the policy value for the type."""
    by_norm = {_norm(k): v for k, v in policy.items()}
    mode = by_norm.get(_norm(doc_type))
    if mode is None:
        raise ApiError(
            422,
            "unknown_doc_type",
            f"Loại văn bản \"{doc_type}\" chưa có trong danh mục văn bản của cơ quan.",
            {"doc_type": doc_type, "known": sorted(policy)},
        )
    if mode == PAPER:
        raise ApiError(
            422,
            "paper_only_doc_type",
            f"Loại văn bản \"{doc_type}\" chỉ áp dụng hình thức bản giấy, không ký số trên hệ thống.",
            {"doc_type": doc_type, "policy": mode},
        )
    assert mode in (ELECTRONIC, BOTH)
    return mode


def acts_for(assignment: RoleAssignment) -> int:
    """The unit on whose behalf a role is exercised (office roles serve the committee)."""
    unit = assignment.unit
    if unit.kind == "office" and unit.parent_id is not None:
        return unit.parent_id
    return unit.id


def has_role(user: User, roles: tuple[str, ...], unit_id: int, *, own_unit: bool = False) -> bool:
    """True if the user holds one of `roles` for `unit_id`.

    `own_unit` is for drafting-unit roles (drafter, unit head): the assignment
    must be in that very unit, not via an office.
    """
    for a in user.roles:
        if a.role not in roles:
            continue
        if (a.unit_id if own_unit else acts_for(a)) == unit_id:
            return True
    return False


def issuing_unit_for(session: Session, drafting: Unit, path: str) -> Unit:
    """Path "unit" issues in the drafting unit's own name; path "ubnd" in the
    name of the nearest People's Committee above it."""
    if path == "unit":
        return drafting
    unit = drafting.parent
    while unit is not None and unit.kind != "committee":
        unit = unit.parent
    if unit is None:
        raise ApiError(
            422,
            "no_committee_above",
            "Đơn vị soạn thảo không thuộc Ủy ban nhân dân nào nên không thể trình ký theo quy trình UBND.",
        )
    return unit


def can_see(user: User, doc: Document) -> bool:
    return any(
        a.unit_id == doc.drafting_unit_id or acts_for(a) in (doc.issuing_unit_id, doc.drafting_unit_id)
        for a in user.roles
    )


@dataclass(frozen=True)
class Step:
    """A signing step: who may upload the next signed version, and the state after."""

    name: str
    roles: tuple[str, ...]
    unit: str  # "issuing" or "drafting"
    own_unit: bool
    from_states: tuple[str, ...]
    to_state: str


SIGNING_STEPS: dict[str, list[Step]] = {
    "ubnd": [
        Step("initial", ("reviewer",), "issuing", False, ("submitted",), "initialled"),
        Step("sign", ("leader",), "issuing", False, ("initialled",), "signed"),
        Step("issue", ("clerk",), "issuing", False, ("signed",), "issued"),
    ],
    "unit": [
        Step("sign", ("unit_head", "leader"), "issuing", False, ("draft", "returned"), "signed"),
        Step("issue", ("clerk",), "issuing", False, ("signed",), "issued"),
    ],
}

EDITABLE_STATES = ("draft", "returned")


def step_unit(doc: Document, step: Step) -> int:
    return doc.issuing_unit_id if step.unit == "issuing" else doc.drafting_unit_id


def signing_step_for(user: User, doc: Document) -> Step:
    """The signing step this user may perform now, or a clear refusal."""
    steps = SIGNING_STEPS[doc.path]
    mine = [s for s in steps if has_role(user, s.roles, step_unit(doc, s), own_unit=s.own_unit)]
    for s in mine:
        if doc.state in s.from_states:
            return s
    if doc.state == "issued":
        raise ApiError(409, "already_issued", "Văn bản đã được phát hành, không thể ký thêm.")
    if any(s.name == "issue" for s in mine):
        raise ApiError(
            409,
            "agency_signature_before_leader",
            "Văn thư chỉ được ký số của cơ quan sau khi người có thẩm quyền đã ký văn bản "
            "(Nghị định 30/2020/NĐ-CP, Điều 32.2.d).",
            {"state": doc.state},
        )
    if mine:
        raise ApiError(
            409,
            "wrong_state",
            f"Văn bản đang ở trạng thái \"{STATE_LABELS.get(doc.state, doc.state)}\", chưa đến lượt bạn ký.",
            {"state": doc.state, "your_steps": [s.name for s in mine]},
        )
    raise ApiError(
        403,
        "not_a_signer",
        "Tài khoản của bạn không có vai trò ký văn bản này ở bước hiện tại.",
        {"state": doc.state},
    )


def waiting_states_for(user: User, doc: Document) -> bool:
    """Is this document waiting for an action by one of the user's roles?"""
    if doc.state in EDITABLE_STATES:
        if doc.path == "ubnd" and has_role(user, ("unit_head",), doc.drafting_unit_id, own_unit=True):
            return True
        if doc.state == "returned" and has_role(user, ("drafter", "unit_head"), doc.drafting_unit_id, own_unit=True):
            return True
    for s in SIGNING_STEPS[doc.path]:
        if doc.state in s.from_states and has_role(user, s.roles, step_unit(doc, s), own_unit=s.own_unit):
            return True
    return False


def check_can_submit(user: User, doc: Document) -> None:
    """Seed Lục Nam 2020: a draft goes upward only from the unit head's account."""
    if doc.path != "ubnd":
        raise ApiError(
            409,
            "submit_not_applicable",
            "Văn bản do đơn vị tự ban hành không trình lên UBND; lãnh đạo đơn vị ký trực tiếp.",
        )
    if doc.state not in EDITABLE_STATES:
        raise ApiError(
            409,
            "wrong_state",
            f"Chỉ trình được dự thảo; văn bản đang ở trạng thái \"{STATE_LABELS.get(doc.state, doc.state)}\".",
            {"state": doc.state},
        )
    if not has_role(user, ("unit_head",), doc.drafting_unit_id, own_unit=True):
        if has_role(user, ("drafter",), doc.drafting_unit_id, own_unit=True):
            raise ApiError(
                403,
                "submit_requires_unit_head",
                "Dự thảo trình lên phải được gửi từ tài khoản của lãnh đạo đơn vị, không gửi từ "
                "tài khoản của chuyên viên. Vui lòng chuyển lãnh đạo đơn vị duyệt và trình.",
            )
        raise ApiError(403, "forbidden", "Bạn không có quyền trình văn bản này.")
    if doc.current_version_no == 0:
        raise ApiError(409, "no_version", "Dự thảo chưa có tệp nội dung, chưa thể trình.")


def check_can_return(user: User, doc: Document) -> None:
    """Reviewers and leaders return to the drafting unit; the unit signer may too."""
    if doc.path == "ubnd":
        allowed_states = ("submitted", "initialled", "signed")
        ok = has_role(user, ("reviewer", "leader"), doc.issuing_unit_id)
    else:
        allowed_states = ("draft", "signed")
        ok = has_role(user, ("unit_head", "leader"), doc.issuing_unit_id)
    if not ok:
        raise ApiError(403, "forbidden", "Chỉ lãnh đạo văn phòng hoặc lãnh đạo có thẩm quyền được trả lại văn bản.")
    if doc.state not in allowed_states:
        raise ApiError(
            409,
            "wrong_state",
            f"Không thể trả lại văn bản ở trạng thái \"{STATE_LABELS.get(doc.state, doc.state)}\".",
            {"state": doc.state},
        )


def check_can_edit_draft(user: User, doc: Document) -> None:
    if doc.state not in EDITABLE_STATES:
        raise ApiError(
            409,
            "not_editable",
            "Văn bản đã trình ký; chỉ được tải lên phiên bản có thêm đúng một chữ ký số.",
            {"state": doc.state},
        )
    if not has_role(user, ("drafter", "unit_head"), doc.drafting_unit_id, own_unit=True):
        raise ApiError(403, "forbidden", "Chỉ cán bộ của đơn vị soạn thảo được sửa dự thảo.")


def drafting_unit_for_create(session: Session, user: User, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ApiError(404, "unit_not_found", "Không tìm thấy đơn vị.")
    if not has_role(user, ("drafter", "unit_head"), unit.id, own_unit=True):
        raise ApiError(403, "forbidden", "Bạn không phải cán bộ soạn thảo của đơn vị này.")
    return unit


def roles_in(session: Session, user: User) -> list[RoleAssignment]:
    return list(session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)))


STATE_LABELS = {
    "draft": "Dự thảo",
    "submitted": "Đã trình (chờ kiểm soát thể thức)",
    "initialled": "Đã ký nháy (chờ lãnh đạo ký)",
    "signed": "Lãnh đạo đã ký (chờ văn thư phát hành)",
    "issued": "Đã phát hành",
    "returned": "Bị trả lại",
}
