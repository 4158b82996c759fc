"""A document view rendered by PDFium (pypdfium2) with forms initialised.

Why not QtPdf: ``QPdfDocument.render`` draws no signature appearances, and a
clerk must *see* the leader's signature and the agency seal. PDFium draws
widget appearances when the form environment is initialised
(``init_forms()`` + ``render(may_draw_forms=True)``).

Rendering runs in the background worker (PDFium is not thread safe: one lock
around every call into it) and the result is cached per (page, zoom).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from .worker import run_in_background

#: PDFium keeps global state; every call into it goes through this lock.
PDFIUM_LOCK = threading.RLock()

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


class PdfDocumentHandle:
    """An open PDF for rendering; every method is meant for the background."""

    def __init__(self, path: Path, password: str | None = None):
        self.path = Path(path)
        with PDFIUM_LOCK:
            self._pdf = pdfium.PdfDocument(str(self.path), password=password)
            # Must come before any page is loaded, or widgets are not drawn.
            self._pdf.init_forms()
            self.page_sizes = [self._pdf.get_page_size(i) for i in range(len(self._pdf))]

    def render(self, index: int, scale: float) -> QImage:
        with PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                bitmap = page.render(scale=scale, may_draw_forms=True, prefer_bgrx=True,
                                     fill_color=(255, 255, 255, 255))
                w, h, stride = bitmap.width, bitmap.height, bitmap.stride
                data = bytes(bitmap.buffer)
                bitmap.close()
            finally:
                page.close()
        # BGRx in memory is QImage's (little-endian) RGB32; copy() owns the bytes.
        return QImage(data, w, h, stride, QImage.Format.Format_RGB32).copy()

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._pdf.close()


class PdfView(QWidget):
    """Page view with navigation and zoom; one page at a time, scrolled."""

    documentLoaded = Signal(int)       # page count
    loadFailed = Signal(str)
    pageRendered = Signal(int)         # page index now shown

    CACHE_SIZE = 24

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._doc: PdfDocumentHandle | None = None
        self._generation = 0
        self._page = 0
        self._zoom = 1.0
        self._fit_width = True
        self._cache: OrderedDict[tuple[int, int, float], QImage] = OrderedDict()
        self._pending: set[tuple[int, int, float]] = set()
        self.current_image: QImage | None = None

        self.prev_button = self._button("◀", self.tr("Trang trước"), self.previous_page, QKeySequence.StandardKey.MoveToPreviousPage)
        self.next_button = self._button("▶", self.tr("Trang sau"), self.next_page, QKeySequence.StandardKey.MoveToNextPage)
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.setAccessibleName(self.tr("Số trang"))
        self.page_box.valueChanged.connect(lambda v: self.go_to_page(v - 1))
        self.page_count_label = QLabel(self.tr("/ 0"))
        self.zoom_out_button = self._button("−", self.tr("Thu nhỏ"), self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_button = self._button("+", self.tr("Phóng to"), self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.fit_button = self._button("↔", self.tr("Vừa chiều rộng"), self.fit_width, None)
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

        self.page_label = QLabel(self.tr("Chưa mở văn bản nào.\nKéo thả tệp PDF vào đây hoặc chọn một văn bản trong danh sách."))
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.page_label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(self.backgroundRole())
        self.scroll.setStyleSheet("QScrollArea { background: #8a8f96; }")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self._update_controls()

    def _button(self, text, tip, slot, shortcut) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
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

        def loaded(doc: PdfDocumentHandle) -> None:
            if gen != self._generation:
                run_in_background(doc.close)
                return
            self._doc = doc
            self._page = 0
            self.page_box.blockSignals(True)
            self.page_box.setMaximum(max(1, self.page_count))
            self.page_box.setValue(1)
            self.page_box.blockSignals(False)
            self.page_count_label.setText(self.tr("/ %n trang", "", self.page_count).replace("%n", str(self.page_count)))
            self._apply_fit()
            self._update_controls()
            self.documentLoaded.emit(self.page_count)
            self._show_page()

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self.page_label.setText(self.tr("Không mở được tệp PDF: %1").replace("%1", str(exc)))
                self.loadFailed.emit(str(exc))

        run_in_background(lambda: PdfDocumentHandle(path), loaded, failed, parent=self)

    def close_document(self) -> None:
        self._generation += 1
        doc, self._doc = self._doc, None
        self._cache.clear()
        self._pending.clear()
        self.current_image = None
        if doc is not None:
            run_in_background(doc.close)
        self._update_controls()

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
                self.page_label.setText(self.tr("Không hiển thị được trang: %1").replace("%1", str(exc)))

        run_in_background(lambda: doc.render(page, scale), rendered, failed, parent=self)

    def _display(self, image: QImage, dpr: float) -> None:
        self.current_image = image
        pix = QPixmap.fromImage(image)
        pix.setDevicePixelRatio(dpr)
        self.page_label.setPixmap(pix)
        self.page_label.setMinimumSize(QSize(int(image.width() / dpr), int(image.height() / dpr)))
        self.pageRendered.emit(self._page)
