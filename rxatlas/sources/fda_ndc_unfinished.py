"""FDA NDC directory of unfinished drugs: bulk ingredients and drugs for further processing, with labelers."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, detect_encoding, zip_members

PRODUCT_MEMBER = "*product*.txt"
PACKAGE_MEMBER = "*package*.txt"
PRODUCT_HEADER = {
    "PRODUCTID": "product_id",
    "PRODUCTNDC": "product_ndc",
    "PRODUCTTYPENAME": "product_type",
    "NONPROPRIETARYNAME": "nonproprietary_name",
    "DOSAGEFORMNAME": "dosage_form",
    "STARTMARKETINGDATE": "start_marketing_date",
    "ENDMARKETINGDATE": "end_marketing_date",
    "MARKETINGCATEGORYNAME": "marketing_category",
    "LABELERNAME": "labeler_name",
    "SUBSTANCENAME": "substance_names",
    "ACTIVE_NUMERATOR_STRENGTH": "strengths",
    "ACTIVE_INGRED_UNIT": "units",
    "DEASCHEDULE": "dea_schedule",
    "LISTING_RECORD_CERTIFIED_THROUGH": "listing_certified_through",
}
PACKAGE_HEADER = {
    "PRODUCTID": "product_id",
    "PRODUCTNDC": "product_ndc",
    "NDCPACKAGECODE": "package_ndc",
    "PACKAGEDESCRIPTION": "description",
}
# The ingredient lists of a product, in the same order; their items are split into the ingredient table.
INGREDIENT_LISTS = {"substance_names": "substance_name", "strengths": "strength", "units": "unit"}
YMD = ("%Y%m%d",)
# The ingredient table of both NDC directories (finished and unfinished).
INGREDIENT_TABLE = Table(
    "ingredient",
    (
        Column("product_id", required=True, doc="the product listing the ingredient"),
        Column("position", "BIGINT", required=True, doc="1-based place in the product's lists"),
        Column("substance_name", required=True, doc="active substance"),
        Column("strength", "DOUBLE", doc="numerator strength"),
        Column("unit", doc="strength unit, e.g. g/g, kg/kg"),
    ),
    key=("product_id", "position"),
    doc="one row per active substance of a product, split from its '; ' lists",
)


class FdaNdcUnfinished(Source):
    id = "fda_ndc_unfinished"
    title = "FDA NDC directory: unfinished drugs"
    publisher = "US Food and Drug Administration"
    homepage = "https://www.fda.gov/drugs/drug-approvals-and-databases/national-drug-code-directory"
    licence = "US Government work, public domain"
    refresh_days = 30
    files = (
        FileSpec(
            name="ndc_unfinished",
            url="https://www.accessdata.fda.gov/cder/ndc_unfinished.zip",
            mirror_glob="fda_ndc_unfinished/ndc_unfinished_*.zip",
            format="zip of tab-separated text files (the .xls members are the same text)",
        ),
    )
    tables = (
        Table(
            "product",
            (
                Column("product_id", required=True, doc="product NDC and SPL document id"),
                Column("product_ndc", required=True, doc="labeler-product code"),
                Column("product_type", doc="e.g. BULK INGREDIENT, DRUG FOR FURTHER PROCESSING"),
                Column("nonproprietary_name", doc="generic name as listed"),
                Column("dosage_form", doc="e.g. POWDER, CRYSTAL"),
                Column("start_marketing_date", "DATE", formats=YMD, doc="marketing start"),
                Column("end_marketing_date", "DATE", formats=YMD, doc="marketing end, if any"),
                Column("marketing_category", doc="e.g. BULK INGREDIENT, EXPORT ONLY"),
                Column("labeler_name", required=True, doc="firm that listed the product"),
                Column("substance_names", doc="active substances separated by '; '"),
                Column("strengths", doc="strength of each substance, same order"),
                Column("units", doc="unit of each strength, same order"),
                Column("dea_schedule", doc="DEA schedule (CI-CV) if controlled"),
                Column("listing_certified_through", "DATE", formats=YMD, doc="listing certified until"),
            ),
            key=("product_id",),
            doc="one row per listed unfinished product",
        ),
        INGREDIENT_TABLE,
        Table(
            "package",
            (
                Column("product_id", required=True, doc="the packaged product"),
                Column("product_ndc", required=True, doc="labeler-product code"),
                Column("package_ndc", required=True, doc="full package NDC"),
                Column("description", doc="package description"),
            ),
            key=("package_ndc",),
            doc="one row per package of an unfinished product",
        ),
    )
    facts = (
        Fact("products", "SELECT count(*) FROM latest.fda_ndc_unfinished__product"),
        Fact("bulk_ingredient_products",
             "SELECT count(*) FROM latest.fda_ndc_unfinished__product "
             "WHERE product_type = 'BULK INGREDIENT'"),
        Fact("labelers", "SELECT count(DISTINCT labeler_name) FROM latest.fda_ndc_unfinished__product"),
    )
    quirks = (
        "Windows-1252 text; the .xls members are tab-separated text identical to the .txt members.",
        "Multi-ingredient products list substances, strengths and units as parallel '; ' lists; a substance "
        "name can itself hold '; ' inside parentheses (POLY(METHYL METHACRYLATE; 450000 MW)).",
        "136 products of the 2018 file (mostly kits) list no substance.",
        "One LABELERNAME holds SPL markup instead of a firm name.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield products, their ingredients and (when the zip has them) packages."""
        file = files["ndc_unfinished"]
        yield from directory_rows(self.id, file, PRODUCT_HEADER)
        if any(fnmatch.fnmatch(n.lower(), PACKAGE_MEMBER) for n in zip_members(file)):
            encoding = detect_encoding(file, PACKAGE_MEMBER, ("utf-8-sig", "cp1252"))
            for line, record in csv_records(file, PACKAGE_HEADER, member=PACKAGE_MEMBER, encoding=encoding,
                                            delimiter="\t", quotes=False):
                yield Row("package", file, line, {PACKAGE_HEADER[k]: record[k] for k in PACKAGE_HEADER})


def directory_rows(source: str, file: LocalFile, header: dict[str, str]) -> Iterator[Row]:
    """Products of an NDC directory zip (finished or unfinished; same layout) and their ingredients, split from
    the parallel '; ' lists."""
    encoding = detect_encoding(file, PRODUCT_MEMBER, ("utf-8-sig", "cp1252"))
    for line, record in csv_records(file, header, member=PRODUCT_MEMBER, encoding=encoding, delimiter="\t",
                                    quotes=False):
        product = {header[k]: record[k] for k in header}
        yield Row("product", file, line, product)
        for position, ingredient in enumerate(_ingredients(source, header, file, line, product), start=1):
            yield Row("ingredient", file, line, {"product_id": product["product_id"], "position": position,
                                                 **ingredient})


def _ingredients(source: str, header: dict[str, str], file: LocalFile, line: int,
                 product: dict[str, str]) -> list[dict[str, str | None]]:
    """Zip a product's parallel substance, strength and unit lists into one mapping per ingredient."""
    lists = {target: split_list(product[source_column]) for source_column, target in INGREDIENT_LISTS.items()}
    count = len(lists["substance_name"])
    for source_column, target in INGREDIENT_LISTS.items():
        items = lists[target]
        if items and len(items) != count:
            official = next(k for k, v in header.items() if v == source_column)
            raise SourceError(source, Problem(
                f"lists {len(items)} values for {count} substances; the '; ' lists must match one to one",
                str(file.path), line, official))
    return [{target: items[i] if items else None for target, items in lists.items()} for i in range(count)]


def split_list(text: str) -> list[str]:
    """Split a ';'-separated list, leaving separators inside parentheses alone."""
    items: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]
