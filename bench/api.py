"""Benchmark the REST API under a bounded loopback load: latency percentiles, throughput and errors.

Starts `rxatlas serve` on 127.0.0.1 (a free port) over the given atlas, asks every name once (cold: the
answer is computed), then runs CLIENTS concurrent clients for SECONDS seconds over a mix of the main
endpoints (substance lookup, firm lookup, headline, a metrics page, shortages, classes, a country), each client
sending its next request as soon as the previous one is answered. Usage:

    .venv/bin/python bench/api.py ATLAS [--clients 32] [--seconds 20] [--names 200] [--workers 1] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import httpx

RXATLAS = Path(sys.executable).with_name("rxatlas")
SUBSTANCES_SQL = "SELECT substance FROM core.substance_metrics ORDER BY hash(unii) LIMIT ?"
FIRMS_SQL = "SELECT DISTINCT firm_name FROM core.api_source ORDER BY hash(firm_name) LIMIT ?"
COUNTRIES_SQL = ("SELECT country FROM core.api_source WHERE country IS NOT NULL GROUP BY 1 "
                 "ORDER BY count(*) DESC LIMIT ?")
METRIC_PAGES = 50  # pages of 50 rows: the first 2,500 substances by source count
COUNTRIES = 20  # the countries with the most API sources
WRK_ENDPOINTS = ("substance", "shortages", "classes", "country")  # each driven by wrk on its own, after the cold pass


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def requests_to_make(atlas: Path, names: int) -> dict[str, list[str]]:
    """The URLs of each endpoint the load draws from."""
    with duckdb.connect(str(atlas), read_only=True) as con:
        substances = [r[0] for r in con.execute(SUBSTANCES_SQL, [names]).fetchall()]
        firms = [r[0] for r in con.execute(FIRMS_SQL, [names]).fetchall()]
        countries = [r[0] for r in con.execute(COUNTRIES_SQL, [COUNTRIES]).fetchall()]
    return {"substance": [f"/api/substances/{quote(n, safe='')}" for n in substances],
            "firm": [f"/api/firms/{quote(n, safe='')}" for n in firms],
            "headline": ["/api/headline"],
            "metrics": [f"/api/metrics/substances?limit=50&offset={50 * i}" for i in range(METRIC_PAGES)],
            "shortages": ["/api/shortages", "/api/shortages?critical=true", "/api/shortages?since=2026-06-01"],
            "classes": [f"/api/classes?level={level}" for level in (1, 2, 3, 4)],
            "country": [f"/api/countries/{iso2}" for iso2 in countries]}


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the server answers (or fail if it exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"rxatlas serve exited with code {server.returncode}")
        try:
            if httpx.get(f"{base}/api/sources", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"rxatlas serve did not answer within {timeout:.0f} s")


def summary(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    """Percentiles (ms), throughput (requests/s) and errors of one endpoint."""
    if not latencies:
        return {"requests": 0, "errors": errors}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {"requests": len(latencies), "errors": errors, "rps": round(len(latencies) / seconds, 1),
            "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "max_ms": round(max(latencies) * 1000, 1)}


async def cold_pass(base: str, urls: dict[str, list[str]]) -> dict[str, Any]:
    """Ask every URL once, one at a time: the cost of answers not yet cached."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for endpoint, paths in urls.items():
            for path in paths:
                start = time.perf_counter()
                response = await client.get(path)
                times[endpoint].append(time.perf_counter() - start)
                errors[endpoint] += response.status_code >= 400
    return {e: summary(times[e], errors[e], sum(times[e])) for e in urls}


async def load(base: str, urls: dict[str, list[str]], clients: int, seconds: float) -> dict[str, Any]:
    """CLIENTS closed-loop clients for SECONDS seconds, each request a random endpoint and URL."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    endpoints = list(urls)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client_loop(client: httpx.AsyncClient, rng: random.Random, deadline: float) -> None:
        while time.monotonic() < deadline:
            endpoint = rng.choice(endpoints)
            start = time.perf_counter()
            try:
                failed = (await client.get(rng.choice(urls[endpoint]))).status_code >= 400
            except httpx.HTTPError:
                failed = True
            times[endpoint].append(time.perf_counter() - start)
            errors[endpoint] += failed

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(client_loop(client, random.Random(i), deadline) for i in range(clients)))
        elapsed = time.monotonic() - started
    result = {e: summary(times[e], errors[e], elapsed) for e in endpoints}
    result["all"] = summary([t for e in endpoints for t in times[e]], sum(errors.values()), elapsed)
    return result


WRK_SCRIPT = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""


def wrk_load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, Any] | None:
    """The same closed-loop load on one endpoint's URLs from wrk (Debian), a C client that leaves the cores to
    the server; None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
        script.flush()
        out = subprocess.run([wrk, "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", script.name, base],
                             capture_output=True, text=True, check=True).stdout
    requests, errors, p50, p95, p99, duration = next(
        line.split()[1:] for line in out.splitlines() if line.startswith("RESULT"))
    return {"requests": int(requests), "errors": int(errors), "rps": round(int(requests) / float(duration), 1),
            "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99)}


def main() -> None:
    """Run the benchmark and print the results as a table or JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--names", type=int, default=200, help="substance and firm names to draw from")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    urls = requests_to_make(args.atlas, args.names)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(RXATLAS), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--db", str(args.atlas), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL)
    try:
        wait_ready(base, server)
        result = {"clients": args.clients, "seconds": args.seconds, "names": args.names, "workers": args.workers,
                  "cold": asyncio.run(cold_pass(base, urls)),
                  "load": asyncio.run(load(base, urls, args.clients, args.seconds)),
                  "wrk": {e: wrk_load(base, urls[e], args.clients, args.seconds) for e in WRK_ENDPOINTS}}
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for endpoint, w in result["wrk"].items():
        if w:
            print(f"wrk, {endpoint}: {w['requests']} requests, {w['errors']} errors, {w['rps']} req/s, "
                  f"p50 / p95 / p99 {w['p50_ms']} / {w['p95_ms']} / {w['p99_ms']} ms")
    for phase in ("cold", "load"):
        print(f"{phase}: endpoint, requests, errors, req/s, p50 / p95 / p99 / max ms")
        for endpoint, s in result[phase].items():
            print(f"  {endpoint:10} {s['requests']:7} {s['errors']:4} {s.get('rps', 0):8} "
                  f"{s.get('p50_ms')} / {s.get('p95_ms')} / {s.get('p99_ms')} / {s.get('max_ms')}")


if __name__ == "__main__":
    main()
