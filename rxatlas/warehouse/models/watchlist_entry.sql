-- Core watchlist entries: the DoD Section 1260H list and the OFAC SDN list in one shape.
-- One row per list entry per edition range.
-- DoD 1260H: one row per listing row of the editions file; entry_id links a company's rows across editions.
--   listed_from is the row's start date. listed_to is the first of: its recorded end date; the start of the
--   same entry's next row (the next edition re-lists it); else the first edition after the edition the row
--   was transcribed from, when the company was dropped silently. Rows carrying a notice URL were
--   transcribed from that edition; rows without one form a cumulative block standing for the latest
--   edition among them (2024-01-31). listed_to is NULL for rows of the latest edition still listed.
-- OFAC SDN: one row per entry of the latest list; the legacy CSV gives no listing dates, so listed_from and
--   listed_to are NULL (listed in that snapshot). Aliases are the a.k.a., f.k.a. and n.k.a. names of the
--   remarks in their order (raw.ofac_sdn__remark_aliases; alt.csv is not read). "Linked To" names are links,
--   not parents (core.watchlist_link); the other remarks, with their countries, are in core.watchlist_remark.
CREATE OR REPLACE TABLE core.watchlist_entry AS
WITH dod AS (
    SELECT
        *,
        lead(start_date) OVER (PARTITION BY entry_id ORDER BY start_date) AS next_start,
        max(start_date) OVER (PARTITION BY source_url) AS transcribed_edition
    FROM latest.dod_1260h__listing
),
dod_edition AS (
    SELECT DISTINCT start_date AS edition FROM latest.dod_1260h__listing
)
SELECT
    'us_dod_1260h' AS list_id,
    d.entry_id,
    d.clean_name AS name,
    list_concat(d.aliases, d.previous_names) AS aliases,
    'entity' AS entity_type,
    CAST(NULL AS VARCHAR) AS country_iso2,
    ['1260H'] AS programs,
    CASE WHEN d.parent_name IS NOT NULL THEN [d.parent_name] ELSE CAST([] AS VARCHAR[]) END AS parents,
    d.start_date AS listed_from,
    coalesce(
        least(d.end_date, d.next_start),
        (SELECT min(e.edition) FROM dod_edition AS e WHERE e.edition > d.transcribed_edition)
    ) AS listed_to,
    d.source_url,
    d._source, d._snapshot, d._file, d._sha256, d._line
FROM dod AS d
UNION ALL
SELECT
    'us_ofac_sdn' AS list_id,
    CAST(s.ent_num AS VARCHAR) AS entry_id,
    s.sdn_name AS name,
    coalesce(a.aliases, CAST([] AS VARCHAR[])) AS aliases,
    coalesce(s.sdn_type, 'entity') AS entity_type,
    CAST(NULL AS VARCHAR) AS country_iso2,
    s.programs,
    CAST([] AS VARCHAR[]) AS parents,
    CAST(NULL AS DATE) AS listed_from,
    CAST(NULL AS DATE) AS listed_to,
    'https://www.treasury.gov/ofac/downloads/sdn.csv' AS source_url,
    s._source, s._snapshot, s._file, s._sha256, s._line
FROM latest.ofac_sdn__sdn AS s
LEFT JOIN (
    SELECT ent_num, list(alias_name ORDER BY seq) AS aliases FROM latest.ofac_sdn__remark_aliases GROUP BY ent_num
) AS a ON a.ent_num = s.ent_num;
