-- Every document body the warehouse holds: the crawl counts the others as new.
SELECT DISTINCT document_sha256 FROM core_document;
