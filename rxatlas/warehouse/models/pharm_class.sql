-- FDA Established Pharmacologic Classes (EPC) of ingredients, as openFDA annotates its drug shortage records from the
-- products' SPL labels (openfda.pharm_class_epc): one row per ingredient UNII and class. Only records of a single
-- ingredient count: the class list of a combination product does not say which ingredient each class belongs to.
-- unii is the ingredient as openFDA gives it (a salt or the moiety); core.name_substance (origin 'unii') maps it to
-- its moiety. pharm_class keeps openFDA's text, e.g. 'General Anesthetic [EPC]'.
CREATE OR REPLACE TABLE core.pharm_class AS
SELECT unii, pharm_class, min(generic_name) AS example, count(*) AS records,
       min(_source) AS _source, min(_snapshot) AS _snapshot, min(_file) AS _file, min(_line) AS _line
FROM (
    SELECT openfda_unii[1] AS unii, unnest(openfda_pharm_class_epc) AS pharm_class, generic_name,
           _source, _snapshot, _file, _line
    FROM latest.fda_shortages__openfda
    WHERE has_openfda AND array_length(openfda_unii) = 1
) AS s
GROUP BY unii, pharm_class
ORDER BY unii, pharm_class;
