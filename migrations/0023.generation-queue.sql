-- `codedb serve` (issue #24): code generations become a queue, and YAGO's cost alerts can be
-- dismissed.
--
-- code_generations: the worker that claimed a generation and until when its claim holds (a
--   claim not finished by then goes back to the queue), how many times it was claimed, what
--   it cost and why it failed.
-- cost_alert_dismissals: the alerts a user dismissed (an alert's id names its rule and what
--   it is about, so a dismissed alert stays dismissed while the same condition holds).

ALTER TABLE code_generations ADD COLUMN claimed_by TEXT;
ALTER TABLE code_generations ADD COLUMN lease_until TIMESTAMP;
ALTER TABLE code_generations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE code_generations ADD COLUMN cost DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (cost >= 0);
ALTER TABLE code_generations ADD COLUMN error TEXT;
CREATE INDEX code_generations_queue_idx ON code_generations (status, created_at)
    WHERE status IN ('pending', 'running');

CREATE TABLE cost_alert_dismissals (
    alert_id     TEXT PRIMARY KEY CHECK (alert_id <> ''),
    dismissed_at TIMESTAMP NOT NULL,
    dismissed_by TEXT
);
