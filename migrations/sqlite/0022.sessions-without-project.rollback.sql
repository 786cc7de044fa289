-- A session without a project cannot go back: the rollback fails on it, and changes nothing.
-- The table is made again as migration 0007 made it.
ALTER TABLE clarification_sessions RENAME TO clarification_sessions_0022;
DROP INDEX clarification_sessions_project_idx;
CREATE TABLE clarification_sessions (
    session_id  TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    idea        TEXT NOT NULL,
    depth       TEXT NOT NULL DEFAULT 'standard',
    questions   json_text NOT NULL DEFAULT '[]' CHECK (json_valid(questions)),
    answers     json_text NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    completed   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
INSERT INTO clarification_sessions
SELECT session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at
FROM clarification_sessions_0022;
DROP TABLE clarification_sessions_0022;
CREATE INDEX clarification_sessions_project_idx ON clarification_sessions (project_id);
