-- Reports, fact rows and failed checks currently in the warehouse.
SELECT
    (SELECT count(*) FROM core_report) AS reports_count,
    (SELECT count(*) FROM core_fact_applications) + (SELECT count(*) FROM core_fact_regulations)
        + (SELECT count(*) FROM core_fact_licensing) + (SELECT count(*) FROM core_fact_enforcement)
        + (SELECT count(*) FROM core_fact_fees) + (SELECT count(*) FROM core_fact_procurement)
        + (SELECT count(*) FROM core_fact_review_litigation) AS facts_count,
    (SELECT count(*) FROM core_report_check WHERE NOT ok) AS failed_checks_count;
