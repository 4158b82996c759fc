"""``kyso trust list|check``: the trust pools and the path a certificate builds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..core import messages
from ..core.errors import ExitCode, UsageError
from .common import english, print_json


def register(sub, parser_class) -> None:
    tr = sub.add_parser("trust", help="chứng thư gốc tin cậy / trust anchors")
    tr_sub = tr.add_subparsers(dest="trust_command", required=True, parser_class=parser_class)
    tl = tr_sub.add_parser("list", help="các nhóm chứng thư gốc / the trust pools and anchors")
    tl.add_argument("--json", action="store_true")
    tl.set_defaults(func=lambda a: list_pools(a.json))
    tc = tr_sub.add_parser("check", help="chuỗi chứng thư dựng được / the path a certificate builds")
    tc.add_argument("cert", metavar="CERT")
    tc.add_argument("--online", action="store_true",
                    help="lấy chứng thư trung gian thiếu qua AIA / fetch missing intermediates (AIA)")
    tc.add_argument("--json", action="store_true")
    tc.set_defaults(func=lambda a: check(Path(a.cert), a.online, a.json))


def _cert_json(cert) -> dict:
    from ..core.trust import describe

    return {"subject": describe(cert), "issuer": str(cert.issuer.native.get("common_name", "")),
            "sha256": cert.sha256.hex(),
            "not_before": cert["tbs_certificate"]["validity"]["not_before"].native.isoformat(),
            "not_after": cert["tbs_certificate"]["validity"]["not_after"].native.isoformat(),
            "signature_hash": cert.hash_algo}


def list_pools(as_json: bool) -> int:
    from ..core import trust

    pools = trust.pools()
    _, inter = trust.shipped()
    if as_json:
        print_json({"pools": [{"id": p.id, "name": p.name(), "enabled": p.enabled, "shipped": p.shipped,
                               "anchors": [_cert_json(c) for c in p.anchors]} for p in pools],
                    "intermediates": [_cert_json(c) for c in inter]})
        return ExitCode.OK
    en = english()
    for p in pools:
        state = ("" if p.enabled else (" — SWITCHED OFF" if en else " — ĐÃ TẮT"))
        print(f"{p.id}: {p.name()} ({len(p.anchors)}){state}")
        for c in p.anchors:
            j = _cert_json(c)
            print(f"  {j['subject']}  {j['not_before'][:10]} → {j['not_after'][:10]}  {j['signature_hash']}")
            print(f"    SHA-256 {j['sha256'].upper()}")
    print(("intermediates (path building only)" if en else "chứng thư trung gian (chỉ để dựng chuỗi)")
          + f": {len(inter)}")
    for c in inter:
        j = _cert_json(c)
        print(f"  {j['subject']} ← {j['issuer']}  {j['not_after'][:10]}")
    return ExitCode.OK


def check(path: Path, online: bool, as_json: bool) -> int:
    from ..core import trust

    try:
        certs = trust.read_certificates(path)
    except (OSError, ValueError) as exc:
        raise UsageError("usage.bad_certificate", path=str(exc)) from exc
    ts = trust.setup()
    results = []
    for cert in certs:
        chain, pool, error = asyncio.run(trust.build_path(cert, ts, online=online))
        results.append((cert, chain, pool, error))
    if as_json:
        print_json({"certificates": [{
            "certificate": _cert_json(c), "path": [_cert_json(x) for x in chain],
            "anchor": _cert_json(chain[-1]) if chain else None, "pool": pool,
            "pool_name": messages.tr("verify.pool", detail=trust.POOL_NAMES[pool][
                1 if english() else 0]) if pool else None,
            "path_found": bool(chain), "valid_now": bool(chain) and error is None, "error": error}
            for c, chain, pool, error in results]})
    else:
        en = english()
        for c, chain, pool, error in results:
            print(trust.describe(c))
            if not chain:
                print("  " + ("no path to a trusted anchor" if en else "không dựng được chuỗi tới chứng thư gốc tin cậy")
                      + (f" ({error})" if error else ""))
                continue
            for i, x in enumerate(chain):
                print(f"  {'  ' * i}{'└ ' if i else ''}{trust.describe(x)}  [{x.sha256.hex()[:16]}…]")
            vi, en_name = trust.POOL_NAMES.get(pool or "", (pool, pool))
            print(f"  {'pool' if en else 'nhóm'}: {pool} — {en_name if en else vi}")
            if error:
                print(f"  ! {error}")
    return ExitCode.OK if all(chain for _, chain, _, _ in results) else ExitCode.VERIFY
