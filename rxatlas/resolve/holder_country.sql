-- name: holders
-- Every distinct DMF holder with its DMF counts and the subjects of its DMFs (sites are often named there).
-- Every query here is ordered: the evidence lists rows in the order they come.
SELECT
    holder,
    count(*) AS n_dmf,
    count(*) FILTER (WHERE active AND type = 'II') AS n_active_type2,
    list(DISTINCT subject ORDER BY subject) FILTER (WHERE subject IS NOT NULL) AS subjects
FROM core.dmf
WHERE holder IS NOT NULL
GROUP BY holder
ORDER BY holder;

-- name: establishments
-- DECRS establishments with a known country: the firm registered at each site (the registrant is not used).
SELECT firm_name, fei, duns, city, country_iso2, api_manufacture
FROM core.establishment
WHERE firm_name IS NOT NULL AND country_iso2 IS NOT NULL
ORDER BY firm_name, fei, duns, city, country_iso2, api_manufacture;

-- name: compliance
-- Firms named in FDA compliance records, with the country of the record or, failing that, of its FEI.
WITH fei_country AS (
    SELECT fei, min(country_iso2) AS country_iso2
    FROM (
        SELECT fei, country_iso2 FROM core.compliance_event WHERE fei IS NOT NULL AND country_iso2 IS NOT NULL
        UNION ALL
        SELECT fei, country_iso2 FROM core.establishment WHERE fei IS NOT NULL AND country_iso2 IS NOT NULL
    ) AS known
    GROUP BY fei
    HAVING count(DISTINCT country_iso2) = 1
)
SELECT DISTINCT e.firm_name, COALESCE(e.country_iso2, f.country_iso2) AS country_iso2, e.event_type
FROM core.compliance_event AS e
LEFT JOIN fei_country AS f ON f.fei = e.fei
WHERE e.firm_name IS NOT NULL AND COALESCE(e.country_iso2, f.country_iso2) IS NOT NULL
ORDER BY 1, 2, 3;

-- name: compliance_without_decrs
-- The same without DECRS (an atlas built without fda_decrs): the country of the record only.
SELECT DISTINCT firm_name, country_iso2, event_type
FROM core.compliance_event
WHERE firm_name IS NOT NULL AND country_iso2 IS NOT NULL
ORDER BY 1, 2, 3;
