-- The users table whole: count, dump (key order), clear, idempotent load, analyze (see
-- core.registry).

-- name: count_users()$
-- Number of rows in users.
SELECT COUNT(*) FROM users;

-- name: dump_users()
-- Every row of users, in primary-key order.
SELECT user_id, username, email, full_name, preferences, is_active, api_key_hash, last_login,
       created_at, updated_at, password_hash, is_verified
FROM users ORDER BY user_id;

-- name: clear_users()!
-- Delete every row of users.
DELETE FROM users;

-- name: load_users*!
-- Insert rows into users, skipping those whose key exists.
INSERT INTO users (user_id, username, email, full_name, preferences, is_active, api_key_hash,
                   last_login, created_at, updated_at, password_hash, is_verified)
VALUES (:user_id, :username, :email, :full_name, :preferences, :is_active, :api_key_hash,
        :last_login, :created_at, :updated_at, :password_hash, :is_verified)
ON CONFLICT (user_id) DO NOTHING;

-- name: analyze_users()#
-- Refresh the planner's statistics of users.
ANALYZE users;
