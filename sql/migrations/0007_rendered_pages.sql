-- The browser fallback: how many column pages of a portal were read in headless Chromium.
ALTER TABLE core_portal_health ADD COLUMN rendered_pages INTEGER NOT NULL DEFAULT 0;
COMMENT ON COLUMN core_portal_health.rendered_pages IS 'Column pages read in headless Chromium that night (script shells no adapter reads); 0 for static portals. A portal that renders every night wants an adapter or a pinned list API (see gongkai portals show).';
