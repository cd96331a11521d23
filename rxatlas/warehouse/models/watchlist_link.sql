-- Links between watch-list entries that are not ownership: the "Linked To:" names in the remarks of OFAC SDN
-- entries (raw.ofac_sdn__links), one row per link in the order written. Screening shows them as notes.
CREATE OR REPLACE TABLE core.watchlist_link AS
SELECT
    'us_ofac_sdn' AS list_id,
    CAST(l.ent_num AS VARCHAR) AS entry_id,
    l.seq,
    l.linked_name,
    l._source, l._snapshot, l._file, l._sha256, l._line
FROM latest.ofac_sdn__links AS l;
