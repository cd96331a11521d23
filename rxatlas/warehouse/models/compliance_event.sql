-- Core FDA compliance events: compliance actions, published Form 483s and warning letters in one shape.
-- event_id: 'compliance_action:<case id>:<FEI>', 'form_483:<record id>' or 'warning_letter:<letter id>'.
-- is_drug tells whether the record concerns human drugs (biologics, devices, foods, tobacco and animal drugs
-- are not human drugs here):
--   compliance action: product_type = 'Drugs';
--   Form 483 (the file gives no product type): TRUE when the same FEI has a 'Drugs' compliance action,
--     FALSE when it has compliance actions of other product types only, NULL when it has none;
--   warning letter: TRUE when issued by CDER or a drug/pharmaceutical-quality office; FALSE when issued by
--     another centre or its field offices (tobacco, foods, veterinary, devices, biologics); letters of other
--     offices (imports, inspections, ORA, none given) are TRUE when the subject names human drugs
--     (pharmaceutical, drug, OTC, compounding) and does not name animals or feed.
CREATE OR REPLACE TABLE core.compliance_event AS
WITH fei_product AS (
    SELECT fei, max(CASE WHEN product_type = 'Drugs' THEN 1 ELSE 0 END) = 1 AS any_drug
    FROM latest.fda_compliance__compliance_actions
    GROUP BY fei
),
letters AS (
    SELECT *, lower(coalesce(issuing_office, '')) AS office, lower(subject) AS topic
    FROM latest.fda_compliance__warning_letters
)
SELECT
    'compliance_action:' || a.case_id || ':' || a.fei AS event_id,
    'compliance_action' AS event_type,
    a.fei,
    a.legal_name AS firm_name,
    c.iso2 AS country_iso2,
    a.action_taken_date AS event_date,
    a.action_type AS action,
    a.product_type,
    CAST(NULL AS VARCHAR) AS center_or_office,
    a.product_type = 'Drugs' AS is_drug,
    a._source, a._snapshot, a._file, a._sha256, a._line
FROM latest.fda_compliance__compliance_actions AS a
LEFT JOIN core.country_alias AS c ON c.alias = lower(trim(a.country_area))
UNION ALL
SELECT
    'form_483:' || CAST(f.record_id AS VARCHAR) AS event_id,
    'form_483' AS event_type,
    f.fei,
    f.legal_name AS firm_name,
    CAST(NULL AS VARCHAR) AS country_iso2,
    f.record_date AS event_date,
    'Form 483' AS action,
    CAST(NULL AS VARCHAR) AS product_type,
    CAST(NULL AS VARCHAR) AS center_or_office,
    p.any_drug AS is_drug,
    f._source, f._snapshot, f._file, f._sha256, f._line
FROM latest.fda_compliance__published_483s AS f
LEFT JOIN fei_product AS p ON p.fei = f.fei
UNION ALL
SELECT
    'warning_letter:' || w.letter_id AS event_id,
    'warning_letter' AS event_type,
    CAST(NULL AS VARCHAR) AS fei,
    w.company AS firm_name,
    CAST(NULL AS VARCHAR) AS country_iso2,
    w.letter_date AS event_date,
    w.subject AS action,
    CAST(NULL AS VARCHAR) AS product_type,
    w.issuing_office AS center_or_office,
    CASE
        WHEN w.office LIKE '%drug evaluation%' OR w.office LIKE '%cder%' OR w.office = 'drug'
            OR w.office LIKE '%pharmaceutical quality%' OR w.office LIKE '%prescription drug%'
            OR w.office LIKE '%unapproved drugs%' OR w.office LIKE '%manufacturing quality%' THEN TRUE
        WHEN w.office LIKE '%tobacco%' OR w.office LIKE '%veterinary%' OR w.office LIKE '%food%'
            OR w.office LIKE '%device%' OR w.office LIKE '%biologic%' THEN FALSE
        WHEN w.topic LIKE '%animal%' OR w.topic LIKE '%feed%' THEN FALSE
        ELSE w.topic LIKE '%pharmaceutical%' OR w.topic LIKE '%drug%' OR w.topic LIKE '%otc%'
            OR w.topic LIKE '%compounding%'
    END AS is_drug,
    w._source, w._snapshot, w._file, w._sha256, w._line
FROM letters AS w;
