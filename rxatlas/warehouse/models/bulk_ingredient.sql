-- Core bulk ingredients: one row per active substance of each unfinished-drug listing (bulk ingredients and
-- drugs for further processing), with its labeler; a listing that names no substance keeps one row.
CREATE OR REPLACE TABLE core.bulk_ingredient AS
SELECT
    p.product_id,
    p.product_ndc,
    p.product_type,
    p.labeler_name,
    i.position AS ingredient_position,
    i.substance_name,
    i.strength,
    i.unit AS strength_unit,
    p.nonproprietary_name,
    p.dosage_form,
    p.marketing_category,
    p.dea_schedule,
    p.start_marketing_date,
    p.end_marketing_date,
    p.listing_certified_through,
    p._source, p._snapshot, p._file, p._sha256, p._line
FROM latest.fda_ndc_unfinished__product AS p
LEFT JOIN latest.fda_ndc_unfinished__ingredient AS i
    ON i.product_id = p.product_id AND i._snapshot = p._snapshot;
