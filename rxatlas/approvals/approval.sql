-- Core approvals: one row per FDA marketing application, from Drugs@FDA (NDA, ANDA, BLA) and the Purple Book
-- (BLA), with its type, sponsor and sponsor country (core.sponsor_country), first approval date, products and
-- marketing status. What the snapshot lacks stays NULL: in the shared mirror the Drugs@FDA products and
-- submissions come from the 2019-07-02 set, so applications approved later have no product or date there
-- (the Purple Book has both for biologics).
CREATE OR REPLACE TABLE core.approval AS
WITH purple AS (
    SELECT bla_no AS appl_no,
           min(bla_type) AS bla_type,
           min(approval_date) AS approval_date,
           string_agg(DISTINCT proprietary_name, '; ' ORDER BY proprietary_name) AS product,
           string_agg(DISTINCT proper_name, '; ' ORDER BY proper_name) AS ingredient,
           string_agg(DISTINCT marketing_status_label, '; ' ORDER BY marketing_status_label) AS marketing_status,
           min(_line) AS first_line
    FROM core.biologic
    GROUP BY bla_no
),
products AS (
    SELECT appl_no,
           string_agg(DISTINCT drug_name, '; ' ORDER BY drug_name) AS product,
           string_agg(DISTINCT active_ingredient, '; ' ORDER BY active_ingredient) AS ingredient
    FROM core.product
    GROUP BY appl_no
),
first_approval AS (
    SELECT appl_no, min(submission_status_date) AS approval_date
    FROM core.submission
    WHERE submission_type = 'ORIG' AND submission_status = 'AP'
    GROUP BY appl_no
),
status AS (
    SELECT lpad(ms.appl_no, 6, '0') AS appl_no,
           string_agg(DISTINCT lk.description, '; ' ORDER BY lk.description) AS marketing_status,
           -- Marketing status 4, "None (Tentative Approval)": approvable but blocked (patents, exclusivity).
           bool_and(ms.marketing_status_id = 4) AS tentative
    FROM latest.fda_drugsfda__marketing_status AS ms
    JOIN latest.fda_drugsfda__marketing_status_lookup AS lk ON lk.marketing_status_id = ms.marketing_status_id
    GROUP BY lpad(ms.appl_no, 6, '0')
),
holder AS (
    -- Every naming of an application's holder (Purple Book first), with the country of its firm.
    SELECT b.bla_no AS appl_no, 'BLA' AS appl_type, 1 AS rank, b.applicant AS sponsor, m.firm_id,
           b._source, b._snapshot, b._file, b._sha256, b._line
    FROM core.biologic AS b
    JOIN purple AS p ON p.appl_no = b.bla_no AND p.first_line = b._line
    LEFT JOIN core.firm_mention AS m
        ON m.role = 'biologic_applicant' AND m.record_key = b.bla_no AND m._line = b._line
    UNION ALL
    SELECT a.appl_no, a.appl_type, 2 AS rank, a.sponsor_name AS sponsor, m.firm_id,
           a._source, a._snapshot, a._file, a._sha256, a._line
    FROM core.application AS a
    LEFT JOIN core.firm_mention AS m ON m.role = 'application_sponsor' AND m.record_key = a.appl_no
),
chosen AS (
    -- One holder per application: a naming whose firm has a country wins, then the Purple Book's.
    SELECT h.*, sc.country_iso2, sc.method AS country_method, sc.evidence AS country_evidence,
           sc.parent, sc.parent_country, sc.parent_evidence,
           row_number() OVER (PARTITION BY h.appl_no, h.appl_type
                              ORDER BY CASE WHEN sc.country_iso2 IS NULL THEN 1 ELSE 0 END, h.rank) AS pick
    FROM holder AS h
    LEFT JOIN core.sponsor_country AS sc ON sc.firm_id = h.firm_id
)
SELECT
    c.appl_type || ' ' || c.appl_no AS application,
    c.appl_no,
    c.appl_type,
    CASE p.bla_type
        WHEN '351(a)' THEN 'BLA 351(a)'
        WHEN '351(k) Biosimilar' THEN 'BLA 351(k) biosimilar'
        WHEN '351(k) Interchangeable' THEN 'BLA 351(k) interchangeable'
        ELSE c.appl_type
    END AS type,
    c.sponsor,
    c.firm_id AS sponsor_firm_id,
    c.country_iso2 AS sponsor_country,
    c.country_method,
    c.country_evidence,
    -- The parent of a sponsor that is a curated subsidiary of a group seated in another country.
    c.parent AS sponsor_parent,
    c.parent_country,
    c.parent_evidence,
    coalesce(p.product, pr.product) AS product,
    coalesce(p.ingredient, pr.ingredient) AS ingredient,
    coalesce(p.approval_date, fa.approval_date) AS approval_date,
    CASE
        WHEN p.approval_date IS NOT NULL THEN 'Purple Book'
        WHEN fa.approval_date IS NOT NULL THEN 'Drugs@FDA submissions (original, approved)'
    END AS approval_date_source,
    coalesce(p.marketing_status, st.marketing_status) AS marketing_status,
    CASE WHEN p.appl_no IS NULL AND st.tentative AND fa.approval_date IS NULL THEN 'tentative' ELSE 'final' END
        AS approval_status,
    p.appl_no IS NOT NULL AS in_purple_book,
    d.appl_no IS NOT NULL AS in_drugsfda,
    c._source, c._snapshot, c._file, c._sha256, c._line
FROM chosen AS c
LEFT JOIN purple AS p ON p.appl_no = c.appl_no AND c.appl_type = 'BLA'
-- Drugs@FDA numbers are unique across its types; its product tables apply only to applications it lists.
LEFT JOIN core.application AS d ON d.appl_no = c.appl_no AND d.appl_type = c.appl_type
LEFT JOIN products AS pr ON pr.appl_no = d.appl_no
LEFT JOIN first_approval AS fa ON fa.appl_no = d.appl_no
LEFT JOIN status AS st ON st.appl_no = d.appl_no
WHERE c.pick = 1
ORDER BY c.appl_type, c.appl_no;
