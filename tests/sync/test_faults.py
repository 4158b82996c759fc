"""Server failures and dropped connections, and a client killed mid-upload.

The faults come from ``faultproxy.FaultProxy``: a loopback proxy in front of the
REAL server (the one allowed stand-in; see its docstring). Everything else is
real: server, SQLite, SoftHSM2 tokens, signatures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kyso.sync.actions import sign_from_store
from kyso.sync.errors import ServerError
from kyso.sync.store import Store

from .conftest import PASSWORD
from .helpers import SUBMITTED, find_doc, open_client, server_versions

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def _signed_and_queued(live_server, proxy, token_signers, tmp_path):
    store, sync = open_client(live_server, tmp_path, "chanhvp", base_url=proxy.url)
    sync.pull()
    doc = find_doc(store, SUBMITTED)
    item = sign_from_store(store, doc.id, token_signers["chanhvp"])
    return store, sync, doc, item


@pytest.mark.parametrize("mode,times,forwarded", [
    ("500", 2, 1),          # two 500s, then it goes through: one upload reached the server
    ("drop_before", 1, 1),  # the request never reached the server
    ("drop_after", 1, 2),   # the server stored it, the answer was lost: the retry is replayed
])
def test_fault_then_exactly_one_version(live_server, proxy, token_signers, tmp_path, mode, times, forwarded):
    store, sync, doc, item = _signed_and_queued(live_server, proxy, token_signers, tmp_path)
    proxy.set(mode, times=times)
    report = sync.push()
    assert [i.id for i in report.sent] == [item.id], report.error
    assert proxy.uploads_forwarded == forwarded
    assert store.outbox_item(item.id).attempts == times + 1
    assert [v["no"] for v in server_versions(live_server, doc.id)] == [1, 2]
    store.close()


def test_retries_are_bounded_then_left_pending(live_server, proxy, token_signers, tmp_path):
    store, sync, doc, item = _signed_and_queued(live_server, proxy, token_signers, tmp_path)
    proxy.set("500", times=100)
    report = sync.push()
    assert isinstance(report.error, ServerError) and report.error.exit_code == 7
    assert [i.id for i in report.pending] == [item.id]
    assert store.outbox_item(item.id).attempts == 5 and proxy.uploads_seen == 5
    proxy.set("pass")
    assert [i.id for i in sync.push().sent] == [item.id]
    assert len(server_versions(live_server, doc.id)) == 2
    store.close()


def _run_sync(proxy_url: str, store_dir: Path, timeout: float = 60) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(APP_DIR),
        "KYSO_PASSWORD": PASSWORD,
        # No secure keyring in the child: the product keeps the token in memory.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    })
    return subprocess.Popen(
        [sys.executable, "-m", "kyso.cli", "sync", "--server", proxy_url, "--user", "chanhvp",
         "--store", str(store_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def test_client_killed_mid_upload_resumes_without_loss_or_duplicate(live_server, proxy, token_signers, tmp_path):
    store, _sync, doc, item = _signed_and_queued(live_server, proxy, token_signers, tmp_path)
    store_dir = store.root
    store.close()

    proxy.set("delay", times=1, delay=30)  # the server commits; the answer is held
    child = _run_sync(proxy.url, store_dir)
    try:
        assert proxy.held.wait(30), "the child never uploaded"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert proxy.uploads_forwarded == 1  # the server has it; the client never heard

    with Store(store_dir) as s:  # nothing lost: the item is still pending, file intact
        assert s.outbox_item(item.id).status == "pending"
        assert s.read_blob(item.sha256)

    proxy.set("pass")
    child = _run_sync(proxy.url, store_dir)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "Đồng bộ xong: gửi 1" in out
    assert "kho khóa an toàn" in err  # told that the token lives in memory only
    with Store(store_dir) as s:
        done = s.outbox_item(item.id)
        assert done.status in ("done", "confirmed") and done.server_version_no == 2
    assert proxy.uploads_forwarded == 2  # the resend was replayed by key, not stored again
    assert [v["no"] for v in server_versions(live_server, doc.id)] == [1, 2]
