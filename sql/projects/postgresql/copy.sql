-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_projects()!
-- Write rows of projects with COPY, in the order of its record's fields.
COPY projects (project_id, user_id, name, description, project_type, path, status, config, brief, provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated, lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at, progress, agent_role, strategy, errors, logs, metadata) FROM STDIN;

-- name: copy_workflow_events()!
-- Write rows of workflow_events with COPY, in the order of its record's fields.
COPY workflow_events (event_id, project_id, timestamp, action, description, actor) FROM STDIN;

-- name: copy_code_generations()!
-- Write rows of code_generations with COPY, in the order of its record's fields.
COPY code_generations (generation_id, project_id, specification, language, framework, generated_code, status, tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error) FROM STDIN;

-- name: copy_generated_files()!
-- Write rows of generated_files with COPY, in the order of its record's fields.
COPY generated_files (file_id, project_id, path, file_type, content, size, lines, provider, created_at, updated_at) FROM STDIN;

-- name: copy_clarification_sessions()!
-- Write rows of clarification_sessions with COPY, in the order of its record's fields.
COPY clarification_sessions (session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at, current_question, provider, completed_at) FROM STDIN;

-- name: copy_ai_provider_usage()!
-- Write rows of ai_provider_usage with COPY, in the order of its record's fields.
COPY ai_provider_usage (usage_id, project_id, provider, model, request_type, tokens_in, tokens_out, tokens_total, cost, latency_ms, success, error, timestamp) FROM STDIN;

-- name: copy_autosaves()!
-- Write rows of autosaves with COPY, in the order of its record's fields.
COPY autosaves (save_id, file_path, content, save_type, metadata, size_chars, created_at) FROM STDIN;

-- name: copy_project_analyses()!
-- Write rows of project_analyses with COPY, in the order of its record's fields.
COPY project_analyses (analysis_id, project_id, analysis, health_score, issues, warnings, created_at) FROM STDIN;

-- name: copy_cost_alert_dismissals()!
-- Write rows of cost_alert_dismissals with COPY, in the order of its record's fields.
COPY cost_alert_dismissals (alert_id, dismissed_at, dismissed_by) FROM STDIN;
