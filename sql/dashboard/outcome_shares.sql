-- Outcome shares of applications processed in one report year ($year), labelled with the
-- template's own wording of each outcome group (core_row_label).
WITH totals AS (
    SELECT
        sum(coalesce(a.granted_count, 0)) AS granted,
        sum(coalesce(a.partially_granted_count, 0)) AS partially_granted,
        sum(coalesce(a.denied_count, 0)) AS denied,
        sum(coalesce(a.unable_count, 0)) AS unable,
        sum(coalesce(a.not_processed_count, 0)) AS not_processed,
        sum(coalesce(a.other_processing_count, 0)) AS other_processing,
        sum(a.total_processed_count) AS total_processed
    FROM out_applications_by_report a
    JOIN out_report_region rr USING (report_id)
    WHERE rr.report_year = $year AND a.total_processed_count > 0
),
outcome_groups AS (
    SELECT * FROM (VALUES
        (1, 'granted', 'granted'), (2, 'partially_granted', 'partially_granted'), (3, 'denied', 'denied_state_secret'),
        (4, 'unable', 'unable_not_held'), (5, 'not_processed', 'not_processed_petition_complaint'),
        (6, 'other_processing', 'other_no_correction')
    ) AS g(position, outcome, labelled_by)
)
SELECT
    g.position,
    g.outcome,
    regexp_replace(split_part(l.row_label, ' ', 1), '^三、本年度办理结果', '') AS outcome_label,
    CAST(CASE g.outcome
        WHEN 'granted' THEN t.granted WHEN 'partially_granted' THEN t.partially_granted WHEN 'denied' THEN t.denied
        WHEN 'unable' THEN t.unable WHEN 'not_processed' THEN t.not_processed ELSE t.other_processing
    END AS BIGINT) AS applications_count,
    CASE g.outcome
        WHEN 'granted' THEN t.granted WHEN 'partially_granted' THEN t.partially_granted WHEN 'denied' THEN t.denied
        WHEN 'unable' THEN t.unable WHEN 'not_processed' THEN t.not_processed ELSE t.other_processing
    END / nullif(t.total_processed, 0) AS share
FROM outcome_groups g
CROSS JOIN totals t
LEFT JOIN core_row_label l ON l.template = '2021' AND l.table_name = 'applications' AND l.row_key = g.labelled_by
ORDER BY g.position;
