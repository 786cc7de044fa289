-- The projects domain's tables whole: per table a count, a dump in key order (columns in
-- the record's field order), a clear, an idempotent load (the API inserts with it too) and
-- an analyze (see core.registry).

-- name: count_projects()$
-- Number of rows in projects.
SELECT COUNT(*) FROM projects;

-- name: dump_projects()
-- Every row of projects, in primary-key order.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief, provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated, lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at, progress, agent_role, strategy, errors, logs, metadata FROM projects ORDER BY project_id;

-- name: clear_projects()!
-- Delete every row of projects.
DELETE FROM projects;

-- name: load_projects*!
-- Insert rows into projects, skipping those whose key exists.
INSERT INTO projects (project_id, user_id, name, description, project_type, path, status, config, brief, provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated, lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at, progress, agent_role, strategy, errors, logs, metadata)
VALUES (:project_id, :user_id, :name, :description, :project_type, :path, :status, :config, :brief, :provider, :model, :temperature, :max_tokens, :cost_estimate, :actual_cost, :files_generated, :lines_of_code, :generations, :error_message, :created_at, :updated_at, :started_at, :completed_at, :progress, :agent_role, :strategy, :errors, :logs, :metadata)
ON CONFLICT (project_id) DO NOTHING;

-- name: analyze_projects()#
-- Refresh the planner's statistics of projects.
ANALYZE projects;

-- name: count_workflow_events()$
-- Number of rows in workflow_events.
SELECT COUNT(*) FROM workflow_events;

-- name: dump_workflow_events()
-- Every row of workflow_events, in primary-key order.
SELECT event_id, project_id, timestamp, action, description, actor FROM workflow_events ORDER BY event_id;

-- name: clear_workflow_events()!
-- Delete every row of workflow_events.
DELETE FROM workflow_events;

-- name: load_workflow_events*!
-- Insert rows into workflow_events, skipping those whose key exists.
INSERT INTO workflow_events (event_id, project_id, timestamp, action, description, actor)
VALUES (:event_id, :project_id, :timestamp, :action, :description, :actor)
ON CONFLICT (event_id) DO NOTHING;

-- name: analyze_workflow_events()#
-- Refresh the planner's statistics of workflow_events.
ANALYZE workflow_events;

-- name: count_code_generations()$
-- Number of rows in code_generations.
SELECT COUNT(*) FROM code_generations;

-- name: dump_code_generations()
-- Every row of code_generations, in primary-key order.
SELECT generation_id, project_id, specification, language, framework, generated_code, status, tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error FROM code_generations ORDER BY generation_id;

-- name: clear_code_generations()!
-- Delete every row of code_generations.
DELETE FROM code_generations;

-- name: load_code_generations*!
-- Insert rows into code_generations, skipping those whose key exists.
INSERT INTO code_generations (generation_id, project_id, specification, language, framework, generated_code, status, tokens_used, created_at, updated_at, claimed_by, lease_until, attempts, cost, error)
VALUES (:generation_id, :project_id, :specification, :language, :framework, :generated_code, :status, :tokens_used, :created_at, :updated_at, :claimed_by, :lease_until, :attempts, :cost, :error)
ON CONFLICT (generation_id) DO NOTHING;

-- name: analyze_code_generations()#
-- Refresh the planner's statistics of code_generations.
ANALYZE code_generations;

-- name: count_generated_files()$
-- Number of rows in generated_files.
SELECT COUNT(*) FROM generated_files;

-- name: dump_generated_files()
-- Every row of generated_files, in primary-key order.
SELECT file_id, project_id, path, file_type, content, size, lines, provider, created_at, updated_at FROM generated_files ORDER BY file_id;

-- name: clear_generated_files()!
-- Delete every row of generated_files.
DELETE FROM generated_files;

-- name: load_generated_files*!
-- Insert rows into generated_files, skipping those whose key exists.
INSERT INTO generated_files (file_id, project_id, path, file_type, content, size, lines, provider, created_at, updated_at)
VALUES (:file_id, :project_id, :path, :file_type, :content, :size, :lines, :provider, :created_at, :updated_at)
ON CONFLICT (file_id) DO NOTHING;

-- name: analyze_generated_files()#
-- Refresh the planner's statistics of generated_files.
ANALYZE generated_files;

-- name: count_clarification_sessions()$
-- Number of rows in clarification_sessions.
SELECT COUNT(*) FROM clarification_sessions;

-- name: dump_clarification_sessions()
-- Every row of clarification_sessions, in primary-key order.
SELECT session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at, current_question, provider, completed_at FROM clarification_sessions ORDER BY session_id;

-- name: clear_clarification_sessions()!
-- Delete every row of clarification_sessions.
DELETE FROM clarification_sessions;

-- name: load_clarification_sessions*!
-- Insert rows into clarification_sessions, skipping those whose key exists.
INSERT INTO clarification_sessions (session_id, project_id, idea, depth, questions, answers, progress, completed, created_at, updated_at, current_question, provider, completed_at)
VALUES (:session_id, :project_id, :idea, :depth, :questions, :answers, :progress, :completed, :created_at, :updated_at, :current_question, :provider, :completed_at)
ON CONFLICT (session_id) DO NOTHING;

-- name: analyze_clarification_sessions()#
-- Refresh the planner's statistics of clarification_sessions.
ANALYZE clarification_sessions;

-- name: count_ai_provider_usage()$
-- Number of rows in ai_provider_usage.
SELECT COUNT(*) FROM ai_provider_usage;

-- name: dump_ai_provider_usage()
-- Every row of ai_provider_usage, in primary-key order.
SELECT usage_id, project_id, provider, model, request_type, tokens_in, tokens_out, tokens_total, cost, latency_ms, success, error, timestamp FROM ai_provider_usage ORDER BY usage_id;

-- name: clear_ai_provider_usage()!
-- Delete every row of ai_provider_usage.
DELETE FROM ai_provider_usage;

-- name: load_ai_provider_usage*!
-- Insert rows into ai_provider_usage, skipping those whose key exists.
INSERT INTO ai_provider_usage (usage_id, project_id, provider, model, request_type, tokens_in, tokens_out, tokens_total, cost, latency_ms, success, error, timestamp)
VALUES (:usage_id, :project_id, :provider, :model, :request_type, :tokens_in, :tokens_out, :tokens_total, :cost, :latency_ms, :success, :error, :timestamp)
ON CONFLICT (usage_id) DO NOTHING;

-- name: analyze_ai_provider_usage()#
-- Refresh the planner's statistics of ai_provider_usage.
ANALYZE ai_provider_usage;

-- name: count_autosaves()$
-- Number of rows in autosaves.
SELECT COUNT(*) FROM autosaves;

-- name: dump_autosaves()
-- Every row of autosaves, in primary-key order.
SELECT save_id, file_path, content, save_type, metadata, size_chars, created_at FROM autosaves ORDER BY save_id;

-- name: clear_autosaves()!
-- Delete every row of autosaves.
DELETE FROM autosaves;

-- name: load_autosaves*!
-- Insert rows into autosaves, skipping those whose key exists.
INSERT INTO autosaves (save_id, file_path, content, save_type, metadata, size_chars, created_at)
VALUES (:save_id, :file_path, :content, :save_type, :metadata, :size_chars, :created_at)
ON CONFLICT (save_id) DO NOTHING;

-- name: analyze_autosaves()#
-- Refresh the planner's statistics of autosaves.
ANALYZE autosaves;

-- name: count_project_analyses()$
-- Number of rows in project_analyses.
SELECT COUNT(*) FROM project_analyses;

-- name: dump_project_analyses()
-- Every row of project_analyses, in primary-key order.
SELECT analysis_id, project_id, analysis, health_score, issues, warnings, created_at FROM project_analyses ORDER BY analysis_id;

-- name: clear_project_analyses()!
-- Delete every row of project_analyses.
DELETE FROM project_analyses;

-- name: load_project_analyses*!
-- Insert rows into project_analyses, skipping those whose key exists.
INSERT INTO project_analyses (analysis_id, project_id, analysis, health_score, issues, warnings, created_at)
VALUES (:analysis_id, :project_id, :analysis, :health_score, :issues, :warnings, :created_at)
ON CONFLICT (analysis_id) DO NOTHING;

-- name: analyze_project_analyses()#
-- Refresh the planner's statistics of project_analyses.
ANALYZE project_analyses;

-- name: count_cost_alert_dismissals()$
-- Number of rows in cost_alert_dismissals.
SELECT COUNT(*) FROM cost_alert_dismissals;

-- name: dump_cost_alert_dismissals()
-- Every row of cost_alert_dismissals, in primary-key order.
SELECT alert_id, dismissed_at, dismissed_by FROM cost_alert_dismissals ORDER BY alert_id;

-- name: clear_cost_alert_dismissals()!
-- Delete every row of cost_alert_dismissals.
DELETE FROM cost_alert_dismissals;

-- name: load_cost_alert_dismissals*!
-- Insert rows into cost_alert_dismissals, skipping those whose key exists.
INSERT INTO cost_alert_dismissals (alert_id, dismissed_at, dismissed_by)
VALUES (:alert_id, :dismissed_at, :dismissed_by)
ON CONFLICT (alert_id) DO NOTHING;

-- name: analyze_cost_alert_dismissals()#
-- Refresh the planner's statistics of cost_alert_dismissals.
ANALYZE cost_alert_dismissals;
