-- A user's preferences, one JSON value per (user, key). The old tool declared user_id unique,
-- so that a user could hold one preference only: codedb keys on the pair.

CREATE TABLE user_preferences (
    user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    key        TEXT NOT NULL CHECK (key <> ''),
    value      json_text NOT NULL CHECK (json_valid(value)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
