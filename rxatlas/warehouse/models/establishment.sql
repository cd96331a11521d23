-- Core establishments: one row per registered drug establishment of the latest DECRS file, with its country
-- (ISO3 from the end of the address), a best-effort city, and its business operations as a list.
CREATE OR REPLACE TABLE core.establishment AS
WITH parsed AS (
    SELECT
        e.*,
        NULLIF(regexp_extract(address, '\(([A-Z]{3})\)\s*$', 1), '') AS coded_iso3,
        -- the country is what follows the last comma; 'Korea, South' is the one FDA country name with a comma
        trim(regexp_extract(address, ',\s*(Korea, South[^,]*|[^,]*)$', 1)) AS country_text,
        -- what precedes the country, with empty segments (',,') dropped
        regexp_replace(regexp_replace(address, ',\s*(Korea, South[^,]*|[^,]*)$', ''), '(,\s*)+,', ',', 'g')
            AS before_country,
        string_split(regexp_replace(upper(trim(operations)), '\s*;\s*', ';', 'g'), ';') AS operation_list
    FROM latest.fda_decrs__establishment AS e
)
SELECT
    CASE WHEN replace(p.fei_number, '0', '') = '' THEN NULL ELSE p.fei_number END AS fei,
    CASE WHEN replace(p.duns_number, '0', '') = '' THEN NULL ELSE p.duns_number END AS duns,
    p.firm_name,
    p.address,
    -- before the country comes 'State (ST) ZIP' or 'Region postcode'; the city is the segment before that
    NULLIF(trim(regexp_extract(p.before_country, '([^,]*),[^,]*$', 1)), '') AS city,
    COALESCE(p.coded_iso3, named.iso3) AS country_iso3,
    COALESCE(coded.iso2, named.iso2) AS country_iso2,
    p.operation_list AS operations,
    COALESCE(array_contains(p.operation_list, 'API MANUFACTURE'), FALSE) AS api_manufacture,
    p.registrant_name,
    p.registrant_duns,
    p.expiration_date,
    p.exclusion_flag = 'Y' AS exclusion_flag,
    p._source, p._snapshot, p._file, p._sha256, p._line
FROM parsed AS p
LEFT JOIN core.country AS coded ON coded.iso3 = p.coded_iso3
LEFT JOIN core.country AS named
    ON p.coded_iso3 IS NULL AND lower(p.country_text) IN (lower(named.name), lower(named.common_name));
