"""A live preview of the stamps the user's images make, drawn like on the page.

The core describes each role's stamp as a :class:`~kyso.core.stamp.StampLayout`
(boxes in points, origin at the lower left). Here the same layouts are painted
with QPainter into a QImage at a true scale: the leader's signature, then the
agency seal on top of it, a third of the signature under the seal's right side
(``placement.agency_seal_box``, as ``kyso.core.roles`` places it), and the
reviewer's initial. Reading PNGs and laying out text happens in the background
(``run_in_background``); the GUI thread only shows the finished image.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .i18n import Retranslating
from ..core.fonts import RESOURCES
from ..core.placement import agency_seal_box
from ..core.signing import SignerIdentity
from ..core.vntime import VIETNAM_TZ
from ..core.stamp import Box, ImageBlock, StampLayout, TextBlock
from .worker import run_in_background

MM = 72.0 / 25.4
#: pixels per point of the preview (about 4.3 px per mm: a 36 mm seal is ~150 px)
SCALE = 1.5
MARGIN = 6.0  # points of paper around the stamps

_font_lock = threading.Lock()
_font_family: str | None = None


def stamp_font_family() -> str:
    """The bundled Tinos (the stamp's font), registered once with Qt."""
    global _font_family
    with _font_lock:
        if _font_family is None:
            family = ""
            for name in ("Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf", "Tinos-BoldItalic.ttf"):
                fid = QFontDatabase.addApplicationFont(str(RESOURCES / "fonts" / name))
                if fid >= 0 and not family:
                    families = QFontDatabase.applicationFontFamilies(fid)
                    family = families[0] if families else ""
            _font_family = family or "Times New Roman"
        return _font_family


@dataclass(frozen=True)
class PreviewRequest:
    """What the preview shows: the images chosen so far (None: the core's default)."""

    signature_image: str | None = None
    seal_image: str | None = None
    seal_diameter_mm: float | None = None
    initial_image: str | None = None
    agency_name: str | None = None
    signer: str = "Nguyễn Văn An"
    organisation: str = "Ủy ban nhân dân huyện Mẫu"


def _existing(path: str | None) -> Path | None:
    if path and Path(path).is_file():
        return Path(path)
    return None


def styles(req: PreviewRequest):
    """(leader, agency seal, initial) styles exactly as a signature would have them:
    the application layer's :func:`~kyso.services.request.role_styles` over the
    values chosen so far (a path that does not exist yet counts as none)."""
    from ..core.role import Role
    from ..core.settings import Settings
    from ..services.request import role_styles

    chosen = Settings(signature_image=str(_existing(req.signature_image) or "") or None,
                      seal_image=str(_existing(req.seal_image) or "") or None,
                      initial_image=str(_existing(req.initial_image) or "") or None,
                      seal_diameter_mm=req.seal_diameter_mm, agency_name=req.agency_name or None)
    by_role = role_styles(chosen)
    return by_role[Role.LEADER], by_role[Role.AGENCY], by_role[Role.INITIAL]


def _paint_layout(p: QPainter, layout: StampLayout, at: Box, top: float, left: float, k: float) -> None:
    """Paint ``layout`` placed at ``at`` (page points, y up) on a canvas whose
    top-left corner is the page point (left, top), ``k`` pixels per point."""

    def rect(b: Box) -> QRectF:
        return QRectF((at.x + b.x - left) * k, (top - (at.y + b.y2)) * k, b.w * k, b.h * k)

    family = stamp_font_family()
    for el in layout.elements:
        if isinstance(el, ImageBlock):
            img = QImage(str(el.path))
            if img.isNull():
                continue
            box = rect(el.box)
            s = min(box.width() / img.width(), box.height() / img.height())
            w, h = img.width() * s, img.height() * s
            x = {"left": box.left(), "right": box.right() - w}.get(el.align, box.left() + (box.width() - w) / 2)
            # valign is in page terms: "bottom" is the canvas's lower edge
            y = {"bottom": box.bottom() - h, "top": box.top()}.get(el.valign, box.top() + (box.height() - h) / 2)
            p.drawImage(QRectF(x, y, w, h), img)
        elif isinstance(el, TextBlock):
            _paint_text(p, el, rect(el.box), family, k)


def _paint_text(p: QPainter, block: TextBlock, box: QRectF, family: str, k: float) -> None:
    fonts = []
    widths = []
    for line in block.lines:
        f = QFont(family)
        f.setPixelSize(max(1, round(line.size * k)))
        f.setBold(line.bold)
        f.setItalic(line.italic)
        fonts.append(f)
        widths.append(QFontMetricsF(f).horizontalAdvance(line.text))
    heights = [line.size * k * block.leading for line in block.lines]
    total_h = sum(heights)
    shrink = min(1.0, box.width() / max(widths + [1.0]), box.height() / max(total_h, 1.0))
    if shrink < 1.0:
        for f, line in zip(fonts, block.lines):
            f.setPixelSize(max(1, round(line.size * k * shrink)))
        widths = [w * shrink for w in widths]
        heights = [h * shrink for h in heights]
        total_h *= shrink
    y = {"top": box.top(), "bottom": box.bottom() - total_h}.get(block.valign, box.top() + (box.height() - total_h) / 2)
    for line, f, w, h in zip(block.lines, fonts, widths, heights):
        x = {"left": box.left(), "right": box.right() - w}.get(block.align, box.left() + (box.width() - w) / 2)
        p.setFont(f)
        p.setPen(QColor.fromRgbF(*line.color))
        ascent = QFontMetricsF(f).ascent()
        p.drawText(QPointF(x, y + (h - QFontMetricsF(f).height()) / 2 + ascent), line.text)
        y += h


def render_preview(req: PreviewRequest, when: datetime | None = None) -> tuple[QImage, QImage]:
    """(leader + agency seal, initial) as images; runs on any thread."""
    when = when or datetime.now(VIETNAM_TZ)
    who = SignerIdentity(req.signer, req.organisation)
    leader_style, seal_style, initial_style = styles(req)
    leader = leader_style.layout(who, when)
    agency = seal_style.layout(who, when)
    leader_box = Box(0, 0, leader.width, leader.height)
    if seal_style.seal_image is None:     # the agency's words alone: under the leader's stamp
        w, h = seal_style.size()
        agency_box = Box(leader_box.x + leader_box.w / 2 - w / 2, leader_box.y - 3 - h, w, h)
    else:
        seal = agency_seal_box(leader_box, seal_style.diameter)
        offset = seal_style.seal_offset()
        agency_box = Box(seal.x - offset, seal.y, seal.w + offset, seal.h)
    left = min(leader_box.x, agency_box.x) - MARGIN
    right = max(leader_box.x2, agency_box.x2) + MARGIN
    bottom = min(leader_box.y, agency_box.y) - MARGIN
    top = max(leader_box.y2, agency_box.y2) + MARGIN
    k = SCALE
    main = QImage(round((right - left) * k), round((top - bottom) * k), QImage.Format.Format_ARGB32_Premultiplied)
    main.fill(Qt.GlobalColor.white)
    p = QPainter(main)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
                     | QPainter.RenderHint.TextAntialiasing)
    _paint_layout(p, leader, leader_box, top, left, k)
    _paint_layout(p, agency, agency_box, top, left, k)   # the seal goes on after the signature
    p.end()

    ini = initial_style.layout(who, when)
    k2 = SCALE * 2   # the initial is small: shown at twice the scale
    small = QImage(round((ini.width + 2 * MARGIN) * k2), round((ini.height + 2 * MARGIN) * k2),
                   QImage.Format.Format_ARGB32_Premultiplied)
    small.fill(Qt.GlobalColor.white)
    p = QPainter(small)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
    _paint_layout(p, ini, Box(0, 0, ini.width, ini.height), ini.height + MARGIN, -MARGIN, k2)
    p.end()
    return main, small


class StampPreview(Retranslating, QWidget):
    """Shows :func:`render_preview` for the current choices; call :meth:`update_request`."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.request = PreviewRequest()
        self.main_image: QImage | None = None    # at true scale; shown smaller if it must
        self.rendered = 0           # finished renders (tests wait on this)
        self._pending = False
        self._busy = False
        self.main_label = QLabel()
        self.main_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.main_label.setMinimumSize(380, 170)
        self.main_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.main_label.setStyleSheet("background: white; border: 1px solid #bbb;")
        self.initial_label = QLabel()
        self.initial_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.initial_label.setStyleSheet("background: white; border: 1px solid #bbb;")
        self.initial_label.setMinimumWidth(150)
        self.main_caption = QLabel()
        self.main_caption.setWordWrap(True)
        self.initial_caption = QLabel()
        self.initial_caption.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        col1 = QVBoxLayout()
        col1.addWidget(self.main_label, 1)
        col1.addWidget(self.main_caption)
        col2 = QVBoxLayout()
        col2.addWidget(self.initial_label, 1)
        col2.addWidget(self.initial_caption)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(col1, 3)
        row.addLayout(col2, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(row)
        outer.addWidget(self.error_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)   # typing a diameter: one render after the last key
        self._timer.timeout.connect(self._render)
        self._error = None          # the last render's exception, while it is shown
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.main_caption.setText(self.tr("Chữ ký của lãnh đạo và dấu của cơ quan (đúng tỷ lệ trên trang)"))
        self.initial_caption.setText(self.tr("Chữ ký nháy (phóng to gấp đôi)"))
        if self._error is not None:
            msg = getattr(self._error, "message", None) or str(self._error)
            self.error_label.setText(self.tr("Không vẽ được mẫu chữ ký: %1").replace("%1", msg))


    def update_request(self, req: PreviewRequest) -> None:
        self.request = req
        self._timer.start()

    def _render(self) -> None:
        if self._busy:              # one render at a time; redo once it ends
            self._pending = True
            return
        self._busy = True
        req = self.request
        run_in_background(lambda: render_preview(req), self._shown, self._failed, parent=self)

    def _shown(self, images) -> None:
        main, small = images
        self.main_image = main
        self._fit()
        self.initial_label.setPixmap(QPixmap.fromImage(small))
        self._error = None
        self.error_label.setVisible(False)
        self._done()

    def _failed(self, exc) -> None:
        self._error = exc
        self.retranslate_ui()
        self.error_label.setVisible(True)
        self._done()

    def _fit(self) -> None:
        """Show the stamp at true scale, or scaled down to fit the label."""
        if self.main_image is None:
            return
        room = self.main_label.contentsRect().size()
        img = self.main_image
        if img.width() > room.width() - 4 or img.height() > room.height() - 4:
            img = img.scaled(room.width() - 4, room.height() - 4, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        self.main_label.setPixmap(QPixmap.fromImage(img))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _done(self) -> None:
        self._busy = False
        self.rendered += 1
        if self._pending:
            self._pending = False
            self._render()
