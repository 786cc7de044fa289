-- Projects, their lifecycle and their workflow events. Every move and every edit of a project
-- writes an event in the same transaction (the API does both).

-- name: get_project(project_id)^
-- record_class: Project
-- One project by id.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief,
       provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated,
       lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at,
       progress, agent_role, strategy, errors, logs, metadata
FROM projects WHERE project_id = :project_id;

-- name: get_projects(ids)
-- record_class: Project
-- The projects whose ids are in the JSON array `ids` (a listing's page), in no order.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief,
       provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated,
       lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at,
       progress, agent_role, strategy, errors, logs, metadata
FROM projects WHERE project_id IN (SELECT value FROM json_each(:ids));

-- name: find_project_ids(prefix)
-- Ids of the projects whose id starts with prefix (at most 11, to name an ambiguity).
SELECT project_id FROM projects
WHERE substr(project_id, 1, length(CAST(:prefix AS TEXT))) = :prefix
ORDER BY project_id LIMIT 11;

-- name: find_projects_named(name)
-- The ids of the projects called name (one per user at most).
SELECT project_id FROM projects WHERE name = :name ORDER BY project_id LIMIT 11;

-- name: projects_named(name)
-- record_class: Project
-- The projects called name (one per user at most), by id.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief,
       provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated,
       lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at,
       progress, agent_role, strategy, errors, logs, metadata
FROM projects WHERE name = :name ORDER BY project_id;

-- name: update_project(project_id, name, description, project_type, path, config, brief, provider, model, temperature, max_tokens, cost_estimate, progress, agent_role, strategy, metadata, updated_at)!
-- Replace a project's editable fields.
UPDATE projects
SET name = :name, description = :description, project_type = :project_type, path = :path,
    config = :config, brief = :brief, provider = :provider, model = :model,
    temperature = :temperature, max_tokens = :max_tokens, cost_estimate = :cost_estimate,
    progress = :progress, agent_role = :agent_role, strategy = :strategy, metadata = :metadata,
    updated_at = :updated_at
WHERE project_id = :project_id;

-- name: create_project(project_id, user_id, name, description, project_type, path, config, brief, provider, model, temperature, max_tokens, cost_estimate, agent_role, strategy, metadata, stamp)!
-- A new project (status creating, created and updated at :stamp), the columns a create does
-- not set at their defaults, which are those of the Project record; 0 rows when its id is
-- taken. (load_projects writes every column: 29 values to bind, which cost SQLite more than
-- the insert itself.)
INSERT INTO projects (project_id, user_id, name, description, project_type, path, status, config, brief,
                      provider, model, temperature, max_tokens, cost_estimate, agent_role, strategy,
                      metadata, created_at, updated_at)
VALUES (:project_id, :user_id, :name, :description, :project_type, :path, 'creating', :config, :brief,
        :provider, :model, :temperature, :max_tokens, :cost_estimate, :agent_role, :strategy,
        :metadata, :stamp, :stamp)
ON CONFLICT (project_id) DO NOTHING;

-- name: create_plain_project(project_id, user_id, name, description, project_type, stamp)!
-- create_project for a project whose other fields are at their defaults (a name, a
-- description, a type: the commonest create), which are written here as constants: 6 values to
-- bind instead of 17, 7-10 us less of a create on SQLite.
INSERT INTO projects (project_id, user_id, name, description, project_type, path, status, config, brief,
                      provider, model, temperature, max_tokens, cost_estimate, agent_role, strategy,
                      metadata, created_at, updated_at)
VALUES (:project_id, :user_id, :name, :description, :project_type, NULL, 'creating', '{}', NULL,
        NULL, NULL, NULL, NULL, 0.0, NULL, NULL, '{}', :stamp, :stamp)
ON CONFLICT (project_id) DO NOTHING;

-- name: add_workflow_event(event_id, project_id, timestamp, action, description, actor)!
-- One event of a project's history, written with the change it tells of.
INSERT INTO workflow_events (event_id, project_id, timestamp, action, description, actor)
VALUES (:event_id, :project_id, :timestamp, :action, :description, :actor);

-- name: project_row(project_id)^
-- One project by id as a row (its columns those of get_project, in the fields' order of
-- Project): move changes a few of its values and makes the moved record from it, once.
SELECT project_id, user_id, name, description, project_type, path, status, config, brief,
       provider, model, temperature, max_tokens, cost_estimate, actual_cost, files_generated,
       lines_of_code, generations, error_message, created_at, updated_at, started_at, completed_at,
       progress, agent_role, strategy, errors, logs, metadata
FROM projects WHERE project_id = :project_id;

-- name: move_project(project_id, was, status, started_at, completed_at, error_message, updated_at)!
-- Move a project that is still in status `was` to `status`, with the stamps the move gives
-- (started_at only when it has none); its caller holds the project's lock and made the moved
-- record. 1 row moved, or 0 if it had moved.
UPDATE projects
SET status = :status, started_at = COALESCE(started_at, :started_at), completed_at = :completed_at,
    error_message = :error_message, updated_at = :updated_at
WHERE project_id = :project_id AND status = :was;

-- name: count_project_work(project_id, files, lines, generations, cost, updated_at)!
-- Add to a project's counters (generated files, lines of code, generations, actual cost).
UPDATE projects
SET files_generated = files_generated + :files, lines_of_code = lines_of_code + :lines,
    generations = generations + :generations, actual_cost = actual_cost + :cost,
    updated_at = :updated_at
WHERE project_id = :project_id;

-- name: delete_project(project_id)!
-- Delete a project with its events, generations, files, clarifications and analyses (its
-- provider usage stays, without a project).
DELETE FROM projects WHERE project_id = :project_id;

-- name: list_project_events(project_id, limit, offset)
-- record_class: WorkflowEvent
-- A project's workflow events, newest first.
SELECT event_id, project_id, timestamp, action, description, actor
FROM workflow_events WHERE project_id = :project_id
ORDER BY timestamp DESC, event_id DESC LIMIT :limit OFFSET :offset;

-- name: get_project_counts(project_id)^
-- record_class: ProjectCounts
-- A project's counts: events, generations, generated files, usage rows, the cost of its
-- usage so far, and its latest analysis (health score and when).
SELECT (SELECT COUNT(*) FROM workflow_events e WHERE e.project_id = p.project_id) AS events,
       (SELECT COUNT(*) FROM code_generations g WHERE g.project_id = p.project_id) AS code_generations,
       (SELECT COUNT(*) FROM generated_files f WHERE f.project_id = p.project_id) AS files,
       (SELECT COUNT(*) FROM ai_provider_usage u WHERE u.project_id = p.project_id) AS usage_rows,
       (SELECT COALESCE(SUM(u.cost), 0) FROM ai_provider_usage u WHERE u.project_id = p.project_id) AS usage_cost,
       (SELECT a.health_score FROM project_analyses a WHERE a.project_id = p.project_id
        ORDER BY a.created_at DESC, a.analysis_id DESC LIMIT 1) AS health_score,
       (SELECT a.created_at FROM project_analyses a WHERE a.project_id = p.project_id
        ORDER BY a.created_at DESC, a.analysis_id DESC LIMIT 1) AS analysed_at
FROM projects p WHERE p.project_id = :project_id;

-- name: set_project_results(project_id, actual_cost, files_generated, lines_of_code, errors, logs, updated_at)!
-- Set what a run of the project produced, as its tool reports it (YAGO's update).
UPDATE projects
SET actual_cost = :actual_cost, files_generated = :files_generated, lines_of_code = :lines_of_code,
    errors = :errors, logs = :logs, updated_at = :updated_at
WHERE project_id = :project_id;
