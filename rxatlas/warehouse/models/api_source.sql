-- Qualified API sources: one row per (substance moiety, canonical firm). A firm qualifies by evidence that it
-- makes the drug substance itself (core.source_evidence category 'api': an active Type II DMF whose subject maps to
-- the substance, or a bulk-ingredient listing of a labeler with a registered DECRS API-manufacture site; several
-- pieces count once), or by an API-manufacture establishment declared in a product label of the substance.
-- Formulations, finished forms, homeopathic dilutions, devices and intermediates never qualify.
-- country: the linked site's country where exactly one is known (or the holder's own country is among several),
-- else the holder's country; country_basis says which. Public data has no volumes: sources are counted.
CREATE OR REPLACE TABLE core.api_source AS
WITH holder_firm AS (
    SELECT holder, coalesce(firm_id, 'holder:' || holder) AS firm_id, coalesce(firm_name, holder) AS firm_name,
           country
    FROM core.dmf_holder
), evidence_link AS (
    SELECT unii, substance, firm_id, firm_name, holder_country, evidence_kind AS source_kind, dmf, submit_date,
           evidence, form, _source
    FROM core.source_evidence
    WHERE category = 'api'
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
           CASE WHEN mo.unii IS NOT NULL THEN sn.display_name END AS form, ll._source
    FROM label_link AS ll
    LEFT JOIN (SELECT form_unii, min(unii) AS unii, min(substance) AS substance FROM core.dmf_substance
               WHERE kind = 'api' AND form_unii IS NOT NULL GROUP BY form_unii) AS mo
      ON mo.form_unii = ll.form_unii
    LEFT JOIN (SELECT unii, min(display_name) AS display_name FROM core.substance_name GROUP BY unii) AS sn
      ON sn.unii = ll.form_unii
), plant AS (
    SELECT DISTINCT firm_id, country_iso2 AS country,
           trim(regexp_replace(upper(address), '[^A-Z0-9]+', ' ', 'g')) AS address_key
    FROM core.facility
    WHERE api_manufacture AND firm_id IS NOT NULL AND address IS NOT NULL
), firm_seat AS (
    SELECT DISTINCT l.firm_id, l.holder_country AS country, m.name_key
    FROM evidence_link AS l
    JOIN core.firm_mention AS m ON m.firm_id = l.firm_id
    WHERE l.holder_country IS NOT NULL AND m.name_key <> ''
      AND m.role IN ('dmf_holder', 'bulk_labeler', 'establishment_firm')
), same_maker AS (
    -- one maker written as several firms: registered at the same API-plant address in one country, or the same
    -- name with its legal form set aside in the same country (SIEGFRIED AG and SIEGFRIED LTD); never across
    -- countries. Their sources merge under the first firm's id, with the reason as evidence.
    SELECT firm_id, min(maker_id) AS maker_id, min(why) AS why
    FROM (SELECT b.firm_id, a.firm_id AS maker_id,
                 'same registered API plant (' || a.address_key || ')' AS why
          FROM plant AS a JOIN plant AS b
            ON a.address_key = b.address_key AND a.country = b.country AND a.firm_id < b.firm_id
          UNION ALL
          SELECT b.firm_id, a.firm_id, 'same name (' || a.name_key || ') in ' || a.country
          FROM firm_seat AS a JOIN firm_seat AS b
            ON a.name_key = b.name_key AND a.country = b.country AND a.firm_id < b.firm_id) AS pairs
    GROUP BY firm_id
), links AS (
    SELECT l.unii, l.substance, coalesce(sm.maker_id, l.firm_id) AS firm_id, l.firm_name, l.holder_country,
           l.source_kind, l.dmf, l.submit_date, l.evidence, l.form, l._source
    FROM (SELECT * FROM evidence_link UNION ALL SELECT * FROM label_moiety) AS l
    LEFT JOIN same_maker AS sm ON sm.firm_id = l.firm_id
    UNION ALL
    SELECT l.unii, NULL, sm.maker_id, NULL, NULL, l.source_kind, NULL, NULL,
           'one maker with another source firm, ' || sm.why || ': ' || l.firm_name, NULL, l._source
    FROM evidence_link AS l JOIN same_maker AS sm ON sm.firm_id = l.firm_id
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
           array_agg(DISTINCT form ORDER BY form) FILTER (WHERE form IS NOT NULL) AS forms,
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
       source_kind, coalesce(dmfs, []) AS dmfs, coalesce(forms, []) AS forms, first_submit_date,
       list_concat(evidence, site_evidence) AS evidence,
       _source
FROM placed
ORDER BY unii, firm_id;
