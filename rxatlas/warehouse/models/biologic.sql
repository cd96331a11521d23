-- Core Purple Book biologics: one row per licensed product presentation (a BLA repeats across presentations,
-- and the file repeats some rows exactly), with the BLA number padded to 6 digits like Drugs@FDA.
CREATE OR REPLACE TABLE core.biologic AS
SELECT
    lpad(bla_no, 6, '0') AS bla_no,
    applicant,
    CASE WHEN proprietary_name = 'N/A' THEN NULL ELSE proprietary_name END AS proprietary_name,
    proper_name,
    bla_type,
    approval_date,
    marketing_status,
    CASE marketing_status
        WHEN 'Rx' THEN 'Prescription'
        WHEN 'OTC' THEN 'Over-the-counter'
        WHEN 'Disc' THEN 'Discontinued'
        WHEN 'Disc*' THEN 'Discontinued'
    END AS marketing_status_label,
    licensure,
    strength,
    dosage_form,
    route,
    product_presentation,
    product_no,
    license_no,
    center,
    ref_product_proper_name,
    ref_product_proprietary_name,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_purple_book__product;
