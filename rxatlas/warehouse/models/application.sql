-- Core Drugs@FDA applications: one row per NDA, ANDA or BLA of the newest Applications table, with its sponsor.
CREATE OR REPLACE TABLE core.application AS
SELECT
    lpad(appl_no, 6, '0') AS appl_no,
    appl_type,
    sponsor_name,
    appl_public_notes,
    _source, _snapshot, _file, _sha256, _line
FROM latest.fda_drugsfda__application;
