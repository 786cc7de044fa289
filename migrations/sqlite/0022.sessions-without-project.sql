-- YAGO asks its clarifying questions before a project exists (its sessions have no project
-- until the brief is complete): a session's project may be NULL. Its current question, the
-- provider that asked and when it was completed are kept too. SQLite cannot drop a NOT NULL
-- constraint in place: the table is made again under its own name (the old one renamed away
-- first, so the schema reads as a new database's; nothing references the table).

ALTER TABLE clarification_sessions RENAME TO clarification_sessions_0007;
DROP INDEX clarification_sessions_project_idx;
CREATE TABLE clarification_sessions (
    session_id       TEXT PRIMARY KEY,
    project_id       TEXT REFERENCES projects (project_id) ON DELETE CASCADE,
    idea             TEXT NOT NULL,
    depth            TEXT NOT NULL DEFAULT 'standard',
    questions        json_text NOT NULL DEFAULT '[]' CHECK (json_valid(questions)),
    answers          json_text NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    progress         DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    completed        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    current_question INTEGER NOT NULL DEFAULT 0 CHECK (current_question >= 0),
    provider         TEXT,
    completed_at     TIMESTAMP
);
INSERT INTO clarification_sessions
    (session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at)
SELECT session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at
FROM clarification_sessions_0007;
DROP TABLE clarification_sessions_0007;
CREATE INDEX clarification_sessions_project_idx ON clarification_sessions (project_id);
