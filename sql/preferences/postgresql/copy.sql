-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_user_preferences()!
-- Write rows of user_preferences with COPY, in the order of its record's fields.
COPY user_preferences (user_id, key, value, created_at, updated_at) FROM STDIN;
