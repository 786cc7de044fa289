-- Users of the coding tools: a unique username, an email unique ignoring case, preferences,
-- and at most one API key, kept only as a salted scrypt hash.

-- name: get_user(user_id)^
-- record_class: User
-- One user by id.
SELECT user_id, username, email, full_name, preferences, is_active, api_key_hash, last_login,
       created_at, updated_at, password_hash, is_verified
FROM users WHERE user_id = :user_id;

-- name: get_user_by_username(username)^
-- record_class: User
-- One user by username.
SELECT user_id, username, email, full_name, preferences, is_active, api_key_hash, last_login,
       created_at, updated_at, password_hash, is_verified
FROM users WHERE username = :username;

-- name: find_user_ids(prefix)
-- Ids of the users whose id starts with prefix (at most 11, to name an ambiguity).
SELECT user_id FROM users
WHERE substr(user_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY user_id LIMIT 11;

-- name: find_user_by_email(email)^
-- The id and username of the user with this email, ignoring case.
SELECT user_id, username FROM users WHERE lower(email) = lower(:email);

-- name: list_users(active, limit, offset)
-- record_class: User
-- Users by username; only the active (or inactive) ones when active is not NULL.
SELECT user_id, username, email, full_name, preferences, is_active, api_key_hash, last_login,
       created_at, updated_at, password_hash, is_verified
FROM users
WHERE CAST(:active AS BOOLEAN) IS NULL OR is_active = CAST(:active AS BOOLEAN)
ORDER BY username LIMIT :limit OFFSET :offset;

-- name: update_user(user_id, email, full_name, preferences, updated_at)!
-- Replace a user's editable fields.
UPDATE users SET email = :email, full_name = :full_name, preferences = :preferences,
                 updated_at = :updated_at
WHERE user_id = :user_id;

-- name: set_user_active(user_id, is_active, updated_at)!
-- Activate or deactivate a user.
UPDATE users SET is_active = :is_active, updated_at = :updated_at WHERE user_id = :user_id;

-- name: set_api_key_hash(user_id, api_key_hash, updated_at)!
-- Store the hash of a user's new API key (replacing the old one), or NULL to revoke it.
UPDATE users SET api_key_hash = :api_key_hash, updated_at = :updated_at WHERE user_id = :user_id;

-- name: record_login(user_id, last_login)!
-- Stamp a user's last login (a verified API key).
UPDATE users SET last_login = :last_login WHERE user_id = :user_id;

-- name: delete_user(user_id)!
-- Delete a user; their projects stay, without a user.
DELETE FROM users WHERE user_id = :user_id;

-- name: rename_user(user_id, username, updated_at)!
-- Change a user's username.
UPDATE users SET username = :username, updated_at = :updated_at WHERE user_id = :user_id;

-- name: count_active_keys()$
-- Active users with an API key (a server without any serves loopback only, without keys).
SELECT COUNT(*) FROM users WHERE api_key_hash IS NOT NULL AND is_active;
