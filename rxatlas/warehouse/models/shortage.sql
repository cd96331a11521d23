-- Core drug shortages: one row per shortage record (a presentation) from either FDA file, with its source.
-- ndcs lists the record's own package NDC first, then the other package NDCs openFDA links to the product.
-- Application numbers and UNIIs are NULL (not given) for CSV rows and for openFDA results without an openfda block.
CREATE OR REPLACE TABLE core.shortage AS
SELECT
    'openfda' AS shortage_source,
    generic_name,
    company_name,
    presentation,
    dosage_form,
    status,
    availability,
    shortage_reason AS reason,
    related_info,
    update_type,
    initial_posting_date,
    update_date,
    change_date,
    discontinued_date,
    therapeutic_category AS therapeutic_categories,
    package_ndc,
    CASE WHEN has_openfda THEN openfda_application_number END AS application_numbers,
    CASE WHEN has_openfda THEN openfda_unii END AS uniis,
    CASE
        WHEN package_ndc IS NULL THEN openfda_package_ndc
        ELSE list_concat([package_ndc], list_filter(openfda_package_ndc, n -> n <> package_ndc))
    END AS ndcs,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_shortages__openfda
UNION ALL
SELECT
    'fda_dsc_csv' AS shortage_source,
    generic_name,
    company_name,
    presentation,
    NULL AS dosage_form,
    status,
    availability,
    shortage_reason AS reason,
    related_info,
    update_type,
    initial_posting_date,
    update_date,
    change_date,
    discontinued_date,
    therapeutic_category AS therapeutic_categories,
    package_ndc,
    CAST(NULL AS VARCHAR[]) AS application_numbers,
    CAST(NULL AS VARCHAR[]) AS uniis,
    CASE WHEN package_ndc IS NOT NULL THEN [package_ndc] END AS ndcs,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_shortages__dsc;
