-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_conversation_history()!
-- Write rows of conversation_history with COPY, in the order of its record's fields.
COPY conversation_history (message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at) FROM STDIN;

-- name: copy_message_vectors()!
-- Write rows of message_vectors with COPY, in the order of its record's fields.
COPY message_vectors (message_id, model, dimensions, text_hash, vector, embedded_at) FROM STDIN;
