DROP TABLE project_analyses;
DROP TABLE autosaves;
DROP TABLE ai_provider_usage;
DROP TABLE clarification_sessions;
DROP TABLE generated_files;
DROP TABLE code_generations;
