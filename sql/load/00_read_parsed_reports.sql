-- Tonight's parsed reports, read from the parse stage's Parquet parts (a few hundred bytes each).
CREATE OR REPLACE TEMP TABLE incoming_reports AS
SELECT * FROM read_parquet($report_files);
