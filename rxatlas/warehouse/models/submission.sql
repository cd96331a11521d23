-- Core Drugs@FDA submissions: one row per original application or supplement, with its submission class.
-- In the shared mirror Submissions.txt comes from the complete 2019-07-02 set (see _snapshot).
CREATE OR REPLACE TABLE core.submission AS
SELECT
    lpad(s.appl_no, 6, '0') AS appl_no,
    s.submission_type,
    s.submission_no,
    s.submission_status,
    s.submission_status_date,
    cls.code AS submission_class,
    cls.description AS submission_class_description,
    s.review_priority,
    s.submissions_public_notes AS public_notes,
    s._source, s._snapshot, s._file, s._sha256, s._line
FROM latest.fda_drugsfda__submission AS s
LEFT JOIN latest.fda_drugsfda__submission_class_lookup AS cls
    ON cls.submission_class_code_id = s.submission_class_code_id;
