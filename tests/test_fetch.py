"""Downloads over real HTTP from local servers on 127.0.0.1: mirror listing, resume, retries, 404, size limit."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.errors import FetchError
from rxatlas.sources import fetch
from rxatlas.sources.base import FileSpec, LocalFile, Row, Source
from rxatlas.sources.fetch import download, sha256_of

DMF = Path("fda_dmf") / "dmf_list_2025Q2.csv.gz"


class Quiet(BaseHTTPRequestHandler):
    """A handler that keeps the test output clean."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietFiles(SimpleHTTPRequestHandler):
    """A static file server with directory listings that keeps the test output clean."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run an HTTP server on a free loopback port in a thread; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def serve_folder(folder: Path) -> AbstractContextManager[str]:
    """Serve a folder as it is, listings included (no copy)."""
    return serve(partial(QuietFiles, directory=str(folder)))


def test_build_from_http_mirror_records_the_file_sha256(data_dir: Path, tmp_path: Path) -> None:
    db, cache = tmp_path / "atlas.duckdb", tmp_path / "cache"
    with serve_folder(data_dir) as base:
        result = run_cli("build", "fda_dmf", "--db", str(db), "--mirror", base, "--cache", str(cache), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["db"] == str(db)
    assert summary["sources"] == [{"source": "fda_dmf", "rows": {"dmf": 39428}, "files": [DMF.name]}]
    assert {"step": "dmf", "status": "ok", "detail": ""} in summary["steps"]
    assert summary["facts"] == {"fda_dmf": {"dmfs": 39428, "active_type_ii": 14391}}
    real_sha, real_size = sha256_of(data_dir / DMF)
    with Atlas(db) as atlas:
        (row,) = atlas.sources().to_pylist()
    assert row["files"] == [{"file": "dmf_list_2025Q2.csv.gz", "sha256": real_sha, "bytes": real_size,
                             "snapshot": row["snapshot"], "origin": f"{base}fda_dmf/dmf_list_2025Q2.csv.gz"}]
    assert str(row["snapshot"]) == "2025-06-30"
    (cached,) = (cache / "fda_dmf").glob(f"*/{DMF.name}")
    assert sha256_of(cached) == (real_sha, real_size)
    assert not list(cache.rglob("*.part"))


def test_mirror_picks_the_latest_matching_file(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mirror" / "fda_dmf"
    folder.mkdir(parents=True)
    for name in ("dmf_list_2024Q4.csv.gz", "dmf_list_2025Q2.csv.gz", "dmf_list_2024Q1.csv.gz", "other_2026Q1.csv"):
        (folder / name).symlink_to(data_dir / DMF)
    spec = fetch.FileSpec("dmf_list", "https://example.org", "fda_dmf/dmf_list_*", "csv")
    with serve_folder(tmp_path / "mirror") as base:
        located = fetch.locate_file("fda_dmf", spec, base, tmp_path / "cache")
    assert located is not None
    assert located.origin == f"{base}fda_dmf/dmf_list_2025Q2.csv.gz"
    assert str(located.snapshot) == "2025-06-30"


def _drops_once(payload: bytes, seen: list[str | None]) -> type[BaseHTTPRequestHandler]:
    """A server that cuts the first full download halfway, then honours Range requests with 206."""

    class DropsOnce(Quiet):
        def do_GET(self) -> None:
            wanted = self.headers.get("Range")
            seen.append(wanted)
            if wanted is None and len(seen) == 1:
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload[: len(payload) // 2])
                self.close_connection = True
                return
            start = int(wanted.removeprefix("bytes=").split("-")[0]) if wanted else 0
            self.send_response(206 if wanted else 200)
            if wanted:
                self.send_header("Content-Range", f"bytes {start}-{len(payload) - 1}/{len(payload)}")
            self.send_header("Content-Length", str(len(payload) - start))
            self.end_headers()
            self.wfile.write(payload[start:])

    return DropsOnce


def test_dropped_connection_is_resumed_with_range(data_dir: Path, tmp_path: Path) -> None:
    payload = (data_dir / DMF).read_bytes()
    seen: list[str | None] = []
    dest = tmp_path / "dmf.csv.gz"
    with serve(_drops_once(payload, seen)) as base:
        download(base + "dmf.csv.gz", dest)
    # the client resumes from the bytes it had written when the connection dropped
    assert len(seen) == 2 and seen[0] is None and seen[1] is not None
    resumed_at = int(seen[1].removeprefix("bytes=").removesuffix("-"))
    assert 0 < resumed_at <= len(payload) // 2
    assert dest.read_bytes() == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dmf.csv.gz"]


def _always(status: int | None, seen: list[str]) -> type[BaseHTTPRequestHandler]:
    """A server that answers every request with one status, or hangs up without answering (None)."""

    class Always(Quiet):
        def do_GET(self) -> None:
            seen.append(self.path)
            if status is None:
                self.close_connection = True
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Always


@pytest.mark.parametrize(("status", "reason"), [(503, "HTTP 503"), (None, "Server disconnected")],
                         ids=["503", "hang-up"])
def test_failing_server_is_a_transient_error(tmp_path: Path, status: int | None, reason: str) -> None:
    seen: list[str] = []
    with serve(_always(status, seen)) as base, pytest.raises(FetchError) as caught:
        download(base + "file.csv", tmp_path / "file.csv", retries=3)
    assert caught.value.transient
    assert str(caught.value).startswith(f"could not download {base}file.csv after 3 attempts ({reason}")
    assert str(caught.value).endswith("; check the network or use --mirror")
    assert seen == ["/file.csv"] * 3
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("status", "message"), [
    (404, "{url} was not found (HTTP 404); check the source's address"),
    (403, "{url} answered HTTP 403; check the source's address and access"),
])
def test_client_errors_fail_at_once(tmp_path: Path, status: int, message: str) -> None:
    seen: list[str] = []
    with serve(_always(status, seen)) as base, pytest.raises(FetchError) as caught:
        download(base + "gone.csv", tmp_path / "gone.csv")
    assert str(caught.value) == message.format(url=base + "gone.csv")
    assert not caught.value.transient
    assert seen == ["/gone.csv"]
    assert not list(tmp_path.iterdir())


def test_mirror_without_the_source_folder_is_a_clear_cli_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with serve_folder(tmp_path / "empty") as base:
        result = run_cli("build", "fda_dmf", "--db", str(tmp_path / "atlas.duckdb"), "--mirror", base,
                         "--cache", str(tmp_path / "cache"))
    assert result.returncode == 1
    assert result.stderr == f"error: could not list mirror folder {base}fda_dmf/ (HTTP 404); check --mirror\n"
    assert not (tmp_path / "atlas.duckdb").exists()


def _streams_without_length(payload: bytes) -> type[BaseHTTPRequestHandler]:
    """A server that sends a body of unannounced length, ended by closing the connection."""

    class NoLength(Quiet):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(payload)
            self.close_connection = True

    return NoLength


def test_download_size_limit(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "MAX_DOWNLOAD_BYTES", 100_000)
    size = (data_dir / DMF).stat().st_size
    with serve_folder(data_dir) as base, pytest.raises(FetchError) as announced:
        download(base + str(DMF), tmp_path / "announced.gz")
    assert str(announced.value) == f"{base}{DMF} is {size} bytes, over the 100000-byte limit"
    with serve(_streams_without_length((data_dir / DMF).read_bytes())) as base, \
            pytest.raises(FetchError) as streamed:
        download(base + "stream.gz", tmp_path / "streamed.gz")
    assert str(streamed.value) == f"{base}stream.gz exceeds the 100000-byte limit"
    assert not streamed.value.transient
    assert not list(tmp_path.iterdir())


class _SharedArchive(Source):
    """Two declared files that the publisher ships in one archive, like Drugs@FDA."""

    id = "shared_archive"
    title = publisher = homepage = licence = "test"
    refresh_days = 30
    tables = ()

    def __init__(self, url: str) -> None:
        self.files = (FileSpec("first", url, "x/*", "zip"), FileSpec("second", url, "x/*", "zip"))

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        return iter(())


def test_files_sharing_one_official_url_are_downloaded_once(data_dir: Path, tmp_path: Path) -> None:
    served: list[str] = []

    class Counting(QuietFiles):
        def do_GET(self) -> None:
            served.append(self.path)
            super().do_GET()

    with serve(partial(Counting, directory=str(data_dir))) as base:
        located = fetch.locate(_SharedArchive(f"{base}{DMF}"), None, tmp_path)
    assert served == [f"/{DMF}"]
    assert located["first"].path == located["second"].path
    assert located["first"].sha256 == sha256_of(data_dir / DMF)[0]
