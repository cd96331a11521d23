-- Country names as source files write them, lower-cased, mapped to ISO 3166-1 alpha-2: every name and common
-- name of core.country plus the English variants the ISO list does not hold (ISO "(the ...)" forms, old names).
-- Join with: ON alias = lower(trim(<country name>)).
CREATE OR REPLACE TABLE core.country_alias AS
SELECT DISTINCT lower(alias) AS alias, iso2
FROM (
    SELECT name AS alias, iso2 FROM core.country
    UNION ALL
    SELECT common_name AS alias, iso2 FROM core.country
    UNION ALL
    SELECT alias, iso2 FROM (VALUES
        ('Bolivia (Plurinational State of)', 'BO'),
        ('British Virgin Islands', 'VG'),
        ('Brunei', 'BN'),
        ('Burma', 'MM'),
        ('Cape Verde', 'CV'),
        ('Congo (the Democratic Republic of the)', 'CD'),
        ('Cote d''Ivoire', 'CI'),
        ('Czech Republic', 'CZ'),
        ('Democratic Republic of the Congo', 'CD'),
        ('Great Britain', 'GB'),
        ('Hong Kong SAR', 'HK'),
        ('Iran (Islamic Republic of)', 'IR'),
        ('Ivory Coast', 'CI'),
        ('Korea (the Democratic People''s Republic of)', 'KP'),
        ('Korea (the Republic of)', 'KR'),
        ('Korea, South', 'KR'),
        ('Macau', 'MO'),
        ('Macedonia', 'MK'),
        ('Moldova (the Republic of)', 'MD'),
        ('Netherlands (the)', 'NL'),
        ('Palestine', 'PS'),
        ('Philippines (the)', 'PH'),
        ('Republic of Korea', 'KR'),
        ('Republic of the Congo', 'CG'),
        ('Russia', 'RU'),
        ('Slovak Republic', 'SK'),
        ('Swaziland', 'SZ'),
        ('Taiwan (Province of China)', 'TW'),
        ('Tanzania, the United Republic of', 'TZ'),
        ('Turkey', 'TR'),
        ('United Arab Emirates (the)', 'AE'),
        ('United Kingdom of Great Britain and Northern Ireland', 'GB'),
        ('United Kingdom of Great Britain and Northern Ireland (the)', 'GB'),
        ('United States of America', 'US'),
        ('United States of America (the)', 'US'),
        ('USA', 'US'),
        ('Vatican City', 'VA'),
        ('Venezuela (Bolivarian Republic of)', 'VE'),
        ('Virgin Islands (U.S.)', 'VI')
    ) AS extra(alias, iso2)
) AS names
WHERE alias IS NOT NULL;
