"""FDA NDC directory of finished drugs: every listed product with its type (prescription, OTC, allergenic...),
marketing category, application, route and active substances; what the market scope needs beyond Drugs@FDA."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.fda_ndc_unfinished import INGREDIENT_TABLE, PRODUCT_HEADER, YMD, directory_rows

# product.txt of ndctext.zip: the unfinished directory's columns and those only finished products have.
FINISHED_HEADER = PRODUCT_HEADER | {
    "PROPRIETARYNAME": "proprietary_name",
    "ROUTENAME": "route",
    "APPLICATIONNUMBER": "application_number",
    "PHARM_CLASSES": "pharm_classes",
}


class FdaNdc(Source):
    id = "fda_ndc"
    title = "FDA NDC directory: finished drugs"
    publisher = "US Food and Drug Administration"
    homepage = "https://www.fda.gov/drugs/drug-approvals-and-databases/national-drug-code-directory"
    licence = "US Government work, public domain"
    refresh_days = 7
    files = (
        FileSpec(
            name="ndc",
            url="https://www.accessdata.fda.gov/cder/ndctext.zip",
            mirror_glob="fda_ndc/ndctext_*.zip",
            format="zip of tab-separated text files (product.txt, package.txt)",
            required=False,
            doc="not in the shared mirror; loaded when present (always at the official URL)",
        ),
    )
    tables = (
        Table(
            "product",
            (
                Column("product_id", required=True, doc="product NDC and SPL document id"),
                Column("product_ndc", required=True, doc="labeler-product code"),
                Column("product_type", required=True,
                       doc="HUMAN PRESCRIPTION DRUG, HUMAN OTC DRUG, STANDARDIZED ALLERGENIC, VACCINE, ..."),
                Column("proprietary_name", doc="brand or product name"),
                Column("nonproprietary_name", doc="generic name as listed"),
                Column("dosage_form", doc="e.g. TABLET, FILM COATED"),
                Column("route", doc="e.g. ORAL; TOPICAL"),
                Column("start_marketing_date", "DATE", formats=YMD, doc="marketing start"),
                Column("end_marketing_date", "DATE", formats=YMD, doc="marketing end, if any"),
                Column("marketing_category", doc="NDA, ANDA, BLA, OTC MONOGRAPH DRUG, UNAPPROVED DRUG OTHER, ..."),
                Column("application_number", doc="e.g. NDA217347, ANDA076477, BLA103362; empty when none"),
                Column("labeler_name", required=True, doc="firm that listed the product"),
                Column("substance_names", doc="active substances separated by '; '"),
                Column("strengths", doc="strength of each substance, same order"),
                Column("units", doc="unit of each strength, same order"),
                Column("pharm_classes", doc="FDA established pharmacologic classes, e.g. 'HMG-CoA Reductase "
                                           "Inhibitor [EPC]', separated by ', '"),
                Column("dea_schedule", doc="DEA schedule (CI-CV) if controlled"),
                Column("listing_certified_through", "DATE", formats=YMD, doc="listing certified until"),
            ),
            key=("product_id",),
            doc="one row per listed finished product",
        ),
        INGREDIENT_TABLE,
    )
    facts = (
        Fact("products", "SELECT count(*) FROM latest.fda_ndc__product"),
        Fact("prescription_products",
             "SELECT count(*) FROM latest.fda_ndc__product WHERE product_type = 'HUMAN PRESCRIPTION DRUG'"),
    )
    quirks = (
        "Same layout as the unfinished directory (tab-separated, '; ' lists of substances, strengths and units), "
        "with the brand, route, application number and pharmacologic classes added.",
        "Products listed under CBER carry their own types (STANDARDIZED ALLERGENIC, PLASMA DERIVATIVE, VACCINE, "
        "CELLULAR THERAPY); they are prescription products.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield products and their ingredients; nothing when the optional file is absent."""
        if "ndc" in files:
            yield from directory_rows(self.id, files["ndc"], FINISHED_HEADER)
