-- What the tools kept about a project's work: code generations, generated files,
-- clarification sessions, AI provider usage and its costs, autosaves of files being edited,
-- and project analyses.

CREATE TABLE code_generations (
    generation_id  TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    specification  TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT '',
    framework      TEXT NOT NULL DEFAULT '',
    generated_code TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    tokens_used    INTEGER NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX code_generations_project_idx ON code_generations (project_id, created_at);

CREATE TABLE generated_files (
    file_id    TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    file_type  TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL DEFAULT '',
    size       INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    lines      INTEGER NOT NULL DEFAULT 0 CHECK (lines >= 0),
    provider   TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (project_id, path)
);

CREATE TABLE clarification_sessions (
    session_id  TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    idea        TEXT NOT NULL,
    depth       TEXT NOT NULL DEFAULT 'standard',
    questions   json_text NOT NULL DEFAULT '[]' CHECK (json_valid(questions)),
    answers     json_text NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    progress    DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    completed   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX clarification_sessions_project_idx ON clarification_sessions (project_id);

CREATE TABLE ai_provider_usage (
    usage_id      TEXT PRIMARY KEY,
    project_id    TEXT REFERENCES projects (project_id) ON DELETE SET NULL,
    provider      TEXT NOT NULL,
    model         TEXT NOT NULL,
    request_type  TEXT NOT NULL DEFAULT '',
    tokens_in     INTEGER NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out    INTEGER NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    tokens_total  INTEGER NOT NULL DEFAULT 0 CHECK (tokens_total >= 0),
    cost          DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (cost >= 0),
    latency_ms    DOUBLE PRECISION CHECK (latency_ms >= 0),
    success       BOOLEAN NOT NULL DEFAULT TRUE,
    error         TEXT,
    timestamp     TIMESTAMP NOT NULL
);
-- The cost reports read only these columns over a period: the index alone answers them.
CREATE INDEX ai_provider_usage_time_idx
    ON ai_provider_usage (timestamp, provider, model, tokens_total, cost, success, latency_ms);
CREATE INDEX ai_provider_usage_project_idx ON ai_provider_usage (project_id, timestamp);

CREATE TABLE autosaves (
    save_id    TEXT PRIMARY KEY,
    file_path  TEXT NOT NULL,
    content    TEXT NOT NULL,
    save_type  TEXT NOT NULL DEFAULT 'auto',
    metadata   json_text NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    size_chars INTEGER NOT NULL DEFAULT 0 CHECK (size_chars >= 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX autosaves_file_idx ON autosaves (file_path, created_at);

CREATE TABLE project_analyses (
    analysis_id  TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
    analysis     json_text NOT NULL DEFAULT '{}' CHECK (json_valid(analysis)),
    health_score DOUBLE PRECISION NOT NULL CHECK (health_score >= 0 AND health_score <= 100),
    issues       INTEGER NOT NULL DEFAULT 0 CHECK (issues >= 0),
    warnings     INTEGER NOT NULL DEFAULT 0 CHECK (warnings >= 0),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX project_analyses_project_idx ON project_analyses (project_id, created_at);
