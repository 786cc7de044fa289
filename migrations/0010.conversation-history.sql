-- Conversation history: the messages of a user's chat sessions with an assistant, oldest
-- first within a session. tokens is the message's token count (0 when unknown), kept as a
-- column so that a user's sessions list sums it from an index.

CREATE TABLE conversation_history (
    message_id     TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    session_id     TEXT NOT NULL CHECK (session_id <> ''),
    role           TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content        TEXT NOT NULL,
    model          TEXT,
    workspace_path TEXT,
    tokens         INTEGER NOT NULL DEFAULT 0 CHECK (tokens >= 0),
    extra          json_text NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    created_at     TIMESTAMP NOT NULL
);
-- A session's messages in order, and a user's sessions with their counts and tokens.
CREATE INDEX conversation_history_session_idx
    ON conversation_history (session_id, created_at, message_id);
CREATE INDEX conversation_history_user_idx
    ON conversation_history (user_id, session_id, created_at, tokens);
-- Pruning by age.
CREATE INDEX conversation_history_created_idx ON conversation_history (created_at);
