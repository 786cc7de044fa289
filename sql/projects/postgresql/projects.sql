-- PostgreSQL versions of ../projects.sql.

-- name: get_projects(ids)
-- record_class: Project
-- The projects whose ids are in the JSON array `ids` (a listing's page), in no order.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief,
       provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated,
       lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at,
       progress, agent_role, strategy, errors, logs, metadata
FROM projects WHERE project_id IN (SELECT jsonb_array_elements_text(CAST(:ids AS jsonb)));
