-- A project's work: code generations, generated files (one row per path: re-generating a
-- path replaces it), clarification sessions, autosaves and analyses.

-- name: get_generation(generation_id)^
-- record_class: CodeGeneration
-- One code generation.
SELECT generation_id, project_id, specification, language, framework, generated_code, status,
       tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error
FROM code_generations WHERE generation_id = :generation_id;

-- name: find_generation_ids(prefix)
-- Ids of the generations whose id starts with prefix (at most 11).
SELECT generation_id FROM code_generations
WHERE substr(generation_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY generation_id LIMIT 11;

-- name: list_generations(project_id, limit, offset)
-- record_class: CodeGeneration
-- A project's code generations, newest first.
SELECT generation_id, project_id, specification, language, framework, generated_code, status,
       tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error
FROM code_generations WHERE project_id = :project_id
ORDER BY created_at DESC, generation_id DESC LIMIT :limit OFFSET :offset;

-- name: finish_generation(generation_id, status, generated_code, tokens_used, updated_at)!
-- Record a generation's outcome.
UPDATE code_generations
SET status = :status, generated_code = :generated_code, tokens_used = :tokens_used,
    updated_at = :updated_at
WHERE generation_id = :generation_id;

-- name: get_generated_file(project_id, path)^
-- record_class: GeneratedFile
-- A project's generated file at path.
SELECT file_id, project_id, path, file_type, content, size, lines, provider, created_at, updated_at
FROM generated_files WHERE project_id = :project_id AND path = :path;

-- name: replace_generated_file(file_id, file_type, content, size, lines, provider, updated_at)!
-- Replace the content of a generated file (the path was generated again).
UPDATE generated_files
SET file_type = :file_type, content = :content, size = :size, lines = :lines,
    provider = :provider, updated_at = :updated_at
WHERE file_id = :file_id;

-- name: get_clarification(session_id)^
-- record_class: ClarificationSession
-- One clarification session.
SELECT session_id, project_id, idea, depth, questions, answers, progress, completed,
       created_at, updated_at, current_question, provider, completed_at
FROM clarification_sessions WHERE session_id = :session_id;

-- name: find_clarification_ids(prefix)
-- Ids of the clarification sessions whose id starts with prefix (at most 11).
SELECT session_id FROM clarification_sessions
WHERE substr(session_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY session_id LIMIT 11;

-- name: update_clarification(session_id, answers, progress, current_question, completed, completed_at, updated_at)!
-- Record a session's answers, progress, next question and whether it is complete.
UPDATE clarification_sessions
SET answers = :answers, progress = :progress, current_question = :current_question,
    completed = :completed, completed_at = :completed_at, updated_at = :updated_at
WHERE session_id = :session_id;

-- name: get_autosave(save_id)^
-- record_class: Autosave
-- One autosave.
SELECT save_id, file_path, content, save_type, metadata, size_chars, created_at
FROM autosaves WHERE save_id = :save_id;

-- name: find_autosave_ids(prefix)
-- Ids of the autosaves whose id starts with prefix (at most 11).
SELECT save_id FROM autosaves
WHERE substr(save_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY save_id LIMIT 11;

-- name: list_autosaves(file_path, limit, offset)
-- record_class: Autosave
-- Autosaves, newest first: all, or a file's.
SELECT save_id, file_path, content, save_type, metadata, size_chars, created_at
FROM autosaves WHERE CAST(:file_path AS TEXT) IS NULL OR file_path = :file_path
ORDER BY created_at DESC, save_id DESC LIMIT :limit OFFSET :offset;

-- name: list_analyses(project_id, limit, offset)
-- record_class: ProjectAnalysis
-- A project's analyses, newest first (the first is the latest; the list is its trend).
SELECT analysis_id, project_id, analysis, health_score, issues, warnings, created_at
FROM project_analyses WHERE project_id = :project_id
ORDER BY created_at DESC, analysis_id DESC LIMIT :limit OFFSET :offset;

-- name: list_project_code_generations(project_id)
-- record_class: CodeGeneration
-- A project's code generations, oldest first (its export).
SELECT generation_id, project_id, specification, language, framework, generated_code, status,
       tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error
FROM code_generations WHERE project_id = :project_id ORDER BY created_at, generation_id;

-- name: list_project_generated_files(project_id)
-- record_class: GeneratedFile
-- A project's generated files by path (its export).
SELECT file_id, project_id, path, file_type, content, size, lines, provider, created_at, updated_at
FROM generated_files WHERE project_id = :project_id ORDER BY path;

-- name: list_project_clarification_sessions(project_id)
-- record_class: ClarificationSession
-- A project's clarification sessions, oldest first.
SELECT session_id, project_id, idea, depth, questions, answers, progress, completed,
       created_at, updated_at, current_question, provider, completed_at
FROM clarification_sessions WHERE project_id = :project_id ORDER BY created_at, session_id;

-- name: list_project_ai_provider_usage(project_id)
-- record_class: ProviderUsage
-- A project's provider usage, oldest first (its export).
SELECT usage_id, project_id, provider, model, request_type, tokens_in, tokens_out, tokens_total,
       cost, latency_ms, success, error, timestamp
FROM ai_provider_usage WHERE project_id = :project_id ORDER BY timestamp, usage_id;

-- name: list_project_project_analyses(project_id)
-- record_class: ProjectAnalysis
-- A project's analyses, oldest first (its export).
SELECT analysis_id, project_id, analysis, health_score, issues, warnings, created_at
FROM project_analyses WHERE project_id = :project_id ORDER BY created_at, analysis_id;

-- name: update_generation(generation_id, specification, language, framework, generated_code, status, tokens_used, updated_at)!
-- Replace a generation's fields (a tool's own record editing).
UPDATE code_generations
SET specification = :specification, language = :language, framework = :framework,
    generated_code = :generated_code, status = :status, tokens_used = :tokens_used,
    updated_at = :updated_at
WHERE generation_id = :generation_id;

-- name: delete_generation(generation_id)!
-- Delete one code generation.
DELETE FROM code_generations WHERE generation_id = :generation_id;

-- name: update_autosave(save_id, file_path, content, save_type, metadata, size_chars)!
-- Replace an autosave's fields.
UPDATE autosaves
SET file_path = :file_path, content = :content, save_type = :save_type, metadata = :metadata,
    size_chars = :size_chars
WHERE save_id = :save_id;

-- name: delete_autosave(save_id)!
-- Delete one autosave.
DELETE FROM autosaves WHERE save_id = :save_id;

-- name: get_analysis(analysis_id)^
-- record_class: ProjectAnalysis
-- One project analysis.
SELECT analysis_id, project_id, analysis, health_score, issues, warnings, created_at
FROM project_analyses WHERE analysis_id = :analysis_id;

-- name: update_analysis(analysis_id, analysis, health_score, issues, warnings)!
-- Replace an analysis's fields.
UPDATE project_analyses
SET analysis = :analysis, health_score = :health_score, issues = :issues, warnings = :warnings
WHERE analysis_id = :analysis_id;

-- name: delete_analysis(analysis_id)!
-- Delete one project analysis.
DELETE FROM project_analyses WHERE analysis_id = :analysis_id;

-- name: claim_next_generation(worker, now, lease_until)^
-- record_class: CodeGeneration
-- Claim the oldest queued generation, or one whose claim ran out, for worker (None when
-- the queue is empty). Run in a write transaction: SQLite's BEGIN IMMEDIATE makes claims
-- one at a time (PostgreSQL's version skips the rows other claims hold).
UPDATE code_generations
SET status = 'running', claimed_by = :worker, lease_until = :lease_until,
    attempts = attempts + 1, updated_at = :now
WHERE generation_id = (
    SELECT generation_id FROM code_generations
    WHERE status = 'pending' OR (status = 'running' AND lease_until < :now)
    ORDER BY created_at, generation_id LIMIT 1
)
RETURNING generation_id, project_id, specification, language, framework, generated_code, status,
          tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error;

-- name: extend_generation_lease(generation_id, worker, lease_until, now)!
-- Extend the claim worker holds on a running generation.
UPDATE code_generations SET lease_until = :lease_until, updated_at = :now
WHERE generation_id = :generation_id AND status = 'running' AND claimed_by = :worker;

-- name: end_generation(generation_id, worker, status, generated_code, tokens_used, cost, error, now)!
-- Complete or fail the running generation worker holds (0 rows when it holds none).
UPDATE code_generations
SET status = :status, generated_code = :generated_code, tokens_used = :tokens_used, cost = :cost,
    error = :error, lease_until = NULL, updated_at = :now
WHERE generation_id = :generation_id AND status = 'running' AND claimed_by = :worker;

-- name: count_open_generations(project_id)$
-- A project's generations still queued or running.
SELECT COUNT(*) FROM code_generations
WHERE project_id = :project_id AND status IN ('pending', 'running');

-- name: list_queued_generations(limit)
-- record_class: CodeGeneration
-- The queue: generations pending or running, oldest first.
SELECT generation_id, project_id, specification, language, framework, generated_code, status,
       tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error
FROM code_generations WHERE status IN ('pending', 'running')
ORDER BY created_at, generation_id LIMIT :limit;
