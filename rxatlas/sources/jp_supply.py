"""Japan MHLW drug supply status: shipment status of every NHI product, with its supply-secured category."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import detect_encoding, kind_of, open_binary, table_records, text_lines

DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d")


def _column(japanese: str, name: str, meaning: str, kind: str = "VARCHAR", required: bool = False
            ) -> tuple[str, Column]:
    """Pair a Japanese sheet header with its English column; the doc keeps the Japanese original."""
    formats = DATE_FORMATS if kind == "DATE" else ()
    return japanese, Column(name, kind, required, f"{japanese.splitlines()[0]}: {meaning}", formats)


# The sheet's headers (exactly as printed, line breaks included) and the English columns they load into.
COLUMNS = (
    _column("①薬剤区分", "drug_class",
            "drug class: 1 内用薬 internal use, 2 外用薬 external use, 3 注射薬 injection", required=True),
    _column("②薬効分類\n（保険薬収載時点の薬効分類を記載）", "therapeutic_category",
            "therapeutic category at NHI listing"),
    _column("③成分名", "ingredient_name", "ingredient (general) name", required=True),
    _column("④規格単位\n※全角", "strength", "strength and unit (full-width characters)"),
    _column("⑤YJコード", "yj_code", "YJ code (12-character product code)", required=True),
    _column("⑥品名\n（承認書に記載の正式名称）\n※全角", "product_name",
            "product name as approved (full-width characters)", required=True),
    _column("⑦製造販売業者名", "company", "marketing authorisation holder", required=True),
    _column("⑧製品区分", "product_category",
            "product category: 1 先発品 originator, 2 後発品 generic, 3 準先発品 quasi-originator, "
            "4 長期収載品 long-listed originator, 5 その他医薬品 other, 6 未収載医薬品 not NHI-listed"),
    _column("⑨基礎的\n医薬品", "basic_drug", "basic drug (price-protected): 1 対象 yes, 2 対象外 no"),
    _column("⑩（重要）供給確保医薬品", "supply_secured_category",
            "supply-secured medicine category A, B or C (A most important); empty when not listed"),
    _column("⑪薬価収載年月日", "nhi_listing_date", "NHI price listing date; empty when not listed", "DATE"),
    _column("⑫製造販売業者の\n「出荷対応」の状況", "shipment_status",
            "shipment status: ①通常出荷 normal, ②-④限定出荷 limited, ⑤供給停止 suspended", required=True),
    _column("⑬当該品目の⑫の情報を更新した日（本項目を報告内容として追加した令和7年5月13日以降に⑫の情報を"
            "更新した品目についてのみ記載）", "shipment_status_updated",
            "date the shipment status last changed (only changes since 2025-05-13)", "DATE"),
    _column("⑭限定出荷/供給停止の理由", "restriction_reason", "reason for limited shipment or suspension"),
    _column("⑮限定出荷の解除見込み／\n供給停止の解消見込み", "resolution_outlook",
            "is the restriction expected to end: ア あり yes, イ なし no, ウ 未定 undecided"),
    _column("⑯限定出荷の解除見込み／\n供給停止の解消見込み／\n販売中止品の在庫消尽時期", "resolution_timing",
            "expected end of the restriction, or when a discontinued product's stock runs out (free text)"),
    _column("⑰製造販売業者の\n「出荷量」の現在の状況", "shipment_volume",
            "shipment volume: Aプラス increased, A normal, B decreased, C stopped, D NHI delisting planned",
            required=True),
    _column("⑱製造販売業者の「出荷量」の改善（増加）見込み時期", "volume_improvement_timing",
            "when shipment volume is expected to improve"),
    _column("⑲⑱を任意選択した場合の「出荷量」の改善（増加）見込み量", "volume_improvement_pct",
            "expected shipment volume after improvement, percent", "BIGINT"),
    _column("⑳当該品目の⑫以外の情報を更新した日", "other_info_updated",
            "date the product's other information was last updated", "DATE"),
    _column("今回掲載時の更新有無（更新有りの場合、Newと表示）", "updated_this_release",
            "changed in this release (the sheet shows 'New')", "BOOLEAN"),
)
HEADER = {japanese: column.name for japanese, column in COLUMNS}
DATES = {c.name for _, c in COLUMNS if c.type == "DATE"}
NOT_NHI_LISTED = "薬価基準未収載"
CATEGORIES = {"A", "B", "C"}
EXCEL_EPOCH = date(1899, 12, 30)
HEADER_SCAN_LINES = 20


class JpSupply(Source):
    """MHLW supply status sheet: per-product shipment status and supply-secured category A/B/C."""

    id = "jp_supply"
    title = "MHLW drug supply status (医療用医薬品供給状況)"
    publisher = "Ministry of Health, Labour and Welfare, Japan"
    homepage = "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000169987_00001.html"
    licence = ("MHLW website terms of use (Government of Japan Standard Terms of Use: reuse with "
               "attribution); not verified offline")
    refresh_days = 14
    files = (
        FileSpec(
            name="supply_status",
            url=homepage,
            mirror_glob="jp_supply/mhlw_supply_status_*",
            format="Excel workbook (official, linked from the page) or its CSV export in UTF-8 or "
                   "Shift_JIS (cp932)",
            doc="The official page links a new workbook about every week; download the linked Excel file.",
        ),
    )
    tables = (
        Table(
            "supply_status",
            (
                *(c for _, c in COLUMNS[:10]),
                Column("nhi_listed", "BOOLEAN", required=True,
                       doc=f"false when ⑪ reads {NOT_NHI_LISTED} (not on the NHI price list)"),
                *(c for _, c in COLUMNS[10:]),
            ),
            key=("yj_code",),
            doc="one row per product (YJ code) of the supply status sheet",
        ),
    )
    facts = (
        Fact("products", "SELECT count(*) FROM latest.jp_supply__supply_status"),
        *(Fact(f"category_{c.lower()}", "SELECT count(*) FROM latest.jp_supply__supply_status "
                                        f"WHERE supply_secured_category = '{c}'")
          for c in sorted(CATEGORIES)),
        Fact("supply_suspended", "SELECT count(*) FROM latest.jp_supply__supply_status "
                                 "WHERE shipment_status = '⑤供給停止'"),
    )
    quirks = (
        "Row 1 of the sheet is empty; the header is on row 2, its cells hold line breaks and circled digits.",
        "Dates are Excel serial day numbers in cells formatted General, not date cells.",
        "⑪ holds either a date or the text 薬価基準未収載 (not NHI-listed).",
        "Coded values keep their Japanese code prefix (e.g. '2：後発品', '①通常出荷'); names use full-width "
        "letters and digits.",
        "Column ⑩ is the 2025 supply-secured list (供給確保医薬品), successor of the 安定確保医薬品 "
        "list; it is marked per product, so its A/B/C totals exceed the 762 listed items.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per product of the Excel sheet or its CSV export."""
        file = files["supply_status"]
        problems: list[Problem] = []
        for line, record in _records(file):
            values = {column: record.get(japanese) for japanese, column in HEADER.items()}
            category = _text(values["supply_secured_category"])
            if category is not None and category not in CATEGORIES:
                problems.append(Problem(f"supply-secured category {category!r} is not A, B, C or empty",
                                        str(file.path), line, "supply_secured_category"))
                continue
            listing = _text(values["nhi_listing_date"])
            values["nhi_listed"] = listing != NOT_NHI_LISTED
            if listing == NOT_NHI_LISTED:
                values["nhi_listing_date"] = None
            for name in DATES:
                values[name] = _excel_date(values[name])
            values["updated_this_release"] = _text(values["updated_this_release"]) == "New"
            yield Row("supply_status", file, line, values)
        if problems:
            raise SourceError(self.id, problems, hint="Check that the file is the MHLW supply status sheet.")


def _records(file: LocalFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of the workbook, or of a CSV export whose encoding and header line are found first."""
    if not file.path.stat().st_size:
        raise SourceError(file.source, Problem("the file is empty; download the supply status sheet again",
                                               str(file.path)))
    kind = kind_of(file)
    if file.path.suffix.lower() in (".xlsx", ".xlsm") and kind != "xlsx":
        raise SourceError(file.source, Problem(
            "the file is named like an Excel workbook but is not one (no xlsx zip structure); "
            "download it again or save the sheet as CSV", str(file.path)))
    if kind == "xlsx":
        return table_records(file, HEADER)
    encoding = _csv_encoding(file)
    return table_records(file, HEADER, encoding=encoding, skip_lines=_header_line(file, encoding) - 1)


def _csv_encoding(file: LocalFile) -> str:
    """UTF-8 when the file declares it with a BOM; otherwise whichever of UTF-8 and Shift_JIS (cp932) fits."""
    with open_binary(file) as stream:
        if stream.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
            return "utf-8-sig"
    return detect_encoding(file, candidates=("utf-8", "cp932"))


def _header_line(file: LocalFile, encoding: str) -> int:
    """The line where the header starts (the export keeps the sheet's empty first row)."""
    first = next(iter(HEADER))
    with open_binary(file) as stream:
        for number, text in enumerate(text_lines(stream, file, encoding), start=1):
            if first in text:
                return number
            if number >= HEADER_SCAN_LINES:
                break
    raise SourceError(file.source, Problem(
        f"no header line starting with {first!r} in the first {HEADER_SCAN_LINES} lines (read as "
        f"{encoding}); export the MHLW supply status sheet with its header row", str(file.path), 1, first))


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _excel_date(value: Any) -> Any:
    """Turn an Excel serial day number (cell or text) into a date; leave other values to validation."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EXCEL_EPOCH + timedelta(days=int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return EXCEL_EPOCH + timedelta(days=int(value.strip()))
    return value
