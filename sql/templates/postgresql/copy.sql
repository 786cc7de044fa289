-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_templates()!
-- Write rows of templates with COPY, in the order of its record's fields.
COPY templates (template_id, name, description, author, created_at, updated_at, metadata, prior_downloads, prior_rating) FROM STDIN;

-- name: copy_template_versions()!
-- Write rows of template_versions with COPY, in the order of its record's fields.
COPY template_versions (template_id, version, content, notes, published_at, label) FROM STDIN;

-- name: copy_template_tags()!
-- Write rows of template_tags with COPY, in the order of its record's fields.
COPY template_tags (template_id, tag) FROM STDIN;

-- name: copy_template_ratings()!
-- Write rows of template_ratings with COPY, in the order of its record's fields.
COPY template_ratings (template_id, user_id, rating, created_at, updated_at) FROM STDIN;

-- name: copy_template_downloads()!
-- Write rows of template_downloads with COPY, in the order of its record's fields.
COPY template_downloads (download_id, template_id, version, user_id, downloaded_at) FROM STDIN;

-- name: copy_template_vectors()!
-- Write rows of template_vectors with COPY, in the order of its record's fields.
COPY template_vectors (template_id, model, dimensions, text_hash, vector, embedded_at) FROM STDIN;
