-- Concentration of each substance's qualified API sources (core.api_source). Public data has no volumes, so
-- every share is a share of distinct sources, not of output. Shares, HHI and the China/India shares are over the
-- sources whose country is known; unknown_country_sources says how many were left out.
-- HHI bands of the 2023 US Merger Guidelines: < 1,000 unconcentrated, 1,000-1,800 moderately, > 1,800 highly.
-- market_scope (core.market_scope) says whether the substance is the API of a US human prescription medicine;
-- market_scope_confidence how sure (high: a US product record; medium: FDA UNII names; low: inferred from DMFs).
CREATE OR REPLACE TABLE core.substance_metrics AS
WITH per_country AS (
    SELECT unii, country, count(*) AS sources
    FROM core.api_source
    WHERE country IS NOT NULL
    GROUP BY unii, country
), per_substance AS (
    SELECT unii, min(substance) AS substance, count(*) AS n_sources,
           count(*) FILTER (WHERE country IS NULL) AS unknown_country_sources
    FROM core.api_source
    GROUP BY unii
), shares AS (
    SELECT c.unii, c.country, c.sources,
           CAST(c.sources AS DOUBLE) / (s.n_sources - s.unknown_country_sources) AS share
    FROM per_country AS c JOIN per_substance AS s ON s.unii = c.unii
), concentration AS (
    SELECT unii, count(*) AS n_countries,
           sum(10000 * share * share) AS hhi,
           array_agg({'country': country, 'sources': sources, 'share': share}
                     ORDER BY sources DESC, country) AS country_shares,
           coalesce(sum(share) FILTER (WHERE country = 'CN'), 0) AS china_share,
           coalesce(sum(share) FILTER (WHERE country = 'IN'), 0) AS india_share
    FROM shares
    GROUP BY unii
)
SELECT s.unii, s.substance, ms.market_scope, ms.scope_confidence AS market_scope_confidence, s.n_sources, coalesce(c.n_countries, 0) AS n_countries,
       -- every source counts once, so 1/HHI over sources is the source count
       CAST(s.n_sources AS DOUBLE) AS effective_suppliers,
       c.hhi,
       10000 / c.hhi AS effective_countries,
       CASE WHEN c.hhi IS NULL THEN NULL
            WHEN c.hhi < 1000 THEN 'unconcentrated'
            WHEN c.hhi <= 1800 THEN 'moderately concentrated'
            ELSE 'highly concentrated' END AS hhi_band,
       coalesce(c.country_shares, []) AS country_shares,
       s.n_sources = 1 AS single_source,
       -- unknown (NULL) when no source has a known country
       CASE WHEN c.unii IS NOT NULL THEN c.n_countries = 1 AND s.unknown_country_sources = 0 END
           AS single_country,
       c.china_share, c.india_share, s.unknown_country_sources
FROM per_substance AS s
LEFT JOIN concentration AS c ON c.unii = s.unii
LEFT JOIN core.market_scope AS ms ON ms.unii = s.unii
ORDER BY s.unii;
