"""The core's one message catalogue: every sentence a person may read.

The core raises errors and reports results with a message *code* and
parameters; this module turns them into Vietnamese (the default) or English.
The GUI shows these same sentences, so a clerk reads the same words in the
window and in the terminal. Codes are stable identifiers, never shown alone.

The language comes from ``set_language()`` (the GUI and CLI call it from the
user's settings) or else the ``KYSO_LANG`` environment variable.
"""

from __future__ import annotations

import os

VI = "vi"
EN = "en"

_language: str | None = None

# code -> (Vietnamese, English). Parameters use str.format names.
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- documents -------------------------------------------------------
    "doc.not_found": (
        "Không tìm thấy tệp “{path}”.",
        "File “{path}” was not found.",
    ),
    "doc.not_pdf": (
        "Tệp “{path}” không phải là tài liệu PDF.",
        "“{path}” is not a PDF document.",
    ),
    "doc.corrupt": (
        "Tệp PDF “{path}” bị hỏng, không đọc được. Hãy xin lại bản gốc từ người gửi.",
        "The PDF “{path}” is damaged and cannot be read. Ask the sender for the original.",
    ),
    "doc.encrypted": (
        "Tệp PDF “{path}” được đặt mật khẩu. Cần mật khẩu mở tệp để ký.",
        "The PDF “{path}” is password-protected. Its password is needed to sign it.",
    ),
    "doc.not_regular": (
        "“{path}” không phải là một tệp thông thường ({detail}); Kyso chỉ mở tệp PDF "
        "lưu trên đĩa.",
        "“{path}” is not a regular file ({detail}); Kyso opens only PDF files stored on disk.",
    ),
    "doc.bomb": (
        "Tệp PDF “{path}” ({size} KB) khi giải nén sẽ vượt quá {limit} MB: đây có thể là tệp "
        "độc hại (bom giải nén). Kyso từ chối mở; hãy xin lại bản gốc từ người gửi.",
        "The PDF “{path}” ({size} KB) would inflate beyond {limit} MB: it may be a "
        "malicious file (decompression bomb). Kyso refuses to open it; ask the sender "
        "for the original.",
    ),
    "doc.wrong_password": (
        "Mật khẩu mở tệp PDF “{path}” không đúng.",
        "The password for the PDF “{path}” is wrong.",
    ),
    "doc.secret": (
        "Văn bản “{path}” là văn bản mật ({level}). Văn bản mật không được ký số "
        "và gửi qua hệ thống điện tử.",
        "“{path}” is a secret document ({level}). Secret documents must not be "
        "signed electronically or sent through the system.",
    ),
    "doc.signatures_invalid": (
        "Văn bản “{path}” có chữ ký số không hợp lệ ({detail}). Không ký tiếp lên "
        "văn bản này; hãy báo người gửi.",
        "“{path}” carries a signature that is not valid ({detail}). Do not sign on "
        "top of it; tell the sender.",
    ),
    "doc.same_output": (
        "Tệp kết quả không được trùng với tệp gốc “{path}”: tệp gốc luôn được giữ nguyên.",
        "The output must not be the original file “{path}”: originals are never modified.",
    ),
    "doc.write_failed": (
        "Không ghi được tệp “{path}”: {detail}",
        "Could not write “{path}”: {detail}",
    ),
    "doc.bad_page": (
        "Văn bản chỉ có {pages} trang, không có trang {page}.",
        "The document has {pages} pages; there is no page {page}.",
    ),
    "doc.bad_box": (
        "Vị trí chữ ký {box} nằm ngoài trang {page}.",
        "The signature box {box} lies outside page {page}.",
    ),
    "doc.sign_failed": (
        "Không ký được văn bản “{path}”: {detail}",
        "Could not sign “{path}”: {detail}",
    ),
    "doc.image_unreadable": (
        "Không đọc được ảnh “{path}”. Cần ảnh PNG.",
        "Cannot read the image “{path}”. A PNG image is needed.",
    ),
    "doc.field_exists": (
        "Văn bản đã có trường chữ ký “{field}” đã ký.",
        "The document already has a signed field “{field}”.",
    ),
    "issue.no_fields": (
        "Văn bản “{path}” không có ô số và ngày do Kyso tạo trước khi ký, nên không thể "
        "điền số, ngày mà giữ nguyên chữ ký đã có. Hãy để văn thư cấp số trên hệ thống "
        "quản lý văn bản, hoặc xin bản dự thảo ký lại bằng Kyso.",
        "“{path}” has no number and date fields made by Kyso before it was signed, so the "
        "number and date cannot be filled without breaking its signatures. Assign the number "
        "in the document system, or have the draft signed again with Kyso.",
    ),
    "issue.no_leader_signature": (
        "Văn bản “{path}” chưa có chữ ký số hợp lệ của người có thẩm quyền. Văn thư chỉ "
        "được ký số của cơ quan sau khi lãnh đạo đã ký (Nghị định 30/2020, Điều 32).",
        "“{path}” has no valid signature of the competent person. The clerk may apply the "
        "agency signature only after the leader has signed (Decree 30/2020, art. 32).",
    ),
    "issue.bad_date": (
        "Ngày “{value}” không đúng dạng NĂM-THÁNG-NGÀY (ví dụ 2026-11-20).",
        "Date “{value}” is not of the form YEAR-MONTH-DAY (e.g. 2026-11-20).",
    ),
    # -- tokens and PINs -------------------------------------------------
    "token.module_not_found": (
        "Không tìm thấy thư viện PKCS#11 của thiết bị ký số (token). Hãy cài phần mềm "
        "token của nhà cung cấp (VNPT-CA, Viettel-CA, Ban Cơ yếu...) hoặc chọn thư viện "
        "trong phần Cài đặt.",
        "No PKCS#11 module for a signing token was found. Install your CA's token "
        "software (VNPT-CA, Viettel-CA, Government CA...) or choose the module in Settings.",
    ),
    "token.module_load_failed": (
        "Không nạp được thư viện token “{path}”: {detail}",
        "The token module “{path}” could not be loaded: {detail}",
    ),
    "token.none_present": (
        "Chưa cắm thiết bị ký số (token). Hãy cắm token vào máy rồi thử lại.",
        "No signing token is plugged in. Plug in your token and try again.",
    ),
    "token.not_found": (
        "Không thấy token “{label}”. Hãy kiểm tra token đã được cắm.",
        "Token “{label}” was not found. Check that it is plugged in.",
    ),
    "token.ambiguous": (
        "Có nhiều token đang cắm ({labels}). Hãy chọn một token.",
        "Several tokens are plugged in ({labels}). Choose one.",
    ),
    "token.removed": (
        "Token đã bị rút ra trong khi đang ký. Các văn bản đã ký xong vẫn được giữ; "
        "hãy cắm lại token để ký tiếp.",
        "The token was removed while signing. Documents already signed are kept; "
        "plug the token back in to continue.",
    ),
    "token.pin_incorrect": (
        "Mã PIN không đúng.",
        "Wrong PIN.",
    ),
    "token.pin_incorrect_tries": (
        "Mã PIN không đúng. Còn {tries} lần thử trước khi token bị khóa.",
        "Wrong PIN. {tries} tries left before the token locks.",
    ),
    "token.pin_final_try": (
        "Mã PIN không đúng. Chỉ còn MỘT lần thử: nhập sai lần nữa token sẽ bị khóa.",
        "Wrong PIN. ONE try left: one more wrong PIN locks the token.",
    ),
    "token.pin_final_try_warning": (
        "Cảnh báo: chỉ còn một lần thử. Nhập sai lần này token sẽ bị khóa.",
        "Warning: one try left. A wrong PIN now locks the token.",
    ),
    "token.pin_locked": (
        "Token đã bị khóa do nhập sai mã PIN quá số lần cho phép. Hãy liên hệ nhà cung "
        "cấp chứng thư số (CA) để mở khóa.",
        "The token is locked after too many wrong PINs. Ask your certificate "
        "authority (CA) to unlock it.",
    ),
    "token.pin_final_try_refused": (
        "Token chỉ còn MỘT lần thử mã PIN. Kyso không thử mã PIN lấy từ biến môi trường "
        "hoặc từ tập lệnh khi không có người xác nhận: thêm --final-try nếu chắc chắn, "
        "hoặc chạy lệnh tại màn hình và tự nhập mã PIN.",
        "The token has ONE PIN try left. Kyso does not try a PIN from the environment or "
        "a script without a person to confirm: add --final-try if you are sure, or run "
        "the command at a terminal and type the PIN.",
    ),
    "token.pin_length": (
        "Mã PIN phải dài từ {min} đến {max} ký tự; mã đã nhập không được gửi tới token "
        "(không mất lần thử nào).",
        "The PIN must be {min} to {max} characters long; the PIN given was not sent to "
        "the token (no try was spent).",
    ),
    "token.pin_invalid_format": (
        "Mã PIN không hợp lệ (độ dài hoặc ký tự không được token chấp nhận).",
        "The PIN is not valid for this token (length or characters).",
    ),
    "token.pin_required": (
        "Cần nhập mã PIN của token.",
        "The token's PIN is needed.",
    ),
    "token.digest_unsupported": (
        "Kyso không ký giá trị băm theo thuật toán “{algorithm}” (chỉ SHA-256, SHA-384, SHA-512).",
        "Kyso does not sign hashes made with “{algorithm}” (only SHA-256, SHA-384, SHA-512).",
    ),
    "token.digest_length": (
        "Giá trị băm {algorithm} phải dài đúng độ dài của thuật toán; giá trị nhận được dài {length} byte.",
        "A {algorithm} hash must have that algorithm's length; the value received has {length} bytes.",
    ),
    "token.pin_cancelled": (
        "Đã hủy nhập mã PIN.",
        "PIN entry was cancelled.",
    ),
    "token.no_certificate": (
        "Token “{label}” không có chứng thư số dùng để ký.",
        "Token “{label}” holds no certificate usable for signing.",
    ),
    "token.cert_not_found": (
        "Không tìm thấy chứng thư số “{cert}” trên token “{label}”.",
        "Certificate “{cert}” was not found on token “{label}”.",
    ),
    "token.cert_ambiguous": (
        "Token “{label}” có nhiều chứng thư số dùng để ký; hãy chọn một ({choices}).",
        "Token “{label}” holds several signing certificates; choose one ({choices}).",
    ),
    "token.cert_expired": (
        "Chứng thư số của {subject} đã hết hạn ngày {date}. Hãy gia hạn với nhà cung cấp.",
        "{subject}'s certificate expired on {date}. Renew it with your CA.",
    ),
    "token.cert_not_yet_valid": (
        "Chứng thư số của {subject} chưa có hiệu lực (từ ngày {date}).",
        "{subject}'s certificate is not valid before {date}.",
    ),
    "token.cert_not_for_signing": (
        "Chứng thư số của {subject} không dùng để ký số (chỉ dùng để mã hóa).",
        "{subject}'s certificate is not for signing (encryption only).",
    ),
    "token.key_missing": (
        "Không tìm thấy khóa bí mật đi kèm chứng thư số “{cert}”.",
        "The private key for certificate “{cert}” was not found.",
    ),
    "token.failed": (
        "Lỗi thiết bị ký số: {detail}",
        "Signing token error: {detail}",
    ),
    # -- usage -----------------------------------------------------------
    "usage.bad_box": (
        "Vị trí “{box}” không đúng dạng X1,Y1,X2,Y2 (đơn vị điểm PDF).",
        "Box “{box}” is not of the form X1,Y1,X2,Y2 (PDF points).",
    ),
    "usage.output_needed": (
        "Cần chỉ ra nơi lưu: -o TỆP cho một văn bản, hoặc --out-dir THƯ_MỤC.",
        "Say where to save: -o FILE for one document, or --out-dir DIR.",
    ),
    "usage.one_output_many_inputs": (
        "Ký nhiều văn bản thì dùng --out-dir, không dùng -o.",
        "For several documents use --out-dir, not -o.",
    ),
    "usage.bad_role": (
        "Vai trò “{role}” không có. Chọn: initial (ký nháy), leader (lãnh đạo ký), agency "
        "(văn thư ký số cơ quan), attachment (phụ lục), copy (bản sao).",
        "Unknown role “{role}”. Choose initial, leader, agency, attachment or copy.",
    ),
    "usage.number_and_date": (
        "Cấp số cần cả số (--number) và ngày (--date).",
        "Issuing needs both a number (--number) and a date (--date).",
    ),
    "usage.main_number_needed": (
        "Ký phụ lục cần số, ký hiệu của văn bản chính (--main-number, ví dụ 607/UBND-VP).",
        "Signing an attachment needs the main document's number (--main-number, e.g. 607/UBND-VP).",
    ),
    "usage.doc_with_files": (
        "--doc ký văn bản từ hộp thư; không dùng kèm tệp, -o hay --out-dir.",
        "--doc signs an inbox document; do not give files, -o or --out-dir with it.",
    ),
    "usage.files_needed": (
        "Cần ít nhất một tệp PDF, hoặc --doc ID.",
        "Give at least one PDF file, or --doc ID.",
    ),
    "usage.bad_setting": (
        "Không có cài đặt “{key}”. Các cài đặt: {keys}.",
        "There is no setting “{key}”. Settings: {keys}.",
    ),
    "usage.bad_setting_value": (
        "Giá trị “{value}” không hợp lệ cho “{key}”.",
        "“{value}” is not a valid value for “{key}”.",
    ),
    "usage.report_one_file": (
        "--report chỉ dùng khi kiểm tra một tệp.",
        "--report takes one file only.",
    ),
    "usage.bad_pool": (
        "Không có nhóm chứng thư gốc “{pool}” (có: {pools}).",
        "There is no trust pool “{pool}” (there are: {pools}).",
    ),
    "usage.bad_certificate": (
        "Không đọc được chứng thư số: {path}",
        "Cannot read the certificate: {path}",
    ),
    "usage.page_without_box": (
        "--page và --box phải đi cùng nhau.",
        "--page and --box go together.",
    ),
    # -- verification ----------------------------------------------------
    "verify.no_signatures": (
        "Văn bản không có chữ ký số.",
        "The document has no digital signature.",
    ),
    "verify.valid": ("Hợp lệ", "Valid"),
    "verify.invalid": ("Không hợp lệ", "Not valid"),
    "verify.not_intact": (
        "Nội dung đã bị thay đổi sau khi ký",
        "The content was changed after signing",
    ),
    "verify.bad_crypto": (
        "Chữ ký không khớp với chứng thư số",
        "The signature does not match its certificate",
    ),
    "verify.untrusted": (
        "Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực tin cậy",
        "The certificate does not chain to a trusted root",
    ),
    "verify.revoked": ("Chứng thư số đã bị thu hồi", "The certificate was revoked"),
    "verify.expired": (
        "Chứng thư số đã hết hạn vào thời điểm ký",
        "The certificate had expired at signing time",
    ),
    "verify.suspicious": (
        "Văn bản bị sửa đổi sau khi ký (không phải điền biểu mẫu)",
        "The document was modified after signing (beyond filling in forms)",
    ),
    "verify.coverage": (
        "Chữ ký không bao trùm toàn bộ phiên bản văn bản",
        "The signature does not cover its whole revision",
    ),
    "verify.changed_after_last": (
        "Văn bản bị thay đổi sau chữ ký cuối cùng",
        "The document was changed after the last signature",
    ),
    "verify.locked_field_changed": (
        "Trường đã bị khóa bởi chữ ký này (số, ngày văn bản) đã bị sửa",
        "A field this signature locked (the number or date) was changed",
    ),
    "verify.damaged": (
        "Chữ ký bị hỏng, không kiểm tra được ({detail})",
        "The signature is damaged and cannot be checked ({detail})",
    ),
    "verify.unreadable": (
        "Không kiểm tra được chữ ký của văn bản: {detail}",
        "The document's signatures could not be checked: {detail}",
    ),
    "verify.reader_stopped": (
        "trình đọc PDF dừng đột ngột khi đọc tệp này",
        "the PDF reader stopped abruptly on this file",
    ),
    # -- what changed after a signature ------------------------------------
    "change.where_page": ("trang {page}", "page {page}"),
    "change.where_rect": ("vùng [{rect}]", "area [{rect}]"),
    "change.field_value": ("giá trị trường “{field}” bị sửa", "the value of field “{field}” was changed"),
    "change.field_appearance": ("hình hiển thị của trường “{field}” bị sửa",
                                "the appearance of field “{field}” was changed"),
    "change.field_flags": ("thuộc tính của trường “{field}” bị sửa", "the flags of field “{field}” were changed"),
    "change.field_changed": ("trường “{field}” bị sửa", "field “{field}” was changed"),
    "change.field_added": ("thêm trường mới “{field}”", "a new field “{field}” was added"),
    "change.signature_field_added": ("thêm ô chữ ký trống “{field}”", "an empty signature field “{field}” was added"),
    "change.field_removed": ("trường “{field}” bị xóa", "field “{field}” was removed"),
    "change.annotation_added": ("thêm chú thích {field}", "a {field} annotation was added"),
    "change.annotation_changed": ("chú thích {field} bị sửa", "a {field} annotation was changed"),
    "change.annotation_removed": ("chú thích {field} bị xóa", "a {field} annotation was removed"),
    "change.pages_changed": ("số trang bị thay đổi (nay còn {field})", "the number of pages changed (now {field})"),
    "change.page_content": ("nội dung trang bị sửa", "the page content was changed"),
    "change.catalog": ("mục {field} của văn bản bị sửa", "the document's {field} entry was changed"),
    "change.form_settings": ("thiết lập biểu mẫu {field} bị sửa", "the form setting {field} was changed"),
    "change.info": ("thông tin mô tả văn bản (/Info: tiêu đề, độ mật…) bị sửa",
                    "the document information (/Info: title, secrecy…) was changed"),
    "change.other": ("nội dung khác bị sửa: {field}", "something else was changed: {field}"),
    "change.signature_added": ("thêm chữ ký “{field}”", "signature “{field}” was added"),
    "change.page_resources": ("tài nguyên của trang được cập nhật (phông chữ, cấu trúc), trang hiển thị không đổi",
                              "the page's resources were updated (fonts, structure); the page looks the same"),
    "change.region": ("vùng hiển thị thay đổi", "area shown differently"),
    "change.permitted": ("được phép", "permitted"),
    "change.not_permitted": ("không được phép", "not permitted"),
    # -- verdicts (ETSI EN 319 102-1) -------------------------------------
    "indication.passed": ("Hợp lệ", "Passed"),
    "indication.failed": ("Không hợp lệ", "Failed"),
    "indication.indeterminate": ("Chưa xác định", "Indeterminate"),
    "verify.over_signed_content": (
        "Sau khi ký, nội dung mới được vẽ đè lên phần đã ký ({field})",
        "After signing, something was drawn over signed content ({field})",
    ),
    "verify.docmdp": (
        "Thay đổi sau khi ký vượt quá quyền chữ ký chứng nhận cho phép (DocMDP P={field})",
        "Changes after signing exceed what the certification signature allows (DocMDP P={field})",
    ),
    "verify.signed_attrs_not_der": (
        "Thuộc tính đã ký không theo mã hóa DER: giá trị băm không khớp",
        "The signed attributes are not DER encoded: the hash does not match",
    ),
    "verify.analysis_incomplete": (
        "Không phân tích hết được thay đổi sau khi ký ({detail})",
        "The changes after signing could not be fully analysed ({detail})",
    ),
    "verify.revocation_not_checked": (
        "Chưa kiểm tra tình trạng thu hồi (không có mạng hoặc không có dữ liệu OCSP/CRL)",
        "Revocation not checked (offline, or no OCSP/CRL data)",
    ),
    "verify.revocation_good": ("Chứng thư số chưa bị thu hồi (OCSP/CRL)", "Not revoked (OCSP/CRL)"),
    "verify.pool": ("Tin cậy qua: {detail}", "Trusted through: {detail}"),
    "verify.timestamp_bad": ("Dấu thời gian văn bản không hợp lệ", "The document timestamp is not valid"),
    "verify.timestamp_untrusted": (
        "Dấu thời gian văn bản từ đơn vị cấp dấu thời gian không tin cậy",
        "The document timestamp comes from an untrusted time-stamping authority",
    ),
    "verify.encrypted": (
        "Tệp PDF “{path}” được đặt mật khẩu mở tệp. Cần mật khẩu để kiểm tra chữ ký (KYSO_PDF_PASSWORD).",
        "The PDF “{path}” has an open password. It is needed to check the signatures (KYSO_PDF_PASSWORD).",
    ),
    "verify.damaged_file": (
        "Tệp PDF “{path}” bị hỏng hoặc giả mạo cấu trúc: không xác nhận được chữ ký nào",
        "The PDF “{path}” is damaged or has a forged structure: no signature can be confirmed",
    ),
    # -- trust pools ---------------------------------------------------------
    "pool.public": ("chứng thư số công cộng", "public digital certificates"),
    "pool.government": ("chứng thư số chuyên dùng Chính phủ", "government specialised digital certificates"),
    "pool.admin": ("do quản trị viên thêm", "added by the administrator"),
    "pool.extra": ("chỉ định khi kiểm tra (--trust)", "given for this check (--trust)"),
    # -- the verification report (kyso.core.report) -----------------------
    "report.title": (
        "BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ",
        "DIGITAL SIGNATURE VERIFICATION REPORT",
    ),
    "report.basis": (
        "Theo Nghị định 30/2020/NĐ-CP, điều 21 khoản 2 điểm a: văn thư kiểm tra tính xác thực và toàn vẹn của văn bản điện tử đến.",
        "Under Decree 30/2020/NĐ-CP, art. 21.2.a: the clerk checks the authenticity and integrity of every incoming electronic document.",
    ),
    "report.file": (
        "Tệp",
        "File",
    ),
    "report.sha": (
        "SHA-256 của tệp",
        "File SHA-256",
    ),
    "report.checked": (
        "Thời điểm kiểm tra",
        "Checked at",
    ),
    "report.verdict": (
        "Kết luận",
        "Verdict",
    ),
    "report.count": (
        "Số chữ ký",
        "Signatures",
    ),
    "report.sig": (
        "Chữ ký",
        "Signature",
    ),
    "report.signer": (
        "Người ký",
        "Signer",
    ),
    "report.org": (
        "Cơ quan, tổ chức",
        "Organisation",
    ),
    "report.time": (
        "Thời điểm ký",
        "Signing time",
    ),
    "report.tst": (
        "Dấu thời gian",
        "Timestamp",
    ),
    "report.chain": (
        "Chuỗi chứng thư",
        "Certificate chain",
    ),
    "report.pool": (
        "Nhóm tin cậy",
        "Trust pool",
    ),
    "report.rev": (
        "Tình trạng thu hồi",
        "Revocation",
    ),
    "report.covers": (
        "Phạm vi ký",
        "Covers",
    ),
    "report.reasons": (
        "Lý do",
        "Reasons",
    ),
    "report.after": (
        "Thay đổi sau khi ký",
        "Changes after signing",
    ),
    "report.none": (
        "Không có",
        "None",
    ),
    "report.permitted": (
        "được phép",
        "permitted",
    ),
    "report.not_permitted": (
        "KHÔNG được phép",
        "NOT permitted",
    ),
    "report.picture": (
        "Trang {page}: vùng hiển thị khác so với lúc ký được khoanh đỏ",
        "Page {page}: areas shown differently than when signed are framed in red",
    ),
    "report.stamps": (
        "Dấu thời gian văn bản",
        "Document timestamps",
    ),
    "report.good": (
        "Chưa bị thu hồi (đã kiểm tra OCSP/CRL)",
        "Not revoked (OCSP/CRL checked)",
    ),
    "report.revoked": (
        "ĐÃ BỊ THU HỒI",
        "REVOKED",
    ),
    "report.not_checked": (
        "Chưa kiểm tra (ngoại tuyến hoặc không có dữ liệu OCSP/CRL)",
        "Not checked (offline, or no OCSP/CRL data)",
    ),
    "report.no_pool": (
        "Không thuộc nhóm chứng thư gốc tin cậy nào",
        "In no trusted pool",
    ),
    "report.footer": (
        "Lập bằng Kyso {v}. Biên bản này ghi lại kết quả kiểm tra tự động tại thời điểm trên.",
        "Made by Kyso {v}. This report records the automatic check at the time above.",
    ),
    # -- automatic placement ---------------------------------------------
    "placement.block_not_found": (
        "Không tìm thấy vị trí khối chữ ký trên văn bản. Hãy chọn trang và vị trí "
        "bằng tay (--page, --box).",
        "The signature block was not found on the document. Choose the page and "
        "the box by hand (--page, --box).",
    ),
    "placement.unsure": (
        "Không chắc tìm được chỗ ký trên “{path}” (độ tin cậy {confidence}): văn bản này "
        "chưa được ký. Hãy ký riêng văn bản này và đặt chữ ký bằng tay.",
        "Could not find where to sign on “{path}” (confidence {confidence}): not signed. "
        "Sign this one alone and place the stamp.",
    ),
    "placement.blanks_not_found": (
        "Không tìm thấy chỗ để trống số và ngày tháng (“Số:      /…”, “ngày … tháng …”) "
        "trên văn bản. Hãy chọn trang và vị trí bằng tay (--page, --box).",
        "The blanks for the number and date (“Số:      /…”, “ngày … tháng …”) were not "
        "found on the document. Choose the page and the box by hand (--page, --box).",
    ),
    "placement.body_end_not_found": (
        "Không tìm thấy cuối phần nội dung văn bản để đặt chữ ký nháy. Hãy chọn trang "
        "và vị trí bằng tay (--page, --box).",
        "The end of the body text was not found for the initial. Choose the page and "
        "the box by hand (--page, --box).",
    ),
    # -- batch -----------------------------------------------------------
    "batch.cancelled": ("Đã dừng theo yêu cầu.", "Stopped on request."),
    "batch.skipped_after_token_error": (
        "Chưa ký vì lỗi token ở văn bản trước: {detail}",
        "Not signed because of a token error on an earlier document: {detail}",
    ),
    "internal": (
        "Lỗi không mong muốn: {detail}. Chi tiết đã được ghi vào nhật ký.",
        "Unexpected error: {detail}. Details were written to the log.",
    ),
    # == the document server and sync (kyso.sync) =====================
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
    "sync.login_not_kept": (
        "Đã đăng nhập, nhưng phiên đăng nhập KHÔNG được giữ lại cho các lệnh sau: máy tính này không có "
        "kho khóa an toàn ({why}), và Kyso không ghi phiên đăng nhập ra tệp thường. Các lệnh kyso sync, "
        "kyso sign --doc… sẽ tự đăng nhập lại nếu có biến môi trường KYSO_PASSWORD hoặc khi chạy trong "
        "cửa sổ dòng lệnh (hỏi mật khẩu); ứng dụng máy tính giữ đăng nhập đến khi đóng. Để giữ đăng nhập: {fix}",
        "Logged in, but the login was NOT kept for later commands: this computer has no secure keyring "
        "({why}), and Kyso does not write logins to plain files. kyso sync, kyso sign --doc… log in again "
        "by themselves when KYSO_PASSWORD is set or when run in a terminal (they ask for the password); the "
        "desktop app keeps the login until it closes. To keep logins: {fix}",
    ),
    "sync.login_lost": (
        "Không có phiên đăng nhập cho {user}@{server}: lần đăng nhập trước không được giữ lại vì máy tính này "
        "không có kho khóa an toàn ({why}). Hãy chạy lại lệnh với biến môi trường KYSO_PASSWORD, hoặc chạy "
        "trong cửa sổ dòng lệnh để nhập mật khẩu. Để giữ đăng nhập: {fix}",
        "No login for {user}@{server}: the last login was not kept because this computer has no secure "
        "keyring ({why}). Run the command again with KYSO_PASSWORD set, or in a terminal to type the "
        "password. To keep logins: {fix}",
    ),
    "keyring.why.no_dbus": (
        "không có phiên D-Bus, ví dụ khi đăng nhập qua SSH hoặc không có màn hình",
        "no D-Bus session, e.g. logged in over SSH or without a desktop",
    ),
    "keyring.why.no_secretstorage": (
        "thiếu thư viện Python secretstorage", "the Python library secretstorage is missing",
    ),
    "keyring.why.no_service": (
        "không có dịch vụ Secret Service (GNOME Keyring hoặc KWallet) đang chạy, hoặc kho khóa đang bị khóa",
        "no Secret Service (GNOME Keyring or KWallet) is running, or the keyring is locked",
    ),
    "keyring.why.other": ("không có kho khóa an toàn được hỗ trợ", "no supported secure keyring"),
    "keyring.fix.linux": (
        "đăng nhập vào màn hình GNOME/KDE (GNOME Keyring/KWallet mở khóa khi đăng nhập), hoặc cài gói "
        "gnome-keyring; qua SSH có thể chạy: dbus-run-session -- sh -c 'echo -n MẬT_KHẨU_MÁY | "
        "gnome-keyring-daemon --unlock --components=secrets; kyso login …; kyso sync'.",
        "log in to a GNOME/KDE desktop (GNOME Keyring/KWallet unlock at login), or install gnome-keyring; "
        "over SSH: dbus-run-session -- sh -c 'echo -n LOGIN_PASSWORD | gnome-keyring-daemon --unlock "
        "--components=secrets; kyso login …; kyso sync'.",
    ),
    "keyring.fix.other": (
        "dùng Windows Credential Manager hoặc macOS Keychain của tài khoản người dùng.",
        "use the user account's Windows Credential Manager or macOS Keychain.",
    ),
    # -- certificate registration (kyso register-cert) ------------------------
    "certreg.active": (
        "Đã đăng ký chứng thư số “{subject}” cho tài khoản {user} (SHA-256 {sha}); có thể ký ngay.",
        "Registered the certificate “{subject}” with the account {user} (SHA-256 {sha}); it can sign now.",
    ),
    "certreg.pending": (
        "Đã đăng ký chứng thư số “{subject}” cho tài khoản {user}, có chứng minh giữ khóa. Đăng ký đang CHỜ "
        "quản trị máy chủ phê duyệt: đề nghị quản trị chạy “kyso-server admin approve-cert {sha}”. "
        "Trước khi được phê duyệt, máy chủ chưa nhận văn bản ký bằng chứng thư số này.",
        "Registered the certificate “{subject}” with the account {user}, with proof of possession. The "
        "registration WAITS for the server administrator's approval: ask them to run "
        "“kyso-server admin approve-cert {sha}”. Until then the server refuses documents signed with it.",
    ),
    "certreg.refused": (
        "Máy chủ không nhận đăng ký chứng thư số: {message}",
        "The server refused the certificate registration: {message}",
    ),
    "certreg.refused.certificate_taken": (
        "Máy chủ không nhận đăng ký: chứng thư số này đã được đăng ký, có chứng minh giữ khóa, cho một tài "
        "khoản khác. Hãy báo quản trị máy chủ (kyso-server admin release-certificate).",
        "The server refused: this certificate is registered, with proof of possession, to another account. "
        "Ask the server administrator (kyso-server admin release-certificate).",
    ),
    "certreg.refused.proof_invalid": (
        "Máy chủ không nhận đăng ký: chữ ký không khớp với khóa công khai của chứng thư số. Hãy chọn đúng "
        "token và chứng thư số (--token, --cert).",
        "The server refused: the signature does not match the certificate's public key. Choose the right "
        "token and certificate (--token, --cert).",
    ),
    "certreg.refused.challenge_expired": (
        "Mã thử thách của máy chủ đã hết hạn trước khi token ký. Hãy chạy lại lệnh và nhập mã PIN ngay.",
        "The server's challenge expired before the token signed it. Run the command again and type the PIN "
        "at once.",
    ),
    "certreg.refused.no_trust_roots": (
        "Máy chủ chưa được cấu hình chứng thư gốc tin cậy nên không nhận chứng thư số nào. Hãy báo quản trị "
        "máy chủ (kyso-server --trust THƯ_MỤC).",
        "The server has no trust roots configured, so it accepts no certificate. Tell the server "
        "administrator (kyso-server --trust FOLDER).",
    ),
    "certreg.refused.certificate_untrusted": (
        "Máy chủ không tin chứng thư số này (không dẫn tới chứng thư gốc nào máy chủ tin). Hãy báo quản trị "
        "máy chủ thêm chứng thư gốc của nhà cung cấp (kyso-server --trust).",
        "The server does not trust this certificate (it does not chain to a root the server trusts). Ask "
        "the administrator to add the provider's root (kyso-server --trust).",
    ),
    "certreg.refused.proof_required": (
        "Máy chủ chỉ nhận đăng ký có chứng minh giữ khóa: dùng lệnh kyso register-cert.",
        "The server accepts only registrations with proof of possession: use kyso register-cert.",
    ),
    "inbox.refused": (
        "bị máy chủ từ chối: {message}",
        "refused by the server: {message}",
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
    "sync.returned": ("Đã trả lại văn bản {doc} cho đơn vị soạn thảo.",
                      "Document {doc} was returned to the drafting unit."),
    "sync.inbox_empty": ("Không có văn bản nào chờ bạn xử lý.", "Nothing is waiting for you."),
    "sync.report_saved": ("Đã lưu báo cáo vào {path}.", "Report saved to {path}."),
    "sync.number_assigned": ("Số văn bản: {formatted} (sổ {register}, năm {year}).",
                             "Document number: {formatted} (register {register}, year {year})."),
    # -- actions waiting for me, by state ---------------------------------------
    "action.initial": ("Ký nháy (kiểm tra thể thức)", "Initial (format check)"),
    "action.sign": ("Ký ban hành", "Sign"),
    "action.issue": ("Cấp số và ký số cơ quan", "Number and agency signature"),
    # -- the web-page signing service (kyso bridge, VGCA protocol) ----------
    "bridge.bad_request": (
        "Yêu cầu ký số từ trang web không hợp lệ: {detail}",
        "The web page's signing request is not valid: {detail}",
    ),
    "bridge.unknown_operation": (
        "Kyso không hỗ trợ chức năng “{operation}” của dịch vụ ký số.",
        "Kyso does not offer the signing service's function “{operation}”.",
    ),
    "bridge.origin_refused": (
        "Trang web {origin} chưa được phép dùng Kyso để ký số. Quản trị viên cần thêm địa chỉ này "
        "vào danh sách trang web được phép (bridge_allowed_origins).",
        "The web site {origin} is not allowed to use Kyso for signing. An administrator must add "
        "it to the allowed web sites (bridge_allowed_origins).",
    ),
    "bridge.host_refused": (
        "Yêu cầu bị từ chối: dịch vụ ký số chỉ nhận yêu cầu gửi tới 127.0.0.1.",
        "Request refused: the signing service only answers requests addressed to 127.0.0.1.",
    ),
    "bridge.no_person": (
        "Kyso đang chạy không có giao diện nên không thể hỏi người ký. Hãy mở ứng dụng Kyso để ký "
        "văn bản từ trang web.",
        "Kyso runs without a window and cannot ask the signer. Open the Kyso app to sign documents "
        "from the web page.",
    ),
    "bridge.opaque_refused": (
        "Kyso không ký dữ liệu mà trang web gửi trực tiếp ({operation}) khi không có người xác nhận "
        "từng lần ký.",
        "Kyso does not sign data sent by a web page ({operation}) unless the person confirms each "
        "signature.",
    ),
    "bridge.opaque_not_offered": (
        "Kyso chưa hỗ trợ ký dữ liệu dạng {operation}; chỉ ký giá trị băm, chuỗi dữ liệu (SignMsg) và "
        "đăng nhập (Auth) sau khi người ký xác nhận.",
        "Kyso does not sign {operation} data; it signs hashes, data strings (SignMsg) and logins (Auth) "
        "once the signer confirms.",
    ),
    "bridge.opaque_unreadable": (
        "Dữ liệu cần ký ({operation}) không đọc được: {detail}",
        "The data to sign ({operation}) cannot be read: {detail}",
    ),
    "bridge.autostart_on": (
        "Kyso sẽ tự chạy (thu nhỏ vào khay) khi đăng nhập; dịch vụ ký số cho trang web luôn sẵn sàng. "
        "Mục khởi động: {entry}",
        "Kyso starts (minimised to the tray) when you log in; the signing service for web pages is always "
        "there. Start-up entry: {entry}",
    ),
    "bridge.autostart_off": (
        "Kyso không tự chạy khi đăng nhập ({entry}).",
        "Kyso does not start when you log in ({entry}).",
    ),
    "bridge.autostart_usage": (
        "Cách dùng: kyso bridge autostart on|off",
        "Usage: kyso bridge autostart on|off",
    ),
    "bridge.cancelled": (
        "Người ký đã hủy yêu cầu ký số.",
        "The signer cancelled the signing request.",
    ),
    "bridge.pick_file_needs_window": (
        "Trang web không gửi tệp cần ký; cần mở ứng dụng Kyso để chọn tệp trên máy.",
        "The web page sent no file to sign; open the Kyso app to choose a file on this computer.",
    ),
    "bridge.bad_url": (
        "Địa chỉ tệp “{url}” không hợp lệ: chỉ nhận địa chỉ http hoặc https.",
        "The file address “{url}” is not valid: only http or https addresses are accepted.",
    ),
    "bridge.download_failed": (
        "Không tải được văn bản từ “{url}”: {detail}",
        "Could not download the document from “{url}”: {detail}",
    ),
    "bridge.download_too_large": (
        "Văn bản tải từ “{url}” lớn hơn giới hạn {limit_mb} MB.",
        "The document from “{url}” is larger than the {limit_mb} MB limit.",
    ),
    "bridge.download_not_pdf": (
        "Nội dung tải từ “{url}” không phải là tệp PDF (có thể là trang báo lỗi hoặc trang đăng nhập).",
        "What was downloaded from “{url}” is not a PDF (perhaps an error or login page).",
    ),
    "bridge.upload_failed": (
        "Đã ký nhưng chưa gửi được văn bản lên hệ thống ({detail}). Bản đã ký được giữ lại trên máy "
        "(mã {job}); có thể gửi lại bằng “kyso bridge retry”.",
        "Signed, but the document could not be sent to the system ({detail}). The signed copy is kept "
        "on this computer (job {job}); send it again with “kyso bridge retry”.",
    ),
    "bridge.upload_refused": (
        "máy chủ trả lời: {detail}",
        "the server answered: {detail}",
    ),
    "bridge.upload_http": (
        "máy chủ trả lời mã HTTP {status}",
        "the server answered HTTP {status}",
    ),
    "bridge.signed_locally": (
        "Đã ký; văn bản được lưu tại {path}.",
        "Signed; the document is saved at {path}.",
    ),
    "bridge.batch_done": (
        "Đã ký {ok}/{total} tệp.",
        "{ok} of {total} files signed.",
    ),
    "bridge.pin_failed_before": (
        "Lần ký trước đã báo sai mã PIN trong KYSO_PIN. Kyso ngừng ký tự động để token không bị khóa; "
        "hãy sửa KYSO_PIN rồi khởi động lại dịch vụ.",
        "An earlier signature reported the PIN in KYSO_PIN as wrong. Kyso stopped unattended signing so "
        "that the token is not locked; fix KYSO_PIN and restart the service.",
    ),
    "bridge.no_license_needed": (
        "Kyso không cần kích hoạt bản quyền.",
        "Kyso needs no licence activation.",
    ),
    "bridge.job_not_found": (
        "Không có văn bản chờ gửi với mã {job}.",
        "No document waits to be sent with job {job}.",
    ),
    "bridge.no_handler": (
        "Văn bản {job} không có địa chỉ nhận (FileUploadHandler) nên không gửi lại được.",
        "Document {job} has no upload address (FileUploadHandler), so it cannot be sent again.",
    ),
    "bridge.cert_needed": (
        "Chưa có chứng thư TLS cho dịch vụ ký số. Hãy chạy “kyso bridge install-cert” trước.",
        "The signing service has no TLS certificate yet. Run “kyso bridge install-cert” first.",
    ),
    "bridge.port_busy": (
        "Cổng {port} đang được chương trình khác dùng (có thể là VGCA Sign Service). Hãy tắt "
        "chương trình đó trước: {detail}",
        "Port {port} is used by another program (perhaps the VGCA Sign Service). Stop it first: {detail}",
    ),
    "bridge.certutil_missing": (
        "Không tìm thấy công cụ {tool} để thêm chứng thư vào trình duyệt.",
        "The tool {tool} that adds the certificate to the browsers was not found.",
    ),
    "action.submit": ("Trình ký", "Submit"),
    "action.edit": ("Sửa dự thảo", "Revise the draft"),
    "action.none": ("—", "—"),
}


def set_language(lang: str) -> None:
    """Choose the language of every message from now on ('vi' or 'en')."""
    global _language
    _language = EN if lang.lower().startswith("en") else VI


def language() -> str:
    if _language is not None:
        return _language
    env = os.environ.get("KYSO_LANG", "")
    return EN if env.lower().startswith("en") else VI


def tr(code: str, /, lang: str | None = None, **params) -> str:
    """The sentence for ``code`` in ``lang`` (default: the current language)."""
    vi, en = CATALOGUE[code]
    text = en if (lang or language()) == EN else vi
    return text.format(**params) if params else text
