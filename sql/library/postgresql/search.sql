-- PostgreSQL's ranked search (migration 0016): the tsvector function_search.document with its
-- GIN index; :match and :name_match are tsquery texts made by codedb.core.textsearch.

-- name: search_functions_ranked(match, name_match, name_lookup, rank, name_rank, cap, name_cap, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionHit
-- Planned per call (its plan depends on how common the words are; see codedb.core.queries).
-- The best-ranked functions matching a search, best first, with their modules and tags.
-- Candidates: the first :name_cap functions whose name matches (the name tier) and the first
-- :cap that match at all. The name tier comes first, each tier in the order of its rank:
-- ts_rank (weights name 1.0, tags and modules 0.4, description 0.2, code 0.1), plus, in the
-- name tier, the ts_rank of its name part (:name_rank); a higher rank is better.
-- The score is the relevance, 0-100: the rank as a share of the first candidate's (of the
-- whole search, not of the page), and in the second tier at most the last name's share.
-- A page within the name tier needs nothing else: the second tier's scan is skipped (a
-- one-time filter) unless the names are fewer than the page's end or a filter may set names
-- aside. A 4-letter prefix found in 82,000 functions at a million: 23.9-43.3 -> 13.4-13.8 ms
-- (and, with migration 0030's names, 24.6-25.2 -> 15.4-16.8 ms on a machine 2-3 times slower).
-- Each tsquery is written where it is used, not in a CTE: a constant there is what lets the
-- planner see the GIN index.
-- The name tier is found in the index of documents' name words (function_search.name_words,
-- migration 0030), and :name_match is the search's name part alone, without weights (that index
-- holds names only). :name_lookup, where not NULL, is the same search with its prefixes of 3
-- and 4 letters as the words that index holds for them: GIN reads one word for a prefix, not
-- every word that starts so (COALESCE of a constant folds when the search is planned). The
-- tier's match of the whole search is ts_match_vq, the @@ operator as a function: written as
-- @@, the planner also read the documents' index and ANDed the two bitmaps (80,000 matches of
-- a 4-letter prefix: 72 ms).
-- :rank and :name_rank are the searches ranked by: :match and its name part (weight A), but for
-- a ticket typed as written (T123), found by its number (123) instead of the phrase of its
-- words (t 1 2 3) beside it. ts_rank counts each word of a phrase wherever it stands, so a
-- function full of digits outranked the ticket itself.
WITH named AS MATERIALIZED (
    SELECT s.function_id,
           ts_rank(s.document, to_tsquery('simple', :name_rank))
           + ts_rank(s.document, to_tsquery('simple', :rank)) AS score
    FROM function_search s
    WHERE s.name_words @@ COALESCE(CAST(:name_lookup AS tsquery), to_tsquery('simple', :name_match))
      AND ts_match_vq(s.document, to_tsquery('simple', :match))
    LIMIT :name_cap
),
ranked AS (
    SELECT function_id, score, 0 AS tier FROM named
    UNION ALL
    (SELECT s.function_id, ts_rank(s.document, to_tsquery('simple', :rank)) AS score, 1 AS tier
     FROM function_search s
     WHERE s.document @@ to_tsquery('simple', :match)
       AND ((SELECT COUNT(*) FROM named) - CAST(:offset AS BIGINT) < :limit  -- no sum: it could overflow
            OR CAST(:created_after AS TIMESTAMP) IS NOT NULL OR CAST(:modified_after AS TIMESTAMP) IS NOT NULL
            OR COALESCE(:module, :tag, :test_status) IS NOT NULL)
     LIMIT :cap)
),
best AS (SELECT function_id, MIN(tier) AS tier, MAX(score) AS score FROM ranked GROUP BY function_id),
-- The page is taken in rank order; the functions are read only when there are filters (the
-- join cost more than the ranking: 16 of 29 ms for a common word at 200,000 functions).
page AS (
    SELECT b.function_id, b.tier, b.score
    FROM best b
    WHERE (CAST(:created_after AS TIMESTAMP) IS NULL AND CAST(:modified_after AS TIMESTAMP) IS NULL
           AND COALESCE(:module, :tag, :test_status) IS NULL)
       OR EXISTS (
           SELECT 1 FROM function f
           WHERE f.function_id = b.function_id
             AND COALESCE(f.creation_date > :created_after, TRUE)
             AND COALESCE(f.last_modified_date > :modified_after, TRUE)
             AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
                     SELECT 1 FROM function_modules m WHERE m.function_id = f.function_id AND m.module_name = :module))
             AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
                     SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
             AND (CAST(:test_status AS TEXT) IS NULL OR (
                     SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
                     ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status))
    ORDER BY b.tier, b.score DESC, b.function_id
    LIMIT :limit OFFSET :offset
)
SELECT l.function_id, l.name, l.description, l.code_snippet, l.creation_date, l.last_modified_date,
       l.signature_json, l.modules, l.tags,
       CAST(GREATEST(ROUND(CAST(100 * CASE WHEN p.tier = 0 THEN p.score
                                           ELSE LEAST(p.score, (SELECT MIN(score) FROM named)) END
                                / NULLIF(COALESCE((SELECT MAX(score) FROM named), (SELECT MAX(score) FROM best)), 0)
                                AS NUMERIC), 1), 0.1)
            AS DOUBLE PRECISION) AS score
FROM page p JOIN function_listing l ON l.function_id = p.function_id
ORDER BY p.tier, p.score DESC, l.function_id;

-- name: search_inside_names(inner, cap, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionHit
-- Planned per call (see codedb.core.queries).
-- Functions whose name holds each word of a search inside it (:inner, ILIKE patterns:
-- "%onacci%" finds fibonacci_memo): what a ranked search shows, with a score of 0, when its
-- words match nothing. The first :cap such names are taken, then the shortest first (the
-- closest to the words).
WITH inside AS (
    SELECT f.function_id, length(f.name) AS size
    FROM function f
    WHERE f.name ILIKE (CAST(:inner AS TEXT[]))[1]  -- the longest first: what pg_trgm's index looks up
      AND f.name ILIKE ALL (CAST(:inner AS TEXT[]))
      AND COALESCE(f.creation_date > :created_after, TRUE)
      AND COALESCE(f.last_modified_date > :modified_after, TRUE)
      AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_modules m WHERE m.function_id = f.function_id AND m.module_name = :module))
      AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
      AND (CAST(:test_status AS TEXT) IS NULL OR (
              SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
              ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status)
    LIMIT :cap
),
page AS (SELECT function_id, size FROM inside ORDER BY size, function_id LIMIT :limit OFFSET :offset)
SELECT l.function_id, l.name, l.description, l.code_snippet, l.creation_date, l.last_modified_date,
       l.signature_json, l.modules, l.tags,
       CAST(0.0 AS DOUBLE PRECISION) AS score
FROM page p JOIN function_listing l ON l.function_id = p.function_id
ORDER BY p.size, p.function_id;

-- name: fill_function_name_trigrams()!
-- Index the names by trigrams where the server has pg_trgm and the index is missing (the
-- extension came after migration 0025, which this repeats).
DO $$
DECLARE
    home TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pg_trgm');
BEGIN
    IF home IS NOT NULL THEN
        EXECUTE 'CREATE INDEX IF NOT EXISTS function_name_trigrams_idx ON function USING gin (name '
                || quote_ident(home) || '.gin_trgm_ops)';
    END IF;
END $$;

-- name: count_function_matches(match, cap)$
-- Planned per call (see codedb.core.queries).
-- How many functions match a search, counting up to :cap.
SELECT COUNT(*) FROM (SELECT 1 FROM function_search
                      WHERE document @@ to_tsquery('simple', :match) LIMIT :cap) AS m;

-- name: clear_function_search()!
-- Set aside the search index's GIN indexes (of documents, of their names' words) and its
-- reference to function: reindex writes every row, then builds them once
-- (optimize_function_search). They take the table for themselves until the transaction ends:
-- searches and writes of functions wait for reindex.
DROP INDEX function_search_document_idx;
DROP INDEX function_search_names_idx;
ALTER TABLE function_search DROP CONSTRAINT function_search_function_id_fkey;

-- name: create_function_search()!
-- Empty the search index; reindex fills it again (functions_to_index, then
-- copy_function_search and index_functions_by_id of postgresql/documents.sql).
TRUNCATE function_search;

-- name: functions_to_index(after, batch)
-- Planned per call (the first batch has no key to start after).
-- The next :batch functions after the id :after (NULL: from the first), in id order, each with
-- its id twice (the key and the id), name, labels (tags and modules in the database's order,
-- as function_search_document joins them), description and code; reindex makes their
-- documents (codedb.core.textsearch.document_bytes). The labels of the whole batch are read in
-- one range of each links table (a subquery per function took 0.77 s per 100,000 functions;
-- this, 0.55 s).
WITH batch AS (
    SELECT function_id, name, description, code_snippet FROM function
    WHERE CAST(:after AS TEXT) IS NULL OR function_id > :after
    ORDER BY function_id
    LIMIT :batch
), bounds AS (
    SELECT min(function_id) AS low, max(function_id) AS high FROM batch
), labels AS (
    SELECT l.function_id, string_agg(l.label, ' ' ORDER BY l.label) AS labels
    FROM bounds, LATERAL (
        SELECT function_id, tag AS label FROM function_tags
        WHERE function_id BETWEEN bounds.low AND bounds.high
        UNION ALL
        SELECT function_id, module_name FROM function_modules
        WHERE function_id BETWEEN bounds.low AND bounds.high) AS l
    GROUP BY l.function_id
)
SELECT b.function_id AS key, b.function_id, b.name, COALESCE(labels.labels, ''), b.description, b.code_snippet
FROM batch b LEFT JOIN labels USING (function_id)
ORDER BY b.function_id;

-- name: optimize_function_search()!
-- Build again what clear_function_search set aside, as migrations 0016 and 0030 made them
-- (each in one pass over the filled table), and refresh the planner's statistics of the index.
ALTER TABLE function_search ADD CONSTRAINT function_search_function_id_fkey
    FOREIGN KEY (function_id) REFERENCES function (function_id) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX function_search_document_idx ON function_search USING GIN (document);
CREATE INDEX function_search_names_idx ON function_search USING gin (name_words);
ANALYZE function_search;

-- name: count_stale_function_search()$
-- Functions the index does not hold as they are; reindex repairs them.
SELECT COUNT(*) FROM function f
WHERE NOT EXISTS (SELECT 1 FROM function_search s
                  WHERE s.function_id = f.function_id
                    AND s.document = function_search_document(f.function_id));

-- name: pause_function_search_trigger()!
-- Pause the trigger of function for the rest of this transaction (migration 0017).
SELECT set_config('codedb.pause_function_search', 'on', true);

-- name: pause_function_tags_search_trigger()!
-- Pause the trigger of function_tags for the rest of this transaction (migration 0017).
SELECT set_config('codedb.pause_function_tags_search', 'on', true);

-- name: pause_function_modules_search_trigger()!
-- Pause the trigger of function_modules for the rest of this transaction (migration 0017).
SELECT set_config('codedb.pause_function_modules_search', 'on', true);

-- name: resume_function_search_trigger()!
-- Let the trigger of function index rows again.
SELECT set_config('codedb.pause_function_search', 'off', true);

-- name: resume_function_tags_search_trigger()!
-- Let the trigger of function_tags index rows again.
SELECT set_config('codedb.pause_function_tags_search', 'off', true);

-- name: resume_function_modules_search_trigger()!
-- Let the trigger of function_modules index rows again.
SELECT set_config('codedb.pause_function_modules_search', 'off', true);
