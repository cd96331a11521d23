-- Core substance names: every FDA UNII name or synonym with its UNII and FDA's preferred display name.
CREATE OR REPLACE TABLE core.substance_name AS
SELECT
    name,
    name_type,
    unii,
    display_name,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_unii__name;
