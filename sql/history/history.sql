-- Sessions and their messages.

-- name: session_owner(session_id)$
-- The user a session belongs to (no row: no such session).
SELECT user_id FROM conversation_history WHERE session_id = :session_id LIMIT 1;

-- name: session_messages(session_id, limit, offset)
-- record_class: Message
-- A session's messages, oldest first.
SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
FROM conversation_history WHERE session_id = :session_id
ORDER BY created_at, message_id
LIMIT :limit OFFSET :offset;

-- name: last_session_messages(session_id, count)
-- record_class: Message
-- A session's last `count` messages, oldest first.
SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
FROM (
    SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
    FROM conversation_history WHERE session_id = :session_id
    ORDER BY created_at DESC, message_id DESC
    LIMIT :count
) AS last_ones
ORDER BY created_at, message_id;

-- name: user_sessions(user_id, limit, offset)
-- record_class: SessionSummary
-- A user's sessions, the latest active first: first and last activity, messages, tokens (the
-- index on (user_id, session_id, created_at, tokens) answers it alone).
SELECT session_id, MIN(created_at) AS first_at, MAX(created_at) AS last_at, COUNT(*) AS messages,
       SUM(tokens) AS tokens
FROM conversation_history WHERE user_id = :user_id
GROUP BY session_id
ORDER BY MAX(created_at) DESC, session_id
LIMIT :limit OFFSET :offset;

-- name: delete_session(session_id)!
-- Delete a session's messages.
DELETE FROM conversation_history WHERE session_id = :session_id;

-- name: count_messages_before(before)$
-- How many messages are older than `before` (what a prune deletes).
SELECT COUNT(*) FROM conversation_history WHERE created_at < :before;

-- name: prune_messages_before(before)!
-- Delete the messages older than `before`.
DELETE FROM conversation_history WHERE created_at < :before;

-- name: last_user_messages(user_id, session_id, count)
-- record_class: Message
-- A user's last `count` messages (of one session, or of all when session_id is NULL), oldest
-- first.
SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
FROM (
    SELECT message_id, user_id, session_id, role, content, model, workspace_path, tokens, extra, created_at
    FROM conversation_history
    WHERE user_id = :user_id AND (CAST(:session_id AS TEXT) IS NULL OR session_id = :session_id)
    ORDER BY created_at DESC, message_id DESC
    LIMIT :count
) AS last_ones
ORDER BY created_at, message_id;
