"""The sync layer's message catalogue: same shape as :mod:`kyso.core.messages`.

Codes map to (Vietnamese, English). The language is the core's
(``kyso.core.messages.language()``), so the CLI's ``--lang`` and the GUI's
setting apply here too. The server's own refusals arrive already in
Vietnamese (its ``message`` field); they are shown as they are, inside
``sync.rule_refused``, because the server is the authority on its rules.
"""

from __future__ import annotations

from kyso.core import messages as core_messages

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- network and server ------------------------------------------------
    "sync.network_down": (
        "Không kết nối được máy chủ {server}. Văn bản đã ký vẫn được lưu và sẽ tự gửi khi có mạng.",
        "Cannot reach the server {server}. Signed documents are kept and will be sent "
        "automatically when the network is back.",
    ),
    "sync.timeout": (
        "Máy chủ {server} không trả lời kịp. Văn bản đã ký vẫn được lưu và sẽ tự gửi khi có mạng.",
        "The server {server} did not answer in time. Signed documents are kept and will be "
        "sent automatically when the network is back.",
    ),
    "sync.server_error": (
        "Máy chủ {server} đang gặp sự cố (mã {status}). Văn bản đã ký vẫn được lưu và sẽ "
        "tự gửi lại sau.",
        "The server {server} has a problem (status {status}). Signed documents are kept and "
        "will be sent again later.",
    ),
    "sync.bad_response": (
        "Máy chủ {server} trả lời không đúng định dạng ({detail}).",
        "The server {server} sent an unexpected answer ({detail}).",
    ),
    "sync.content_mismatch": (
        "Tệp tải về từ máy chủ bị sai lệch (mã băm không khớp). Hãy đồng bộ lại.",
        "The file downloaded from the server is corrupt (hash mismatch). Sync again.",
    ),
    # -- auth ----------------------------------------------------------------
    "sync.auth_required": (
        "Phiên đăng nhập đã hết hạn hoặc chưa đăng nhập. Hãy đăng nhập lại: kyso login --server {server} --user <tên>.",
        "Not logged in or the session expired. Log in again: kyso login --server {server} --user <name>.",
    ),
    "sync.login_failed": (
        "Đăng nhập không thành công: {detail}",
        "Login failed: {detail}",
    ),
    "sync.number_needs_server": (
        "Không lấy được số văn bản từ máy chủ ({detail}). Cấp số cần kết nối máy chủ; "
        "hoặc nhập số bằng --number nếu sổ đăng ký đã cho số.",
        "Could not get the document number from the server ({detail}). Issuing needs the "
        "server; or give the number with --number if the register already assigned one.",
    ),
    "sync.not_configured": (
        "Chưa cấu hình máy chủ. Hãy chạy: kyso login --server <địa chỉ> --user <tên>.",
        "No server configured. Run: kyso login --server <url> --user <name>.",
    ),
    "sync.password_required": (
        "Cần mật khẩu: đặt biến môi trường KYSO_PASSWORD hoặc chạy lệnh trong cửa sổ dòng lệnh.",
        "A password is needed: set KYSO_PASSWORD or run the command in a terminal.",
    ),
    "sync.no_keyring": (
        "Máy này không có kho khóa an toàn của hệ điều hành; phiên đăng nhập chỉ được giữ "
        "trong bộ nhớ đến khi đóng chương trình (không ghi ra tệp).",
        "This machine has no secure OS keyring; the login is kept in memory only until the "
        "program closes (never written to a file).",
    ),
    # -- rules and conflicts -----------------------------------------------
    "sync.rule_refused": (
        "Máy chủ từ chối: {message}",
        "The server refused: {message}",
    ),
    "sync.conflict": (
        "Văn bản {doc} đã có phiên bản mới hơn trên máy chủ. Đã giữ cả bản bạn ký ({local}) và "
        "bản hiện tại trên máy chủ ({server_copy}); hãy ký lại trên bản mới.",
        "Document {doc} has a newer version on the server. Both your signed copy ({local}) and "
        "the server's current version ({server_copy}) were kept; sign the new one again.",
    ),
    # -- local store ---------------------------------------------------------
    "sync.store_locked": (
        "Kho văn bản {path} đang được một chương trình Kyso khác sử dụng.",
        "The document store {path} is in use by another Kyso program.",
    ),
    "sync.store_too_new": (
        "Kho văn bản {path} do phiên bản Kyso mới hơn tạo ra (lược đồ {found} > {known}).",
        "The document store {path} was made by a newer Kyso (schema {found} > {known}).",
    ),
    "sync.doc_not_cached": (
        "Văn bản {doc} chưa được tải về máy. Hãy đồng bộ (kyso sync) khi có mạng.",
        "Document {doc} is not on this computer yet. Sync (kyso sync) when online.",
    ),
    "sync.cache_corrupt": (
        "Tệp lưu trên máy của văn bản {doc} bị hỏng; hãy đồng bộ lại để tải bản mới.",
        "The local copy of document {doc} is damaged; sync again to download it.",
    ),
    "sync.already_queued": (
        "Văn bản {doc} đã được ký và đang chờ gửi lên máy chủ.",
        "Document {doc} is already signed and waiting to be sent.",
    ),
    # -- results shown by the CLI ----------------------------------------------
    "sync.logged_in": ("Đã đăng nhập {server} với tài khoản {user}.", "Logged in to {server} as {user}."),
    "sync.summary": (
        "Đồng bộ xong: gửi {sent}, xung đột {conflicts}, bị từ chối {rejected}, còn chờ {pending}; "
        "văn bản mới/cập nhật {updated}, đang chờ bạn xử lý {waiting}.",
        "Sync done: sent {sent}, conflicts {conflicts}, refused {rejected}, still waiting {pending}; "
        "new/updated documents {updated}, waiting for you {waiting}.",
    ),
    "sync.queued": (
        "Đã ký văn bản {doc}; bản ký được lưu trên máy và chờ gửi lên máy chủ.",
        "Signed document {doc}; the signed copy is stored and waiting to be sent.",
    ),
    "sync.sent": ("Đã gửi văn bản {doc} lên máy chủ (phiên bản {version}).",
                  "Sent document {doc} to the server (version {version})."),
    "sync.inbox_empty": ("Không có văn bản nào chờ bạn xử lý.", "Nothing is waiting for you."),
    "sync.report_saved": ("Đã lưu báo cáo vào {path}.", "Report saved to {path}."),
    "sync.number_assigned": ("Số văn bản: {formatted} (sổ {register}, năm {year}).",
                             "Document number: {formatted} (register {register}, year {year})."),
    # -- actions waiting for me, by state ---------------------------------------
    "action.initial": ("Ký nháy (kiểm tra thể thức)", "Initial (format check)"),
    "action.sign": ("Ký ban hành", "Sign"),
    "action.issue": ("Cấp số và ký số cơ quan", "Number and agency signature"),
    "action.submit": ("Trình ký", "Submit"),
    "action.edit": ("Sửa dự thảo", "Revise the draft"),
    "action.none": ("—", "—"),
}


def tr(code: str, /, lang: str | None = None, **params) -> str:
    """The sentence for ``code`` in ``lang`` (default: the core's current language)."""
    vi, en = CATALOGUE[code]
    text = en if (lang or core_messages.language()) == core_messages.EN else vi
    return text.format(**params) if params else text
