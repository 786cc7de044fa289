-- Ranked full-text search over conversation history (migration 0019). :match is a search in
-- the index's own syntax, made by codedb.core.textsearch from the user's text. A search ranks
-- the :cap newest matches at most.

-- name: search_messages_ranked(match, cap, limit)
-- The best-ranked messages matching a search, best first: id, session, role, score (the
-- relevance, 0-100: bm25 as a share of the best match's) and content.
WITH ranked AS (
    SELECT rowid AS search_rowid, bm25(message_search) AS rank
    FROM message_search WHERE message_search MATCH :match
    ORDER BY rowid DESC LIMIT :cap
)
SELECT h.message_id, h.session_id, h.role, MAX(ROUND(100.0 * r.rank / (SELECT MIN(rank) FROM ranked), 1), 0.1) AS score, h.content
FROM ranked r
JOIN conversation_history h ON h.rowid = r.search_rowid
JOIN message_search s ON s.rowid = r.search_rowid AND s.message_id = h.message_id
ORDER BY r.rank, h.message_id
LIMIT :limit;

-- name: clear_message_search()!
-- Empty the message search index (reindex fills it again in the same transaction).
DELETE FROM message_search;

-- name: fill_message_search()!
-- Index every message (after clear_message_search).
INSERT INTO message_search (rowid, message_id, content)
SELECT search_rowid, message_id, content FROM message_search_source;

-- name: optimize_message_search()!
-- Merge the index's segments into one.
INSERT INTO message_search (message_search) VALUES ('optimize');

-- name: count_message_search()$
-- Number of messages in the search index.
SELECT COUNT(*) FROM message_search;

-- name: count_stale_message_search()$
-- Messages the index does not hold (none, unless a trigger was bypassed); reindex repairs them.
SELECT (SELECT COUNT(*) FROM conversation_history h
        WHERE NOT EXISTS (SELECT 1 FROM message_search s
                          WHERE s.rowid = h.rowid AND s.message_id = h.message_id))
     + (SELECT COUNT(*) FROM message_search s
        WHERE NOT EXISTS (SELECT 1 FROM conversation_history h
                          WHERE h.rowid = s.rowid AND h.message_id = s.message_id));
