-- The other facts in the remarks of OFAC SDN entries (raw.ofac_sdn__remarks): one row per fact in the order
-- written, with the identifier it states and the country it names as ISO 3166-1 alpha-2 (NULL when the name is
-- not a known country). Aliases are in core.watchlist_entry, "Linked To:" names in core.watchlist_link.
CREATE OR REPLACE TABLE core.watchlist_remark AS
SELECT
    'us_ofac_sdn' AS list_id,
    CAST(r.ent_num AS VARCHAR) AS entry_id,
    r.seq,
    r.remark,
    r.identifier,
    c.iso2 AS country_iso2,
    r._source, r._snapshot, r._file, r._sha256, r._line
FROM latest.ofac_sdn__remarks AS r
LEFT JOIN core.country_alias AS c ON c.alias = lower(trim(r.country));
