-- Users, projects with their lifecycle, and each project's workflow events: the records of
-- the AI-assisted coding tools codedb takes over (their field names). Ids are uuid text,
-- timestamps naive UTC, JSON columns json_text (see 0005).

CREATE TABLE users (
    user_id      TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    email        TEXT,
    full_name    TEXT NOT NULL DEFAULT '',
    preferences  json_text NOT NULL DEFAULT '{}' CHECK (json_valid(preferences)),
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    api_key_hash TEXT,                 -- scrypt$N$r$p$salt$hash: the key itself is never stored
    last_login   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));  -- unique ignoring case

CREATE TABLE projects (
    project_id      TEXT PRIMARY KEY,
    user_id         TEXT REFERENCES users (user_id) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    project_type    TEXT NOT NULL DEFAULT '',
    path            TEXT,
    status          TEXT NOT NULL DEFAULT 'creating'
                    CHECK (status IN ('creating', 'in_progress', 'executing', 'paused', 'completed', 'failed')),
    config          json_text NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
    brief           json_text CHECK (brief IS NULL OR json_valid(brief)),  -- SQLite 3.40: json_valid(NULL) = 0
    provider        TEXT,
    model           TEXT,
    temperature     DOUBLE PRECISION CHECK (temperature >= 0),
    max_tokens      INTEGER CHECK (max_tokens > 0),
    cost_estimate   DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (cost_estimate >= 0),
    actual_cost     DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (actual_cost >= 0),
    files_generated INTEGER NOT NULL DEFAULT 0 CHECK (files_generated >= 0),
    lines_of_code   INTEGER NOT NULL DEFAULT 0 CHECK (lines_of_code >= 0),
    generations     INTEGER NOT NULL DEFAULT 0 CHECK (generations >= 0),
    error_message   TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    started_at      TIMESTAMP,
    completed_at    TIMESTAMP
);
-- Names are unique per user (projects of no user share one namespace).
CREATE UNIQUE INDEX projects_user_name_idx ON projects (COALESCE(user_id, ''), name);
CREATE INDEX projects_user_idx ON projects (user_id);
CREATE INDEX projects_status_idx ON projects (status, created_at, project_id);
-- Listings sort by one of these, then by id (the keyset of --after).
CREATE INDEX projects_created_idx ON projects (created_at, project_id);
CREATE INDEX projects_updated_idx ON projects (updated_at, project_id);
CREATE INDEX projects_name_idx ON projects (name, project_id);
CREATE INDEX projects_cost_idx ON projects (actual_cost, project_id);

CREATE TABLE workflow_events (
    event_id    TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    timestamp   TIMESTAMP NOT NULL,
    action      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    actor       TEXT
);
CREATE INDEX workflow_events_project_idx ON workflow_events (project_id, timestamp, event_id);
