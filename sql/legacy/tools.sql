-- Reading the databases of the four AI coding tools that move onto codedb (codeobit,
-- DuilioCode, PygubuAI, YAGO), opened read-only: every table whole, by its own column names
-- (its columns vary between the tools' versions; codedb.legacy maps them by name).

-- name: legacy_columns(table_name)
-- The columns of a table of the source.
SELECT name FROM pragma_table_xinfo(:table_name) ORDER BY cid;

-- name: read_users()
-- Every row of users.
SELECT * FROM users;

-- name: read_projects()
-- Every row of projects.
SELECT * FROM projects;

-- name: read_code_generations()
-- Every row of code_generations.
SELECT * FROM code_generations;

-- name: read_auto_saves()
-- Every row of auto_saves.
SELECT * FROM auto_saves;

-- name: read_project_analysis()
-- Every row of project_analysis.
SELECT * FROM project_analysis;

-- name: read_migrations()
-- Every row of migrations (a tool's own bookkeeping: counted, not imported).
SELECT * FROM migrations;

-- name: read_user_preferences()
-- Every row of user_preferences.
SELECT * FROM user_preferences;

-- name: read_conversation_history()
-- Every row of conversation_history.
SELECT * FROM conversation_history;

-- name: read_system_metrics()
-- Every row of system_metrics.
SELECT * FROM system_metrics;

-- name: read_templates()
-- Every row of templates.
SELECT * FROM templates;

-- name: read_workflow_events()
-- Every row of workflow_events.
SELECT * FROM workflow_events;

-- name: read_analytics()
-- Every row of analytics.
SELECT * FROM analytics;

-- name: read_clarification_sessions()
-- Every row of clarification_sessions.
SELECT * FROM clarification_sessions;

-- name: read_generated_files()
-- Every row of generated_files.
SELECT * FROM generated_files;

-- name: read_ai_provider_usage()
-- Every row of ai_provider_usage.
SELECT * FROM ai_provider_usage;

-- name: read_error_logs()
-- Every row of error_logs.
SELECT * FROM error_logs;

-- name: read_alembic_version()
-- Every row of alembic_version (a tool's own bookkeeping: counted, not imported).
SELECT * FROM alembic_version;
