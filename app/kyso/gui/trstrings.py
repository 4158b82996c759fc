"""UI strings that reach ``tr()`` through a variable, registered for lupdate.

``pyside6-lupdate`` only sees string literals written inside ``tr(...)``. Labels
kept in tables (``ROLE_ACTIONS``, ``QUICK_FILTERS``, the PIN dialog's warnings…)
are translated at run time with ``self.tr(label)``, so their source text must
be listed somewhere lupdate can read it, under the context (the class name)
that will look it up. That is this module: nothing imports it at run time.

Every table here is looked up at display time, under the context named
(``self.tr(label)`` in that class, or e.g.
``QCoreApplication.translate("DocumentTableModel", HEADERS[section])``), so a
change of language shows at once.

Keep each text identical to the table it mirrors; ``tests/gui/test_i18n.py``
checks that every one of those tables is covered here.
"""

from PySide6.QtCore import QT_TRANSLATE_NOOP

# mainwindow.ROLE_ACTIONS (toolbar, self.tr(label) in MainWindow)
MAIN_WINDOW_ROLE_ACTIONS = (
    QT_TRANSLATE_NOOP("MainWindow", "Ký nháy"),
    QT_TRANSLATE_NOOP("MainWindow", "Ký số"),
    QT_TRANSLATE_NOOP("MainWindow", "Cấp số && đóng dấu"),
    QT_TRANSLATE_NOOP("MainWindow", "Ký phụ lục"),
    QT_TRANSLATE_NOOP("MainWindow", "Sao y"),
)

# documents.QUICK_FILTERS (quick filter buttons, self.tr(label) in MainWindow)
MAIN_WINDOW_QUICK_FILTERS = (
    QT_TRANSLATE_NOOP("MainWindow", "Tất cả"),
    QT_TRANSLATE_NOOP("MainWindow", "Chờ ký nháy"),
    QT_TRANSLATE_NOOP("MainWindow", "Chờ ký số"),
    QT_TRANSLATE_NOOP("MainWindow", "Chờ ban hành"),
    QT_TRANSLATE_NOOP("MainWindow", "Văn bản đến"),
    QT_TRANSLATE_NOOP("MainWindow", "Đã gửi"),
    QT_TRANSLATE_NOOP("MainWindow", "Xung đột"),
)

# pindialog constants (self.tr(CONSTANT) in PinDialog)
PIN_DIALOG_TEXTS = (
    QT_TRANSLATE_NOOP("PinDialog", "Chỉ còn MỘT lần thử: nếu nhập sai lần này, token sẽ bị khóa và phải "
                                   "mang đến nhà cung cấp chứng thư số (CA) để mở khóa."),
    QT_TRANSLATE_NOOP("PinDialog", "Nhập mã PIN trên bàn phím của đầu đọc"),
    QT_TRANSLATE_NOOP("PinDialog", "Phát hiện ký tự có dấu: bộ gõ tiếng Việt (Unikey, EVKey…) có thể đang bật. "
                                   "Hãy tắt bộ gõ rồi nhập lại mã PIN."),
)

# documents.HEADERS
DOCUMENT_HEADERS = (
    QT_TRANSLATE_NOOP("DocumentTableModel", "Số, ký hiệu"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Trích yếu"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Loại"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Độ khẩn"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Nơi gửi"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Ngày nhận"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Trạng thái"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Việc chờ tôi"),
)

# documents.ACTION_LABELS and the statuses FolderSource writes (translate_status)
DOCUMENT_ACTIONS = (
    QT_TRANSLATE_NOOP("DocumentTableModel", "Chờ ký nháy"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Chờ ký số"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Chờ cấp số & đóng dấu"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Chờ ký phụ lục"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Chờ sao y"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Đã ban hành"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Đã ký"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Đã trả lại"),
    QT_TRANSLATE_NOOP("DocumentTableModel", "Thường"),
)

# batch.ROLE_VERBS (the batch dialog's title)
BATCH_ROLE_VERBS = (
    QT_TRANSLATE_NOOP("BatchDialog", "Ký nháy"),
    QT_TRANSLATE_NOOP("BatchDialog", "Ký số"),
    QT_TRANSLATE_NOOP("BatchDialog", "Cấp số & đóng dấu"),
    QT_TRANSLATE_NOOP("BatchDialog", "Ký phụ lục"),
    QT_TRANSLATE_NOOP("BatchDialog", "Sao y"),
)

# signatures.modification_text and signatures.INFO_LABELS
SIGNATURE_PANEL_TEXTS = (
    QT_TRANSLATE_NOOP("SignaturePanel", "Không có thay đổi sau khi ký"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Chỉ ký thêm hoặc điền số, ngày (thay đổi được phép)"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Có thay đổi đáng ngờ sau khi ký"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Trích yếu (Title)"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Chủ đề (Subject)"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Cơ quan ban hành (Author)"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Loại văn bản"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Ký hiệu"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Độ mật"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Người ký"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Chức vụ người ký"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Phần mềm tạo tệp"),
    QT_TRANSLATE_NOOP("SignaturePanel", "Công cụ soạn thảo"),
)
