"""Batch signing speed and memory, Kyso against plain pyHanko, in one run.

    .venv/bin/python benchmarks/batch_sign.py [--docs 200] [--big-mb 100]

Sets up its own test PKI and SoftHSM2 token in a temporary folder, makes N
Decree 30 sample documents of 1 to 3 pages, then signs them all with a visible
stamp carrying Vietnamese text and one login:

- baseline: plain pyHanko, the way a straightforward integration does it: a
  PKCS11Signer made once, then for every document a PdfSigner and a
  TextStampStyle with an OpenType font (GlyphAccumulatorFactory on Tinos);
- kyso: the application layer's batch loop, ``kyso.services.batch.run_batch``, with the
  same stamp text.

Each contender runs in its own child process so peak memory (VmHWM) is
its own. Then a document of about --big-mb megabytes is signed by Kyso alone
and its peak memory is compared with the file's size. Prints the figures and
the ratio; asserts nothing (timed assertions do not belong in tests).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAMP_TEXT = "Ký bởi: Phạm Văn Quân\nPHÓ CHỦ TỊCH UBND THÀNH PHỐ PHỦ LÝ\nThời gian: {time}"
BOX = (330, 60, 560, 130)
PIN = "123456"


def _setup(work: Path) -> dict:
    from kyso.demo.pki import build_test_pki
    from kyso.demo.softhsm import create_softhsm_tokens

    pki = build_test_pki(work / "pki")
    hsm = create_softhsm_tokens(work / "softhsm", {"BENCH": [pki.identities["leader"]]},
                                user_pin=PIN, so_pin="12345678",
                                ca_certs=[pki.intermediate_cert_der])
    return {"module": str(hsm.module_path), "env": hsm.env}


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec, unlike
    ru_maxrss, which a child inherits from the parent that forked it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_baseline(docs: list[Path], out: Path, module: str) -> dict:
    import pkcs11
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer
    from pyhanko.stamp import TextStampStyle

    from kyso.core.fonts import BUNDLED_FONTS

    lib = pkcs11.lib(module)
    token = lib.get_token(token_label="BENCH")
    session = token.open(user_pin=PIN)
    signer = PKCS11Signer(session, key_label="leader", cert_label="leader")
    font = str(BUNDLED_FONTS / "Tinos-Regular.ttf")
    started = time.perf_counter()
    for i, src in enumerate(docs):
        style = TextStampStyle(
            stamp_text=STAMP_TEXT.replace("{time}", "%(ts)s"),
            text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(font), font_size=9),
            border_width=0,
        )
        meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style,
                                       new_field_spec=fields.SigFieldSpec("Sig1", on_page=0, box=BOX))
        with open(src, "rb") as fh, open(out / f"{i}.pdf", "wb") as dst:
            pdf_signer.sign_pdf(IncrementalPdfFileWriter(fh), output=dst)
    elapsed = time.perf_counter() - started
    session.close()
    return {"docs": len(docs), "seconds": elapsed, "peak_mb": _peak_mb()}


def run_kyso(docs: list[Path], out: Path, module: str) -> dict:
    from kyso.core import tokens
    from kyso.core.signing import Placement, SignOptions, text_stamp
    from kyso.core.stamp import Box
    from kyso.services.batch import Job, run_batch

    session = tokens.open_token(module, "BENCH")
    session.login(PIN)
    signer = session.signer(session.certificate())
    box = Box.from_corners(*BOX)
    options = SignOptions(placement=Placement(0, box),
                          appearance=text_stamp(STAMP_TEXT, None, box.w, box.h))
    jobs = [Job(src, out / f"{i}.pdf") for i, src in enumerate(docs)]
    started = time.perf_counter()
    results = run_batch(signer, jobs, options)
    elapsed = time.perf_counter() - started
    session.close()
    failed = [str(r.error) for r in results if not r.ok]
    return {"docs": len(docs), "seconds": elapsed, "peak_mb": _peak_mb(), "failed": failed[:3]}


def make_big_pdf(path: Path, megabytes: int) -> None:
    """A valid PDF carrying ``megabytes`` of incompressible image data over 20 pages."""
    import pikepdf

    pdf = pikepdf.new()
    per_page = megabytes * 1024 * 1024 // 20
    side = int((per_page / 3) ** 0.5)
    for _ in range(20):
        page = pdf.add_blank_page(page_size=(595, 842))
        data = os.urandom(side * side * 3)
        image = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                               Width=side, Height=side, ColorSpace=pikepdf.Name.DeviceRGB,
                               BitsPerComponent=8)
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 500 0 0 500 40 200 cm /Im0 Do Q")
    pdf.save(path)


def run_big(src: Path, out: Path, module: str) -> dict:
    before = _peak_mb()
    result = run_kyso([src], out, module)
    result["idle_peak_mb"] = before
    return result


def _child(kind: str, payload: dict) -> dict:
    env = dict(os.environ)
    env.update(payload["env"])
    env["KYSO_FONT"] = "bundled"
    cmd = [sys.executable, str(Path(__file__)), "--child", kind, json.dumps(payload)]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if res.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--big-mb", type=int, default=100)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, payload = args.child[0], json.loads(args.child[1])
        docs = [Path(p) for p in payload.get("docs", [])]
        out = Path(payload["out"])
        out.mkdir(parents=True, exist_ok=True)
        if kind == "baseline":
            result = run_baseline(docs, out, payload["module"])
        elif kind == "kyso":
            result = run_kyso(docs, out, payload["module"])
        else:
            result = run_big(Path(payload["big"]), out, payload["module"])
        print(json.dumps(result))
        return

    from kyso.demo.samples import generate_batch

    with tempfile.TemporaryDirectory(prefix="kyso-bench-") as tmp:
        work = Path(tmp)
        os.environ["SOFTHSM2_CONF"] = str(work / "softhsm" / "softhsm2.conf")
        setup = _setup(work)
        docs = generate_batch(work / "docs", args.docs, seed=1)
        pages = {}
        for d in docs:
            n = len(__import__("pikepdf").open(d).pages)
            pages[n] = pages.get(n, 0) + 1
        print(f"{len(docs)} documents ({', '.join(f'{v}× {k} page(s)' for k, v in sorted(pages.items()))}), "
              f"SoftHSM2, one login, visible stamp with Vietnamese text")
        payload = {"env": setup["env"], "module": setup["module"], "docs": [str(d) for d in docs]}
        base = _child("baseline", {**payload, "out": str(work / "out-baseline")})
        kyso = _child("kyso", {**payload, "out": str(work / "out-kyso")})
        if kyso.get("failed"):
            print("kyso failures:", kyso["failed"])
        b_rate = base["docs"] / base["seconds"]
        k_rate = kyso["docs"] / kyso["seconds"]
        print(f"baseline (plain pyHanko): {b_rate:7.1f} documents/s  ({base['seconds']:.2f} s)  "
              f"peak memory {base['peak_mb']:.0f} MB")
        print(f"kyso run_batch:           {k_rate:7.1f} documents/s  ({kyso['seconds']:.2f} s)  "
              f"peak memory {kyso['peak_mb']:.0f} MB")
        print(f"ratio: {k_rate / b_rate:.1f}× the baseline (target ≥ 5×)")

        if args.big_mb:
            big = work / "big.pdf"
            make_big_pdf(big, args.big_mb)
            size_mb = big.stat().st_size / 1024 / 1024
            res = _child("big", {**payload, "docs": [], "big": str(big), "out": str(work / "out-big")})
            print(f"large document: {size_mb:.0f} MB signed in {res['seconds']:.2f} s, "
                  f"peak memory {res['peak_mb']:.0f} MB (bare interpreter before imports: "
                  f"{res['idle_peak_mb']:.0f} MB) = {res['peak_mb'] / size_mb:.2f}× the file size "
                  f"(target < 2×)")


if __name__ == "__main__":
    main()
