-- The user_preferences table whole: count, dump (key order), clear, idempotent load, analyze
-- (see core.registry).

-- name: count_user_preferences()$
-- Number of rows in user_preferences.
SELECT COUNT(*) FROM user_preferences;

-- name: dump_user_preferences()
-- Every row of user_preferences, in primary-key order.
SELECT user_id, key, CAST(value AS TEXT) AS value, created_at, updated_at FROM user_preferences
ORDER BY user_id, key;

-- name: clear_user_preferences()!
-- Delete every row of user_preferences.
DELETE FROM user_preferences;

-- name: load_user_preferences*!
-- Insert rows into user_preferences, skipping those whose key exists.
INSERT INTO user_preferences (user_id, key, value, created_at, updated_at)
VALUES (:user_id, :key, :value, :created_at, :updated_at)
ON CONFLICT (user_id, key) DO NOTHING;

-- name: analyze_user_preferences()#
-- Refresh the planner's statistics of user_preferences.
ANALYZE user_preferences;
