-- Core Orange Book products: one row per approved product; built only when products.txt was loaded
-- (the official zip has it, the shared mirror does not).
CREATE OR REPLACE TABLE core.ob_product AS
SELECT
    CASE appl_type WHEN 'N' THEN 'NDA' WHEN 'A' THEN 'ANDA' ELSE appl_type END AS appl_type,
    lpad(appl_no, 6, '0') AS appl_no,
    product_no,
    ingredient,
    dosage_form_route,
    trade_name,
    applicant,
    applicant_full_name,
    strength,
    te_code,
    approval_date,
    approved_prior AS approved_before_1982,
    coalesce(rld, FALSE) AS reference_listed_drug,
    coalesce(rs, FALSE) AS reference_standard,
    type AS marketing_category,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_orange_book__product;
