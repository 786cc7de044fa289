-- A session without a project cannot go back: the rollback fails on it, and changes nothing.
ALTER TABLE clarification_sessions DROP COLUMN completed_at;
ALTER TABLE clarification_sessions DROP COLUMN provider;
ALTER TABLE clarification_sessions DROP COLUMN current_question;
ALTER TABLE clarification_sessions ALTER COLUMN project_id SET NOT NULL;
