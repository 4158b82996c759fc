"""A document view rendered by PDFium (pypdfium2) with forms initialised.

Why not QtPdf: ``QPdfDocument.render`` draws no signature appearances, and a
clerk must *see* the leader's signature and the agency seal. PDFium draws
widget appearances when the form environment is initialised
(``init_forms()`` + ``render(may_draw_forms=True)``).

Rendering runs in the background worker and the result is cached per (page,
zoom).  PDFium is not thread safe: every call into it goes through
:mod:`kyso.core.pdfium` and its one lock.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.stamp import Box

from ..core import pdfium
from .i18n import Retranslating
from .worker import run_in_background

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


class PdfDocumentHandle:
    """An open PDF for rendering; every method is meant for the background.

    PDFium itself (its lock, opening, closing, the handles still open) is
    :mod:`kyso.core.pdfium`'s; this adds the page sizes and the ``QImage``."""

    def __init__(self, path: Path, password: str | None = None):
        self.path = Path(path)
        # pypdfium2 loads here, on a pool thread: not on the GUI's start-up path
        self._doc = pdfium.Document(self.path, password, forms=True)
        try:
            self.page_sizes = self._doc.page_sizes()
        except BaseException:
            self._doc.close()
            raise

    @staticmethod
    def still_open() -> list[Path]:
        """Paths of the PDFium documents not closed yet (any opened in the core too)."""
        return pdfium.still_open()

    def render(self, index: int, scale: float) -> QImage:
        # raises DocumentClosed if the view moved on to another document meanwhile
        page = self._doc.render(index, scale)
        # BGRx in memory is QImage's (little-endian) RGB32; copy() owns the bytes.
        return QImage(page.data, page.width, page.height, page.stride, QImage.Format.Format_RGB32).copy()

    def close(self) -> None:
        self._doc.close()


class StampBox(Retranslating, QWidget):
    """The stamp's place as a translucent rectangle: drag to move, drag the
    lower-right corner to resize. Lives on the page label; geometry in pixels."""

    moved = Signal()
    HANDLE = 12
    MIN = 16

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.SizeAllCursor)
        self._press: QPoint | None = None
        self._start: QRect | None = None
        self._resizing = False
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setToolTip(self.tr("Kéo để di chuyển; kéo góc dưới bên phải để đổi kích thước"))


    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(21, 101, 192, 60))
        p.setPen(QPen(QColor("#1565c0"), 2, Qt.PenStyle.DashLine))
        p.drawRect(self.rect().adjusted(1, 1, -1, -1))
        h = self.HANDLE
        p.fillRect(QRect(self.width() - h, self.height() - h, h, h), QColor("#1565c0"))
        p.end()

    def _in_handle(self, pos: QPoint) -> bool:
        return pos.x() >= self.width() - self.HANDLE and pos.y() >= self.height() - self.HANDLE

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.globalPosition().toPoint()
            self._start = self.geometry()
            self._resizing = self._in_handle(event.position().toPoint())
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            self.setCursor(Qt.CursorShape.SizeFDiagCursor if self._in_handle(event.position().toPoint())
                           else Qt.CursorShape.SizeAllCursor)
            return
        d = event.globalPosition().toPoint() - self._press
        r = QRect(self._start)
        bounds = self.parentWidget().property("pageRect") or self.parentWidget().rect()
        if self._resizing:
            r.setWidth(max(self.MIN, min(r.width() + d.x(), bounds.right() + 1 - r.left())))
            r.setHeight(max(self.MIN, min(r.height() + d.y(), bounds.bottom() + 1 - r.top())))
        else:
            r.moveTo(r.topLeft() + d)
            r.moveLeft(max(bounds.left(), min(r.left(), bounds.right() + 1 - r.width())))
            r.moveTop(max(bounds.top(), min(r.top(), bounds.bottom() + 1 - r.height())))
        self.setGeometry(r)
        self.moved.emit()

    def mouseReleaseEvent(self, event) -> None:
        if self._press is not None:
            self._press = None
            self.moved.emit()


class _DocumentHolder:
    """The view's open document (see :class:`PdfView`)."""

    def __init__(self):
        self.doc: PdfDocumentHandle | None = None

    def release(self) -> None:
        doc, self.doc = self.doc, None
        if doc is not None:
            run_in_background(doc.close)


class PdfView(Retranslating, QWidget):
    """Page view with navigation and zoom; one page at a time, scrolled."""

    documentLoaded = Signal(int)       # page count
    loadFailed = Signal(str)
    pageRendered = Signal(int)         # page index now shown
    stampConfirmed = Signal(int, object)   # page, Box (displayed points)
    stampCancelled = Signal()

    CACHE_SIZE = 24

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # The open document lives in a holder the view's ``destroyed`` can reach
        # without the view: a view deleted with a document open (its window
        # gone without closeEvent) still closes PDFium's handle.
        holder = self._holder = _DocumentHolder()
        self.destroyed.connect(lambda *_: holder.release())
        self._generation = 0
        self._page = 0
        self._zoom = 1.0
        self._fit_width = True
        self._cache: OrderedDict[tuple[int, int, float], QImage] = OrderedDict()
        self._pending: set[tuple[int, int, float]] = set()
        self.current_image: QImage | None = None
        # what the page area says instead of a page, as a function of the language
        self._message = self._no_document_text
        self._stamp_message_given = ""

        self.prev_button = self._button("◀", self.previous_page, QKeySequence.StandardKey.MoveToPreviousPage)
        self.next_button = self._button("▶", self.next_page, QKeySequence.StandardKey.MoveToNextPage)
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(lambda v: self.go_to_page(v - 1))
        self.page_count_label = QLabel()
        self.zoom_out_button = self._button("−", self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_button = self._button("+", self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.fit_button = self._button("↔", self.fit_width, None)
        self.fit_button.setCheckable(True)
        self.fit_button.setChecked(True)
        self.zoom_label = QLabel("100%")

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (self.prev_button, self.page_box, self.page_count_label, self.next_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            bar.addWidget(w)

        self.page_label = QLabel()
        self.page_label.setWordWrap(True)      # narrow windows: the hint wraps, not cut
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.page_label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(self.backgroundRole())
        self.scroll.setStyleSheet("QScrollArea { background: #8a8f96; }")

        # stamp preview: a bar over the page, a rectangle on it
        self.stamp_box = StampBox(self.page_label)
        self.stamp_box.hide()
        self.stamp_box.moved.connect(self._stamp_moved)
        self.page_label.installEventFilter(self)
        self._stamp_page: int | None = None
        self._stamp_pt: Box | None = None
        self._stamp_page_size: tuple[float, float] | None = None
        self._stamp_auto: Box | None = None
        self.stamp_bar = QFrame()
        self.stamp_bar.setObjectName("stampBar")
        self.stamp_bar.setStyleSheet("#stampBar { background: #e3f2fd; border-bottom: 1px solid #90caf9; }")
        sb = QHBoxLayout(self.stamp_bar)
        sb.setContentsMargins(8, 4, 8, 4)
        self.stamp_message = QLabel()
        self.stamp_message.setWordWrap(True)
        self.stamp_confirm_button = QPushButton()
        self.stamp_confirm_button.setDefault(True)
        self.stamp_auto_button = QPushButton()
        self.stamp_cancel_button = QPushButton()
        sb.addWidget(self.stamp_message, 1)
        for b in (self.stamp_auto_button, self.stamp_cancel_button, self.stamp_confirm_button):
            sb.addWidget(b)
        self.stamp_confirm_button.clicked.connect(self._confirm_stamp)
        self.stamp_cancel_button.clicked.connect(self._cancel_stamp)
        self.stamp_auto_button.clicked.connect(self._auto_stamp)
        self.stamp_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stamp_bar)
        layout.addWidget(self.scroll, 1)
        self._update_controls()
        self.retranslate_ui()

    @property
    def _doc(self) -> PdfDocumentHandle | None:
        return self._holder.doc

    @_doc.setter
    def _doc(self, doc: PdfDocumentHandle | None) -> None:
        self._holder.doc = doc

    def retranslate_ui(self) -> None:
        for button, tip in ((self.prev_button, self.tr("Trang trước")), (self.next_button, self.tr("Trang sau")),
                            (self.zoom_out_button, self.tr("Thu nhỏ")), (self.zoom_in_button, self.tr("Phóng to")),
                            (self.fit_button, self.tr("Vừa chiều rộng"))):
            button.setToolTip(tip)
            button.setAccessibleName(tip)
        self.page_box.setAccessibleName(self.tr("Số trang"))
        self._show_page_count()
        self.stamp_confirm_button.setText(self.tr("Ký tại vị trí này"))
        self.stamp_auto_button.setText(self.tr("Vị trí tự động"))
        self.stamp_cancel_button.setText(self.tr("Hủy"))
        self._show_stamp_message()
        if self._message is not None:
            self.page_label.setText(self._message())


    def _no_document_text(self) -> str:
        return self.tr("Chưa mở văn bản nào.\nKéo thả tệp PDF vào đây hoặc chọn một văn bản trong danh sách.")

    def show_message(self, text) -> None:
        """Say ``text()`` where the page goes (made again when the language changes)."""
        self._message = text
        self.page_label.setText(text())

    def _show_page_count(self) -> None:
        if self._doc is None:
            self.page_count_label.setText(self.tr("/ 0"))
        else:
            self.page_count_label.setText(self.tr("/ %n trang", "", self.page_count).replace("%n", str(self.page_count)))

    def _button(self, text, slot, shortcut) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.clicked.connect(slot)
        if shortcut is not None:
            b.setShortcut(QKeySequence(shortcut))
        return b

    # -- document --
    @property
    def page_count(self) -> int:
        return len(self._doc.page_sizes) if self._doc else 0

    @property
    def page(self) -> int:
        return self._page

    @property
    def zoom(self) -> float:
        return self._zoom

    def open(self, path: Path | str) -> None:
        """Open ``path`` in the background; ``documentLoaded`` follows."""
        self.close_document()
        gen = self._generation
        path = Path(path)

        # No ``parent=self``: a view deleted while the file opens would have the
        # result dropped unclosed (PDFium's handle left for the exit to close).
        def loaded(doc: PdfDocumentHandle) -> None:
            if not shiboken6.isValid(self) or gen != self._generation:
                run_in_background(doc.close)
                return
            self._doc = doc
            self._page = 0
            self.page_box.blockSignals(True)
            self.page_box.setMaximum(max(1, self.page_count))
            self.page_box.setValue(1)
            self.page_box.blockSignals(False)
            self._show_page_count()
            self._apply_fit()
            self._update_controls()
            self.documentLoaded.emit(self.page_count)
            self._show_page()

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self) and gen == self._generation:
                self.show_message(lambda: self.tr("Không mở được tệp PDF: %1").replace("%1", str(exc)))
                self.loadFailed.emit(str(exc))

        run_in_background(lambda: PdfDocumentHandle(path), loaded, failed)

    def close_document(self) -> None:
        self.clear_stamp_preview()
        self._generation += 1
        doc, self._doc = self._doc, None
        self._cache.clear()
        self._pending.clear()
        self.current_image = None
        if doc is not None:
            run_in_background(doc.close)
        self._update_controls()
        self._show_page_count()

    # -- navigation and zoom --
    def go_to_page(self, index: int) -> None:
        if not self._doc:
            return
        index = max(0, min(index, self.page_count - 1))
        if index == self._page and self.current_image is not None:
            return
        self._page = index
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self._apply_fit()
        self._update_controls()
        self._show_page()

    def next_page(self) -> None:
        self.go_to_page(self._page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self._page - 1)

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self.fit_button.setChecked(False)
        self._zoom = max(ZOOM_STEPS[0], min(zoom, ZOOM_STEPS[-1]))
        self._update_controls()
        self._show_page()

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom + 1e-3), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom - 1e-3), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self._fit_width = True
        self.fit_button.setChecked(True)
        self._apply_fit()
        self._update_controls()
        self._show_page()

    def _apply_fit(self) -> None:
        if not (self._fit_width and self._doc):
            return
        width_pt = self._doc.page_sizes[self._page][0]
        avail = max(100, self.scroll.viewport().width() - 24)
        self._zoom = round(avail / width_pt, 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_width and self._doc:
            old = self._zoom
            self._apply_fit()
            if abs(old - self._zoom) > 0.01:
                self._update_controls()
                self._show_page()

    def _update_controls(self) -> None:
        has = self._doc is not None
        self.prev_button.setEnabled(has and self._page > 0)
        self.next_button.setEnabled(has and self._page < self.page_count - 1)
        self.page_box.setEnabled(has)
        for b in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            b.setEnabled(has)
        self.zoom_label.setText(f"{round(self._zoom * 100)}%")

    # -- rendering --
    def _device_scale(self) -> float:
        return self.devicePixelRatioF() or 1.0

    def _show_page(self) -> None:
        if not self._doc:
            return
        dpr = self._device_scale()
        key = (self._generation, self._page, round(self._zoom * dpr, 3))
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
            self._display(image, dpr)
            return
        if key in self._pending:
            return
        self._pending.add(key)
        doc, gen, page, scale = self._doc, self._generation, self._page, key[2]

        def rendered(img: QImage) -> None:
            self._pending.discard(key)
            if gen != self._generation:
                return
            self._cache[key] = img
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
            if page == self._page and abs(scale - round(self._zoom * self._device_scale(), 3)) < 1e-6:
                self._display(img, dpr)

        def failed(exc: BaseException) -> None:
            self._pending.discard(key)
            if gen == self._generation:
                self.show_message(lambda: self.tr("Không hiển thị được trang: %1").replace("%1", str(exc)))

        run_in_background(lambda: doc.render(page, scale), rendered, failed, parent=self)

    def _display(self, image: QImage, dpr: float) -> None:
        self.current_image = image
        self._message = None
        pix = QPixmap.fromImage(image)
        self._frame_regions(pix, dpr)
        pix.setDevicePixelRatio(dpr)
        self.page_label.setPixmap(pix)
        self.page_label.setMinimumSize(QSize(int(image.width() / dpr), int(image.height() / dpr)))
        self._place_stamp_box()
        self.pageRendered.emit(self._page)

    # -- areas changed after signing (the signatures panel sets them) --
    def set_change_regions(self, regions) -> None:
        """Frame ``regions`` in red on their pages: (page 1-based, (x0, y0, x1, y1)
        in displayed points, origin lower left); an empty list clears them."""
        self._regions = [(int(p), tuple(float(v) for v in r)) for p, r in regions]
        if self.current_image is not None and self._message is None:
            self._display(self.current_image, self._device_scale())

    def change_regions(self) -> list:
        return list(getattr(self, "_regions", []))

    def _frame_regions(self, pix: QPixmap, dpr: float) -> None:
        mine = [r for p, r in getattr(self, "_regions", []) if p == self._page + 1]
        if not mine:
            return

        s = round(self._zoom * dpr, 3)
        h = pix.height() / s
        painter = QPainter(pix)
        painter.setPen(QPen(QColor("#d50000"), max(2.0, 2 * dpr)))
        for x0, y0, x1, y1 in mine:
            painter.drawRect(round(x0 * s) - 3, round((h - y1) * s) - 3,
                             round((x1 - x0) * s) + 6, round((y1 - y0) * s) + 6)
        painter.end()

    # -- stamp preview --
    @property
    def stamp_preview_active(self) -> bool:
        return self._stamp_pt is not None

    def show_stamp_preview(self, page: int, box: Box, page_size: tuple[float, float],
                           message="", auto: Box | None = None) -> None:
        """Show where the stamp goes (displayed points, origin lower left) and let
        the person move it; ``stampConfirmed`` or ``stampCancelled`` follows.
        ``message``: a text, or a function making it in the current language."""
        self._stamp_page, self._stamp_pt, self._stamp_page_size = page, box, page_size
        self._stamp_auto = auto
        self.stamp_auto_button.setVisible(auto is not None)
        self._stamp_message_given = message
        self._show_stamp_message()
        self.stamp_bar.show()
        if self._doc is not None and self._page != page:
            self.go_to_page(page)
        self._place_stamp_box()

    def _show_stamp_message(self) -> None:
        message = self._stamp_message_given
        message = message() if callable(message) else message
        self.stamp_message.setText(message or self.tr(
            "Khung xanh là chỗ đặt chữ ký. Kéo để di chuyển, kéo góc để đổi kích thước."))
        self.stamp_message.setStyleSheet("color: #c62828; font-weight: bold;" if message else "")

    def clear_stamp_preview(self) -> None:
        self._stamp_pt = self._stamp_page = self._stamp_page_size = self._stamp_auto = None
        self.stamp_box.hide()
        self.stamp_bar.hide()

    def stamp_placement(self) -> tuple[int, Box] | None:
        """(page, box in displayed points) as the rectangle now stands."""
        if self._stamp_pt is None:
            return None
        return self._stamp_page, self._stamp_pt

    def _pixmap_rect(self) -> tuple[QRect, float] | None:
        """The page's rectangle on the label (pixels) and pixels per point."""
        pix = self.page_label.pixmap()
        if pix is None or pix.isNull() or not self._stamp_page_size:
            return None
        dpr = pix.devicePixelRatio() or 1.0
        w, h = pix.width() / dpr, pix.height() / dpr
        lw, lh = self.page_label.width(), self.page_label.height()
        rect = QRect(int((lw - w) / 2), int((lh - h) / 2), int(w), int(h))
        return rect, w / self._stamp_page_size[0]

    def _place_stamp_box(self) -> None:
        if self._stamp_pt is None or self._page != self._stamp_page or self.current_image is None:
            self.stamp_box.hide()
            return
        geo = self._pixmap_rect()
        if geo is None:
            return
        rect, scale = geo
        self.page_label.setProperty("pageRect", rect)
        b, ph = self._stamp_pt, self._stamp_page_size[1]
        self.stamp_box.setGeometry(QRect(rect.left() + round(b.x * scale),
                                         rect.top() + round((ph - b.y - b.h) * scale),
                                         max(StampBox.MIN, round(b.w * scale)),
                                         max(StampBox.MIN, round(b.h * scale))))
        self.stamp_box.show()
        self.stamp_box.raise_()
        QTimer.singleShot(0, self.reveal_stamp_box)

    def reveal_stamp_box(self) -> None:
        """Scroll so that the whole frame is in sight, with some page around it: a
        laptop's 768 pixels show only part of an A4 page at fit-to-width."""
        if self.stamp_box.isVisible():
            self.scroll.ensureWidgetVisible(self.stamp_box, 40, 60)

    def stamp_box_in_sight(self) -> bool:
        """The whole frame lies inside the visible part of the page (tests)."""
        if not self.stamp_box.isVisible():
            return False
        viewport = self.scroll.viewport()
        top_left = self.stamp_box.mapTo(viewport, self.stamp_box.rect().topLeft())
        bottom_right = self.stamp_box.mapTo(viewport, self.stamp_box.rect().bottomRight())
        return viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)

    def _stamp_moved(self) -> None:
        QTimer.singleShot(0, self.reveal_stamp_box)     # dragged near the edge: follow it
        geo = self._pixmap_rect()
        if geo is None or self._stamp_pt is None:
            return
        rect, scale = geo
        g = self.stamp_box.geometry()
        ph = self._stamp_page_size[1]
        w, h = g.width() / scale, g.height() / scale
        x = (g.left() - rect.left()) / scale
        y = ph - (g.top() - rect.top()) / scale - h
        from ..core.stamp import Box   # loaded already: the preview came from the core

        self._stamp_pt = Box(round(x, 2), round(y, 2), round(w, 2), round(h, 2))

    def _confirm_stamp(self) -> None:
        chosen = self.stamp_placement()
        if chosen is None:
            return
        self.clear_stamp_preview()
        self.stampConfirmed.emit(chosen[0], chosen[1])

    def _cancel_stamp(self) -> None:
        self.clear_stamp_preview()
        self.stampCancelled.emit()

    def _auto_stamp(self) -> None:
        if self._stamp_auto is not None:
            self._stamp_pt = self._stamp_auto
            self._place_stamp_box()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.page_label and event.type() == QEvent.Type.Resize and self._stamp_pt is not None:
            self._place_stamp_box()
        return super().eventFilter(obj, event)
