-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_external_ids()!
-- Write rows of external_ids with COPY, in the order of its record's fields.
COPY external_ids (system, kind, external_id, record_id, created_at) FROM STDIN;
