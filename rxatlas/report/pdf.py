"""A report's HTML printed to PDF by headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

from rxatlas.errors import InputError

CHROMIUM = os.environ.get("RXATLAS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class PdfPrinter:
    """One headless browser that prints any number of HTML documents to PDF; use it as a context manager."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).is_file():
            raise InputError(
                f"PDF needs Chromium at {CHROMIUM}; install it (scripts/setup.sh) or set "
                "RXATLAS_CHROMIUM, or choose --format html"
            )
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    def print(self, html: str, path: Path) -> None:
        """Print one self-contained HTML document to a landscape A4 PDF (the page fetches nothing)."""
        page = self._browser.new_page(java_script_enabled=False)  # a report is static; run nothing it holds
        try:
            page.route("**/*", lambda route: route.abort())  # nothing to fetch; refuse anything that tries
            page.set_content(html, wait_until="load")
            page.pdf(
                path=str(path),
                format="A4",
                landscape=True,  # wide tables (applications with evidence) need the width
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            page.close()


def write_pdf(html: str, path: Path, printer: PdfPrinter | None = None) -> None:
    """Print HTML to a PDF file, with the given printer or a browser started for this one file."""
    if printer is not None:
        printer.print(html, path)
        return
    with PdfPrinter() as own:
        own.print(html, path)
