<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi">
<context>
    <name>BatchDialog</name>
    <message>
        <location filename="../../gui/batch.py" line="+81"/>
        <source>%1 hàng loạt</source>
        <translation>Batch: %1</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Đang chờ mã PIN…</source>
        <translation>Waiting for the PIN…</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>%v/%m văn bản</source>
        <translation>%v/%m documents</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Văn bản</source>
        <translation>Document</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kết quả</source>
        <translation>Result</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Đang chờ</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Dừng</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+14"/>
        <source>Đang ký…</source>
        <translation>Signing…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đã xử lý %1/%2 văn bản</source>
        <translation>Processed %1/%2 documents</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>✔ Đã ký</source>
        <translation>✔ Signed</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Hoàn tất: %1 văn bản đã ký, %2 lỗi.</source>
        <translation>Done: %1 documents signed, %2 errors.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>… và %1 văn bản khác</source>
        <translation>… and %1 more documents</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Không ký được.</source>
        <translation>Could not sign.</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Đang dừng sau văn bản hiện tại…</source>
        <translation>Stopping after the current document…</translation>
    </message>
    <message>
        <location filename="../../gui/trstrings.py" line="+76"/>
        <source>Ký nháy</source>
        <translation>Initial</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký số</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cấp số &amp; đóng dấu</source>
        <translation>Number &amp; seal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký phụ lục</source>
        <translation>Sign attachment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sao y</source>
        <translation>Certified copy</translation>
    </message>
</context>
<context>
    <name>BridgeHost</name>
    <message>
        <location filename="../../gui/bridgewindow.py" line="+446"/>
        <source>Kyso — dịch vụ ký số cho trang web đang chạy (cổng %1)</source>
        <translation>Kyso — the signing service for web pages is running (port %1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mở Kyso</source>
        <translation>Open Kyso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thoát</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>BridgeWindow</name>
    <message>
        <location line="-341"/>
        <source>Kyso — yêu cầu ký số từ trang web</source>
        <translation>Kyso — signing request from a web page</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trang web %1 yêu cầu ký số.</source>
        <translation>The web site %1 asks for a signature.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Văn bản:</source>
        <translation>Documents:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chứng thư số:</source>
        <translation>Certificate:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký với vai trò:</source>
        <translation>Sign as:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lãnh đạo ký số</source>
        <translation>Leader&apos;s signature</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ký nháy</source>
        <translation>Initial</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Văn thư đóng dấu</source>
        <translation>Clerk&apos;s agency seal</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ký phụ lục</source>
        <translation>Sign attachment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sao y</source>
        <translation>Certified copy</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ký số</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lãnh đạo ký phê duyệt: chữ ký đặt giữa chức vụ và họ tên người ký.</source>
        <translation>Leader&apos;s approval: the signature goes between the signer&apos;s title and name.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Văn thư ký phát hành: cấp số %1, ngày %2, đóng dấu cơ quan.</source>
        <translation>Clerk&apos;s issuance: number %1, date %2, the agency seal.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Văn thư ký phát hành: đóng dấu cơ quan (trang web không gửi số văn bản).</source>
        <translation>Clerk&apos;s issuance: the agency seal (the web page sent no document number).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ký số phụ lục, tài liệu kèm theo văn bản số %1.</source>
        <translation>Sign an appendix or attachment of document %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ký số bản sao điện tử (SAO Y).</source>
        <translation>Sign an electronic copy (SAO Y).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Văn thư ký văn bản đến: dấu “ĐẾN” ở góc trên bên phải trang đầu.</source>
        <translation>Clerk receives a document: an “ĐẾN” (received) stamp at the top right of the first page.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ký cho ý kiến: chữ ký cá nhân nhỏ ở cuối nội dung.</source>
        <translation>Sign a comment: a small personal signature at the end of the text.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ký %1 văn bản với một lần nhập mã PIN.</source>
        <translation>Sign %1 documents with one PIN entry.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký số văn bản; chọn vai trò bên dưới.</source>
        <translation>Sign the document; choose the role below.</translation>
    </message>
</context>
<context>
    <name>DesktopHabits</name>
    <message>
        <location filename="../../gui/desktop.py" line="+521"/>
        <location line="+68"/>
        <source>Mở thư mục chứa tệp</source>
        <translation>Open containing folder</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Mở thư mục chứa văn bản đang xem</source>
        <translation>Open the folder containing the document shown</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Chưa cài đặt ảnh chữ ký và ảnh con dấu: chữ ký số sẽ hiện dạng chữ (họ tên, chức vụ, thời gian ký), không có hình ảnh.</source>
        <translation>No signature image and no seal image are set up: signatures will show as text (name, title, signing time), without images.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chưa cài đặt ảnh chữ ký: chữ ký số của lãnh đạo sẽ hiện dạng chữ (họ tên, chức vụ, thời gian ký).</source>
        <translation>No signature image is set up: the leader&apos;s signature will show as text (name, title, signing time).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chưa cài đặt ảnh con dấu: chữ ký số của cơ quan sẽ hiện dạng chữ (tên cơ quan, thời gian ký).</source>
        <translation>No seal image is set up: the agency&apos;s signature will show as text (agency name, signing time).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cài đặt…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Đã lưu bản đã ký “%1” trong thư mục %2</source>
        <translation>Saved the signed copy “%1” in the folder %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mở tệp đã ký</source>
        <translation>Open signed file</translation>
    </message>
</context>
<context>
    <name>DocumentTableModel</name>
    <message>
        <location filename="../../gui/trstrings.py" line="-29"/>
        <source>Số, ký hiệu</source>
        <translation>Number, symbol</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trích yếu</source>
        <translation>Summary</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loại</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Độ khẩn</source>
        <translation>Urgency</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nơi gửi</source>
        <translation>Sender</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày nhận</source>
        <translation>Received</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Việc chờ tôi</source>
        <translation>Waiting for me</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Chờ ký nháy</source>
        <translation>To initial</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ ký số</source>
        <translation>To sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ cấp số &amp; đóng dấu</source>
        <translation>To number &amp; seal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ ký phụ lục</source>
        <translation>To sign attachment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ sao y</source>
        <translation>To certify copy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã ban hành</source>
        <translation>Issued</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã ký</source>
        <translation>Signed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã trả lại</source>
        <translation>Returned</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thường</source>
        <translation>Normal</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../gui/firstrun.py" line="+511"/>
        <source>Chào mừng đến với Kyso</source>
        <translation>Welcome to Kyso</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt; Quay lại</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiếp theo &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hoàn tất</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>GuiAttendant</name>
    <message>
        <location filename="../../gui/bridgewindow.py" line="+250"/>
        <source>Chọn tệp PDF cần ký</source>
        <translation>Choose the PDF file to sign</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
</context>
<context>
    <name>GuiDemo</name>
    <message>
        <location filename="../../demo/gui.py" line="+127"/>
        <source>Chế độ thử nghiệm — PIN: 123456. Chọn vai trò ở trên: ký nháy → ký số → cấp số.</source>
        <extracomment>(server user, what the switcher shows, token label, test PKI identity)</extracomment>
        <translation>Demo mode — PIN: 123456. Choose a role above: initial → sign → issue.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lãnh đạo Văn phòng (ký nháy) — chanhvp</source>
        <translation>Office head (initials) — chanhvp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phó Chủ tịch (ký số) — chutich</source>
        <translation>Vice Chairman (signs) — chutich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Văn thư (cấp số, đóng dấu) — vanthu</source>
        <translation>Records clerk (number and seal) — vanthu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chế độ thử nghiệm</source>
        <translation>Demo mode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> Vai trò: </source>
        <translation> Role: </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang làm việc với vai trò: %1</source>
        <translation>Working as: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kyso — chế độ thử nghiệm</source>
        <translation>Kyso — demo mode</translation>
    </message>
</context>
<context>
    <name>ImagePicker</name>
    <message>
        <location filename="../../gui/settingsdialog.py" line="+76"/>
        <source>Chưa chọn: chữ ký hiện dạng chữ</source>
        <translation>None chosen: the signature shows as text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn tệp…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ảnh PNG (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
</context>
<context>
    <name>ImagesPage</name>
    <message>
        <location filename="../../gui/firstrun.py" line="-46"/>
        <source>Chữ ký và con dấu</source>
        <translation>Signature and seal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh PNG nền trong suốt: chữ ký màu xanh, con dấu màu đỏ. Có thể bỏ qua và thêm sau trong Cài đặt.</source>
        <translation>PNG images with a transparent background: the signature in blue, the seal in red. You can skip this and add them later in Settings.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chọn ảnh chữ ký</source>
        <translation>Choose the signature image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn ảnh con dấu</source>
        <translation>Choose the seal image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn ảnh chữ ký nháy</source>
        <translation>Choose the initial image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh chữ ký:</source>
        <translation>Signature image:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ảnh con dấu:</source>
        <translation>Seal image:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đường kính con dấu:</source>
        <translation>Seal diameter:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ảnh chữ ký nháy:</source>
        <translation>Initial image:</translation>
    </message>
</context>
<context>
    <name>IssueDialog</name>
    <message>
        <location filename="../../gui/mainwindow.py" line="+156"/>
        <source>Cấp số và ngày ban hành</source>
        <translation>Number and date of issue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ví dụ 607</source>
        <translation>e.g. 607</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số văn bản:</source>
        <translation>Document number:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày ban hành:</source>
        <translation>Date of issue:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Để trống số nếu chỉ đóng dấu.</source>
        <translation>Leave the number empty to seal only.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đóng dấu %1 văn bản: mỗi văn bản cần số riêng, nên ở đây chỉ đóng dấu; hãy cấp số từng văn bản một.</source>
        <translation>Sealing %1 documents: each document needs its own number, so here they are only sealed; number them one at a time.</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Số lấy từ sổ đăng ký: %1</source>
        <translation>Number from the register: %1</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Số lấy từ sổ đăng ký cho %1 văn bản, theo thứ tự trong danh sách: %2.</source>
        <translation>Numbers from the register for %1 documents, in the order of the list: %2.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Không lấy được số từ sổ đăng ký: %1
Có thể để trống số (chỉ đóng dấu) hoặc thử lại khi có mạng.</source>
        <translation>Could not get a number from the register: %1
You can leave the number empty (seal only) or try again when the network is back.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Đồng ý</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location line="-95"/>
        <source>Đăng nhập máy chủ văn bản</source>
        <extracomment>toolbar actions: (role, label, shortcut) background sync interval bounds (seconds)</extracomment>
        <translation>Log in to the document server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chủ:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mật khẩu:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đăng nhập</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Làm việc ngoại tuyến</source>
        <translation>Work offline</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location line="+341"/>
        <source>Kyso — Ký số văn bản</source>
        <translation>Kyso — Document signing</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Tìm theo trích yếu, số, nơi gửi…</source>
        <extracomment>show the stamp on the page before signing one document</extracomment>
        <translation>Search by summary, number, sender…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Thao tác</source>
        <translation>Actions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mở tệp PDF…</source>
        <translation>Open PDF file…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mở thư mục…</source>
        <translation>Open folder…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+614"/>
        <source>Trả lại</source>
        <translation>Return</translation>
    </message>
    <message>
        <location line="-613"/>
        <source>Làm mới</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đồng bộ</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gửi văn bản đã ký và nhận văn bản mới (F9)</source>
        <translation>Send signed documents and fetch new ones (F9)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cài đặt…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Đang tìm token…</source>
        <translation>Looking for tokens…</translation>
    </message>
    <message>
        <location line="+146"/>
        <location line="+11"/>
        <location filename="../../gui/syncstatus.py" line="+14"/>
        <source>Đồng bộ: chưa kết nối</source>
        <translation>Sync: not connected</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Mở bằng --server và --user để đồng bộ với máy chủ văn bản.</source>
        <translation>Start with --server and --user to sync with the document server.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source> · đang đồng bộ…</source>
        <translation> · syncing…</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Máy chủ: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Đã đăng nhập %1</source>
        <translation>Logged in to %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Xung đột phiên bản</source>
        <translation>Version conflict</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Văn bản “%1” đã được xử lý trên máy chủ trong khi anh/chị ký bản trên máy này.

Bản đã ký số không thể ghép vào phiên bản mới của máy chủ (chữ ký sẽ mất hiệu lực). Hãy chọn:</source>
        <translation>The document “%1” was handled on the server while you signed the copy on this computer.

A signed PDF cannot be merged into the server’s newer version (the signature would no longer be valid). Please choose:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dùng bản trên máy chủ</source>
        <translation>Use the server’s version</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Giữ bản của tôi để xem</source>
        <translation>Keep my copy to look at</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Để sau</source>
        <translation>Later</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“Dùng bản trên máy chủ”: bỏ bản ký trên máy (vẫn lưu trong thư mục xung đột), tải lại bản mới; nếu văn bản còn chờ anh/chị, hãy ký lại.
“Giữ bản của tôi để xem”: mở bản anh/chị đã ký; bản này không được gửi.</source>
        <translation>“Use the server’s version”: set aside the copy signed here (it stays in the conflicts folder) and download the new one; if the document still waits for you, sign it again.
“Keep my copy to look at”: open the copy you signed; it will not be sent.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Đã dùng bản trên máy chủ.</source>
        <translation>Now using the server’s version.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Đang xem bản anh/chị đã ký (không gửi lên máy chủ).</source>
        <translation>Showing the copy you signed (not sent to the server).</translation>
    </message>
    <message>
        <location line="-191"/>
        <location line="+2"/>
        <source>Kyso — %1</source>
        <translation>Kyso — %1</translation>
    </message>
    <message>
        <location line="+307"/>
        <source>Mở văn bản PDF</source>
        <translation>Open PDF document</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Chọn thư mục văn bản</source>
        <translation>Choose the documents folder</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Hãy cắm token để ký.</source>
        <translation>Plug in a token to sign.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+143"/>
        <source>Chưa có token nào được cắm.</source>
        <translation>No token is plugged in.</translation>
    </message>
    <message>
        <location line="-106"/>
        <source>Đang tìm vị trí đặt chữ ký…</source>
        <translation>Finding where the signature goes…</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Đang lấy số từ sổ đăng ký…</source>
        <translation>Getting the number from the register…</translation>
    </message>
    <message>
        <location line="+47"/>
        <location filename="../../gui/trstrings.py" line="-46"/>
        <source>Ký phụ lục</source>
        <translation>Sign attachment</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số, ký hiệu của văn bản chính:</source>
        <translation>Number and symbol of the main document:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Đang ký…</source>
        <translation>Signing…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Đã ký: %1</source>
        <translation>Signed: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Đã ký %1/%2 văn bản.</source>
        <translation>Signed %1/%2 documents.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Trả lại văn bản</source>
        <translation>Return document</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lý do trả lại:</source>
        <translation>Reason for returning:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Đã trả lại %1 văn bản.</source>
        <translation>Returned %1 document(s).</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>⚠ Chưa cắm token</source>
        <translation>⚠ No token plugged in</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Token: %1</source>
        <translation>Token: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Không có chứng thư số dùng để ký</source>
        <translation>No certificate usable for signing</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> — ⚠ chứng thư số hết hạn sau %1 ngày</source>
        <translation> — ⚠ certificate expires in %1 days</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Hiệu lực đến %1</source>
        <translation>Valid until %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Kyso</source>
        <translation>Kyso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../gui/trstrings.py" line="-3"/>
        <source>Ký nháy</source>
        <translation>Initial</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký số</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cấp số &amp;&amp; đóng dấu</source>
        <translation>Number &amp;&amp; seal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sao y</source>
        <translation>Certified copy</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tất cả</source>
        <translation>All</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ ký nháy</source>
        <translation>To initial</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ ký số</source>
        <translation>To sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chờ ban hành</source>
        <translation>To issue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Văn bản đến</source>
        <translation>Incoming</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã gửi</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xung đột</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <location filename="../../gui/syncstatus.py" line="+3"/>
        <source>⚠ Cần đăng nhập lại</source>
        <translation>⚠ Log in again</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>● Trực tuyến</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>○ Ngoại tuyến</source>
        <translation>○ Offline</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>đồng bộ lúc %1</source>
        <translation>synced %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chờ gửi: %1</source>
        <translation>waiting to send: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>xung đột: %1</source>
        <translation>conflicts: %1</translation>
    </message>
</context>
<context>
    <name>NewDocumentNotifier</name>
    <message numerus="yes">
        <location filename="../../gui/desktop.py" line="-329"/>
        <source>Có %n văn bản mới cần xử lý</source>
        <extracomment>the freedesktop.org file-manager interface (ShowItems selects files in their folder)</extracomment>
        <translation>
            <numerusform>%n new document needs your action</numerusform>
            <numerusform>%n new documents need your action</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>và %n văn bản khác</source>
        <translation>
            <numerusform>and %n other</numerusform>
            <numerusform>and %n others</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Xem văn bản mới</source>
        <translation>Show new documents</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Kyso — văn bản mới</source>
        <translation>Kyso — new documents</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Kyso — Ký số văn bản</source>
        <translation>Kyso — Document signing</translation>
    </message>
</context>
<context>
    <name>OpaqueWindow</name>
    <message>
        <location filename="../../gui/bridgewindow.py" line="-170"/>
        <source>Kyso — trang web yêu cầu ký dữ liệu</source>
        <translation>Kyso — a web site asks to sign data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trang web %1 yêu cầu ký bằng chứng thư số của bạn.</source>
        <translation>The web site %1 asks for a signature with your certificate.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đăng nhập bằng chứng thư số: trang web gửi một chuỗi kiểm tra để bạn ký, nhằm xác nhận bạn là chủ chứng thư số.</source>
        <translation>Log in with your certificate: the web site sends a challenge for you to sign, to confirm that you hold the certificate.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ký một giá trị băm do trang web tính sẵn. Kyso không thể biết đó là băm của nội dung nào.</source>
        <translation>Sign a hash the web site computed. Kyso cannot know what content it is the hash of.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ký một chuỗi dữ liệu do trang web gửi.</source>
        <translation>Sign a data string sent by the web site.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dữ liệu sẽ ký:</source>
        <translation>Data to sign:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chứng thư số:</source>
        <translation>Certificate:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chữ ký tạo ra ở đây có giá trị như chữ ký của chính bạn và trang web có thể dùng nó nhân danh bạn. Chỉ ký khi bạn đang chờ đúng yêu cầu này từ trang web này.</source>
        <translation>A signature made here counts as your own, and the web site can use it in your name. Sign only if you are expecting exactly this request from this web site.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ký số</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Giá trị băm %1:</source>
        <translation>%1 hash:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 byte, SHA-256:</source>
        <translation>%1 bytes, SHA-256:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nội dung:</source>
        <translation>Content:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nội dung không phải văn bản đọc được.</source>
        <translation>The content is not readable text.</translation>
    </message>
</context>
<context>
    <name>PdfView</name>
    <message>
        <location filename="../../gui/pdfview.py" line="+248"/>
        <source>Trang trước</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Trang sau</source>
        <translation>Next page</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Số trang</source>
        <translation>Page number</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>/ 0</source>
        <translation>/ 0</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Thu nhỏ</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Phóng to</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vừa chiều rộng</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Chưa mở văn bản nào.
Kéo thả tệp PDF vào đây hoặc chọn một văn bản trong danh sách.</source>
        <translation>No document open.
Drop a PDF file here or choose a document in the list.</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Ký tại vị trí này</source>
        <translation>Sign here</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vị trí tự động</source>
        <translation>Automatic position</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>/ %n trang</source>
        <translation>
            <numerusform>/ %n page</numerusform>
            <numerusform>/ %n pages</numerusform>
        </translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Không mở được tệp PDF: %1</source>
        <translation>Cannot open the PDF file: %1</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Không hiển thị được trang: %1</source>
        <translation>Cannot display the page: %1</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Khung xanh là chỗ đặt chữ ký. Kéo để di chuyển, kéo góc để đổi kích thước.</source>
        <translation>The blue frame is where the signature goes. Drag to move it, drag its corner to resize it.</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../gui/pindialog.py" line="+172"/>
        <source>Nhập mã PIN</source>
        <translation>Enter PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mở khóa token để ký số.</source>
        <translation>Unlock the token to sign.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Một lần nhập mã PIN để ký %1 văn bản.</source>
        <translation>One PIN entry to sign %1 documents.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chủ chứng thư số:</source>
        <translation>Certificate holder:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hiệu lực đến:</source>
        <translation>Valid until:</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Mã PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ký</source>
        <translation>Sign</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Còn %1 lần thử trước khi token bị khóa.</source>
        <translation>%1 tries left before the token locks.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token báo đã có lần nhập sai mã PIN; hãy nhập cẩn thận.</source>
        <translation>The token reports an earlier wrong PIN; enter it carefully.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Tiếp tục</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location filename="../../gui/trstrings.py" line="+5"/>
        <source>Chỉ còn MỘT lần thử: nếu nhập sai lần này, token sẽ bị khóa và phải mang đến nhà cung cấp chứng thư số (CA) để mở khóa.</source>
        <translation>Only ONE try left: if this PIN is wrong, the token locks and must be taken to the certificate authority (CA) to be unlocked.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nhập mã PIN trên bàn phím của đầu đọc</source>
        <translation>Enter the PIN on the reader&apos;s keypad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phát hiện ký tự có dấu: bộ gõ tiếng Việt (Unikey, EVKey…) có thể đang bật. Hãy tắt bộ gõ rồi nhập lại mã PIN.</source>
        <translation>Accented characters detected: a Vietnamese input method (Unikey, EVKey…) may be on. Turn it off and enter the PIN again.</translation>
    </message>
</context>
<context>
    <name>RegisterCertPage</name>
    <message>
        <location filename="../../gui/firstrun.py" line="-99"/>
        <source>Đăng ký chứng thư số với máy chủ</source>
        <translation>Register the certificate with the server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chủ chỉ nhận văn bản ký bằng chứng thư số đã đăng ký cho tài khoản của bạn. Token ký một mã thử thách của máy chủ để chứng minh bạn giữ khóa.</source>
        <translation>The server accepts only documents signed with a certificate registered to your account. The token signs a challenge from the server to prove that you hold the key.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mật khẩu máy chủ:</source>
        <translation>Server password:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mã PIN token:</source>
        <translation>Token PIN:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đăng ký chứng thư số</source>
        <translation>Register the certificate</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Chưa chọn máy chủ, tên đăng nhập hoặc chứng thư số: bỏ qua bước này. Có thể đăng ký sau bằng lệnh kyso register-cert.</source>
        <translation>No server, user name or certificate chosen: this step is skipped. You can register later with the command kyso register-cert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tài khoản %1 trên %2. Bấm Tiếp theo để bỏ qua; có thể đăng ký sau bằng lệnh kyso register-cert.</source>
        <translation>Account %1 on %2. Click Next to skip; you can register later with the command kyso register-cert.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Đang đăng ký…</source>
        <translation>Registering…</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <location line="-337"/>
        <source>Máy chủ văn bản</source>
        <translation>Document server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kyso nhận văn bản cần ký từ máy chủ quản lý văn bản của cơ quan và gửi lại văn bản đã ký.</source>
        <translation>Kyso receives the documents to sign from your agency&apos;s document management server and sends the signed documents back.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ví dụ https://vanban.example.gov.vn</source>
        <translation>e.g. https://vanban.example.gov.vn</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tên đăng nhập trên máy chủ</source>
        <translation>your user name on the server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Làm việc không có máy chủ</source>
        <translation>Work without a server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký các tệp PDF trên máy; có thể thêm máy chủ sau trong Cài đặt.</source>
        <translation>Sign PDF files on this computer; a server can be added later in Settings.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bộ phận công nghệ thông tin của cơ quan cho biết địa chỉ máy chủ.</source>
        <translation>Your agency&apos;s IT department can tell you the server address.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Địa chỉ máy chủ:</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../gui/settingsdialog.py" line="+143"/>
        <source>Cài đặt Kyso</source>
        <translation>Kyso settings</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>ví dụ https://vanban.example.gov.vn</source>
        <translation>e.g. https://vanban.example.gov.vn</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tên đăng nhập trên máy chủ</source>
        <translation>your user name on the server</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Máy chủ văn bản</source>
        <translation>Document server</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Địa chỉ máy chủ:</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tên đăng nhập:</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Để trống nếu làm việc không có máy chủ.</source>
        <translation>Leave empty to work without a server.</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Đang tìm phần mềm token…</source>
        <translation>Looking for token software…</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Chọn tệp…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Token ký số</source>
        <translation>Signing token</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>Phần mềm token (PKCS#11):</source>
        <translation>Token software (PKCS#11):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chứng thư số mặc định:</source>
        <translation>Default certificate:</translation>
    </message>
    <message>
        <location line="-88"/>
        <location line="+222"/>
        <source>Chọn phần mềm token trước.</source>
        <translation>Choose the token software first.</translation>
    </message>
    <message>
        <location line="-115"/>
        <source>để trống nếu không dùng dấu thời gian</source>
        <translation>leave empty to sign without a timestamp</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Khác</source>
        <translation>Other</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Máy chủ dấu thời gian (TSA):</source>
        <translation>Timestamp server (TSA):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngôn ngữ:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Chọn ảnh chữ ký</source>
        <translation>Choose the signature image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn ảnh con dấu</source>
        <translation>Choose the seal image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn ảnh chữ ký nháy</source>
        <translation>Choose the initial image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mặc định: tên tổ chức trong chứng thư số</source>
        <translation>default: the organisation in the certificate</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Chữ ký và con dấu</source>
        <translation>Signature and seal</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Ảnh PNG nền trong suốt: chữ ký màu xanh, con dấu màu đỏ.</source>
        <translation>PNG images with a transparent background: the signature in blue, the seal in red.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh chữ ký:</source>
        <translation>Signature image:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh con dấu:</source>
        <translation>Seal image:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đường kính con dấu:</source>
        <translation>Seal diameter:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh chữ ký nháy:</source>
        <translation>Initial image:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tên cơ quan:</source>
        <translation>Agency name:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Chạy Kyso khi đăng nhập (thu nhỏ vào khay): dịch vụ ký số cho trang web luôn sẵn sàng</source>
        <translation>Start Kyso when I log in (minimised to the tray): the signing service for web pages is always there</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 (không tìm thấy tệp)</source>
        <translation>%1 (file not found)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Không tìm thấy phần mềm token nào</source>
        <translation>No token software found</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Không tìm được phần mềm token</source>
        <translation>Could not look for token software</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chứng thư số duy nhất dùng được trên token</source>
        <translation>The token's only usable certificate</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Chọn phần mềm token (PKCS#11)</source>
        <translation>Choose the token software (PKCS#11)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thư viện PKCS#11 (*.so *.dll *.dylib);;Mọi tệp (*)</source>
        <translation>PKCS#11 libraries (*.so *.dll *.dylib);;All files (*)</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Đang đọc token…</source>
        <translation>Reading the token…</translation>
    </message>
    <message>
        <location line="-81"/>
        <source>Giữ nguyên: %1</source>
        <translation>Keep: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 — token %2, hết hạn %3</source>
        <translation>%1 — token %2, expires %3</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>Không có token nào đang cắm vào máy với phần mềm này.</source>
        <translation>No token for this software is plugged in.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token không có chứng thư số nào.</source>
        <translation>The token holds no certificate.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chứng thư số mờ là chứng thư không dùng được để ký.</source>
        <translation>Greyed-out certificates cannot be used for signing.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Địa chỉ máy chủ</source>
        <translation>The server address</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Máy chủ dấu thời gian</source>
        <translation>The timestamp server</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 phải bắt đầu bằng http:// hoặc https://</source>
        <translation>%1 must start with http:// or https://</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh chữ ký</source>
        <translation>Signature image</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ảnh con dấu</source>
        <translation>Seal image</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ảnh chữ ký nháy</source>
        <translation>Initial image</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: không có tệp “%2”</source>
        <translation>%1: there is no file “%2”</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Không lưu được cài đặt: %1</source>
        <translation>Could not save the settings: %1</translation>
    </message>
</context>
<context>
    <name>SignaturePanel</name>
    <message>
        <location filename="../../gui/signatures.py" line="+194"/>
        <source>Chưa kiểm tra chữ ký.</source>
        <translation>Signatures not checked yet.</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Chữ ký</source>
        <extracomment>ETSI EN 319 102-1 verdict -&gt; (mark, colour) Info-dictionary keys shown first, with their Vietnamese labels. [(page, (x0, y0, x1, y1))] shown differently now than when signed (the selected signature&apos;s, or every signature&apos;s)</extracomment>
        <translation>Signature</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Chi tiết</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lập biên bản…</source>
        <translation>Report…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ghi biên bản kiểm tra chữ ký số (PDF) của văn bản này</source>
        <translation>Write the digital signature verification report (PDF) of this document</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Danh sách chữ ký</source>
        <translation>Signature list</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thông tin văn bản</source>
        <translation>Document information</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Giá trị</source>
        <translation>Value</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Đang kiểm tra chữ ký…</source>
        <translation>Checking signatures…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Không kiểm tra được: %1</source>
        <translation>Could not check: %1</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Văn bản chưa có chữ ký số.</source>
        <translation>The document has no digital signature.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✔ Chữ ký hợp lệ.</source>
        <translation>✔ The signature is valid.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>✔ Cả %1 chữ ký đều hợp lệ.</source>
        <translation>✔ All %1 signatures are valid.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>✘ %1/%2 chữ ký không hợp lệ.</source>
        <translation>✘ %1/%2 signatures are not valid.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>? %1/%2 chữ ký chưa xác định được (xem lý do).</source>
        <translation>? %1/%2 signatures are indeterminate (see the reasons).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Hợp lệ</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Không hợp lệ</source>
        <translation>Not valid</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chưa xác định</source>
        <translation>Indeterminate</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+40"/>
        <source>không rõ</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Thời điểm ký</source>
        <translation>Signing time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phạm vi ký</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sau khi ký</source>
        <translation>After signing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trường chữ ký</source>
        <translation>Signature field</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chủ thể chứng thư</source>
        <translation>Certificate subject</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dấu thời gian</source>
        <translation>Timestamp</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chuỗi chứng thư</source>
        <translation>Certificate chain</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu hồi</source>
        <translation>Revocation</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Chưa bị thu hồi (đã kiểm tra)</source>
        <translation>Not revoked (checked)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã bị thu hồi</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chưa kiểm tra</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+29"/>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thay đổi được phép</source>
        <translation>Permitted change</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>trang %1, vùng %2</source>
        <translation>page %1, area %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Vùng đè lên nội dung đã ký</source>
        <translation>Area drawn over signed content</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vùng hiển thị thay đổi</source>
        <translation>Area shown differently</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Thời điểm</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Đơn vị cấp dấu thời gian</source>
        <translation>Time-stamping authority</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Lưu biên bản kiểm tra chữ ký số</source>
        <translation>Save the signature verification report</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tệp PDF (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Không ghi được biên bản: %1</source>
        <translation>Could not write the report: %1</translation>
    </message>
    <message>
        <location filename="../../gui/trstrings.py" line="+40"/>
        <source>Không có thay đổi sau khi ký</source>
        <translation>No change after signing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chỉ ký thêm hoặc điền số, ngày (thay đổi được phép)</source>
        <translation>Only further signatures or number and date filled in (allowed changes)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Có thay đổi đáng ngờ sau khi ký</source>
        <translation>Suspicious change after signing</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trích yếu (Title)</source>
        <translation>Summary (Title)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chủ đề (Subject)</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cơ quan ban hành (Author)</source>
        <translation>Issuing agency (Author)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loại văn bản</source>
        <translation>Document type</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ký hiệu</source>
        <translation>Symbol</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Độ mật</source>
        <translation>Secrecy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Người ký</source>
        <translation>Signer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chức vụ người ký</source>
        <translation>Signer&apos;s position</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phần mềm tạo tệp</source>
        <translation>Producer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Công cụ soạn thảo</source>
        <translation>Creator</translation>
    </message>
</context>
<context>
    <name>SigningFlow</name>
    <message>
        <location filename="../../gui/signflow.py" line="+65"/>
        <source>Vị trí tìm được chưa chắc chắn (độ tin cậy {0:.0%}). Hãy xem và kéo khung đến đúng chỗ trước khi ký.</source>
        <extracomment>modules the signing path needs; :func:`warm_up` loads them off the GUI thread</extracomment>
        <translation>The place found is not certain (confidence {0:.0%}). Look at it and drag the frame to the right spot before signing.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Không tìm được vị trí đặt chữ ký tự động. Hãy kéo khung đến chỗ cần ký.</source>
        <translation>The place for the signature could not be found automatically. Drag the frame to where it should go.</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>Đã hủy nhập mã PIN.</source>
        <translation>PIN entry cancelled.</translation>
    </message>
</context>
<context>
    <name>StampBox</name>
    <message>
        <location filename="../../gui/pdfview.py" line="-419"/>
        <source>Kéo để di chuyển; kéo góc dưới bên phải để đổi kích thước</source>
        <translation>Drag to move; drag the bottom right corner to resize</translation>
    </message>
</context>
<context>
    <name>StampPreview</name>
    <message>
        <location filename="../../gui/stamppreview.py" line="+233"/>
        <source>Chữ ký của lãnh đạo và dấu của cơ quan (đúng tỷ lệ trên trang)</source>
        <extracomment>pixels per point of the preview (about 4.3 px per mm: a 36 mm seal is ~150 px)</extracomment>
        <translation>The leader&apos;s signature and the agency&apos;s seal (to scale, as on the page)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chữ ký nháy (phóng to gấp đôi)</source>
        <translation>Initial (twice the size)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Không vẽ được mẫu chữ ký: %1</source>
        <translation>Cannot draw the stamp preview: %1</translation>
    </message>
</context>
<context>
    <name>TokenPage</name>
    <message>
        <location filename="../../gui/firstrun.py" line="+57"/>
        <source>Token ký số</source>
        <translation>Signing token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cắm token vào máy. Kyso tìm phần mềm của token và chứng thư số trên token.</source>
        <translation>Plug in your token. Kyso looks for the token&apos;s software and the certificates on it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Token và chứng thư số</source>
        <translation>Tokens and certificates</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hiệu lực đến</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tìm lại</source>
        <translation>Search again</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>&lt;p&gt;&lt;b&gt;Chưa tìm thấy token nào trên máy này.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Để ký số, máy cần có phần mềm của token do nhà cung cấp chứng thư số (CA) cấp, ví dụ Ban Cơ yếu Chính phủ, VNPT-CA, Viettel-CA, BKAV-CA hoặc FPT-CA:&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Cắm token vào cổng USB của máy.&lt;/li&gt;&lt;li&gt;Cài phần mềm đi kèm token. Phần mềm thường có sẵn trong token (mở ổ đĩa mới xuất hiện khi cắm token) hoặc tải từ trang hỗ trợ của nhà cung cấp chứng thư số.&lt;/li&gt;&lt;li&gt;Rút token ra, cắm lại, rồi bấm &lt;b&gt;Tìm lại&lt;/b&gt;.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Nếu vẫn không thấy, hãy gọi bộ phận công nghệ thông tin của cơ quan hoặc tổng đài hỗ trợ của nhà cung cấp chứng thư số. Có thể bỏ qua bước này và chọn token sau trong &lt;b&gt;Cài đặt&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;No token was found on this computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;To sign, this computer needs the token software from your certificate authority (CA), for example the Government Cipher Committee, VNPT-CA, Viettel-CA, BKAV-CA or FPT-CA:&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Plug the token into a USB port.&lt;/li&gt;&lt;li&gt;Install the software that comes with the token. It is often on the token itself (open the new drive that appears when the token is plugged in) or on the CA&apos;s support website.&lt;/li&gt;&lt;li&gt;Unplug the token, plug it in again, then click &lt;b&gt;Search again&lt;/b&gt;.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;If it is still not found, call your agency&apos;s IT department or the CA&apos;s support line. You can skip this step and choose the token later in &lt;b&gt;Settings&lt;/b&gt;.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Đang tìm token…</source>
        <translation>Looking for tokens…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Đang đọc token của %1…</source>
        <translation>Reading the tokens of %1…</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location line="+91"/>
        <source>Token không có chứng thư số nào dùng được để ký. Hãy liên hệ nhà cung cấp chứng thư số.</source>
        <translation>The token holds no certificate usable for signing. Contact your certificate authority.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chọn chứng thư số dùng để ký:</source>
        <translation>Choose the certificate to sign with:</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>không có khóa ký trên token</source>
        <translation>no signing key on the token</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../gui/pindialog.py" line="-18"/>
        <source>token.pin_locked</source>
        <translation>token.pin_locked</translation>
    </message>
</context>
</TS>
