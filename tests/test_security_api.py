"""The API under hostile requests: work off the event loop, one JSON error shape for everything, no server
paths in messages, HEAD answered, docs that work offline."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from rxatlas.api import create_app
from rxatlas.api.http import JsonErrorsProtocol
from rxatlas.api.routers import scenarios

DEEP = "[" * 5000 + "]" * 5000


def _is_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
    return body["error"]


def test_headline_answers_while_a_scenario_is_being_checked(
    api_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario check that cannot finish until /api/headline has answered: on the event loop it would block
    the loop for its whole length (about 6 minutes for one 12 KB upload before); off it, the headline comes at
    once. The bound of 5 s is generous against that (the answer is cached and takes milliseconds)."""
    assert api_client.get("/api/headline").status_code == 200  # computed once; later answers are cached
    checking, answered = threading.Event(), threading.Event()
    real = scenarios.parse_scenario

    def slow_check(text: str, where: str) -> Any:
        checking.set()
        answered.wait(30)  # stands for a pathological scenario that keeps the check busy
        return real(text, where)

    monkeypatch.setattr(scenarios, "parse_scenario", slow_check)
    bad = "name: t\nas_of: 2026-01-01\nmeasures:\n" + "  - {type: tariff, origins: [zz], rate: -1}\n" * 250
    results: dict[str, Any] = {}
    upload = threading.Thread(target=lambda: results.update(
        run=api_client.post("/api/scenarios/run", content=bad, headers={"content-type": "application/yaml"})))
    upload.start()
    assert checking.wait(30)
    started = time.perf_counter()
    headline = api_client.get("/api/headline")
    elapsed = time.perf_counter() - started
    answered.set()
    upload.join(60)
    assert headline.status_code == 200 and elapsed < 5, elapsed
    assert "and 730 more problems" in _is_error(results["run"], 400)["message"]


def test_deep_json_and_bad_scenarios_are_400_not_500(api_client: TestClient) -> None:
    for path, body in (("/api/scenarios/run", DEEP), ("/api/scenarios/compare", DEEP),
                       ("/api/scenarios/compare", json.dumps({"a": {"name": "t", "as_of": "2028-13-45"}})),
                       ("/api/scenarios/run", "name: t\nas_of: 2028-13-45\n"),
                       ("/api/scenarios/run", "name: t\nas_of: 2026-01-01\nname: u\n")):
        kind = "application/json" if body.startswith(("[", "{")) else "application/yaml"
        error = _is_error(api_client.post(path, content=body, headers={"content-type": kind}), 400)
        assert "Traceback" not in error["message"]


def test_screening_errors_name_the_upload_not_a_server_path(api_client: TestClient) -> None:
    korean = "업체명\n셀트리온\n".encode("cp949")
    error = _is_error(api_client.post("/api/screen", files={"file": ("my-suppliers.csv", korean)}), 400)
    assert error["message"].startswith("my-suppliers.csv line 1: the file is not UTF-8")
    assert "/tmp" not in error["message"] and "rxatlas-screen" not in error["message"]
    error = _is_error(api_client.post("/api/screen?encoding=klingon", files={"file": ("s.csv", korean)}), 400)
    assert "unknown encoding 'klingon'" in error["message"]
    fine = api_client.post("/api/screen?encoding=cp949", files={"file": ("s.csv", korean)})
    assert fine.status_code == 200 and fine.json()["rows"][0]["input_name"] == "셀트리온"


def test_screening_stops_at_the_time_limit(atlas_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RXATLAS_REQUEST_TIMEOUT", "1")
    rows = "supplier\n" + "".join(f"Supplier {i} Trading Co\n" for i in range(200_000))
    with TestClient(create_app(atlas_db, web=False), raise_server_exceptions=False) as client:
        response = client.post("/api/screen", files={"file": ("big.csv", rows.encode())})
    error = _is_error(response, 400)
    assert error["message"].startswith("big.csv: stopped at row") and "RXATLAS_REQUEST_TIMEOUT" in error["message"]


def test_head_requests_and_offline_docs(api_client: TestClient) -> None:
    head = api_client.head("/api/headline")
    assert head.status_code == 200 and head.content == b""
    assert api_client.head("/api/nothing-here").status_code == 404
    docs = api_client.get("/api/docs")
    assert docs.status_code == 200 and "/api/headline" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()


@pytest.fixture
def server() -> Iterator[int]:
    """A real uvicorn server with rxatlas's HTTP protocol on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(web=False), host="127.0.0.1", port=port, http=JsonErrorsProtocol,
                            log_level="error", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield port
    running.should_exit = True
    thread.join(10)


def test_malformed_request_line_gets_the_json_error_shape(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=5) as conn:
        conn.sendall(b"GET /api/headline HTTP/1.1 garbage\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
    assert json.loads(body)["error"]["code"] == "bad_request"


def test_a_stop_signal_ends_the_server_while_a_request_is_working(atlas_db: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rxatlas = Path(sys.executable).with_name("rxatlas")
    proc = subprocess.Popen([str(rxatlas), "serve", "--port", str(port), "--db", str(atlas_db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/sources", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        # a long screening upload keeps a worker thread busy when the stop signal comes
        suppliers = "supplier,country\n" + "".join(f"Firm Number {n} Co Ltd,CN\n" for n in range(100_000))
        def upload() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server stops mid-request: that is the point
                httpx.post(f"{base}/api/screen", files={"file": ("big.csv", suppliers.encode(), "text/csv")},
                           timeout=120)

        busy = threading.Thread(target=upload, daemon=True)
        busy.start()
        time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        # uvicorn's graceful shutdown is capped at 5 s (rxatlas serve); a hung server would not exit at all
        assert proc.wait(timeout=30) is not None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
