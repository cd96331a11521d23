-- National essential medicines (GEM dataset): one row per medicine a country lists, with ISO2 and provenance.
-- Country columns carry WHO-style names: core.country_alias maps most, gem_alias the spellings only GEM uses.
-- A name matching neither keeps country_iso2 NULL (counted by the emls_gem fact countries_without_iso2).
CREATE OR REPLACE TABLE core.essential_medicine AS
WITH gem_alias (alias, iso2) AS (
    VALUES
        ('democratic peoples republic of korea', 'KP'),
        ('democratic republic of congo', 'CD'),
        ('republic of moldova', 'MD'),
        ('the former yugoslav republic of macedonia', 'MK'),
        ('united republic of tanzania', 'TZ')
)
SELECT
    l.medicine,
    m.atc_primary AS atc_code,
    CASE WHEN regexp_matches(m.atc_primary, '^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$') THEN
        CASE length(m.atc_primary) WHEN 7 THEN 5 WHEN 5 THEN 4 WHEN 4 THEN 3 WHEN 3 THEN 2 ELSE 1 END
    END AS atc_level,
    m.atc_secondary AS atc_codes_secondary,
    l.country,
    coalesce(a.iso2, g.iso2) AS country_iso2,
    l._source, l._snapshot, l._file, l._sha256, l._line
FROM latest.emls_gem__listing AS l
JOIN latest.emls_gem__medicine AS m ON m.medicine = l.medicine
LEFT JOIN core.country_alias AS a ON a.alias = lower(trim(l.country))
LEFT JOIN gem_alias AS g ON g.alias = lower(trim(l.country))
WHERE l.listed;
