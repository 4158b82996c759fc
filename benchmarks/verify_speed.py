"""Verification speed: Kyso against poppler's ``pdfsig``, same files, same run.

    .venv/bin/python benchmarks/verify_speed.py [--docs 200]

Builds a test PKI in a temporary folder, makes N Decree 30 sample documents
and signs each twice with plain pyHanko (a leader, then the agency, visible
signatures, PAdES), so every document has a signature followed by a later
revision (the case where Kyso also compares what the page showed). Then:

- kyso: one ``kyso verify --json`` command over all N files (the test root
  given with ``--trust``; offline, so revocation is "not checked"), as a
  clerk runs it: the files shared among one worker process a CPU core;
- kyso --jobs 1: the same command in one process, one core;
- kyso-library: ``verify_file`` in this process, file by file;
- pdfsig: one ``pdfsig`` process per file (poppler has no batch mode), with
  its certificate check, then with ``-nocert``, then as many at a time as
  Kyso has workers (the fair comparison for Kyso's parallel run).

Prints seconds in total and per document, and Kyso's ratio to pdfsig.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP = HERE.parent / "app"


def make_documents(work: Path, n: int) -> tuple[list[Path], Path]:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from kyso.demo.pki import build_test_pki
    from kyso.demo.samples import generate_sample

    pki = build_test_pki(work / "pki")

    def signer(who):
        ident = pki.identities[who]
        return signers.SimpleSigner.load(str(ident.key_path), str(ident.cert_path),
                                         ca_chain_files=(str(pki.intermediate_cert_path),))

    lead, agency = signer("leader"), signer("agency")
    base = generate_sample("cong_van", work / "base.pdf").path
    docs = work / "docs"
    docs.mkdir()
    out = []
    for i in range(n):
        cur = base
        for who, s, box in (("a", lead, (330, 60, 560, 110)), ("b", agency, (330, 120, 560, 170))):
            dst = docs / f"doc{i:03d}{who}.pdf"
            with cur.open("rb") as fh, dst.open("wb") as o:
                w = IncrementalPdfFileWriter(fh, strict=False)
                name = f"Sig{who}"
                fields.append_signature_field(w, fields.SigFieldSpec(name, box=box))
                signers.PdfSigner(signers.PdfSignatureMetadata(
                    field_name=name, subfilter=fields.SigSeedSubFilter.PADES), s).sign_pdf(w, output=o)
            if cur != base:
                cur.unlink()
            cur = dst
        out.append(cur)
    return out, pki.root_cert_path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kyso-verify-bench-"))
    env = dict(os.environ, PYTHONPATH=str(APP), KYSO_HOME=str(work / "home"), KYSO_FONT="bundled")
    os.environ.update({k: env[k] for k in ("KYSO_HOME", "KYSO_FONT")})
    try:
        t = time.perf_counter()
        files, root = make_documents(work, args.docs)
        print(f"made {len(files)} documents with 2 signatures each in {time.perf_counter() - t:.1f} s")

        import json

        def kyso_cli_run(jobs: int | None):
            extra = [] if jobs is None else ["--jobs", str(jobs)]
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "kyso.cli", "verify", "--json", *extra,
                                "--trust", str(root), *map(str, files)], env=env, capture_output=True, text=True)
            took = time.perf_counter() - t
            if not r.stdout.strip():
                sys.exit(f"kyso verify printed nothing (exit {r.returncode}):\n{r.stderr[-2000:]}")
            data = json.loads(r.stdout)
            return took, sum(1 for f in data["files"] if f["indication"] == "passed")

        kyso_cli, passed = kyso_cli_run(None)
        kyso_one, passed_one = kyso_cli_run(1)

        from kyso.core.verify import load_certificates, verify_file

        roots = load_certificates([root])
        verify_file(files[0], roots)                   # imports and fonts, not timed
        t = time.perf_counter()
        for f in files:
            verify_file(f, roots)
        kyso_lib = time.perf_counter() - t

        def pdfsig(extra):
            t = time.perf_counter()
            ok = 0
            for f in files:
                out = subprocess.run(["pdfsig", *extra, str(f)], capture_output=True, text=True).stdout
                ok += out.count("Signature is Valid") == 2
            return time.perf_counter() - t, ok

        ps, ps_ok = pdfsig([])
        psn, _ = pdfsig(["-nocert"])

        def pdfsig_parallel(workers: int) -> float:      # pdfsig as many at a time as Kyso's workers
            from concurrent.futures import ThreadPoolExecutor

            t = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda f: subprocess.run(["pdfsig", str(f)], capture_output=True), files))
            return time.perf_counter() - t

        cores = os.cpu_count() or 1
        psp = pdfsig_parallel(cores)
        n = len(files)
        print(f"kyso verify ({n} files, {cores} workers):  {kyso_cli:7.2f} s  {1000 * kyso_cli / n:6.1f} ms/doc  "
              f"passed {passed}/{n}")
        print(f"kyso verify --jobs 1 (one process): {kyso_one:7.2f} s  {1000 * kyso_one / n:6.1f} ms/doc  "
              f"passed {passed_one}/{n}")
        print(f"kyso verify_file (in process):       {kyso_lib:7.2f} s  {1000 * kyso_lib / n:6.1f} ms/doc")
        print(f"pdfsig (one process per file):       {ps:7.2f} s  {1000 * ps / n:6.1f} ms/doc  "
              f"both signatures valid {ps_ok}/{n}")
        print(f"pdfsig -nocert:                      {psn:7.2f} s  {1000 * psn / n:6.1f} ms/doc")
        print(f"pdfsig, {cores} at a time:                {psp:7.2f} s  {1000 * psp / n:6.1f} ms/doc")
        print(f"ratio kyso CLI / pdfsig: {kyso_cli / ps:.2f}×   CLI --jobs 1 / pdfsig: {kyso_one / ps:.2f}×   "
              f"in-process / pdfsig: {kyso_lib / ps:.2f}×   (goal: within 3×)")
        print(f"both using {cores} cores: kyso CLI / pdfsig {cores} at a time: {kyso_cli / psp:.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
