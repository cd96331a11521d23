-- Core Orange Book exclusivities: one row per product exclusivity as published (the file repeats a few rows).
CREATE OR REPLACE TABLE core.exclusivity AS
SELECT
    CASE appl_type WHEN 'N' THEN 'NDA' WHEN 'A' THEN 'ANDA' ELSE appl_type END AS appl_type,
    lpad(appl_no, 6, '0') AS appl_no,
    product_no,
    exclusivity_code,
    exclusivity_date,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_orange_book__exclusivity;
