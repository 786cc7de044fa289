-- A template marketplace: templates (a unique name), each publish of a name a new version
-- (older ones kept and installable), tags, one rating per (template, user) and a row per
-- download. A template's rating, rating count, downloads and latest version are computed from
-- these rows, never stored beside them.

CREATE TABLE templates (
    template_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
    description TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX templates_author_idx ON templates (author);
CREATE INDEX templates_updated_idx ON templates (updated_at, template_id);

CREATE TABLE template_versions (
    template_id  TEXT NOT NULL REFERENCES templates (template_id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    content      TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE template_tags (
    template_id TEXT NOT NULL REFERENCES templates (template_id) ON DELETE CASCADE,
    tag         TEXT NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (template_id, tag)
);
CREATE INDEX template_tags_tag_idx ON template_tags (tag, template_id);

CREATE TABLE template_ratings (
    template_id TEXT NOT NULL REFERENCES templates (template_id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (template_id, user_id)
);

CREATE TABLE template_downloads (
    download_id   TEXT PRIMARY KEY,
    template_id   TEXT NOT NULL REFERENCES templates (template_id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    user_id       TEXT REFERENCES users (user_id) ON DELETE SET NULL,
    downloaded_at TIMESTAMP NOT NULL
);
CREATE INDEX template_downloads_template_idx ON template_downloads (template_id);

-- Each template with what its rows add up to: the latest version, its tags (a JSON array),
-- the average rating and the number of ratings, the downloads.
CREATE VIEW template_listing AS
SELECT t.template_id, t.name, t.description, t.author,
       (SELECT MAX(v.version) FROM template_versions v WHERE v.template_id = t.template_id) AS latest_version,
       (SELECT json_group_array(g.tag) FROM template_tags g WHERE g.template_id = t.template_id) AS tags,
       (SELECT AVG(CAST(r.rating AS DOUBLE PRECISION)) FROM template_ratings r
        WHERE r.template_id = t.template_id) AS rating,
       (SELECT COUNT(*) FROM template_ratings r WHERE r.template_id = t.template_id) AS ratings,
       (SELECT COUNT(*) FROM template_downloads d WHERE d.template_id = t.template_id) AS downloads,
       t.created_at, t.updated_at
FROM templates t;
