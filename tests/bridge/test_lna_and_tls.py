"""Local Network Access in current Chromium, the status page, the local CA,
and the answers that need no signature (VerifyPDF, GetCertInfo, GetVersion)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import subprocess

from kyso.bridge import tls
from kyso.bridge.protocol import Params, number_part, parse_issued_date
from kyso.demo.samples import generate_sample

from .conftest import page_url, run
from .harness import WebSystem


def test_a_public_page_needs_the_loopback_permission(start_bridge, bridge_tls, browser, web, tmp_path):
    """Chromium treats the page as public (--ip-address-space-overrides): without the
    person's permission (the prompt, or the administrator's policy) its WebSocket to
    127.0.0.1 is blocked before it reaches Kyso; with the permission the call is signed."""
    files, _ = bridge_tls
    service = start_bridge("KYSO-LEADER")
    url = web.add("cv.pdf", generate_sample("cong_van", tmp_path / "cv.pdf").path.read_bytes())
    with WebSystem(tls=(files.cert, files.key)) as site:     # the page over HTTPS, as a real system
        service.bridge.extra_origins = (site.origin,)
        override = f"--ip-address-space-overrides=127.0.0.1:{site.port}=public"
        params = {"FileUploadHandler": web.url("/upload"), "SessionId": "", "FileName": url}

        async def scenario():
            async with browser(override) as chromium:
                tab = await chromium.open(page_url(site, service))
                before = await tab.call("SignApproved", params, timeout=20)
                calls_before = service.calls
                state = await tab.evaluate("navigator.permissions.query({name: 'loopback-network'})"
                                           ".then(s => s.state, e => 'error: ' + e)")
                # what the person's "Allow" (or the LoopbackNetworkAllowedForUrls policy) grants
                await chromium.send("Browser.setPermission", {"permission": {"name": "loopback-network"},
                                                              "setting": "granted", "origin": site.origin})
                after = await tab.call("SignApproved", params)
                return before, calls_before, state, after

        before, calls_before, state, after = run(scenario())
    assert "Status" not in before and before.get("__closed") == 1006, before   # blocked by the browser
    assert calls_before == 0 and state == "denied"       # headless denies the prompt it cannot show
    assert after["Status"] == 0, after
    assert len(web.uploads) == 1


def test_preflight_and_status_page(start_bridge, bridge_tls, configured, web):
    import http.client
    import ssl

    files, _ = bridge_tls
    service = start_bridge("KYSO-LEADER")
    ctx = ssl.create_default_context(cafile=str(files.ca_cert))
    conn = http.client.HTTPSConnection("127.0.0.1", service.port, context=ctx, timeout=10)
    conn.request("OPTIONS", "/SignApproved", headers={
        "Origin": web.origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Private-Network": "true", "Access-Control-Request-Local-Network": "true"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 204
    assert resp.getheader("Access-Control-Allow-Origin") == web.origin
    assert resp.getheader("Access-Control-Allow-Private-Network") == "true"
    assert resp.getheader("Access-Control-Allow-Local-Network") == "true"
    conn = http.client.HTTPSConnection("127.0.0.1", service.port, context=ctx, timeout=10)
    conn.request("OPTIONS", "/SignApproved", headers={"Origin": "https://evil.example",
                                                      "Access-Control-Request-Private-Network": "true"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 403 and resp.getheader("Access-Control-Allow-Origin") is None
    conn = http.client.HTTPSConnection("127.0.0.1", service.port, context=ctx, timeout=10)
    conn.request("GET", "/status.json")
    assert json.loads(conn.getresponse().read())["Status"] == 0


def test_info_verify_and_certificate(start_bridge, web, browser, tmp_path, softhsm, run_kyso):
    service = start_bridge("KYSO-LEADER")
    signed = tmp_path / "signed.pdf"
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    r = run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-LEADER", "--role", "leader",
                 "-o", signed, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    url = web.add("signed.pdf", signed.read_bytes())

    async def scenario():
        async with browser() as chromium:
            tab = await chromium.open(page_url(web, service))
            return (await tab.call("GetVersion", "GetVersion"), await tab.call("GetCertInfo", "get_cert_info"),
                    await tab.call("VerifyPDF", {"SessionId": "", "FileName": url}),
                    await tab.call("GetLicenseRequest", "request"), await tab.call("Config", "config"))

    version, cert, verify, licence, config = run(scenario())
    assert version["Status"] == 0 and version["Version"]
    assert cert["Status"] == 0 and "Phạm Văn Quân" in cert["CertInfo"]["Subject"]
    assert cert["CertInfo"]["Base64Data"]
    assert verify["Status"] == 0 and verify["Valid"] is False   # no trusted root configured: untrusted
    (sig,) = verify["Signatures"]
    assert sig["signer"] == "Phạm Văn Quân" and sig["intact"] and sig["crypto_valid"]
    assert licence["Status"] == 0 and config == {"Status": 0, "Message": ""}
    assert web.uploads == []


def test_lenient_parameters():
    p = Params.parse(json.dumps({"DocNumber": {"jquery": True}, "FileName": 12, "MetaData": [{"Key": "Role",
                                 "Value": "agency"}, "x"], "Files": [{"FileID": 3, "URL": None}]}))
    assert p.str("DocNumber") == "" and p.str("FileName") == "12"
    assert p.metadata() == {"Role": "agency"}
    assert p.files() == [{"FileID": 3, "FileName": "", "URL": ""}]
    assert Params.parse("not json").raw == {} and Params.parse("not json").text == "not json"
    today = dt.date(2026, 1, 2)
    assert parse_issued_date("2019-03-12T12:00:00+07:00") == dt.date(2019, 3, 12)
    assert parse_issued_date("2024-05-31T20:00:00.000Z") == dt.date(2024, 6, 1)    # Vietnam time
    assert parse_issued_date("", today) == today and parse_issued_date("20/11/2026") == dt.date(2026, 11, 20)
    assert number_part("123/BCY-CTSBMTT") == "123" and number_part("79") == "79"


def test_install_cert_name_constraints_and_remove(tmp_path, kyso_home, monkeypatch):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from kyso.cli import main

    home = tmp_path / "home"
    (home / ".mozilla" / "firefox" / "abc.default").mkdir(parents=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{home / '.mozilla/firefox/abc.default'}", "--empty-password"],
                   check=True, capture_output=True)
    monkeypatch.setenv("HOME", str(home))
    assert main(["bridge", "install-cert"]) == 0
    files = tls.cert_files()
    for key in (files.ca_key, files.key):
        assert key.stat().st_mode & 0o077 == 0                     # the user's only
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    nc = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert nc.critical and nc.value.permitted_subtrees == [x509.IPAddress(ipaddress.ip_network("127.0.0.1/32")),
                                                           x509.DNSName("invalid")]
    server = x509.load_pem_x509_certificate(files.cert.read_bytes())
    assert server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    for db in (home / ".pki" / "nssdb", home / ".mozilla" / "firefox" / "abc.default"):
        listed = subprocess.run(["certutil", "-L", "-d", f"sql:{db}"], capture_output=True, text=True).stdout
        assert tls.CA_NICKNAME in listed
    # the CA's key cannot make a certificate NSS accepts for another site
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    db = f"sql:{home / '.pki' / 'nssdb'}"
    for name, san in (("bank", x509.DNSName("bank.example.vn")), ("lan", x509.IPAddress(ipaddress.ip_address("10.0.0.1"))),
                      ("v6", x509.IPAddress(ipaddress.ip_address("::1")))):
        rogue = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                 .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                 .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
                 .add_extension(x509.SubjectAlternativeName([san]), critical=False)
                 .sign(ca_key, hashes.SHA256()))
        pem = tmp_path / f"rogue-{name}.pem"
        pem.write_bytes(rogue.public_bytes(serialization.Encoding.PEM))
        subprocess.run(["certutil", "-A", "-d", db, "-n", name, "-t", ",,", "-i", str(pem)], check=True,
                       capture_output=True)
        nss = subprocess.run(["certutil", "-V", "-d", db, "-n", name, "-u", "V"], capture_output=True, text=True)
        assert nss.returncode != 0, (name, nss.stdout)          # NSS (Chromium, Firefox) refuses it
        subprocess.run(["certutil", "-D", "-d", db, "-n", name], check=True, capture_output=True)
        ossl = subprocess.run(["openssl", "verify", "-CAfile", str(files.ca_cert), str(pem)], capture_output=True,
                              text=True)
        assert ossl.returncode != 0 and "subtree violation" in ossl.stdout + ossl.stderr, ossl.stderr
    (tmp_path / "server.pem").write_bytes(files.cert.read_bytes())
    subprocess.run(["certutil", "-A", "-d", db, "-n", "server", "-t", ",,", "-i", str(tmp_path / "server.pem")],
                   check=True, capture_output=True)
    good = subprocess.run(["certutil", "-V", "-d", db, "-n", "server", "-u", "V"], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    subprocess.run(["certutil", "-D", "-d", db, "-n", "server"], check=True, capture_output=True)
    # and --remove undoes it
    assert main(["bridge", "install-cert", "--remove"]) == 0
    for db in (home / ".pki" / "nssdb", home / ".mozilla" / "firefox" / "abc.default"):
        listed = subprocess.run(["certutil", "-L", "-d", f"sql:{db}"], capture_output=True, text=True).stdout
        assert tls.CA_NICKNAME not in listed
    assert not files.ca_key.exists() and not files.key.exists()


def test_allowed_origins_setting(kyso_home):
    from kyso.cli import main
    from kyso.core import settings as store

    assert main(["config", "set", "bridge_allowed_origins", "https://qlvb.phuly.gov.vn, http://10.0.0.5:8080"]) == 0
    assert store.load().bridge_allowed_origins == ("https://qlvb.phuly.gov.vn", "http://10.0.0.5:8080")
    raw = json.loads(store.settings_path().read_text("utf-8"))
    assert raw["bridge_allowed_origins"] == ["https://qlvb.phuly.gov.vn", "http://10.0.0.5:8080"]
    from kyso.bridge.operations import Bridge

    bridge = Bridge(extra_origins=("https://EXTRA.example:443/",))
    assert bridge.origin_allowed("https://qlvb.phuly.gov.vn") and bridge.origin_allowed("https://extra.example")
    assert not bridge.origin_allowed("https://qlvb.phuly.gov.vn.evil.example") and not bridge.origin_allowed(None)
    assert not bridge.origin_allowed("null")


def test_kyso_bridge_command(softhsm, kyso_home, tmp_path, web):
    """``kyso bridge`` as a process: --allow-origin, --unattended, and refusing without it."""
    import os
    import socket
    import sys

    from websockets.sync.client import connect

    env = {**os.environ, **softhsm.env, "KYSO_HOME": str(kyso_home), "HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-m", "kyso.cli", "bridge", "install-cert"], env=env, check=True,
                   capture_output=True)
    ca = kyso_home / "config" / "bridge" / "ca.pem"
    url = web.add("cv.pdf", generate_sample("cong_van", tmp_path / "cv.pdf").path.read_bytes())
    params = json.dumps({"FileUploadHandler": web.url("/upload"), "SessionId": "", "FileName": url})
    for unattended in (False, True):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        args = [sys.executable, "-m", "kyso.cli", "bridge", "--port", str(port), "--allow-origin", web.origin,
                "--module", str(softhsm.module_path), "--token", "KYSO-LEADER"] + (["--unattended"] if unattended else [])
        proc = subprocess.Popen(args, env={**env, "KYSO_PIN": softhsm.user_pin}, stderr=subprocess.PIPE, text=True)
        try:
            banner = proc.stderr.readline()
            assert f"wss://127.0.0.1:{port}/" in banner and web.origin in banner, banner
            import ssl as _ssl

            ctx = _ssl.create_default_context(cafile=str(ca))
            with connect(f"wss://127.0.0.1:{port}/SignApproved", ssl=ctx, origin=web.origin) as ws:
                ws.send(params)
                answer = json.loads(ws.recv(timeout=60))
        finally:
            proc.terminate()
            proc.wait(10)
        if unattended:
            assert answer["Status"] == 0, answer
        else:
            assert answer["Status"] == 12 and "không có giao diện" in answer["Message"], answer
    assert len(web.uploads) == 1
