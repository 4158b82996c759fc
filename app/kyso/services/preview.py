"""Where a role's stamp would land, before anything is signed.

A face shows this to the person (the desktop app's blue frame, the web-page
service's signing window) and lets them move it; the box they confirm comes
back as the request's ``placement``. The stamp has the size it will have with
the person's own images (:func:`kyso.services.request.stamp_size`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import KysoError
from ..core.role import Role
from ..core.settings import Settings
from ..core.signing import Placement
from ..core.stamp import Box
from .request import SigningRequest, sign_options, stamp_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StampPlace:
    """A stamp's place on a document (displayed coordinates, points)."""

    page: int
    box: Box
    page_size: tuple[float, float]   # the page as displayed
    found: bool = True               # False: the analysis could not find the spot
    reason: KysoError | None = None  # why not, when the core said

    @property
    def placement(self) -> Placement:
        return Placement(self.page, self.box)


def preview_placement(path: Path, request: SigningRequest, settings: Settings) -> StampPlace:
    """The automatic placement of ``request.role`` on ``path``; reads and analyses
    the PDF, writes nothing. When the page's text does not show the spot
    (:class:`~kyso.core.placement.PlacementNotFound`), a sensible default on the
    last page (first for attachment and copy stamps), marked not found."""
    from dataclasses import replace

    from ..core.pdfdoc import open_pdf
    from ..core.placement import PlacementNotFound

    role = Role.parse(request.role)
    if role == Role.ATTACHMENT and not request.main_number:
        request = replace(request, main_number="…")   # asked for after the place is chosen
    options = sign_options(replace(request, placement=None), settings)
    with open_pdf(path, password=options.password, for_signing=True) as doc:
        count = doc.page_count
        try:
            found = options.prepare(doc) if options.prepare is not None else options.placement
            if found is None:
                raise LookupError("no placement")
            page = found.page if found.page >= 0 else count + found.page
            return StampPlace(page, found.box, doc.geometry(page).display_size)
        except Exception as exc:  # PlacementNotFound and friends: place by hand
            if isinstance(exc, KysoError) and not isinstance(exc, PlacementNotFound):
                raise                     # not a placement problem (no leader signature…)
            log.info("automatic placement of %s on %s failed: %s", role.value, path.name, exc)
            w, h = stamp_size(role, settings, request.styles)
            page = 0 if role in (Role.ATTACHMENT, Role.COPY) else count - 1
            pw, ph = doc.geometry(page).display_size
            box = Box(max(0.0, pw * 0.6 - w / 2), max(0.0, ph * 0.2), w, h)
            return StampPlace(page, box, (pw, ph), False, exc if isinstance(exc, KysoError) else None)
