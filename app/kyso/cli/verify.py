"""``kyso verify``: every signature of every file, with a verdict.

Verdicts are those of ETSI EN 319 102-1: passed, failed (something was found
wrong), indeterminate (it could not be concluded, e.g. no trusted chain). The
exit code is 0 only when every file passed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core import messages
from ..core.errors import ExitCode, UsageError
from .common import english, print_json


#: What pyHanko's difference analysis found after a signature, in words.
CHANGE_WORDS = {
    "none": ("không có thay đổi", "no change"),
    "form_filling": ("điền biểu mẫu (được phép)", "form filling (allowed)"),
    "suspicious": ("thay đổi đáng ngờ", "suspicious change"),
}


def change_words(kind: str, en: bool) -> str:
    vi_word, en_word = CHANGE_WORDS.get(kind, (kind, kind))
    return en_word if en else vi_word


def register(sub, parser_class) -> None:
    vf = sub.add_parser("verify", help="kiểm tra chữ ký số / verify signatures")
    vf.add_argument("files", nargs="+", metavar="FILE")
    vf.add_argument("--trust", action="append", metavar="CERT",
                    help="chứng thư gốc tin cậy (PEM/DER), lặp lại được / trusted root, repeatable")
    vf.add_argument("--online", "--fetch-revocation", dest="online", action="store_true",
                    help="tra cứu OCSP/CRL và chứng thư trung gian qua mạng / "
                         "fetch OCSP/CRL and missing intermediates over the network")
    vf.add_argument("--report", metavar="REPORT.pdf",
                    help="ghi biên bản kiểm tra chữ ký số (PDF) / write a verification report (PDF)")
    vf.add_argument("--json", action="store_true")
    vf.add_argument("--jobs", type=int, metavar="N",
                    help="số tiến trình kiểm tra song song (mặc định: số nhân CPU) / "
                         "worker processes for many files (default: one a CPU core)")
    vf.set_defaults(func=lambda a: verify([Path(f) for f in a.files], [Path(t) for t in a.trust or []],
                                          a.online, a.json, Path(a.report) if a.report else None,
                                          jobs=a.jobs))


def trusted_roots(extra: list[Path]):
    """The ``--trust`` roots (the pools, the administrator's included, are added by the core)."""
    from ..core.verify import load_certificates

    try:
        return load_certificates(extra)
    except (OSError, ValueError) as exc:
        raise UsageError("usage.bad_certificate", path=str(exc)) from exc


_MARK = {"passed": "✔", "failed": "✘", "indeterminate": "?"}


def verify(files: list[Path], trust: list[Path], online: bool, as_json: bool,
           report: Path | None = None, jobs: int | None = None) -> int:
    from ..services.verification import verify_files

    if report is not None and len(files) != 1:
        raise UsageError("usage.report_one_file")
    roots = trusted_roots(trust)
    password = os.environ.get("KYSO_PDF_PASSWORD")
    reports = verify_files(files, roots, online=online, password=password, jobs=jobs)
    en = english()
    if report is not None and reports[0].error is None:
        from ..core.report import write_report

        write_report(reports[0], files[0], report, password=password)
    if as_json:
        out = {"valid": all(r.valid for r in reports),
               "indication": _overall(reports), "files": [r.to_json() for r in reports]}
        if report is not None:
            out["report"] = str(report)
        print_json(out)
    else:
        for rep in reports:
            verdict = messages.tr(f"indication.{rep.indication}")
            print(f"{rep.path}: {verdict.upper()} ({rep.indication})")
            if rep.sha256:
                print(f"  SHA-256: {rep.sha256}")
            if rep.error:
                print(f"  {rep.error}")
            elif not rep.signatures:
                print(f"  {messages.tr('verify.no_signatures')}")
            for s in rep.signatures:
                when = s.signing_time.isoformat() if s.signing_time else "?"
                print(f"  {_MARK[s.indication]} {s.field}: {s.signer} — {when} — "
                      f"{messages.tr('indication.' + s.indication)}")
                print(f"      {'covers' if en else 'phạm vi'}: {s.covers()}; "
                      f"{'after signing' if en else 'sau khi ký'}: {change_words(s.modification, en)}")
                if s.chain:
                    print(f"      {'chain' if en else 'chuỗi chứng thư'}: {' → '.join(s.chain)}")
                for reason in s.reasons():
                    print(f"      ! {reason}")
                for note in s.note_texts():
                    print(f"      · {note}")
                for c in s.permitted:
                    print(f"      · {'permitted' if en else 'được phép'}: {c.describe()}")
                for r in s.regions:
                    rect = " ".join(f"{v:.0f}" for v in r.rect)
                    mark = "!" if r.covers_signed_content else "·"
                    print(f"      {mark} {messages.tr('change.region')}: "
                          f"{messages.tr('change.where_page', page=r.page)} [{rect}]")
            for t in rep.timestamps:
                when = t.time.isoformat() if t.time else "?"
                label = "document timestamp" if en else "dấu thời gian văn bản"
                print(f"  {_MARK[t.indication]} {label} {t.field}: {t.tsa} — {when}")
                for reason in t.reasons():
                    print(f"      ! {reason}")
        if report is not None and reports[0].error is None:
            print(("Report: " if en else "Biên bản: ") + str(report))
    if any(r.error_code and r.error_code.startswith("doc.") and r.error_code not in (
            "doc.corrupt", "doc.not_pdf") for r in reports) and not any(r.signatures for r in reports):
        return ExitCode.DOCUMENT
    return ExitCode.OK if all(r.valid for r in reports) else ExitCode.VERIFY


def _overall(reports) -> str:
    states = [r.indication for r in reports]
    if "failed" in states:
        return "failed"
    return "indeterminate" if "indeterminate" in states else "passed"
