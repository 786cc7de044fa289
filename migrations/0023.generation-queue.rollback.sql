DROP TABLE cost_alert_dismissals;
DROP INDEX code_generations_queue_idx;
ALTER TABLE code_generations DROP COLUMN error;
ALTER TABLE code_generations DROP COLUMN cost;
ALTER TABLE code_generations DROP COLUMN attempts;
ALTER TABLE code_generations DROP COLUMN lease_until;
ALTER TABLE code_generations DROP COLUMN claimed_by;
