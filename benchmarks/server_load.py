"""Load test of the reference document server: 20 client threads on loopback.

Starts ``kyso-server`` itself (a subprocess with the demo data) on SQLite and,
when initdb/pg_ctl are available, on a throwaway PostgreSQL cluster; every
client logs in as the office clerk and loops over a realistic mix: the inbox,
a document, its versions, the signing-rate report, and reserving the next
number in the city's register (the contended write). Prints requests per
second, p50/p99 latency, errors (any 5xx is a failure of the run) and how many
distinct numbers were handed out (it must equal the number of reservations).

    python benchmarks/server_load.py [--seconds 60] [--clients 20] [--db sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, files: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "app") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kyso_server.main", "--host", "127.0.0.1", "--port", str(port), "--db", db_url,
         "--files", str(files), "--demo", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read()[-2000:]}")
        try:
            httpx.get(url + "/openapi.json", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def run_load(url: str, seconds: float, clients: int) -> dict:
    # Log in one by one (as officials arriving do); the throttle refuses
    # simultaneous logins from one address beyond its limit with "busy".
    tokens = []
    for _ in range(clients):
        for _attempt in range(20):
            r = httpx.post(url + "/api/v1/auth/login", json={"username": "vanthu", "password": "demo"}, timeout=30)
            if r.status_code == 200:
                tokens.append(r.json()["access_token"])
                break
            time.sleep(float(r.headers.get("Retry-After", "1")))
        else:
            raise RuntimeError(f"login failed: {r.status_code} {r.text}")
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    numbers: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    inbox = httpx.get(url + "/api/v1/inbox", headers={"Authorization": f"Bearer {tokens[0]}"}).json()
    doc_ids = [i["document"]["id"] for i in inbox["items"]] or [1]

    def client(i: int) -> None:
        h = {"Authorization": f"Bearer {tokens[i]}"}
        plan = [
            ("GET", "/api/v1/inbox", None),
            ("GET", f"/api/v1/documents/{doc_ids[i % len(doc_ids)]}", None),
            ("POST", "/api/v1/registers/phuly:UBND-VP/next-number", None),
            ("GET", f"/api/v1/documents/{doc_ids[i % len(doc_ids)]}/versions", None),
            ("POST", "/api/v1/registers/phuly:UBND-VP/next-number", None),
            ("GET", "/api/v1/reports/signing-rate?month=2026-11", None),
        ]
        with httpx.Client(base_url=url, headers=h, timeout=60) as c:
            k = 0
            while time.monotonic() < stop:
                method, path, body = plan[k % len(plan)]
                k += 1
                t0 = time.perf_counter()
                try:
                    r = c.request(method, path, json=body)
                    code = r.status_code
                except httpx.HTTPError:
                    code = 599
                    r = None
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    statuses[code] += 1
                    if r is not None and code == 200 and "next-number" in path:
                        numbers.append(r.json()["number"])

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat = sorted(latencies)
    return {
        "requests": len(lat),
        "rps": len(lat) / elapsed,
        "p50_ms": 1000 * statistics.median(lat) if lat else 0,
        "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else 0,
        "statuses": dict(sorted(statuses.items())),
        "errors": sum(v for k, v in statuses.items() if k >= 400),
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "reservations": len(numbers),
        "distinct_numbers": len(set(numbers)),
        "consecutive": sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers))) if numbers else True,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--db", default="sqlite,postgresql")
    args = p.parse_args(argv)
    ok = True
    for backend in args.db.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"kyso-load-{backend}-"))
        cluster = None
        if backend == "sqlite":
            url = f"sqlite:///{work / 'server.sqlite3'}"
        else:
            sys.path.insert(0, str(ROOT))
            from tests.server.pg import PgCluster

            cluster = PgCluster()
            try:
                cluster.start()
            except Exception as exc:  # noqa: BLE001
                print(f"{backend}: skipped ({exc})")
                cluster.stop()
                continue
            url = cluster.create_database("kyso_load")
        proc, base = start_server(url, work / "files")
        try:
            res = run_load(base, args.seconds, args.clients)
        finally:
            proc.terminate()
            proc.wait(15)
            if cluster is not None:
                cluster.stop()
        good = res["server_errors"] == 0 and res["distinct_numbers"] == res["reservations"] and res["consecutive"]
        ok &= good
        print(f"{backend:10s} {args.clients} clients {args.seconds:.0f}s: {res['requests']} requests, "
              f"{res['rps']:.1f} req/s, p50 {res['p50_ms']:.1f} ms, p99 {res['p99_ms']:.1f} ms, "
              f"errors {res['errors']} (5xx {res['server_errors']}), statuses {res['statuses']}, "
              f"numbers {res['distinct_numbers']} distinct of {res['reservations']} "
              f"({'consecutive' if res['consecutive'] else 'GAPS'}) -> {'OK' if good else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
