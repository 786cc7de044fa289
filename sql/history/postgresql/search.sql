-- PostgreSQL's ranked message search (migration 0019): the tsvector message_search.document
-- with its GIN index; :match is a tsquery text made by codedb.core.textsearch.

-- name: search_messages_ranked(match, cap, limit)
-- Planned per call (see codedb.core.queries).
-- The best-ranked messages matching a search, best first, with their relevance 0-100 (ts_rank
-- as a share of the best match's) and their content.
WITH ranked AS (
    SELECT s.message_id, ts_rank(s.document, to_tsquery('simple', :match)) AS score
    FROM message_search s WHERE s.document @@ to_tsquery('simple', :match)
    LIMIT :cap
)
SELECT h.message_id, h.session_id, h.role,
       CAST(GREATEST(ROUND(CAST(100 * r.score / NULLIF((SELECT MAX(score) FROM ranked), 0) AS NUMERIC), 1), 0.1)
            AS DOUBLE PRECISION) AS score,
       h.content
FROM ranked r JOIN conversation_history h ON h.message_id = r.message_id
ORDER BY r.score DESC, h.message_id
LIMIT :limit;

-- name: fill_message_search()!
-- Index every message (after clear_message_search).
INSERT INTO message_search (message_id, document)
SELECT message_id, to_tsvector('simple', codedb_words_and_whole(content)) FROM conversation_history;

-- name: optimize_message_search()!
-- Refresh the planner's statistics of the index after a rebuild.
ANALYZE message_search;

-- name: count_stale_message_search()$
-- Messages the index does not hold as they are; reindex repairs them.
SELECT COUNT(*) FROM conversation_history h
WHERE NOT EXISTS (SELECT 1 FROM message_search s
                  WHERE s.message_id = h.message_id
                    AND s.document = to_tsvector('simple', codedb_words_and_whole(h.content)));
