"""Find a source's files in a mirror folder, or download them (HTTP with retries and resume) and verify them."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx

from rxatlas.errors import FetchError
from rxatlas.sources.base import FileSpec, LocalFile, Source, snapshot_from_name

RETRIES = 5
TIMEOUT = httpx.Timeout(30.0, read=120.0)
CHUNK = 1 << 16
MAX_DOWNLOAD_BYTES = 4 << 30
Progress = Callable[[int, int | None], None]


def sha256_of(path: Path) -> tuple[str, int]:
    """Return a file's sha256 hex digest and size in bytes."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _is_url(value: str) -> bool:
    return urlparse(value).scheme in ("http", "https")


def _pick_latest(names: list[str]) -> str:
    return max(names, key=lambda n: (snapshot_from_name(Path(n).name) or date.min, n))


def _attempt(client: httpx.Client, url: str, part: Path, progress: Progress | None) -> dict[str, str]:
    """Fetch url into part once, resuming from the bytes part already holds; return the headers."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        if status == 404:
            raise FetchError(f"{url} was not found (HTTP 404); check the source's address")
        if status >= 500 or status == 429:
            raise httpx.HTTPStatusError(f"HTTP {status}", request=response.request, response=response)
        if status >= 400:
            raise FetchError(f"{url} answered HTTP {status}; check the source's address and access")
        resumed = status == 206
        if resumed and not response.headers.get("Content-Range", "").startswith(f"bytes {have}-"):
            part.unlink()
            raise httpx.ReadError(f"the server resumed at the wrong offset ({response.headers.get('Content-Range')})")
        start = have if resumed else 0
        length = response.headers.get("Content-Length")
        total = start + int(length) if length else None
        if total and total > MAX_DOWNLOAD_BYTES:
            raise FetchError(f"{url} is {total} bytes, over the {MAX_DOWNLOAD_BYTES}-byte limit")
        written = start
        with open(part, "ab" if resumed else "wb") as fh:
            for chunk in response.iter_bytes(CHUNK):
                fh.write(chunk)
                written += len(chunk)
                if written > MAX_DOWNLOAD_BYTES:
                    raise FetchError(f"{url} exceeds the {MAX_DOWNLOAD_BYTES}-byte limit")
                if progress:
                    progress(written, total)
        if total is not None and written != total:
            raise httpx.ReadError(f"connection closed after {written} of {total} bytes")
        return dict(response.headers)


def download(url: str, dest: Path, progress: Progress | None = None, retries: int = RETRIES) -> dict[str, str]:
    """Download url to dest, retrying transient failures and resuming partial downloads; return headers."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    last_error: Exception | None = None
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": "rxatlas"}) as client:
            for attempt in range(retries):
                if attempt:
                    time.sleep(min(0.2 * 2 ** (attempt - 1), 5.0))
                try:
                    headers = _attempt(client, url, part, progress)
                except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                    last_error = exc
                    continue
                part.replace(dest)
                return headers
    finally:
        part.unlink(missing_ok=True)
    raise FetchError(
        f"could not download {url} after {retries} attempts ({last_error}); check the network or use --mirror",
        transient=True,
    )


def _listing(url: str) -> list[str]:
    """Return the file names an HTTP mirror lists in a directory page."""
    try:
        response = httpx.get(url, timeout=TIMEOUT, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise FetchError(f"could not list mirror folder {url} ({exc}); check the network", transient=True) from exc
    if not response.is_success:
        status = response.status_code
        raise FetchError(f"could not list mirror folder {url} (HTTP {status}); check --mirror",
                         transient=status >= 500 or status == 429)
    hrefs = re.findall(r'href="([^"?#]+)"', response.text)
    return [unquote(h.rstrip("/").rsplit("/", 1)[-1]) for h in hrefs if not h.endswith("/")]


def _snapshot(spec: FileSpec, name: str, headers: dict[str, str] | None, path: Path) -> date:
    if spec.snapshot:
        return spec.snapshot
    found = snapshot_from_name(name)
    if found:
        return found
    modified = (headers or {}).get("last-modified") or (headers or {}).get("Last-Modified")
    if modified:
        return parsedate_to_datetime(modified).date()
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def _local(source: str, spec: FileSpec, path: Path, origin: str, headers: dict[str, str] | None) -> LocalFile:
    digest, size = sha256_of(path)
    if size == 0:
        raise FetchError(f"{origin} is empty (0 bytes); the source {source} needs a real {spec.format} file")
    return LocalFile(source, spec, path, origin, digest, size, _snapshot(spec, path.name, headers, path))


def locate_file(
    source: str,
    spec: FileSpec,
    mirror: str | None,
    cache: Path,
    progress: Progress | None = None,
    fetched: dict[str, tuple[Path, dict[str, str]]] | None = None,
) -> LocalFile | None:
    """Return one declared file from the mirror folder, an HTTP mirror, or the official URL.

    ``fetched`` remembers downloads by URL, so files that share one official archive are fetched once.
    """
    if mirror and not _is_url(mirror):
        root = Path(mirror).expanduser()
        if not root.is_dir():
            raise FetchError(f"mirror folder {root} does not exist; pass --mirror with a folder of snapshots")
        found = sorted(str(p.relative_to(root)) for p in root.glob(spec.mirror_glob) if p.is_file())
        if not found:
            if not spec.required:
                return None
            raise FetchError(
                f"source {source}: no file matching {spec.mirror_glob} in mirror {root}; "
                f"download {spec.url} into that folder"
            )
        chosen = root / _pick_latest(found)
        return _local(source, spec, chosen, str(chosen), None)
    if mirror:
        folder, _, pattern = spec.mirror_glob.rpartition("/")
        base = mirror.rstrip("/") + "/" + (folder + "/" if folder else "")
        names = [n for n in _listing(base) if fnmatch.fnmatch(n, pattern)]
        if not names:
            if not spec.required:
                return None
            raise FetchError(f"source {source}: the mirror {base} lists no file matching {pattern}")
        url = urljoin(base, _pick_latest(names))
    else:
        url = spec.url
    if fetched is not None and url in fetched:
        dest, headers = fetched[url]
    else:
        tag = hashlib.sha256(url.encode()).hexdigest()[:10]
        dest = cache / source / tag / Path(urlparse(url).path).name
        headers = download(url, dest, progress)
        dest.with_name(dest.name + ".headers.json").write_text(json.dumps(headers))
        if fetched is not None:
            fetched[url] = (dest, headers)
    return _local(source, spec, dest, url, headers)


def older_mirror_files(source: Source, mirror: str | None) -> list[LocalFile]:
    """Return the files of a mirror folder that locate passed over for newer ones: the source's history."""
    if not mirror or _is_url(mirror):
        return []
    root = Path(mirror).expanduser()

    def matching(glob: str) -> set[str]:
        return {str(p.relative_to(root)) for p in root.glob(glob) if p.is_file()}

    older = []
    for spec in source.files:
        # the official archive of several files (e.g. drugsatfda.zip) holds this spec's file too
        bundles = {n for other in source.files if other.url == spec.url and other is not spec
                   for n in matching(other.mirror_glob) if n.endswith(".zip")}
        found = sorted(matching(spec.mirror_glob) | bundles)
        newest = _pick_latest(found) if found else None
        older += [_local(source.id, spec, root / name, str(root / name), None) for name in found if name != newest]
    return older


def locate(
    source: Source, mirror: str | None, cache: Path, progress: Progress | None = None
) -> dict[str, LocalFile]:
    """Return every file a source declares, located and verified, by spec name."""
    located: dict[str, LocalFile] = {}
    fetched: dict[str, tuple[Path, dict[str, str]]] = {}
    for spec in source.files:
        found = locate_file(source.id, spec, mirror, cache, progress, fetched)
        if found is not None:
            located[spec.name] = found
    return located
