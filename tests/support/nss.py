"""NSS's own judgement of a signed PDF's certificate chains (libnss3-tools).

poppler's ``pdfsig`` asks NSS too, but poppler 22.12 (Debian 12) reads NSS's
last error code even when ``CERT_PKIXVerifyCert`` succeeded, so with a trusted
root its certificate line can show a stale "Unknown issue with Certificate or
corrupted data". ``vfychain`` gives NSS's verdict directly.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def nss_chain_check(pdf: Path, root: Path, work: Path) -> list[str]:
    """For each signature: NSS's own verdict (``vfychain``, PKIX, e-mail signer
    usage, as poppler asks) on the certificates the signature carries, with only
    ``root`` trusted. One line per signature, ending "Chain is good!" or not."""
    work.mkdir()
    db = f"sql:{work}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", db, "-n", "root", "-t", "C,C,C", "-i", str(root)],
                   check=True, capture_output=True)
    subprocess.run(["pdfsig", "-nocert", "-dump", str(pdf.resolve())], cwd=work, check=True,
                   capture_output=True)
    verdicts = []
    for dump in sorted(work.glob("*.sig[0-9]*")):
        pem = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-in", str(dump)],
                             check=True, capture_output=True, text=True).stdout
        certs = [c + "-----END CERTIFICATE-----\n" for c in pem.split("-----END CERTIFICATE-----")[:-1]]
        files = []
        for i, cert in enumerate(certs):
            f = work / f"{dump.stem}-{i}.pem"
            f.write_text(cert[cert.index("-----BEGIN"):])
            files.append(str(f))
        # vfychain takes the end-entity first; pyHanko/Kyso embed it first too
        res = subprocess.run(["vfychain", "-d", db, "-pp", "-u", "4", *(a for f in files for a in ("-a", f))],
                             capture_output=True, text=True)
        verdicts.append(f"{dump.name}: " + (res.stdout + res.stderr).strip().splitlines()[-1 if res.returncode == 0 else 0])
    assert verdicts, "pdfsig -dump wrote no signature"
    return verdicts
