"""Yearly numbering (Vietnam calendar) and the signing-rate report."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook


def _next(server, register="phuly:UBND-VP", user="vanthu"):
    r = server.post(user, f"/api/v1/registers/{register}/next-number")
    assert r.status_code == 200, r.text
    return r.json()


def test_numbers_restart_on_1_january_vietnam_time(server):
    server.clock.now = datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)  # 23:00 in Hà Nội
    a = _next(server)
    b = _next(server)
    assert (a["year"], a["number"], b["number"]) == (2026, 607, 608)
    server.clock.now = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in Hà Nội
    c = _next(server)
    assert (c["year"], c["number"], c["formatted"]) == (2027, 1, "01")
    d = [_next(server)["formatted"] for _ in range(9)]
    assert d == ["02", "03", "04", "05", "06", "07", "08", "09", "10"]


def test_register_access(server):
    assert server.post("chuyenvien", "/api/v1/registers/phuly:UBND-VP/next-number").status_code == 403
    r = server.post("vanthu", "/api/v1/registers/khongco:X/next-number")
    assert r.status_code == 404 and r.json()["code"] == "register_not_found"
    assert _next(server, "minhkhai:UBND", "vanthuphuong")["number"] == 44


def test_issue_with_unreserved_number_refused(server):
    from .helpers import sign_and_upload

    doc = server.doc_by_subject("vanthu", "Thông báo kết luận")
    r = sign_and_upload(server, "vanthu", doc["id"], number=999)
    assert r.status_code == 409 and r.json()["code"] == "number_not_reserved"
    r = sign_and_upload(server, "vanthu", doc["id"])  # no number: the next one is assigned
    assert r.status_code == 201
    assert server.get("vanthu", f"/api/v1/documents/{doc['id']}").json()["number"] == 607


def test_signing_rate_report(server):
    r = server.get("chutich", "/api/v1/reports/signing-rate", params={"month": "2026-11"})
    assert r.status_code == 200, r.text
    rows = {row["unit_name"]: row for row in r.json()["rows"]}
    phuly = rows["UBND thành phố Phủ Lý"]
    assert (phuly["outgoing"], phuly["leader_signed"], phuly["agency_signed"]) == (7, 6, 5)
    assert (phuly["leader_signed_pct"], phuly["agency_signed_pct"]) == (85.71, 71.43)
    mk = rows["UBND phường Minh Khai"]
    assert (mk["outgoing"], mk["leader_signed"], mk["leader_signed_pct"]) == (3, 1, 33.33)
    assert r.json()["total"]["outgoing"] == 10 and r.json()["total"]["agency_signed_pct"] == 60.0
    assert server.get("chutich", "/api/v1/reports/signing-rate", params={"month": "2026-10"}).json()["rows"] == []
    assert server.get("chuyenvien", "/api/v1/reports/signing-rate", params={"month": "2026-11"}).status_code == 403
    assert server.get("chutich", "/api/v1/reports/signing-rate", params={"month": "2026-13"}).status_code == 422

    # Issuing the waiting "signed" document adds one fully signed outgoing document.
    from .helpers import sign_and_upload

    doc = server.doc_by_subject("vanthu", "Thông báo kết luận")
    assert sign_and_upload(server, "vanthu", doc["id"]).status_code == 201
    phuly = {x["unit_name"]: x for x in server.get(
        "chutich", "/api/v1/reports/signing-rate", params={"month": "2026-11"}).json()["rows"]}["UBND thành phố Phủ Lý"]
    assert (phuly["outgoing"], phuly["leader_signed"], phuly["agency_signed"]) == (8, 7, 6)


def test_signing_rate_xlsx(server):
    r = server.get("chanhvp", "/api/v1/reports/signing-rate", params={"month": "2026-11", "format": "xlsx"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["B2"].value == "Tên cơ quan" and ws["D2"].value == "Văn bản đi có ký số của lãnh đạo"
    assert ws["F2"].value == "Văn bản gửi đi có ký số cơ quan" and ws["D3"].value == "Số lượng"
    body = {row[1]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    assert body["UBND thành phố Phủ Lý"][2:7] == (7, 6, 0.8571, 5, 0.7143)
    assert body["Tổng cộng"][2] == 10
