-- YAGO asks its clarifying questions before a project exists (its sessions have no project
-- until the brief is complete): a session's project may be NULL. Its current question, the
-- provider that asked and when it was completed are kept too.

ALTER TABLE clarification_sessions ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE clarification_sessions ADD COLUMN current_question INTEGER NOT NULL DEFAULT 0
    CHECK (current_question >= 0);
ALTER TABLE clarification_sessions ADD COLUMN provider TEXT;
ALTER TABLE clarification_sessions ADD COLUMN completed_at TIMESTAMP;
