-- PostgreSQL versions of ../work.sql.

-- name: claim_next_generation(worker, now, lease_until)^
-- record_class: CodeGeneration
-- Claim the oldest queued generation, or one whose claim ran out, for worker: rows another
-- claim holds are skipped, not waited for.
UPDATE code_generations
SET status = 'running', claimed_by = :worker, lease_until = :lease_until,
    attempts = attempts + 1, updated_at = :now
WHERE generation_id = (
    SELECT generation_id FROM code_generations
    WHERE status = 'pending' OR (status = 'running' AND lease_until < :now)
    ORDER BY created_at, generation_id LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING generation_id, project_id, specification, language, framework, generated_code, status,
          tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error;
