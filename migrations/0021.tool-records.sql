-- What the four AI coding tools that move onto codedb keep and codedb did not (issue #23):
--
-- users: a password hash of the tool a user came from (YAGO's bcrypt), kept as an opaque
--   credential, never printed; whether the tool had verified the user's e-mail.
-- projects: YAGO's progress (0-100), agent role, strategy, and its lists of errors and logs
--   ({"timestamp", "error"} / {"timestamp", "log"}); PygubuAI's free-form metadata.
-- templates: PygubuAI's free-form metadata, and the download count and rating the tool had
--   counted before the move (codedb counts its own from then on); template_versions: a
--   version's label as the tool wrote it ('1.0.0').
-- external_ids: each imported record's id in the tool it came from (codeobit's integers,
--   YAGO's UUIDs, DuilioCode's user names), so a file imported twice adds nothing, a larger
--   snapshot adds only what is new, and the tools' own calls keep finding rows by their ids.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN is_verified BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE projects ADD COLUMN progress DOUBLE PRECISION NOT NULL DEFAULT 0
    CHECK (progress >= 0 AND progress <= 100);
ALTER TABLE projects ADD COLUMN agent_role TEXT;
ALTER TABLE projects ADD COLUMN strategy TEXT;
ALTER TABLE projects ADD COLUMN errors json_text NOT NULL DEFAULT '[]' CHECK (json_valid(errors));
ALTER TABLE projects ADD COLUMN logs json_text NOT NULL DEFAULT '[]' CHECK (json_valid(logs));
ALTER TABLE projects ADD COLUMN metadata json_text NOT NULL DEFAULT '{}' CHECK (json_valid(metadata));

ALTER TABLE templates ADD COLUMN metadata json_text NOT NULL DEFAULT '{}' CHECK (json_valid(metadata));
ALTER TABLE templates ADD COLUMN prior_downloads INTEGER NOT NULL DEFAULT 0 CHECK (prior_downloads >= 0);
ALTER TABLE templates ADD COLUMN prior_rating DOUBLE PRECISION;
ALTER TABLE template_versions ADD COLUMN label TEXT;

CREATE TABLE external_ids (
    system      TEXT NOT NULL CHECK (system <> ''),  -- the tool: codeobit, duilio, pygubu, yago
    kind        TEXT NOT NULL CHECK (kind <> ''),    -- its table (users, projects, ...)
    external_id TEXT NOT NULL,                       -- the id there, as text
    record_id   TEXT NOT NULL,                       -- the id of the codedb row it became
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (system, kind, external_id)
);
CREATE INDEX external_ids_record_idx ON external_ids (system, kind, record_id);
