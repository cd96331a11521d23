-- Core Orange Book patents: one row per approved product, patent and use code, with flags as booleans.
CREATE OR REPLACE TABLE core.patent AS
SELECT
    CASE appl_type WHEN 'N' THEN 'NDA' WHEN 'A' THEN 'ANDA' ELSE appl_type END AS appl_type,
    lpad(appl_no, 6, '0') AS appl_no,
    product_no,
    patent_no,
    patent_no LIKE '%*PED' AS pediatric_extension,
    patent_expire_date,
    coalesce(drug_substance_flag, FALSE) AS drug_substance,
    coalesce(drug_product_flag, FALSE) AS drug_product,
    patent_use_code,
    coalesce(delist_flag, FALSE) AS delist_requested,
    submission_date,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_orange_book__patent;
