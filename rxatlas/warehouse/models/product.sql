-- Core Drugs@FDA products: one row per application product.
-- The product fields come from the newest Products.txt available, which in the shared mirror is the complete
-- 2019-07-02 set (the 2025 tables lack Products): _snapshot tells which. Marketing status and TE codes come from
-- the newest MarketingStatus and TE tables, where the product is listed there (marketing_status_snapshot).
CREATE OR REPLACE TABLE core.product AS
WITH te AS (
    SELECT appl_no, product_no, string_agg(DISTINCT te_code, ';' ORDER BY te_code) AS te_code
    FROM latest.fda_drugsfda__te
    WHERE te_code IS NOT NULL
    GROUP BY appl_no, product_no
),
status AS (
    SELECT ms.appl_no, ms.product_no, lk.description AS marketing_status, ms._snapshot
    FROM latest.fda_drugsfda__marketing_status AS ms
    LEFT JOIN latest.fda_drugsfda__marketing_status_lookup AS lk
        ON lk.marketing_status_id = ms.marketing_status_id
)
SELECT
    lpad(p.appl_no, 6, '0') AS appl_no,
    p.product_no,
    p.form,
    p.strength,
    p.reference_drug,
    p.drug_name,
    p.active_ingredient,
    p.reference_standard,
    status.marketing_status,
    status._snapshot AS marketing_status_snapshot,
    te.te_code,
    p._source, p._snapshot, p._file, p._sha256, p._line
FROM latest.fda_drugsfda__product AS p
LEFT JOIN status ON status.appl_no = p.appl_no AND status.product_no = p.product_no
LEFT JOIN te ON te.appl_no = p.appl_no AND te.product_no = p.product_no;
