"""Small things from issue 14: signed files get their folder's usual
permissions, `kyso verify` names the changes in words, output piped into a
reader that stops early is not an error, opencryptoki without its daemon is
skipped quietly, and `kyso inbox` shows an upload the server refused."""

from __future__ import annotations

import os
import stat

from kyso.cli import main
from kyso.demo.samples import generate_sample


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_signed_files_get_the_usual_mode_and_verify_speaks_vietnamese(run_kyso, softhsm, test_pki, tmp_path):
    src = generate_sample("cong_van", tmp_path / "cv.pdf").path
    out = tmp_path / "out"
    r = run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-LEADER", "--role", "leader",
                 "--out-dir", out, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    one = tmp_path / "one.pdf"
    r = run_kyso("sign", src, "--module", softhsm.module_path, "--token", "KYSO-LEADER", "--role", "leader",
                 "-o", one, pin=softhsm.user_pin)
    assert r.returncode == 0, r.stderr
    expected = 0o666 & ~_umask()
    for f in [*out.iterdir(), one]:
        assert stat.S_IMODE(f.stat().st_mode) == expected, (f, oct(f.stat().st_mode))
    r = run_kyso("verify", one, "--trust", test_pki.root_cert_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "sau khi ký: không có thay đổi" in r.stdout and "none" not in r.stdout
    r = run_kyso("--lang", "en", "verify", one, "--trust", test_pki.root_cert_path)
    assert "after signing: no change" in r.stdout


def test_output_into_a_closed_pipe_is_quiet(tmp_path, monkeypatch):
    import io
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)                       # like `| head` that has already stopped reading
    stream = io.TextIOWrapper(io.FileIO(write_end, "w"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(["config", "show"]) == 0
    stream.flush()                           # stdout now points at devnull: nothing raises


def test_opencryptoki_without_its_daemon_is_skipped_quietly(monkeypatch, tmp_path):
    from kyso.core import tokens as core_tokens
    from kyso.core.settings import Settings
    from kyso.services import tokens

    ock = core_tokens.ModuleInfo(tmp_path / "libopencryptoki.so", "opencryptoki")
    hsm = core_tokens.ModuleInfo(tmp_path / "libsofthsm2.so", "softhsm2")
    monkeypatch.setattr(core_tokens, "find_modules", lambda **kw: [hsm, ock])
    monkeypatch.setattr(tokens, "PKCSSLOTD_SOCKETS", (str(tmp_path / "no-such.socket"),))
    assert tokens.find_token_modules(Settings()) == [hsm]
    sock = tmp_path / "pkcsslotd.socket"
    sock.write_bytes(b"")
    monkeypatch.setattr(tokens, "PKCSSLOTD_SOCKETS", (str(sock),))
    assert tokens.find_token_modules(Settings()) == [hsm, ock]
