"""``kyso demo``: the whole signing path on a software token, in one command.

Builds a throwaway test PKI and SoftHSM2 token in a folder of its own (never a
real token: the module is SoftHSM2 with its own configuration), makes a
Decree 30 sample document from a real directive, then carries it through the
three signatures of the People's Committee path — the office reviewer's
initial, the leader's signature, the clerk's number, date and agency seal —
verifies the result, and renders the signed page to PNG.

Everything is removed at the end unless ``--keep DIR`` is given.

With a display (DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM set) ``kyso demo``
opens the desktop app instead (:mod:`kyso.demo.gui`); ``--cli`` keeps this
command-line walkthrough.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PIN = "123456"
TOKENS = {"KYSO-DEMO-REVIEWER": "reviewer", "KYSO-DEMO-LEADER": "leader", "KYSO-DEMO-CLERK": "agency"}


def _say(text: str) -> None:
    print(text, flush=True)


def run_demo(work: Path) -> Path:
    # The demo's SoftHSM2 configuration must be in place before the module loads.
    os.environ["SOFTHSM2_CONF"] = str(work / "softhsm" / "softhsm2.conf")
    os.environ.setdefault("KYSO_HOME", str(work / "home"))

    from kyso.core import settings, tokens
    from kyso.core.role import Role
    from kyso.core.signing import sign_document
    from kyso.core.vntime import vietnam_today
    from kyso.demo.settings import demo_settings
    from kyso.services.request import SigningRequest, sign_options
    from kyso.core.verify import load_certificates, verify_file
    from kyso.demo.pki import build_test_pki
    from kyso.demo.samples import generate_sample
    from kyso.demo.softhsm import create_softhsm_tokens

    _say("1/7 Tạo hạ tầng khóa công khai thử nghiệm (không dùng thật)…")
    pki = build_test_pki(work / "pki")
    _say("2/7 Tạo token mềm SoftHSM2 cho chuyên viên VP, lãnh đạo, văn thư (PIN demo: 123456)…")
    hsm = create_softhsm_tokens(
        work / "softhsm", {label: [pki.identities[name]] for label, name in TOKENS.items()},
        user_pin=PIN, so_pin="12345678", ca_certs=[pki.intermediate_cert_der])
    _say("3/7 Soạn văn bản mẫu theo Nghị định 30/2020 (công văn của UBND thành phố Phủ Lý)…")
    doc = generate_sample("cong_van", work / "1-du-thao.pdf")

    # The demo's people have the specimen images ("MẪU") as their own, in the
    # demo's settings: a real installation starts with none (text stamps).
    conf = demo_settings()
    settings.save(conf)
    steps = [
        ("KYSO-DEMO-REVIEWER", SigningRequest(Role.INITIAL), "2-ky-nhay.pdf", "Lãnh đạo Văn phòng ký nháy"),
        ("KYSO-DEMO-LEADER", SigningRequest(Role.LEADER), "3-lanh-dao-ky.pdf", "Phó Chủ tịch ký số"),
        ("KYSO-DEMO-CLERK", SigningRequest(Role.AGENCY, number="417", issue_date=vietnam_today()),
         "4-ban-hanh.pdf", "Văn thư cấp số 417, ngày và ký số cơ quan"),
    ]
    src = doc.path
    for i, (label, request, name, what) in enumerate(steps, start=4):
        _say(f"{i}/7 {what}…")
        with tokens.open_token(hsm.module_path, label) as session:
            session.login(PIN)
            signer = session.signer(session.certificate())
            out = work / name
            sign_document(signer, src, out, sign_options(request, conf))
        src = out
    _say("7/7 Kiểm tra chữ ký số của văn bản đã ban hành…")
    report = verify_file(src, load_certificates([pki.root_cert_path]))
    for sig in report.signatures:
        mark = "✔" if sig.valid else "✘"
        _say(f"    {mark} {sig.signer}: {sig.signing_time.isoformat() if sig.signing_time else '?'} "
             f"— {'hợp lệ' if sig.valid else '; '.join(sig.reasons())}")
    _say(f"    Văn bản: {'HỢP LỆ' if report.valid else 'KHÔNG HỢP LỆ'}")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(src),
                        str(work / "4-ban-hanh")], check=False)
    return src


def main(args) -> int:
    keep = Path(args.keep).resolve() if getattr(args, "keep", None) else None
    work = keep or Path(tempfile.mkdtemp(prefix="kyso-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    from .gui import display_available

    if not getattr(args, "cli", False) and display_available():
        # the desktop app with a role switcher (kyso.demo.gui); it cleans up itself
        from .gui import run_gui_demo

        return run_gui_demo(work, keep=keep is not None)
    try:
        final = run_demo(work)
        if keep:
            _say(f"\nCác tệp demo ở {work}: dự thảo, ký nháy, lãnh đạo ký, ban hành "
                 f"({final.name}) và ảnh trang ký (4-ban-hanh.png).")
        else:
            _say("\nXong. Dùng --keep THƯ_MỤC để giữ lại các tệp và ảnh trang đã ký.")
        return 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(type("A", (), {"keep": sys.argv[1] if len(sys.argv) > 1 else None, "cli": True})()))
