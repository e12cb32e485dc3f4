"""Benchmark of the clinic web app: requests/s and latency percentiles with 50 concurrent clients.

Starts `kinetrace serve --demo` (its own processes, as deployed) on SQLite, then on PostgreSQL, and drives the
main pages, the API reads and the assessment endpoint with concurrent signed-in clients from this process (the
load generator: one asyncio loop of minimal keep-alive HTTP/1.1 clients). For each endpoint it reports p50/p95,
errors, and the CPU share of the server (all its processes) and of the load generator, plus the server's CPU
milliseconds per request: unlike latency, that figure barely moves when other programs load the machine.

    python benchmarks/web.py                       # SQLite and PostgreSQL side by side, 50 clients
    python benchmarks/web.py --db sqlite --requests 300 --json out.json
    python benchmarks/web.py --only plan           # endpoints whose path contains "plan"

PostgreSQL's server URL comes from $KT_CACHE/pg_url (scripts/setup.d/30-postgres.sh); a fresh database is made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml

from kinetrace.demo_cases import demo_case_path

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "clinician@demo.kinetrace", "demo-password"
CASE = yaml.safe_load(demo_case_path().read_text(encoding="utf-8"))  # the shipped demo case


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _) in stats.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(stats[p][1] for p in tree if p in stats)


def _own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_url() -> str:
    from sqlalchemy import create_engine, text

    server = (Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "pg_url").read_text().strip()
    name = f"kt_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(server, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return server.rsplit("/", 1)[0] + f"/{name}"


def _start(data: Path, port: int, database_url: str | None, workers: int | None = None) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-c",
        "from kinetrace.cli.app import main; main()",
        "serve",
        "--demo",
        "--data-dir",
        str(data),
        "--port",
        str(port),
    ]
    if database_url:
        cmd += ["--database-url", database_url]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "KINETRACE_COOKIE_SECURE": "false", "KINETRACE_ANALYSE_MEDIA": "false"}
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=(data / "server.log").open("wb"), start_new_session=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


async def _one_connection(
    host: str, port: int, raw: bytes, jobs: Any, latencies: list[float], statuses: list[int]
) -> None:
    # A minimal HTTP/1.1 keep-alive client: the load generator shares the machine's two cores with the server,
    # so it must cost far less per request than the server does (httpx costs about as much as a page).
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for _ in jobs:
            t0 = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses.append(int(head[9:12]))
    finally:
        writer.close()


async def _drive(
    base: str,
    method: str,
    url: str,
    *,
    requests: int,
    clients: int,
    cookie: str,
    csrf: str,
    body: Any = None,
    server_pid: int = 0,
) -> dict[str, float]:
    host, port = base.removeprefix("http://").split(":")
    payload = json.dumps(body).encode() if body is not None else b""
    raw = (
        f"{method} {url} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    jobs = iter(range(requests))
    latencies: list[float] = []
    statuses: list[int] = []
    start = time.perf_counter()
    server_cpu0, own_cpu0 = _tree_cpu_s(server_pid) if server_pid else 0.0, _own_cpu_s()
    await asyncio.gather(*(_one_connection(host, int(port), raw, jobs, latencies, statuses) for _ in range(clients)))
    wall = time.perf_counter() - start
    server_cpu = (_tree_cpu_s(server_pid) - server_cpu0) if server_pid else 0.0
    own_cpu = _own_cpu_s() - own_cpu0
    cores = os.cpu_count() or 1
    cuts = statistics.quantiles(latencies, n=100)
    errors = [s for s in statuses if s >= 400]
    if errors:
        print(f"    {method} {url}: {len(errors)} responses with status {sorted(set(errors))}", file=sys.stderr)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / wall,
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "max_ms": max(latencies),
        # Share of the whole machine (all cores) used while this endpoint ran.
        "server_cpu_pct": 100 * server_cpu / wall / cores,
        "server_cpu_ms_per_request": 1000 * server_cpu / len(latencies),
        "loadgen_cpu_pct": 100 * own_cpu / wall / cores,
    }


async def _run(
    base: str, *, requests: int, clients: int, server_pid: int, only: str = ""
) -> dict[str, dict[str, float]]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        res = await client.post("/api/v1/session", json={"email": USER, "password": PASSWORD})
        res.raise_for_status()
        csrf = res.json()["csrf_token"]
        cookie = f"kt_session={client.cookies['kt_session']}"
        patients = (await client.get("/api/v1/patients")).json()
        pid = next(p["id"] for p in patients if p["reference"] == "DEMO-001")
        done = [
            a for a in (await client.get(f"/api/v1/patients/{pid}/assessments")).json() if a["status"] == "complete"
        ]
        aid = done[0]["id"]
        targets = [
            ("GET", "/patients", None),
            ("GET", "/patients?q=rivera", None),
            ("GET", "/patients/{pid}", None),
            ("GET", "/assessments/{aid}", None),
            ("GET", "/assessments/{aid}/plan", None),
            ("GET", "/patients/{pid}/progress", None),
            ("GET", "/api/v1/patients", None),
            ("GET", "/api/v1/assessments/{aid}", None),
            ("GET", "/assessments/{aid}/plan/edit", None),
            ("GET", "/assessments/{aid}/release", None),
            ("GET", "/inbox", None),
            ("GET", "/api/v1/inbox", None),
            ("GET", "/api/v1/assessments/{aid}/plan", None),
            ("POST", "/api/v1/patients/{pid}/assessments", {"case": CASE}),
        ]
        results = {}
        for method, template, body in targets:
            if only not in f"{method} {template}":
                continue
            url = template.format(pid=pid, aid=aid)
            print(f"... {method} {url}", file=sys.stderr, flush=True)
            options = {"clients": clients, "cookie": cookie, "csrf": csrf, "body": body, "server_pid": server_pid}
            await _drive(base, method, url, requests=min(50, requests), **options)  # warm-up
            results[f"{method} {template}"] = await _drive(base, method, url, requests=requests, **options)
        return results


def bench(
    db: str, *, requests: int, clients: int, only: str = "", workers: int | None = None
) -> dict[str, dict[str, float]]:
    """Run the benchmark on one database kind and return {endpoint: stats}."""
    with tempfile.TemporaryDirectory(prefix="kt-bench-") as tmp:
        port = _port()
        proc = _start(Path(tmp), port, _postgres_url() if db == "postgresql" else None, workers)
        try:
            base = f"http://127.0.0.1:{port}"
            return asyncio.run(_run(base, requests=requests, clients=clients, server_pid=proc.pid, only=only))
        except httpx.TransportError:
            sys.stderr.write((Path(tmp) / "server.log").read_text()[-3000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                print("server did not stop within 60 s; killed", file=sys.stderr)
                os.killpg(proc.pid, signal.SIGKILL)


_DB_NAMES = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}
_COLUMNS = f"{'p50':>6} {'p95':>6} {'err':>4} {'srv%':>5} {'gen%':>5} {'ms/req':>6}"


def _cells(r: dict[str, float] | None) -> str:
    if r is None:
        return f"{'—':>{len(_COLUMNS)}}"
    p95 = f"{r['p95_ms']:6.0f}"
    return (
        f"{r['p50_ms']:6.0f} {p95} {int(r['errors']):4d} {r['server_cpu_pct']:4.0f}% {r['loadgen_cpu_pct']:4.0f}% "
        f"{r['server_cpu_ms_per_request']:6.1f}"
    )


def print_table(results: dict[str, dict[str, dict[str, float]]], *, clients: int, requests: int) -> None:
    """Print one row per endpoint with each database's figures side by side, then the bar per database."""
    dbs = list(results)
    endpoints = list(dict.fromkeys(name for db in dbs for name in results[db]))
    print(f"\n{clients} concurrent clients, {requests} requests per endpoint; latency in ms")
    print(f"{'':46} " + " | ".join(f"{db:^{len(_COLUMNS)}}" for db in dbs))
    print(f"{'endpoint':46} " + " | ".join(_COLUMNS for _ in dbs))
    for name in endpoints:
        print(f"{name:46} " + " | ".join(_cells(results[db].get(name)) for db in dbs))
    print(
        "srv% / gen%: CPU share of the whole machine (all cores) used by the server's processes / by the load\n"
        "generator while the endpoint ran (the rest went to other programs); ms/req: server CPU per request."
    )
    for db in dbs:
        gets = {n: r for n, r in results[db].items() if n.startswith("GET")}
        slow = [n for n, r in gets.items() if r["p95_ms"] >= 200]
        errors = sum(int(r["errors"]) for r in results[db].values())
        verdict = "met" if not slow and not errors else "NOT met"
        print(f"{db}: GET p95 < 200 ms on {len(gets) - len(slow)} of {len(gets)}, {errors} errors: bar {verdict}")


def main() -> None:
    """Parse arguments, run, print a table (and JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=600, help="requests per endpoint")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--only", default="", help="run only endpoints whose 'METHOD /path' contains this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--workers", type=int, help="server processes (default: `kinetrace serve`'s default)")
    args = parser.parse_args()
    load_before = tuple(round(x, 2) for x in os.getloadavg())
    out: dict[str, Any] = {"clients": args.clients, "cpus": os.cpu_count(), "load_before": load_before, "results": {}}
    print(f"machine load average before: {load_before} on {os.cpu_count()} cores", file=sys.stderr)
    for db in ["sqlite", "postgresql"] if args.db == "both" else [_DB_NAMES[args.db]]:
        out["results"][db] = bench(
            db, requests=args.requests, clients=args.clients, only=args.only, workers=args.workers
        )
    out["load_after"] = tuple(round(x, 2) for x in os.getloadavg())
    print_table(out["results"], clients=args.clients, requests=args.requests)
    print(f"machine load average (1, 5, 15 min): before {load_before}, after {out['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
