-- EU Union list of critical medicines: one row per listed ATC level-5 code (and route), with provenance.
CREATE OR REPLACE TABLE core.eu_critical_medicine AS
SELECT
    atc_code,
    substr(atc_code, 1, 1) AS atc_anatomical_group,
    description,
    route,
    inclusion_date,
    _source, _snapshot, _file, _sha256, _line
FROM latest.eu_union_list__critical_medicine;
