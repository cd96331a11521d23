-- Qualified API sources: one row per (substance moiety, canonical firm). A firm qualifies by an active Type II
-- DMF whose subject maps to the substance as a single API (several DMFs count once), by a bulk-ingredient
-- listing when the firm also has a registered DECRS API-manufacture site (a labeler without one is usually a
-- distributor), or by an API-manufacture establishment declared in a product label of the substance.
-- country: the linked site's country where exactly one is known (or the holder's own country is among several),
-- else the holder's country; country_basis says which. Public data has no volumes: sources are counted.
CREATE OR REPLACE TABLE core.api_source AS
WITH holder_firm AS (
    SELECT holder, coalesce(firm_id, 'holder:' || holder) AS firm_id, coalesce(firm_name, holder) AS firm_name,
           country
    FROM core.dmf_holder
), dmf_link AS (
    SELECT s.unii, s.substance, hf.firm_id, hf.firm_name, hf.country AS holder_country, 'dmf' AS source_kind,
           d.dmf, d.submit_date,
           'DMF ' || CAST(d.dmf AS VARCHAR) || ' (' || d.holder || '): ' || d.subject AS evidence,
           d._source
    FROM core.dmf AS d
    JOIN core.dmf_substance AS s ON s.dmf = d.dmf
    LEFT JOIN holder_firm AS hf ON hf.holder = d.holder
    WHERE d.active AND d.type = 'II' AND s.kind = 'api' AND s.unii IS NOT NULL
), api_site AS (
    SELECT firm_id, country_iso2 AS country, fei, name
    FROM core.facility
    WHERE api_manufacture AND firm_id IS NOT NULL
), firm_country AS (
    -- the holder country the DMF resolution found for a firm, else the firm's primary country
    SELECT f.firm_id, f.name, coalesce(h.country, f.country_iso2) AS country
    FROM core.firm AS f
    LEFT JOIN (SELECT firm_id, min(country) AS country FROM holder_firm WHERE country IS NOT NULL
               GROUP BY firm_id HAVING count(DISTINCT country) = 1) AS h ON h.firm_id = f.firm_id
), bulk_link AS (
    SELECT bs.unii, bs.substance, m.firm_id, fc.name AS firm_name, fc.country AS holder_country,
           'bulk_listing' AS source_kind, CAST(NULL AS BIGINT) AS dmf, b.start_marketing_date AS submit_date,
           'bulk listing NDC ' || b.product_ndc || ' (' || b.labeler_name || '): ' || b.substance_name
               || ' [' || b.marketing_category || ']' AS evidence,
           b._source
    FROM core.bulk_ingredient AS b
    JOIN core.name_substance AS bs ON bs.origin = 'bulk_ingredient' AND bs.name = b.substance_name
    JOIN core.firm_mention AS m ON m.role = 'bulk_labeler' AND m.record_key = b.product_id
    JOIN firm_country AS fc ON fc.firm_id = m.firm_id
    WHERE bs.kind = 'api' AND bs.unii IS NOT NULL
      AND b.product_type = 'BULK INGREDIENT'
      AND b.marketing_category IN ('BULK INGREDIENT', 'DRUG FOR FURTHER PROCESSING')
      AND (b.end_marketing_date IS NULL OR b.end_marketing_date >= b._snapshot)
      AND m.firm_id IN (SELECT firm_id FROM api_site)
), label_link AS (
    SELECT l.unii AS form_unii, m.firm_id, fc.name AS firm_name, fc.country AS holder_country,
           'decrs_site' AS source_kind, CAST(NULL AS BIGINT) AS dmf, e.effective_date AS submit_date,
           'label ' || e.document_id || ' declares API manufacture by ' || e.name AS evidence,
           e._source
    FROM (SELECT *, unnest(ndcs) AS ndc FROM core.spl_establishment) AS e
    JOIN core.label_ingredient AS l ON l.product_ndc = e.ndc
    JOIN core.firm_mention AS m
      ON m.role = 'spl_establishment' AND m.record_key = e.document_id AND m._line = e._line
    JOIN firm_country AS fc ON fc.firm_id = m.firm_id
    WHERE e.api_manufacture AND l.unii IS NOT NULL
), label_moiety AS (
    -- a label names the exact form; take the moiety the DMF mapping gives that form, else the form itself
    SELECT coalesce(mo.unii, ll.form_unii) AS unii, coalesce(mo.substance, sn.display_name) AS substance,
           ll.firm_id, ll.firm_name, ll.holder_country, ll.source_kind, ll.dmf, ll.submit_date, ll.evidence,
           ll._source
    FROM label_link AS ll
    LEFT JOIN (SELECT form_unii, min(unii) AS unii, min(substance) AS substance FROM core.dmf_substance
               WHERE kind = 'api' AND form_unii IS NOT NULL GROUP BY form_unii) AS mo
      ON mo.form_unii = ll.form_unii
    LEFT JOIN (SELECT unii, min(display_name) AS display_name FROM core.substance_name GROUP BY unii) AS sn
      ON sn.unii = ll.form_unii
), links AS (
    SELECT * FROM dmf_link
    UNION ALL SELECT * FROM bulk_link
    UNION ALL SELECT * FROM label_moiety
), sources AS (
    SELECT unii, min(substance) AS substance, firm_id, min(firm_name) AS firm_name,
           -- one holder string per firm is the rule; when a firm's holders disagree the country stays unknown
           CASE WHEN count(DISTINCT holder_country) = 1 THEN min(holder_country) END AS holder_country,
           CASE WHEN count(dmf) > 0 THEN 'dmf'
                WHEN count(*) FILTER (WHERE source_kind = 'bulk_listing') > 0 THEN 'bulk_listing'
                ELSE 'decrs_site' END AS source_kind,
           array_agg(DISTINCT dmf ORDER BY dmf) FILTER (WHERE dmf IS NOT NULL) AS dmfs,
           min(submit_date) FILTER (WHERE dmf IS NOT NULL) AS first_submit_date,
           array_agg(DISTINCT evidence ORDER BY evidence) AS evidence,
           array_agg(DISTINCT _source ORDER BY _source) AS _source
    FROM links
    GROUP BY unii, firm_id
), subject_sites AS (
    SELECT s.unii, s.firm_id, array_agg(DISTINCT p.country ORDER BY p.country) AS countries,
           array_agg(DISTINCT 'DMF ' || CAST(p.dmf AS VARCHAR) || ' subject names ' || p.place || ' -> '
                     || p.country ORDER BY 'DMF ' || CAST(p.dmf AS VARCHAR) || ' subject names ' || p.place
                     || ' -> ' || p.country) AS evidence
    FROM (SELECT unii, firm_id, unnest(dmfs) AS dmf FROM sources) AS s
    JOIN core.dmf_subject_place AS p ON p.dmf = s.dmf
    GROUP BY s.unii, s.firm_id
), registered_sites AS (
    SELECT firm_id, array_agg(DISTINCT country ORDER BY country) AS countries,
           array_agg(DISTINCT 'DECRS API site ' || name || ' FEI ' || coalesce(fei, '?') || ' -> ' || country
                     ORDER BY 'DECRS API site ' || name || ' FEI ' || coalesce(fei, '?') || ' -> ' || country)
               AS evidence
    FROM api_site
    WHERE country IS NOT NULL
    GROUP BY firm_id
), placed AS (
    SELECT s.*,
           coalesce(ss.countries, rs.countries, []) AS site_countries,
           coalesce(ss.evidence, rs.evidence, []) AS site_evidence
    FROM sources AS s
    LEFT JOIN subject_sites AS ss ON ss.unii = s.unii AND ss.firm_id = s.firm_id
    LEFT JOIN registered_sites AS rs ON rs.firm_id = s.firm_id
)
SELECT unii, substance, firm_id, firm_name, holder_country, site_countries,
       CASE WHEN array_length(site_countries) = 1 THEN site_countries[1] ELSE holder_country END AS country,
       CASE WHEN array_length(site_countries) = 1 OR array_contains(site_countries, holder_country) THEN 'site'
            WHEN holder_country IS NOT NULL THEN 'holder'
            ELSE 'unknown' END AS country_basis,
       source_kind, coalesce(dmfs, []) AS dmfs, first_submit_date,
       list_concat(evidence, site_evidence) AS evidence,
       _source
FROM placed
ORDER BY unii, firm_id;
