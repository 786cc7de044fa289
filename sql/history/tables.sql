-- The conversation_history table whole: count, dump (key order), clear, idempotent load,
-- analyze (see core.registry).

-- name: count_conversation_history()$
-- Number of rows in conversation_history.
SELECT COUNT(*) FROM conversation_history;

-- name: dump_conversation_history()
-- Every row of conversation_history, in primary-key order.
SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
FROM conversation_history ORDER BY message_id;

-- name: clear_conversation_history()!
-- Delete every row of conversation_history.
DELETE FROM conversation_history;

-- name: load_conversation_history*!
-- Insert rows into conversation_history, skipping those whose key exists.
INSERT INTO conversation_history (message_id, user_id, session_id, role, content, model,
                                  workspace_path, tokens, extra, created_at)
VALUES (:message_id, :user_id, :session_id, :role, :content, :model, :workspace_path, :tokens,
        :extra, :created_at)
ON CONFLICT (message_id) DO NOTHING;

-- name: analyze_conversation_history()#
-- Refresh the planner's statistics of conversation_history.
ANALYZE conversation_history;

-- name: count_message_vectors()$
-- Number of rows in message_vectors.
SELECT COUNT(*) FROM message_vectors;

-- name: dump_message_vectors()
-- Every row of message_vectors, in primary-key order.
SELECT message_id, model, dimensions, text_hash, vector, embedded_at FROM message_vectors ORDER BY message_id, model;

-- name: clear_message_vectors()!
-- Delete every row of message_vectors.
DELETE FROM message_vectors;

-- name: load_message_vectors*!
-- Insert rows into message_vectors, skipping those whose key exists.
INSERT INTO message_vectors (message_id, model, dimensions, text_hash, vector, embedded_at)
VALUES (:message_id, :model, :dimensions, :text_hash, :vector, :embedded_at)
ON CONFLICT (message_id, model) DO NOTHING;

-- name: analyze_message_vectors()#
-- Refresh the planner's statistics of message_vectors.
ANALYZE message_vectors;
