-- How each report's text was read: from the document's own text, by OCR of its scanned pages and
-- image attachments, or both (a PDF with text pages and scanned tables). OCR readings carry more doubt,
-- so analysts and the run summary count them apart.

ALTER TABLE core_report ADD COLUMN parse_route VARCHAR;
COMMENT ON COLUMN core_report.parse_route IS 'How the document''s text was read: text (its own text layer or markup), ocr (every page recognised from images: a scan or an image attachment), text+ocr (text pages plus scanned pages). Null when the document was not read.';
