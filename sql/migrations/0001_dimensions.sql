-- Dimensions: where reports come from and who publishes them.

CREATE TABLE core_region (
    division_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    province_code VARCHAR NOT NULL,
    city_code VARCHAR,
    county_code VARCHAR
);
COMMENT ON TABLE core_region IS 'China''s statistical division codes (统计用区划代码, 2023-06-30): provinces, cities, county-level areas and towns, shipped with gongkai''s registry.';
COMMENT ON COLUMN core_region.division_code IS 'Division code: 2 digits (province), 4 (city), 6 (county-level area) or 9 (town, 乡镇/街道).';
COMMENT ON COLUMN core_region.name IS 'Official name, e.g. 海盐县 or 通元镇.';
COMMENT ON COLUMN core_region.level IS 'province, city, county or town.';
COMMENT ON COLUMN core_region.parent_code IS 'Division code of the enclosing region; null for provinces.';
COMMENT ON COLUMN core_region.province_code IS 'Two-digit code of the province the region lies in.';
COMMENT ON COLUMN core_region.city_code IS 'Four-digit code of the city (prefecture) the region lies in (itself for a city); null for provinces.';
COMMENT ON COLUMN core_region.county_code IS 'Six-digit code of the county-level area the region lies in (itself for a county); null above county level.';

CREATE TABLE core_publisher (
    publisher_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    level VARCHAR,
    division_code VARCHAR,
    portal_id VARCHAR
);
COMMENT ON TABLE core_publisher IS 'Bodies that publish annual reports: county and town governments, sub-districts and departments, as named by the report or its portal column.';
COMMENT ON COLUMN core_publisher.publisher_id IS 'Stable id: md5 of division code and publisher name.';
COMMENT ON COLUMN core_publisher.name IS 'Publishing body as printed, e.g. 通元镇人民政府.';
COMMENT ON COLUMN core_publisher.level IS 'province, city, county, town, sub-district or department.';
COMMENT ON COLUMN core_publisher.division_code IS 'Division code of the region the body belongs to (core_region.division_code).';
COMMENT ON COLUMN core_publisher.portal_id IS 'Registry id of the portal the body publishes on.';

CREATE TABLE core_report (
    report_id VARCHAR PRIMARY KEY,
    publisher_id VARCHAR,
    division_code VARCHAR,
    report_year INTEGER,
    template VARCHAR,
    region_name VARCHAR,
    title VARCHAR,
    published_on DATE,
    source_url VARCHAR NOT NULL,
    document_sha256 VARCHAR NOT NULL,
    document_format VARCHAR,
    parse_status VARCHAR NOT NULL,
    parse_error VARCHAR,
    parser_version VARCHAR NOT NULL,
    cells_count INTEGER NOT NULL,
    uncertain_cells_count INTEGER NOT NULL,
    checks_count INTEGER NOT NULL,
    failed_checks_count INTEGER NOT NULL,
    run_id VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE core_report IS 'One row per report document (政府信息公开工作年度报告) found by the crawl, with its parse status and check results.';
COMMENT ON COLUMN core_report.report_id IS 'Stable id: md5 of the source URL, so a report changed on its portal replaces its own rows.';
COMMENT ON COLUMN core_report.publisher_id IS 'core_publisher.publisher_id of the publishing body.';
COMMENT ON COLUMN core_report.division_code IS 'Region of the publisher (core_region.division_code).';
COMMENT ON COLUMN core_report.report_year IS 'The year reported on (not the year published).';
COMMENT ON COLUMN core_report.template IS 'National template: 2019 (report years 2019-2020, 国办公开办函〔2019〕60号) or 2021 (from 2021, 国办公开办函〔2021〕30号).';
COMMENT ON COLUMN core_report.region_name IS 'Region named by the report text, e.g. 通元镇.';
COMMENT ON COLUMN core_report.title IS 'Report title from the document or its listing.';
COMMENT ON COLUMN core_report.published_on IS 'Publication date when printed in the document.';
COMMENT ON COLUMN core_report.source_url IS 'URL the document was fetched from.';
COMMENT ON COLUMN core_report.document_sha256 IS 'sha256 of the document bytes: its key in the raw archive.';
COMMENT ON COLUMN core_report.document_format IS 'html, pdf, docx, doc, text, ...';
COMMENT ON COLUMN core_report.parse_status IS 'ok, needs_ocr (image-only document), not_a_report, or error.';
COMMENT ON COLUMN core_report.parse_error IS 'Why the document could not be read, when parse_status is not ok.';
COMMENT ON COLUMN core_report.parser_version IS 'gongkai version that extracted the facts.';
COMMENT ON COLUMN core_report.cells_count IS 'Number of fact rows extracted from the report.';
COMMENT ON COLUMN core_report.uncertain_cells_count IS 'Fact rows flagged uncertain (column or value not settled by the source).';
COMMENT ON COLUMN core_report.checks_count IS 'Template arithmetic checks evaluated.';
COMMENT ON COLUMN core_report.failed_checks_count IS 'Template arithmetic checks that fail in the source.';
COMMENT ON COLUMN core_report.run_id IS 'Pipeline run that loaded the report.';
COMMENT ON COLUMN core_report.loaded_at IS 'When the report was loaded (UTC).';
