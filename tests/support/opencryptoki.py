"""An opencryptoki software token for tests that need a *locking* PIN.

Why opencryptoki as well as SoftHSM2
------------------------------------
SoftHSM2 never locks a user PIN, but real USB tokens do, and Kyso must show
"2 tries left" / "token locked" correctly.  opencryptoki's software token
(``libpkcs11_sw.so``) keeps a failed-login counter and sets
USER_PIN_COUNT_LOW / USER_PIN_FINAL_TRY / USER_PIN_LOCKED like hardware.

Why this is careful about the daemon and the token
--------------------------------------------------
opencryptoki needs its slot daemon ``pkcsslotd``.  On a developer machine it
may already be running (started by hand or by init); on a fresh CI machine it
is not.  We start it only if it is not running and then stop exactly the
process we started (by pid from its pid file), never a daemon someone else
owns.  The token is re-initialised with the SO PIN on *every* use, so a
previous run that locked the user PIN can never leak into the next run.
The SO PIN is never changed (it stays the factory default), so re-init always
works.

PINs passed to ``pkcsconf`` are on its argv (it has no other non-interactive
way); they are test PINs, never printed, and errors here do not echo argv.
"""

from __future__ import annotations

import contextlib
import grp
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kyso.demo.pki import Identity

DEFAULT_SO_PIN = "87654321"  # opencryptoki factory default
DEFAULT_USER_PIN = "1234"  # sw token PIN length is 4-8
DEFAULT_LABEL = "KYSO-OCK"
CONF_PATH = Path("/etc/opencryptoki/opencryptoki.conf")
PID_FILES = (Path("/run/pkcsslotd.pid"), Path("/var/run/pkcsslotd.pid"))
_MODULE_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so",
    "/usr/lib/x86_64-linux-gnu/opencryptoki/libopencryptoki.so",
    "/usr/lib/aarch64-linux-gnu/pkcs11/libopencryptoki.so",
    "/usr/lib/opencryptoki/libopencryptoki.so",
    "/usr/lib64/opencryptoki/libopencryptoki.so",
)
_TIMEOUT = 30


class OpencryptokiUnavailable(RuntimeError):
    """opencryptoki cannot be used here (not root, package missing, ...)."""


@dataclass(frozen=True)
class OpencryptokiToken:
    module_path: Path
    slot_id: int
    token_label: str
    user_pin: str = field(repr=False)
    so_pin: str = field(repr=False)
    identity: Identity | None = None
    started_daemon: bool = False


def find_opencryptoki_module() -> Path:
    for cand in _MODULE_CANDIDATES:
        if Path(cand).is_file():
            return Path(cand)
    try:
        out = subprocess.run(
            ["dpkg", "-L", "libopencryptoki0"],
            capture_output=True, text=True, timeout=_TIMEOUT, check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    for line in out.splitlines():
        if line.endswith("/libopencryptoki.so") and Path(line).is_file():
            return Path(line)
    raise OpencryptokiUnavailable(
        "libopencryptoki.so not found; install the Debian package 'opencryptoki'"
    )


def find_sw_slot(conf: Path = CONF_PATH) -> int:
    """Slot number whose stdll is libpkcs11_sw.so (3 on Debian)."""
    try:
        text = conf.read_text()
    except OSError as exc:
        raise OpencryptokiUnavailable(f"cannot read {conf}: {exc}") from None
    for m in re.finditer(r"slot\s+(\d+)\s*\{([^}]*)\}", text):
        if re.search(r"stdll\s*=\s*libpkcs11_sw\.so", m.group(2)):
            return int(m.group(1))
    raise OpencryptokiUnavailable(f"no libpkcs11_sw.so slot in {conf}")


def _check_prerequisites() -> None:
    if os.geteuid() != 0:
        raise OpencryptokiUnavailable("needs root (pkcsslotd, pkcs11 group)")
    for tool in ("pkcsslotd", "pkcsconf"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise OpencryptokiUnavailable(
                f"{tool} not found; install the Debian package 'opencryptoki'"
            )


def _tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def ensure_runtime_dirs() -> None:
    """The pkcs11 group and the run/lock directories the daemon expects."""
    try:
        grp.getgrnam("pkcs11")
    except KeyError:
        subprocess.run(
            ["groupadd", "--system", "pkcs11"], check=True, timeout=_TIMEOUT,
            capture_output=True,
        )
    gid = grp.getgrnam("pkcs11").gr_gid
    for d in (
        Path("/run/opencryptoki"),
        Path("/var/lock/opencryptoki"),
        Path("/var/lock/opencryptoki/swtok"),
        Path("/var/lib/opencryptoki/swtok"),
        Path("/var/lib/opencryptoki/swtok/TOK_OBJ"),
    ):
        if not d.exists():
            d.mkdir(parents=True, mode=0o770)
            os.chown(d, 0, gid)
            d.chmod(0o770)


def _pid_alive(pid: int) -> bool:
    """A live (not zombie) pkcsslotd with this pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (comm) state ..." -- comm may hold spaces, so split at the last ')'
    comm = stat[stat.find("(") + 1 : stat.rfind(")")]
    state = stat[stat.rfind(")") + 2 :].split(" ", 1)[0]
    return comm == "pkcsslotd" and state not in ("Z", "X")


def _finalize_in_process() -> None:
    """Close this process's connection to the daemon (C_Finalize).

    Measured with opencryptoki 3.8: pkcsslotd ignores SIGTERM while a client
    process still has the library initialised, so a daemon we started would
    outlive the test session unless we let go of it first.
    """
    import pkcs11

    loaded = getattr(pkcs11, "_loaded", {})
    for so, lib in list(loaded.items()):
        if "opencryptoki" in str(so) and lib.initialized:
            try:
                lib.finalize()
            except Exception:  # noqa: BLE001 - already finalised: nothing to release
                pass


def running_slotd_pid() -> int | None:
    """Pid of a live pkcsslotd, from its pid file (no process-name search)."""
    for pf in PID_FILES:
        try:
            pid = int(pf.read_text().strip())
        except (OSError, ValueError):
            continue
        if _pid_alive(pid):
            return pid
    return None


@contextlib.contextmanager
def slot_daemon() -> Iterator[bool]:
    """Ensure pkcsslotd runs; yield True if *we* started it.

    On exit, a daemon we started is stopped with SIGTERM by its pid and
    waited for (bounded); one that was already running is left alone.
    """
    _check_prerequisites()
    ensure_runtime_dirs()
    pid = running_slotd_pid()
    started_pid = None
    if pid is None:
        proc = subprocess.run(
            [_tool("pkcsslotd")], capture_output=True, text=True,
            timeout=_TIMEOUT, check=False,
        )
        if proc.returncode != 0:
            raise OpencryptokiUnavailable(
                f"pkcsslotd failed to start: {(proc.stderr or proc.stdout).strip()}"
            )
        deadline = time.monotonic() + 10
        while (started_pid := running_slotd_pid()) is None:
            if time.monotonic() > deadline:
                raise OpencryptokiUnavailable("pkcsslotd did not write its pid file")
            time.sleep(0.05)
    try:
        yield started_pid is not None
    finally:
        if started_pid is not None and _pid_alive(started_pid):
            _finalize_in_process()
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                if not _pid_alive(started_pid):
                    break
                os.kill(started_pid, sig)
                deadline = time.monotonic() + wait
                while _pid_alive(started_pid) and time.monotonic() < deadline:
                    time.sleep(0.05)


def _run_quiet(args: list[str], what: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        args, input=stdin, capture_output=True, text=True,
        timeout=_TIMEOUT, check=False,
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip()[-1000:]
        raise OpencryptokiUnavailable(f"{what} failed (exit {proc.returncode}): {detail}")
    return proc.stdout


def reinit_token(slot_id: int, label: str, so_pin: str, user_pin: str) -> None:
    """C_InitToken (wipes objects, clears any PIN lock) and C_InitPIN."""
    _run_quiet(
        [_tool("pkcsconf"), "-c", str(slot_id), "-I", "-S", so_pin],
        "pkcsconf -I (initialise token)",
        stdin=label + "\n",
    )
    _run_quiet(
        [_tool("pkcsconf"), "-c", str(slot_id), "-u", "-S", so_pin, "-n", user_pin],
        "pkcsconf -u (set user PIN)",
        stdin="",
    )


def prepare_token(
    identity: Identity | None,
    label: str = DEFAULT_LABEL,
    user_pin: str = DEFAULT_USER_PIN,
    so_pin: str = DEFAULT_SO_PIN,
) -> OpencryptokiToken:
    """Re-initialise the sw token and import ``identity``; daemon must run.

    The in-process library is finalised before and initialised after the
    re-init, so no session of ours blocks C_InitToken and we do not keep a
    stale view of the token.  Any pkcs11 sessions to opencryptoki held by
    the caller are invalid after this call.
    """
    import pkcs11

    from kyso.demo.softhsm import import_identity

    module = find_opencryptoki_module()
    slot_id = find_sw_slot()
    try:
        lib = pkcs11.lib(str(module))
    except pkcs11.PKCS11Error as exc:
        # Seen as CKR_HOST_MEMORY when pkcsslotd runs but its SysV shared
        # memory segment was removed (e.g. another pkcsslotd exited); only a
        # restart of that daemon by its owner fixes it.
        raise OpencryptokiUnavailable(
            f"libopencryptoki C_Initialize failed ({type(exc).__name__}); "
            "is pkcsslotd healthy? restart it if its shared memory is gone"
        ) from None
    # C_Finalize first: it closes every session this process still holds
    # (python-pkcs11 leaks the session of a failed ``open(user_pin=...)``),
    # and C_InitToken refuses with CKR_SESSION_EXISTS while any is open.
    lib.finalize()
    try:
        reinit_token(slot_id, label, so_pin, user_pin)
    finally:
        lib.initialize()
    if identity is not None:
        token = lib.get_token(token_label=label)
        with token.open(rw=True, user_pin=user_pin) as session:
            import_identity(
                session,
                {
                    "key_der": identity.key_der,
                    "cert_der": identity.cert_der,
                    "key_id": identity.key_id,
                    "key_label": identity.key_label,
                    "key_type": identity.key_type,
                    "always_authenticate": False,
                },
            )
    return OpencryptokiToken(
        module_path=module,
        slot_id=slot_id,
        token_label=label,
        user_pin=user_pin,
        so_pin=so_pin,
        identity=identity,
    )


@contextlib.contextmanager
def opencryptoki_token(
    identity: Identity | None = None,
    label: str = DEFAULT_LABEL,
    user_pin: str = DEFAULT_USER_PIN,
    so_pin: str = DEFAULT_SO_PIN,
) -> Iterator[OpencryptokiToken]:
    """Daemon up (started if needed), token freshly initialised, key imported.

    Raises :class:`OpencryptokiUnavailable` with the reason when this machine
    cannot do it; the test setup decides whether that is a skip or a failure.
    """
    with slot_daemon() as started:
        tok = prepare_token(identity, label, user_pin, so_pin)
        yield OpencryptokiToken(
            module_path=tok.module_path,
            slot_id=tok.slot_id,
            token_label=tok.token_label,
            user_pin=tok.user_pin,
            so_pin=tok.so_pin,
            identity=tok.identity,
            started_daemon=started,
        )
