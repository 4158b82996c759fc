"""``kyso sign``: files into files, or a server document into the outbox.

The handler reads the flags into a :class:`~kyso.services.request.SigningRequest`
and :class:`~kyso.services.tokens.TokenCriteria`; everything after that —
the person's settings, the token and certificate, the one batch loop — is the
application layer's, exactly as the desktop app does it.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import UsageError, most_serious
from ..core.role import ROLE_NAMES, Role
from .common import english, parse_box, print_json, settings

if TYPE_CHECKING:
    from ..services.request import SigningRequest
    from ..services.tokens import TokenCriteria

# The signing stack (fonts, PKCS#11, pyHanko's signer) is imported by the
# handlers, not here: every ``kyso`` command loads this module to list it.


def register(sub, parser_class) -> None:
    sg = sub.add_parser("sign", help="ký số văn bản PDF / sign PDF documents")
    sg.add_argument("files", nargs="*", metavar="FILE")
    sg.add_argument("--doc", help="ký văn bản ID từ hộp thư (kho cục bộ) rồi gửi / sign inbox document ID")
    sg.add_argument("--store", help=argparse.SUPPRESS)
    sg.add_argument("--server", help=argparse.SUPPRESS)
    sg.add_argument("--user", help=argparse.SUPPRESS)
    sg.add_argument("--module", help="đường dẫn thư viện PKCS#11 / PKCS#11 module path")
    sg.add_argument("--token", help="nhãn token / token label")
    sg.add_argument("--cert", help="ID (hex) hoặc nhãn khóa / key ID (hex) or label")
    sg.add_argument("--page", type=int, help="trang (từ 1) / page (from 1)")
    sg.add_argument("--box", help="X1,Y1,X2,Y2 (điểm PDF, từ góc dưới trái / PDF points from lower left)")
    sg.add_argument("--text", help="nội dung chữ ký; dùng {signer} {time} {organisation} {title}")
    sg.add_argument("--image", help="ảnh PNG / PNG image")
    sg.add_argument("--tsa", help="máy chủ dấu thời gian (RFC 3161) → PAdES B-T")
    sg.add_argument("--ca-cert", action="append", metavar="CERT",
                    help="chứng thư CA trung gian để nhúng chuỗi / intermediate CA certificate to embed")
    sg.add_argument("--role", choices=ROLE_NAMES,
                    help="vai trò (Nghị định 30): initial=ký nháy, leader=lãnh đạo ký, agency=văn thư "
                         "cấp số và ký số cơ quan, attachment=phụ lục, copy=bản sao")
    sg.add_argument("--number", help="số văn bản khi cấp số, ví dụ 417 / document number at issuance")
    sg.add_argument("--date", help="ngày ban hành, ISO, ví dụ 2026-11-20 (mặc định: hôm nay, giờ Việt Nam) / "
                                   "issue date (default: today in Vietnam)")
    sg.add_argument("--signature-image", help="ảnh chữ ký (PNG xanh, nền trong suốt)")
    sg.add_argument("--seal-image", help="ảnh con dấu (PNG đỏ, nền trong suốt)")
    sg.add_argument("--seal-diameter", type=float, help="đường kính dấu, mm (mặc định 36)")
    sg.add_argument("--initial-image", help="ảnh chữ ký nháy (PNG)")
    sg.add_argument("--main-number", help="số, ký hiệu văn bản chính (phụ lục), ví dụ 607/UBND-VP")
    sg.add_argument("--copy-form", choices=["SAO Y", "SAO LỤC", "TRÍCH SAO"], help="hình thức sao")
    sg.add_argument("--reason")
    sg.add_argument("--location")
    sg.add_argument("--final-try", action="store_true",
                    help="cho phép thử mã PIN khi token chỉ còn một lần thử / allow the last PIN try")
    sg.add_argument("--force", action="store_true",
                    help="ký cả khi chữ ký có sẵn không hợp lệ / sign despite invalid existing signatures")
    out = sg.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="tệp kết quả / output file")
    out.add_argument("--out-dir", help="thư mục kết quả / output folder")
    sg.add_argument("--json", action="store_true")
    sg.set_defaults(func=cmd_sign)


def _issue_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("issue.bad_date", value=text) from None


def request_from_flags(args) -> SigningRequest:
    """The face's answers (flags) as one signing request."""
    from ..core.signing import Placement
    from ..services.request import SigningRequest, StyleChoices

    if (args.page is None) != (args.box is None):
        raise UsageError("usage.page_without_box")
    placement = Placement(args.page - 1, parse_box(args.box)) if args.page is not None else None
    if args.role is None and placement is None and (args.text or args.image):
        raise UsageError("usage.page_without_box")
    return SigningRequest(
        role=Role.parse(args.role) if args.role else None, number=args.number,
        issue_date=_issue_date(args.date), main_number=args.main_number or "",
        copy_form=args.copy_form, placement=placement, text=args.text,
        image=Path(args.image) if args.image else None, reason=args.reason, location=args.location,
        tsa_url=args.tsa, force=args.force, password=os.environ.get("KYSO_PDF_PASSWORD"),
        styles=StyleChoices(signature_image=args.signature_image, seal_image=args.seal_image,
                            seal_diameter_mm=args.seal_diameter, initial_image=args.initial_image))


def cmd_sign(args) -> int:
    from ..services.tokens import TokenCriteria

    request = request_from_flags(args)
    criteria = TokenCriteria(module=args.module, token=args.token, cert=args.cert,
                             final_try=args.final_try)
    ca_certs = [Path(c) for c in args.ca_cert or []]
    if args.doc:
        if args.files or args.output or args.out_dir:
            raise UsageError("usage.doc_with_files")
        from .server import ServerTarget, sign_stored_document

        return sign_stored_document(ServerTarget.from_args(args), args.doc, request, criteria, ca_certs)
    if not args.files:
        raise UsageError("usage.files_needed")
    return sign_files([Path(f) for f in args.files], Path(args.output) if args.output else None,
                      Path(args.out_dir) if args.out_dir else None, request, criteria, ca_certs, args.json)


def plan_outputs(files: list[Path], output: Path | None, out_dir: Path | None) -> list[tuple[Path, Path]]:
    if output is not None and len(files) > 1:
        raise UsageError("usage.one_output_many_inputs")
    if output is not None:
        return [(files[0], output)]
    if out_dir is not None:     # same names get " (2)", long names are shortened
        from ..core.fileio import distinct_outputs

        return list(zip(files, distinct_outputs(files, out_dir)))
    raise UsageError("usage.output_needed")


def sign_files(files: list[Path], output: Path | None, out_dir: Path | None, request: SigningRequest,
               criteria: TokenCriteria, ca_certs: list[Path], as_json: bool) -> int:
    from ..services.batch import FileSink, Job, run_batch
    from ..services.request import sign_options
    from ..services.tokens import open_signer
    from .common import TerminalPinSource

    pairs = plan_outputs(files, output, out_dir)
    conf = settings()
    options = sign_options(request, conf)

    def progress(i, total, result):
        if as_json:
            return
        if result.ok:
            print(f"[{i}/{total}] ✔ {result.source} → {result.output}")
        else:
            print(f"[{i}/{total}] ✘ {result.source}: {result.error.message}", file=sys.stderr)

    with open_signer(criteria, conf, TerminalPinSource(), ca_certs) as opened:
        results = run_batch(opened.signer, [Job(src, dst) for src, dst in pairs], options, FileSink(),
                            progress=progress)
    if as_json:
        print_json({"results": [r.to_json() for r in results]})
    elif len(results) > 1:
        ok = sum(r.ok for r in results)
        print(f"{ok}/{len(results)} {'signed' if english() else 'văn bản đã ký'}")
    return most_serious(r.error.exit_code for r in results if r.error is not None)

