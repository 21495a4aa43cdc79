INSERT OR REPLACE INTO core_pipeline_run
SELECT
    $run_id,
    $started_at,
    $loaded_at,
    (SELECT count(*) FROM incoming_health),
    (SELECT count(*) FROM incoming_documents),
    (SELECT count(*) FROM changed_reports),
    (SELECT sum(n) FROM (
        SELECT count(*) AS n FROM core_fact_applications UNION ALL SELECT count(*) FROM core_fact_regulations
        UNION ALL SELECT count(*) FROM core_fact_licensing UNION ALL SELECT count(*) FROM core_fact_enforcement
        UNION ALL SELECT count(*) FROM core_fact_fees UNION ALL SELECT count(*) FROM core_fact_procurement
        UNION ALL SELECT count(*) FROM core_fact_review_litigation)),
    (SELECT count(*) FROM core_report_check WHERE NOT ok);
