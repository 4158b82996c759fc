"""Trust pools (shipped Vietnamese roots, the administrator's), path building,
SHA-1 on anchors only, AIA fetching, revocation online/offline with its cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from kyso.core import trust
from kyso.core.verify import load_certificates, verify_file
from support import verify_cases as vc_

RES = trust.RESOURCE_DIR


def test_shipped_files_match_their_pins():
    files = sorted(p.relative_to(RES).as_posix() for p in RES.rglob("*.pem"))
    assert files == sorted(trust.PINNED)
    for rel, pin in trust.PINNED.items():
        der = trust.read_certificates(RES / rel)[0].dump()
        assert hashlib.sha256(der).hexdigest() == pin, rel
    pools, inter = trust.shipped()
    assert len(pools["public"]) == 3 and len(pools["government"]) == 2 and len(inter) == 19


def test_a_changed_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "trust"
    shutil.copytree(RES, copy)
    other = (copy / "intermediates" / "winca-2022.pem").read_bytes()
    (copy / "government" / "vgca-rootca-g2-2018.pem").write_bytes(other)   # a swapped root
    monkeypatch.setattr(trust, "RESOURCE_DIR", copy)
    monkeypatch.setattr(trust, "_SHIPPED", None)
    with pytest.raises(trust.TrustStoreError, match="vgca-rootca-g2-2018"):
        trust.shipped()
    (copy / "government" / "vgca-rootca-g2-2018.pem").write_bytes((RES / "government" / "vgca-rootca-g2-2018.pem").read_bytes())
    (copy / "public" / "extra.pem").write_bytes(other)                       # an unpinned anchor
    monkeypatch.setattr(trust, "_SHIPPED", None)
    with pytest.raises(trust.TrustStoreError, match="not pinned"):
        trust.shipped()


# every shipped intermediate -> (pool, anchor's common name)
G1 = "Co quan chung thuc so chuyen dung Chinh phu (RootCA)"
ANCHOR_OF = {
    "vgca-ca-chinh-phu-g1-2010.pem": ("government", G1),
    "vgca-ca-nha-nuoc-g2-2018.pem": ("government", "RootCA chuyên dùng Chính phủ G2"),
    "vgca-g1-sub-bca-2010.pem": ("government", G1),
    "vgca-g1-sub-bng-2016.pem": ("government", G1),
    "vgca-g1-sub-btc-2010.pem": ("government", G1),
    "vgca-g1-sub-dcs-2010.pem": ("government", G1),
    "vnpt-ca-sha2-2024.pem": ("public", "Vietnam National Root CA"),
    "viettel-ca-rs-2022.pem": ("public", "Vietnam National Root CA"),
    "vnpt-smartca-rs-2021.pem": ("public", "Vietnam National Root CA"),
    "winca-2022.pem": ("public", "Vietnam National Root CA"),
    "fastca-sha256-2020.pem": ("public", "Vietnam National Root CA"),
    **{f"mic-sub-{n}.pem": ("public", "MIC National Root CA") for n in (
        "vnptca-2009", "viettelca-2015", "bkavca-2015", "fptca-2015", "ca2-2015", "newtelca-2013",
        "smartsign-2017", "safeca-2017")},
}


@pytest.mark.parametrize("name", sorted(ANCHOR_OF))
def test_trust_check_reaches_the_right_anchor_and_pool(name, run_kyso):
    r = run_kyso("trust", "check", RES / "intermediates" / name, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    (c,) = json.loads(r.stdout)["certificates"]
    pool, anchor = ANCHOR_OF[name]
    assert c["pool"] == pool and c["anchor"]["subject"] == anchor, c
    assert len(c["path"]) == 2
    # valid now unless expired (never because of SHA-1 signed by an anchor)
    assert c["valid_now"] or "expired" in c["error"], c


def test_sha1_accepted_only_when_signed_by_an_anchor():
    import asyncio

    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    ts = trust.setup()
    g1_sub = trust.read_certificates(RES / "intermediates" / "vgca-ca-chinh-phu-g1-2010.pem")[0]
    assert g1_sub.hash_algo == "sha1"
    _, _, error = asyncio.run(trust.build_path(g1_sub, ts))
    assert error is None
    plain = ValidationContext(trust_roots=list(ts.anchors))     # pyhanko-certvalidator's default policy
    with pytest.raises(Exception, match="sha1"):
        asyncio.run(CertificateValidator(g1_sub, validation_context=plain).async_validate_usage(set()))
    # an end-entity signature by a non-anchor key with SHA-1 stays refused
    from asn1crypto import algos
    policy = trust.validation_context(ts).algorithm_policy
    sha1 = algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    assert not policy.signature_algorithm_allowed(sha1, None, g1_sub.public_key)
    anchor = trust.read_certificates(RES / "government" / "vgca-rootca-g1-2010.pem")[0]
    assert policy.signature_algorithm_allowed(sha1, None, anchor.public_key)


def test_trust_list(run_kyso):
    r = run_kyso("trust", "list", "--json")
    data = json.loads(r.stdout)
    pools = {p["id"]: p for p in data["pools"]}
    assert pools["public"]["name"] == "chứng thư số công cộng" and len(pools["public"]["anchors"]) == 3
    assert pools["government"]["name"] == "chứng thư số chuyên dùng Chính phủ"
    assert {a["sha256"] for a in pools["government"]["anchors"]} == {
        trust.PINNED["government/vgca-rootca-g1-2010.pem"], trust.PINNED["government/vgca-rootca-g2-2018.pem"]}
    assert len(data["intermediates"]) == 19
    r = run_kyso("--lang", "en", "trust", "list")
    assert "government specialised" in r.stdout and "SHA-256 F04BA4B4" in r.stdout


@pytest.fixture(scope="module")
def signed_by_test_pki(test_pki, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("adm")
    return vc_.sign(vc_.base_pdf(folder / "p.pdf"), folder / "signed.pdf", vc_.signer_for(test_pki),
                    "Sig1", box=(300, 100, 500, 160))


def test_admin_pool_trusted_without_trust_flag_and_switched_off(signed_by_test_pki, test_pki, run_kyso,
                                                                kyso_home):
    folder = kyso_home / "config" / "trust"
    folder.mkdir(parents=True)
    shutil.copy(test_pki.root_cert_path, folder / "kyso-test-root.pem")
    r = run_kyso("verify", signed_by_test_pki, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    sig = json.loads(r.stdout)["files"][0]["signatures"][0]
    assert sig["indication"] == "passed" and sig["trust_pool"] == "admin"
    assert sig["chain"][-1] == "Kyso TEST Root CA"
    assert run_kyso("config", "set", "disabled_trust_pools", "admin").returncode == 0
    r = run_kyso("verify", signed_by_test_pki, "--json")
    assert r.returncode == 5
    sig = json.loads(r.stdout)["files"][0]["signatures"][0]
    assert sig["indication"] == "indeterminate" and sig["problems"] == ["verify.untrusted"]
    r = run_kyso("trust", "list", "--json")
    admin = [p for p in json.loads(r.stdout)["pools"] if p["id"] == "admin"][0]
    assert admin["enabled"] is False and len(admin["anchors"]) == 1


def test_revocation_online_cached_and_offline(signed_by_test_pki, test_pki, pki_services, kyso_home):
    from kyso.core import revocation

    roots = load_certificates([test_pki.root_cert_path])
    (s,) = verify_file(signed_by_test_pki, roots).signatures
    assert s.indication == "passed" and s.revocation == "not_checked"
    assert "verify.revocation_not_checked" in s.notes            # offline: said, not silent
    (s,) = verify_file(signed_by_test_pki, roots, fetch_revocation=True).signatures
    assert s.revocation == "good" and s.revoked is False, s.to_json()
    cached = list(revocation.folder().iterdir())
    assert any(f.suffix == ".ocsp" for f in cached)
    (s,) = verify_file(signed_by_test_pki, roots).signatures       # offline again: from the cache
    assert s.revocation == "good"
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)   # past every nextUpdate
    assert revocation.load_cache(now=later) == ([], [])
    assert not any(f.suffix == ".ocsp" for f in revocation.folder().iterdir())


def test_revoked_signer_fails_online(test_pki, pki_services, tmp_path):
    signed = vc_.sign(vc_.base_pdf(tmp_path / "p.pdf"), tmp_path / "r.pdf", vc_.signer_for(test_pki, "revoked"),
                      "Sig1", box=(300, 100, 500, 160))
    rep = verify_file(signed, load_certificates([test_pki.root_cert_path]), fetch_revocation=True)
    (s,) = rep.signatures
    assert rep.indication == "failed" and "verify.revoked" in s.problems and s.revocation == "revoked"


def _mini_ca(folder: Path, aia_url: str):
    """root -> intermediate -> leaf, the leaf's AIA caIssuers pointing at ``aia_url``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def cert(name, key, issuer_name, issuer_key, ca, extra=()):
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
             .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                            critical=False))
        for e in extra:
            b = b.add_extension(e, critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    kr, ki, kl = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = cert("AIA Test Root", kr, "AIA Test Root", kr, True)
    inter = cert("AIA Test Issuing CA", ki, "AIA Test Root", kr, True)
    aia = x509.AuthorityInformationAccess([x509.AccessDescription(
        AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia_url))])
    leaf = cert("AIA Test Signer", kl, "AIA Test Issuing CA", ki, False, (aia,))
    for n, c in (("root", root), ("leaf", leaf)):
        (folder / f"{n}.pem").write_bytes(c.public_bytes(serialization.Encoding.PEM))
    return inter.public_bytes(serialization.Encoding.DER)


def test_missing_intermediate_fetched_from_aia_when_online(tmp_path, kyso_home, run_kyso):
    """The test PKI's certificates carry OCSP in their AIA but no caIssuers, so
    this builds its own small CA whose leaf names a loopback caIssuers URL."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/pkix-cert")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/issuing.cer"
        served["/issuing.cer"] = _mini_ca(tmp_path, url)
        folder = kyso_home / "config" / "trust"
        folder.mkdir(parents=True)
        shutil.copy(tmp_path / "root.pem", folder / "aia-root.pem")
        r = run_kyso("trust", "check", tmp_path / "leaf.pem", "--json")
        assert r.returncode == 5 and not json.loads(r.stdout)["certificates"][0]["path_found"], r.stdout
        r = run_kyso("trust", "check", tmp_path / "leaf.pem", "--online", "--json")
        assert r.returncode == 0, r.stdout + r.stderr
        (c,) = json.loads(r.stdout)["certificates"]
        assert [p["subject"] for p in c["path"]] == ["AIA Test Signer", "AIA Test Issuing CA", "AIA Test Root"]
        assert c["pool"] == "admin" and c["valid_now"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("name", sorted(ANCHOR_OF))
def test_verification_context_validates_real_cas_at_a_time_they_were_valid(name):
    """The context verify_file builds (shipped pools, AnchorSha1Policy) validates
    each real Vietnamese CA certificate as it would inside a signature's path,
    at a moment within its validity (several have expired since)."""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator

    cert = trust.read_certificates(RES / "intermediates" / name)[0]
    validity = cert["tbs_certificate"]["validity"]
    moment = validity["not_after"].native - dt.timedelta(days=30)
    ts = trust.setup()
    vc = trust.validation_context(ts, moment=moment)
    path = asyncio.run(CertificateValidator(cert, validation_context=vc).async_validate_usage(set()))
    pool, anchor = ANCHOR_OF[name]
    assert ts.pool_for(path.trust_anchor.certificate if hasattr(path.trust_anchor, "certificate")
                       else list(path)[0]) == pool
    assert trust.describe(list(path)[0]) == anchor


def test_a_real_government_agency_certificate_reaches_the_government_g2_root(run_kyso):
    """The tax authority's own certificate (CỤC THUẾ, BỘ TÀI CHÍNH), issued by "CA phục vụ
    các cơ quan Nhà nước G2": public material, see tests/fixtures/trust/README.md."""
    leaf = Path(__file__).parent / "fixtures" / "trust" / "cuc-thue-bo-tai-chinh-2025.pem"
    r = run_kyso("trust", "check", leaf, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    (c,) = json.loads(r.stdout)["certificates"]
    assert c["pool"] == "government", c
    assert [x["subject"] for x in c["path"]][1:] == ["CA phục vụ các cơ quan Nhà nước G2",
                                                      "RootCA chuyên dùng Chính phủ G2"], c["path"]
