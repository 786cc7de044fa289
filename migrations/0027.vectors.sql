-- Semantic search (issue #28): a vector per function, per template and per conversation
-- message, one table per domain. A row names the model that made it and its dimensions, so a
-- vector of another model is never compared with this one; text_hash is the SHA-256 of the
-- text it was made from (see codedb.core.vectors), so a changed text is embedded again and
-- an unchanged one is not. vector is the little-endian float32 values, base64-encoded: text
-- that every dump, export and copy carries as it is, and that sqlite-vec and pgvector read
-- once decoded. embedded_at is when the text was read: a row changed after it is stale.

CREATE TABLE function_vectors (
    function_id TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    model       TEXT NOT NULL CHECK (model <> ''),
    dimensions  INTEGER NOT NULL CHECK (dimensions > 0),
    text_hash   TEXT NOT NULL CHECK (length(text_hash) = 64),
    vector      TEXT NOT NULL,
    embedded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (function_id, model)
);
CREATE INDEX function_vectors_model_idx ON function_vectors (model, embedded_at);

CREATE TABLE template_vectors (
    template_id TEXT NOT NULL REFERENCES templates (template_id) ON DELETE CASCADE,
    model       TEXT NOT NULL CHECK (model <> ''),
    dimensions  INTEGER NOT NULL CHECK (dimensions > 0),
    text_hash   TEXT NOT NULL CHECK (length(text_hash) = 64),
    vector      TEXT NOT NULL,
    embedded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (template_id, model)
);
CREATE INDEX template_vectors_model_idx ON template_vectors (model, embedded_at);

CREATE TABLE message_vectors (
    message_id  TEXT NOT NULL REFERENCES conversation_history (message_id) ON DELETE CASCADE,
    model       TEXT NOT NULL CHECK (model <> ''),
    dimensions  INTEGER NOT NULL CHECK (dimensions > 0),
    text_hash   TEXT NOT NULL CHECK (length(text_hash) = 64),
    vector      TEXT NOT NULL,
    embedded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (message_id, model)
);
CREATE INDEX message_vectors_model_idx ON message_vectors (model, embedded_at);
