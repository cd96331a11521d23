-- Core DMF table: one row per DMF of the latest list, with a readable type and provenance.
CREATE OR REPLACE TABLE core.dmf AS
SELECT
    dmf,
    status = 'A' AS active,
    status,
    type,
    CASE type
        WHEN 'I' THEN 'manufacturing site, facilities, operating procedures, personnel'
        WHEN 'II' THEN 'drug substance, intermediate, or material used in their preparation, or drug product'
        WHEN 'III' THEN 'packaging material'
        WHEN 'IV' THEN 'excipient, colorant, flavor, essence, or material used in their preparation'
        WHEN 'V' THEN 'FDA accepted reference information'
    END AS type_label,
    submit_date,
    holder,
    subject,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_dmf__dmf;
