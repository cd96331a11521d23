-- Section 232 pharmaceuticals proclamation: one row per HTSUS code of the annexes, checked against the PDF.
-- Codes come from the CSV parse; a code the PDF lists but the CSV lacks is added from the PDF (in_csv false).
CREATE OR REPLACE TABLE core.s232_code AS
SELECT
    annex,
    htsus_code,
    substr(replace(htsus_code, '.', ''), 1, 6) AS hs6,
    description,
    in_pdf,
    TRUE AS in_csv,
    pdf_annex,
    pdf_page,
    _source, _snapshot, _file, _sha256, _line
FROM latest.us_s232__code
UNION ALL
SELECT
    annex,
    htsus_code,
    substr(replace(htsus_code, '.', ''), 1, 6) AS hs6,
    NULL AS description,
    TRUE AS in_pdf,
    FALSE AS in_csv,
    annex AS pdf_annex,
    page AS pdf_page,
    _source, _snapshot, _file, _sha256, _line
FROM latest.us_s232__pdf_code
WHERE NOT in_csv;
