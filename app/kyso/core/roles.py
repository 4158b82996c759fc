"""Each role's action on a PDF: where its stamp goes, what it shows, what it fills.

This joins the pieces: :mod:`placement` finds the signature block and the blanks
on the page, :mod:`appearance` draws the Decree 30 stamp, :mod:`issuance`
prepares and fills the number and date, and :mod:`signing` signs. The faces
reach it through the application layer (:mod:`kyso.services.request`), which
fills a :class:`RoleRequest` from the person's settings.

Rules enforced here:
- the first signature Kyso places (initial, or leader on the two-signature
  path) also adds the empty number/date fields, so issuance can fill them later
  as an allowed change;
- the agency signature is refused on a document without the leader's
  signature (Decree 30/2020, art. 32.2.d); the signature chain itself is
  checked for integrity before every signing (``signing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import placement as plc
from .appearance import (MM, TOP_MARGIN_MM, AgencySealStyle, AttachmentStyle, CopyStyle,
                         InitialStyle, LeaderStyle)
from .errors import DocumentError, UsageError
from .issuance import (DAY_FIELD, MONTH_FIELD, NUMBER_FIELD, Blank, add_issuance_fields,
                       fill_issuance_fields, format_day, format_month, format_number)
from .pdfdoc import PdfInput
from .role import Role
from .signing import Placement, SignOptions
from .stamp import Box


@dataclass(frozen=True)
class RoleRequest:
    role: Role
    number: str | None = None          # issuance: "607"
    issue_date: date | None = None     # issuance: the date to write
    leader: LeaderStyle = field(default_factory=LeaderStyle)
    agency: AgencySealStyle = field(default_factory=AgencySealStyle)
    initial: InitialStyle = field(default_factory=InitialStyle)
    attachment: AttachmentStyle = field(default_factory=AttachmentStyle)
    copy: CopyStyle = field(default_factory=CopyStyle)
    placement: Placement | None = None  # the user's override (--page/--box, a drag in the GUI)


def _blanks(layout: plc.DocumentLayout) -> list[Blank]:
    out = []
    if layout.number_blank is not None:
        b = layout.number_blank
        out.append(Blank.on_baseline(NUMBER_FIELD, b.page, b.box.x, b.box.w, b.baseline,
                                     b.font_size, False, "right"))
    for name, b in ((DAY_FIELD, layout.date_day_blank), (MONTH_FIELD, layout.date_month_blank)):
        if b is not None:
            # The date line is italic in every Decree 30 layout.
            out.append(Blank.on_baseline(name, b.page, b.box.x, b.box.w, b.baseline,
                                         b.font_size, True, "center"))
    return out


def _leader_field_box(doc: PdfInput, layout: plc.DocumentLayout | None) -> tuple[int, Box] | None:
    """Page and displayed box of the leader's signature already on the document.

    Recognised by Kyso's field name, or, for signatures made by other tools, by
    a widget lying in the signature space between the title and the name.
    """
    space = layout.signature_block if layout is not None else None
    candidates = []
    for emb in doc.reader.embedded_regular_signatures:
        widget = emb.sig_field
        rect = widget.get("/Rect")
        page_ref = widget.get("/P")
        if rect is None:
            continue
        page_index = 0
        if page_ref is not None:
            for i in range(doc.page_count):
                if doc.page_ref(i).idnum == page_ref.idnum:
                    page_index = i
                    break
        box = doc.geometry(page_index).box_to_display(tuple(float(v) for v in rect))
        name = str(emb.field_name)
        if name.startswith(Role.LEADER.field_prefix):
            candidates.append((0, page_index, box))
        elif space is not None and page_index == space.page and box.w > 0:
            cx, cy = box.x + box.w / 2, box.y + box.h / 2
            s = space.signature_space
            if s.x <= cx <= s.x2 and s.y <= cy <= s.y2:
                candidates.append((1, page_index, box))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1], candidates[0][2]


def _analyse(doc: PdfInput) -> plc.DocumentLayout:
    return plc.analyse(doc.engine_path, password=doc.password)


def role_options(req: RoleRequest, base: SignOptions = SignOptions()) -> SignOptions:
    """SignOptions that carry out ``req.role`` on whatever document they sign."""
    role = Role.parse(req.role)
    if role == "agency" and (req.number is None) != (req.issue_date is None):
        raise UsageError("usage.number_and_date")
    if role == "attachment" and not req.attachment.main_number:
        raise UsageError("usage.main_number_needed")

    if role == "initial":
        style = req.initial
    elif role == "leader":
        style = req.leader
    elif role == "agency":
        style = req.agency
    elif role == "attachment":
        style = req.attachment
    else:
        style = req.copy

    def prepare(doc: PdfInput) -> Placement | None:
        layout = _analyse(doc) if role.uses_placement_analysis else None
        if role in ("initial", "leader"):
            add_issuance_fields(doc, _blanks(layout))
        if role == "agency":
            leader = _leader_field_box(doc, layout)
            if leader is None:
                raise DocumentError("issue.no_leader_signature", path=doc.path.name)
            if req.number is not None:
                blanks = {b.name: b for b in _blanks(layout)} if layout is not None else {}
                fill_issuance_fields(doc, {
                    NUMBER_FIELD: format_number(req.number),
                    DAY_FIELD: format_day(req.issue_date),
                    MONTH_FIELD: format_month(req.issue_date),
                }, blanks)
        if req.placement is not None:
            return req.placement
        if role == "initial":
            w, h = style.size()
            page, box = plc.initial_box(layout, w, h)
            return Placement(page, box)
        if role == "leader":
            w, h = style.size()
            page, box = plc.leader_stamp_box(layout, w, h)
            return Placement(page, box)
        if role == "agency":
            page, leader_box = leader
            if style.seal_image is None:
                return Placement(page, plc.agency_text_box(layout, page, leader_box, *style.size()))
            seal = plc.agency_seal_box(leader_box, style.diameter)
            offset = style.seal_offset()
            return Placement(page, Box(seal.x - offset, seal.y, seal.w + offset, seal.h))
        w, h = style.size()
        geometry = doc.geometry(0)
        return Placement(0, plc.top_right_box(geometry.display_size, w, h,
                                              margin=TOP_MARGIN_MM * MM))

    return SignOptions(
        placement=req.placement,
        appearance=style.layout,
        field_prefix=role.field_prefix,
        reason=base.reason,
        location=base.location,
        tsa_url=base.tsa_url,
        force=base.force,
        password=base.password,
        prepare=prepare,
        # The clerk's signature locks the number and the date it issues.
        field_lock=(NUMBER_FIELD, DAY_FIELD, MONTH_FIELD) if role == "agency" else (),
    )
