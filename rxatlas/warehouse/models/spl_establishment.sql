-- Core SPL establishments: one row per establishment named in a DailyMed SPL document, with its DUNS, the
-- labeler and registrant it is listed under, its address country and the business operations it performs.
CREATE OR REPLACE TABLE core.spl_establishment AS
SELECT
    s.document_id,
    s.set_id,
    s.version,
    s.effective_date,
    s.document_type,
    s.labeler_duns,
    s.labeler_name,
    s.registrant_duns,
    s.registrant_name,
    s.duns,
    s.fei,
    s.name,
    s.city,
    s.country_code AS country_iso3,
    c.iso2 AS country_iso2,
    s.operations,
    s.operation_codes,
    -- C82401 is the NCI code of the API MANUFACTURE business operation
    COALESCE(array_contains(s.operation_codes, 'C82401'), FALSE) AS api_manufacture,
    s.ndcs,
    s.member,
    s._source, s._snapshot, s._file, s._sha256, s._line
FROM latest.dailymed_spl__establishment AS s
LEFT JOIN core.country AS c ON c.iso3 = s.country_code;
