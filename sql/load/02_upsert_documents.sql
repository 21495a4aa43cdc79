INSERT OR REPLACE INTO core_document
SELECT
    sha256 AS document_sha256, url, portal_id, listing_url, title, title_year, publisher,
    content_type, size_bytes, fetched_at, $run_id AS run_id
FROM incoming_documents;
