-- Core finished-drug listings of the NDC directory: one row per active substance of each listed product, with
-- its market: 'rx' for human prescription drugs and the CBER product types (allergenics, plasma derivatives,
-- vaccines, cellular therapy), which are dispensed on prescription; 'otc' for human OTC drugs; 'homeopathic'
-- for unapproved homeopathic listings of either type. current: still marketed at the snapshot date.
-- Built only when the optional NDC directory file (ndctext.zip) was loaded.
CREATE OR REPLACE TABLE core.ndc_product AS
SELECT
    p.product_id,
    p.product_ndc,
    p.product_type,
    CASE
        WHEN p.marketing_category = 'UNAPPROVED HOMEOPATHIC' THEN 'homeopathic'
        WHEN p.product_type IN ('HUMAN PRESCRIPTION DRUG', 'STANDARDIZED ALLERGENIC', 'NON-STANDARDIZED ALLERGENIC',
                                'PLASMA DERIVATIVE', 'VACCINE', 'CELLULAR THERAPY') THEN 'rx'
        WHEN p.product_type = 'HUMAN OTC DRUG' THEN 'otc'
    END AS market,
    p.end_marketing_date IS NULL OR p.end_marketing_date >= p._snapshot AS current,
    p.proprietary_name,
    p.nonproprietary_name,
    p.dosage_form,
    p.route,
    p.marketing_category,
    p.application_number,
    p.labeler_name,
    i.position AS ingredient_position,
    i.substance_name,
    i.strength,
    i.unit AS strength_unit,
    p.pharm_classes,
    p.start_marketing_date,
    p.end_marketing_date,
    p._source, p._snapshot, p._file, p._sha256, p._line
FROM latest.fda_ndc__product AS p
JOIN latest.fda_ndc__ingredient AS i ON i.product_id = p.product_id AND i._snapshot = p._snapshot;
