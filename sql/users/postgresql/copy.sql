-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_users()!
-- Write rows of users with COPY, in the order of its record's fields.
COPY users (user_id, username, email, full_name, preferences, is_active, api_key_hash, last_login, created_at, updated_at, password_hash, is_verified) FROM STDIN;
