"""Every error of the REST API has one JSON shape: {"error": {"code", "message", "detail"}}."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from rxatlas.api import create_app
from rxatlas.supply import headline


def _shape(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
    assert response.headers["content-type"] == "application/json"
    assert body["error"]["message"]
    return response.status_code, body["error"]["code"]


def test_every_error_kind_has_the_same_shape(api_client: TestClient, tmp_path: Path) -> None:
    bad_scenario = b"name: x\nas_of: 2026-01-01\nmeasures:\n  - type: tariff\n    rate: 2\n"
    cases = {
        (404, "not_found"): api_client.get("/api/nowhere"),
        (405, "method_not_allowed"): api_client.put("/api/headline"),
        (422, "validation_error"): api_client.get("/api/metrics/substances", params={"limit": 0}),
        (413, "payload_too_large"): api_client.post("/api/scenarios/run", content=b"#" * (2 * 2**20),
                                                    headers={"content-type": "application/yaml"}),
        (415, "unsupported_media_type"): api_client.post("/api/scenarios/run", content=b"x",
                                                         headers={"content-type": "image/png"}),
        (400, "bad_request"): api_client.post("/api/scenarios/run", content=bad_scenario,
                                              headers={"content-type": "application/yaml"}),
    }
    for expected, response in cases.items():
        assert _shape(response) == expected
    missing = TestClient(create_app(tmp_path / "none.duckdb", web=False), raise_server_exceptions=False)
    assert _shape(missing.get("/api/headline")) == (503, "atlas_unavailable")
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database")
    assert _shape(TestClient(create_app(broken, web=False), raise_server_exceptions=False)
                  .get("/api/headline")) == (503, "atlas_unavailable")


def test_unexpected_failure_is_a_500_in_the_same_shape(atlas_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(engine: object) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(headline, "headline", fail)  # an internal failure cannot be provoked over HTTP
    client = TestClient(create_app(atlas_db, web=False), raise_server_exceptions=False)
    response = client.get("/api/headline")
    assert _shape(response) == (500, "internal_error")
    assert "boom" not in response.text


def test_messages_say_what_to_do(api_client: TestClient) -> None:
    bad = api_client.post("/api/scenarios/run", headers={"content-type": "application/yaml"},
                          content=b"name: x\nas_of: 2026-01-01\nmeasures:\n  - type: tariff\n    rate: 2\n")
    message = bad.json()["error"]["message"]
    assert "line 4, field measures.0.tariff.origins: Field required" in message
    unknown = api_client.get("/api/substances/zzqqxxy").json()["error"]["message"]
    assert "try the ingredient name or a UNII" in unknown
    assert api_client.get("/api/policies/nope").json()["error"]["message"].startswith("no policy 'nope'")
    validation = api_client.get("/api/countries/KOR").json()["error"]
    assert validation["detail"][0]["loc"] == ["path", "iso2"]
