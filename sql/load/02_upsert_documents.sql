-- A 304 Not Modified confirms the document as last seen: the content type, size and fetch time the
-- bytes came with are kept (the answer repeats none of them). What the listing says is refreshed,
-- and a value the listing no longer gives is kept rather than erased. Known documents are updated
-- in place rather than deleted and inserted again, so a night that sees them again does not bloat the file.
INSERT INTO core_document BY NAME
SELECT
    i.sha256 AS document_sha256,
    i.url,
    i.portal_id,
    coalesce(i.listing_url, d.listing_url) AS listing_url,
    coalesce(i.title, d.title) AS title,
    coalesce(i.title_year, d.title_year) AS title_year,
    coalesce(i.publisher, d.publisher) AS publisher,
    CASE WHEN i.not_modified THEN coalesce(d.content_type, i.content_type) ELSE i.content_type END AS content_type,
    CASE WHEN i.not_modified THEN coalesce(d.size_bytes, i.size_bytes) ELSE i.size_bytes END AS size_bytes,
    CASE WHEN i.not_modified THEN coalesce(d.fetched_at, i.fetched_at) ELSE i.fetched_at END AS fetched_at,
    i.fetched_at AS last_seen_at,
    $run_id AS run_id
FROM incoming_documents i
LEFT JOIN core_document d ON d.document_sha256 = i.sha256 AND d.url = i.url
ON CONFLICT (document_sha256, url) DO UPDATE SET
    portal_id = excluded.portal_id, listing_url = excluded.listing_url, title = excluded.title,
    title_year = excluded.title_year, publisher = excluded.publisher, content_type = excluded.content_type,
    size_bytes = excluded.size_bytes, fetched_at = excluded.fetched_at, last_seen_at = excluded.last_seen_at,
    run_id = excluded.run_id;
