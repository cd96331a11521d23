-- Core openFDA label ingredients: one row per label, product NDC and ingredient UNII (labeler as on the label).
CREATE OR REPLACE TABLE core.label_ingredient AS
SELECT
    labeler,
    product_ndc,
    product_name,
    generic_name,
    unii,
    ingredient,
    effective_date,
    spl_set_id,
    _source, _snapshot, _file, _sha256, _line
FROM latest.openfda_label__label_ingredient;
