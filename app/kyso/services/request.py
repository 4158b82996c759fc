"""What a signing request is: the person's settings plus one face's answers.

Every face (the desktop app, ``kyso sign``, the web-page signing service)
describes what the person asked for as a :class:`SigningRequest` — the role,
the number and date, the main document's number, a box they dragged, the
flags they gave — and :func:`sign_options` turns it, together with the
person's :class:`~kyso.core.settings.Settings`, into the core's
:class:`~kyso.core.signing.SignOptions`. So the images, the seal size, the
agency name and the timestamp server a person configured in Cài đặt reach
every signature the same way, whichever face asked for it; a face never
assembles a stamp itself.

Rule of precedence: the face's explicit answer (a CLI flag) wins over the
setting; a setting wins over the default. The default carries no specimen
image (see :mod:`kyso.core.appearance`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..core import appearance as ap
from ..core.errors import UsageError
from ..core.role import Role
from ..core.settings import Settings
from ..core.signing import Placement, SignOptions, text_stamp
from ..core.vntime import vietnam_today


@dataclass(frozen=True)
class StyleChoices:
    """Images and sizes a face was given for this request only (CLI flags)."""

    signature_image: str | Path | None = None
    seal_image: str | Path | None = None
    seal_diameter_mm: float | None = None
    initial_image: str | Path | None = None
    agency_name: str | None = None


@dataclass(frozen=True)
class SigningRequest:
    """One face's answers for one signing (or one batch with the same answers).

    ``role`` None is a plain signature: invisible, or a text/image stamp in
    ``placement`` (``text`` may use {signer}, {organisation}, {title}, {time}).
    """

    role: Role | None = None
    number: str | None = None            # issuance: "607"
    issue_date: date | None = None       # issuance: the date written beside it
    main_number: str = ""                # attachment: "607/UBND-VP"; copy: its number line
    copy_form: str | None = None         # copy: "SAO Y", "SAO LỤC", "TRÍCH SAO"
    placement: Placement | None = None   # the person's own box (--page/--box, a drag)
    text: str | None = None              # plain signature only
    image: Path | None = None            # plain signature only
    reason: str | None = None
    location: str | None = None
    tsa_url: str | None = None           # None: the configured timestamp server
    force: bool = False
    password: str | None = None          # the PDF's open password, when it has one
    styles: StyleChoices = StyleChoices()


def _path(value) -> Path | None:
    return Path(value) if value else None


def role_styles(settings: Settings, choices: StyleChoices = StyleChoices()) -> dict[Role, object]:
    """The five role styles with this person's images, seal size and agency name."""
    signature = _path(choices.signature_image or settings.signature_image)
    seal = _path(choices.seal_image or settings.seal_image)
    initial = _path(choices.initial_image or settings.initial_image)
    diameter = choices.seal_diameter_mm or settings.seal_diameter_mm
    agency = choices.agency_name or settings.agency_name
    base_seal = ap.AgencySealStyle()
    return {
        Role.INITIAL: ap.InitialStyle(initial_image=initial),
        Role.LEADER: ap.LeaderStyle(signature_image=signature),
        Role.AGENCY: replace(base_seal, seal_image=seal, diameter_mm=diameter or base_seal.diameter_mm,
                             agency_name=agency or None),
        Role.ATTACHMENT: ap.AttachmentStyle(),
        Role.COPY: ap.CopyStyle(agency_name=agency or None),
    }


def role_request(request: SigningRequest, settings: Settings):
    """The core's :class:`~kyso.core.roles.RoleRequest` for ``request``."""
    from ..core.roles import RoleRequest

    styles = role_styles(settings, request.styles)
    issue_date = request.issue_date
    if request.number and issue_date is None and Role.parse(request.role) == Role.AGENCY:
        issue_date = vietnam_today()     # a number without a date: issued today, in Vietnam
    copy_style = replace(styles[Role.COPY], number=request.main_number)
    if request.copy_form:
        copy_style = replace(copy_style, copy_form=request.copy_form)
    return RoleRequest(
        role=Role.parse(request.role), number=request.number, issue_date=issue_date,
        leader=styles[Role.LEADER], agency=styles[Role.AGENCY], initial=styles[Role.INITIAL],
        attachment=replace(styles[Role.ATTACHMENT], main_number=request.main_number),
        copy=copy_style, placement=request.placement)


def stamp_size(role: Role | str, settings: Settings, choices: StyleChoices = StyleChoices()) -> tuple[float, float]:
    """Width and height (points) of ``role``'s stamp with this person's styles."""
    return role_styles(settings, choices)[Role.parse(role)].size()


def sign_options(request: SigningRequest, settings: Settings) -> SignOptions:
    """The core's options for ``request`` with ``settings`` (see the module doc)."""
    base = SignOptions(reason=request.reason, location=request.location,
                       tsa_url=request.tsa_url or settings.tsa_url or None,
                       force=request.force, password=request.password)
    if request.role is not None:
        from ..core.roles import role_options

        return role_options(role_request(request, settings), base)
    if request.placement is None:
        if request.text or request.image:
            raise UsageError("usage.page_without_box")
        return base
    box = request.placement.box
    return replace(base, placement=request.placement,
                   appearance=text_stamp(request.text.replace("\\n", "\n") if request.text else None,
                                         request.image, box.w, box.h))


def missing_images(settings: Settings) -> tuple[Role, ...]:
    """Roles whose own image is not configured (their stamps are text stamps)."""
    out = []
    if not settings.signature_image:
        out.append(Role.LEADER)
    if not settings.seal_image:
        out.append(Role.AGENCY)
    return tuple(out)
