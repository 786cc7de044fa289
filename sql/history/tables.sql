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
