"""PDF reports printed by Debian's headless Chromium: text is there, Korean with an embedded CJK font."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from rxatlas.atlas import Atlas
from rxatlas.report import PdfPrinter, approvals_report, substance_report, write
from rxatlas.report.pdf import CHROMIUM

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="Chromium is not installed (scripts/setup.sh)"
)


@pytest.fixture(scope="module")
def printer() -> Iterator[PdfPrinter]:
    """One browser for every PDF of these tests."""
    with PdfPrinter() as shared:
        yield shared


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _embedded_fonts(path: Path) -> set[str]:
    """Names of the fonts whose glyphs the PDF carries (font files, or Type 3 glyph programs)."""
    names = set()
    for page in PdfReader(path).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            parts = [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
            for part in parts:
                descriptor = part.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                carried = "/CharProcs" in font or any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if carried:
                    names.add(str(descriptor["/FontName"]))
    return names


@pytest.fixture(scope="module")
def pdfs(atlas_db: Path, printer: PdfPrinter, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The atorvastatin report in English and Korean and the Korean approvals report, as PDFs."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    with Atlas(atlas_db) as atlas:
        for key, report in (
            ("substance_en", substance_report(atlas, "atorvastatin")),
            ("substance_ko", substance_report(atlas, "atorvastatin", "ko")),
            ("approvals_ko", approvals_report(atlas, "KR", "ko")),
        ):
            paths[key] = folder / f"{key}.pdf"
            write(report, "pdf", paths[key], printer)
    return paths


def test_english_pdf_names_the_substance_firms_and_sources(pdfs: dict[str, Path]) -> None:
    text = _text(pdfs["substance_en"])
    assert "Where ATORVASTATIN is made" in text
    assert "BIOCON LTD" in text
    assert "FDA Drug Master File list (snapshot 2025-06-30" in text
    assert "not volumes" in text


def test_korean_pdf_has_korean_labels_and_embeds_a_cjk_font(pdfs: dict[str, Path]) -> None:
    text = _text(pdfs["substance_ko"])
    for label in ("ATORVASTATIN의 제조 국가", "원료의약품 공급원", "출처", "라이선스"):
        assert label in text
    assert any("NotoSansCJK" in name for name in _embedded_fonts(pdfs["substance_ko"]))


def test_korean_approvals_pdf(pdfs: dict[str, Path]) -> None:
    text = _text(pdfs["approvals_ko"])
    assert "South Korea 기업의 미국 허가" in text and "125743" in text and "2023-12-15" in text  # Alyglo
    assert any("NotoSansCJK" in name for name in _embedded_fonts(pdfs["approvals_ko"]))
