-- A user's preferences: one value per key.

-- name: get_preference(user_id, key)^
-- record_class: Preference
-- One preference of a user, or no row.
SELECT user_id, key, CAST(value AS TEXT) AS value, created_at, updated_at FROM user_preferences
WHERE user_id = :user_id AND key = :key;

-- name: get_preference_value(user_id, key)$
-- The value of one preference of a user as JSON text (no row: not set).
SELECT CAST(value AS TEXT) FROM user_preferences WHERE user_id = :user_id AND key = :key;

-- name: set_preference(user_id, key, value, stamp)^
-- record_class: Preference
-- Set a preference: insert it, or replace its value (its created_at stays); the row as set.
INSERT INTO user_preferences (user_id, key, value, created_at, updated_at)
VALUES (:user_id, :key, :value, :stamp, :stamp)
ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
RETURNING user_id, key, CAST(value AS TEXT) AS value, created_at, updated_at;

-- name: delete_preference(user_id, key)!
-- Delete one preference of a user.
DELETE FROM user_preferences WHERE user_id = :user_id AND key = :key;

-- name: list_preferences(user_id)
-- record_class: Preference
-- A user's preferences by key.
SELECT user_id, key, CAST(value AS TEXT) AS value, created_at, updated_at FROM user_preferences
WHERE user_id = :user_id ORDER BY key;

-- name: clear_user_preferences_of(user_id)!
-- Delete every preference of a user (an import that replaces them).
DELETE FROM user_preferences WHERE user_id = :user_id;
