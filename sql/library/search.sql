-- Ranked full-text search over the function library (migration 0016). :match is a search in
-- the index's own syntax, made by codedb.core.textsearch from the user's text (never the text
-- itself); :name_match the same search restricted to names.
--
-- Ranking every match of a word found in a fifth of a million functions costs more than a
-- scan, so a search ranks a bounded set of candidates: the :name_cap newest functions whose
-- name matches and the :cap newest that match at all. When fewer than :name_cap names and
-- :cap functions match, that is every match and the ranking is exact (count_function_matches
-- tells).

-- name: search_functions_ranked(match, name_match, exact, name_exact, cap, name_cap, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionHit
-- The best-ranked functions matching a search, best first, with their modules and tags.
-- The :name_cap newest functions whose name matches (the name tier) come first, then the
-- other candidates, each tier in the order of its rank: bm25 (weights name 10, tags and
-- modules 5, description 2, code 1), in the name tier the bm25 of :name_match (the search and
-- its name part); a lower rank is better, and ties go to the function added first.
-- The score is the relevance, 0-100: the rank as a share of the first candidate's (of the
-- whole search, not of the page), and in the second tier at most the last name's share.
-- A page within the name tier needs nothing else: the second tier's scan is skipped (a LIMIT
-- of 0, computed once before the scan; a condition in its WHERE would be checked on every
-- match) unless the names are fewer than the page's end or a filter may set names aside.
-- Candidates are read by rowid alone (reading the index's stored id of every candidate would
-- cost more than ranking it); the page's rows are checked against the id the index keeps.
-- bm25 counts, for each phrase of a search, the functions holding it in the whole index. A
-- ticket typed as written (T123) is the phrase of its split words (t 1 2 3), each a word of
-- most functions: counting it took 100 ms at a million. Such a search is given twice: ranked
-- by :match and :name_match, which find the term by its runs of digits (123) instead, and
-- checked against :exact and :name_exact, the search itself, found without ranking (the rowids
-- of its matches, listed once; `+rowid` keeps that list from driving the index's scan). Both
-- are NULL for any other search.
WITH named AS MATERIALIZED (
    SELECT rowid AS search_rowid, bm25(function_search, 0.0, 10.0, 5.0, 2.0, 1.0) AS rank
    FROM function_search WHERE function_search MATCH :name_match
      AND (:name_exact IS NULL OR +rowid IN (
              SELECT rowid FROM function_search WHERE function_search MATCH :name_exact))
    ORDER BY rowid DESC LIMIT :name_cap
),
ranked AS (
    SELECT search_rowid, rank, 0 AS tier FROM named
    UNION ALL
    SELECT search_rowid, rank, 1 FROM (SELECT rowid AS search_rowid, bm25(function_search, 0.0, 10.0, 5.0, 2.0, 1.0) AS rank
                   FROM function_search WHERE function_search MATCH :match
                     AND (:exact IS NULL OR +rowid IN (
                             SELECT rowid FROM function_search WHERE function_search MATCH :exact))
                   ORDER BY rowid DESC
                   LIMIT CASE WHEN (SELECT COUNT(*) FROM named) - :offset < :limit
                                   OR COALESCE(:created_after, :modified_after, :module, :tag, :test_status) IS NOT NULL
                              THEN :cap ELSE 0 END)
),
best AS (SELECT search_rowid, MIN(tier) AS tier, MIN(rank) AS rank FROM ranked GROUP BY search_rowid),
-- The page is taken in rank order before any function is read: the filters (when there are
-- some) look a candidate's function up one at a time until the page is full.
page AS (
    SELECT b.search_rowid, b.tier, b.rank
    FROM best b
    WHERE COALESCE(:created_after, :modified_after, :module, :tag, :test_status) IS NULL
       OR EXISTS (
           SELECT 1 FROM function f
           WHERE f.rowid = b.search_rowid
             AND COALESCE(f.creation_date > :created_after, TRUE)
             AND COALESCE(f.last_modified_date > :modified_after, TRUE)
             AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
                     SELECT 1 FROM function_modules m
                     WHERE m.function_id = f.function_id AND m.module_name = :module))
             AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
                     SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
             AND (CAST(:test_status AS TEXT) IS NULL OR (
                     SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
                     ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status))
    ORDER BY b.tier, b.rank, b.search_rowid
    LIMIT :limit OFFSET :offset
)
SELECT l.function_id, l.name, l.description, l.code_snippet, l.creation_date, l.last_modified_date,
       l.signature_json, l.modules, l.tags,
       MAX(ROUND(100.0 * CASE WHEN p.tier = 0 THEN p.rank
                              ELSE MAX(p.rank, COALESCE((SELECT MAX(rank) FROM named), p.rank)) END
                 / COALESCE((SELECT MIN(rank) FROM named), (SELECT MIN(rank) FROM best)), 1), 0.1) AS score
FROM page p
JOIN function f ON f.rowid = p.search_rowid
JOIN function_search s ON s.rowid = p.search_rowid AND s.function_id = f.function_id
JOIN function_listing l ON l.function_id = f.function_id
ORDER BY p.tier, p.rank, p.search_rowid;

-- name: search_inside_names(inner, cap, created_after, modified_after, test_status, module, tag, limit, offset)
-- record_class: FunctionHit
-- Functions whose name holds each word of a search inside it (:inner, a search of the trigram
-- index of names, migration 0025: "onacci" finds fibonacci_memo): what a ranked search shows,
-- with a score of 0, when its words match nothing. The :cap newest such names are taken, then
-- the shortest first (the closest to the words).
WITH inside AS (
    SELECT f.rowid AS search_rowid, f.function_id, length(f.name) AS size
    FROM function_name_trigrams g
    JOIN function f ON f.rowid = g.rowid AND f.function_id = g.function_id
    WHERE function_name_trigrams MATCH :inner
      AND COALESCE(f.creation_date > :created_after, TRUE)
      AND COALESCE(f.last_modified_date > :modified_after, TRUE)
      AND (CAST(:module AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_modules m WHERE m.function_id = f.function_id AND m.module_name = :module))
      AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
              SELECT 1 FROM function_tags t WHERE t.function_id = f.function_id AND t.tag = :tag))
      AND (CAST(:test_status AS TEXT) IS NULL OR (
              SELECT tr.status FROM testresult tr WHERE tr.function_id = f.function_id
              ORDER BY tr.execution_date DESC, tr.result_id DESC LIMIT 1) = :test_status)
    ORDER BY g.rowid DESC
    LIMIT :cap
),
page AS (SELECT search_rowid, function_id, size FROM inside ORDER BY size, search_rowid LIMIT :limit OFFSET :offset)
SELECT l.function_id, l.name, l.description, l.code_snippet, l.creation_date, l.last_modified_date,
       l.signature_json, l.modules, l.tags,
       0.0 AS score
FROM page p JOIN function_listing l ON l.function_id = p.function_id
ORDER BY p.size, p.search_rowid;

-- name: count_function_matches(match, cap)$
-- How many functions match a search, counting up to :cap.
SELECT COUNT(*) FROM (SELECT 1 FROM function_search WHERE function_search MATCH :match LIMIT :cap) AS m;

-- name: count_function_search()$
-- Number of functions in the search index.
SELECT COUNT(*) FROM function_search;

-- name: clear_function_search()!
-- Drop the search index (reindex creates it again in the same transaction): a DELETE would
-- read every row's words again to take them out.
DROP TABLE function_search;

-- name: create_function_search()!
-- Create the search index empty, word for word as migration 0017 made it.
CREATE VIRTUAL TABLE function_search USING fts5(
    function_id UNINDEXED, name, labels, description, code,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4'
);

-- name: functions_to_index(after, batch)
-- The next :batch functions after the key :after (NULL: from the first), in the order the index
-- takes them fastest (rowid), each with its key, id, name, labels (tags then modules, as
-- function_search_source joins them), description and code; reindex splits their words
-- (codedb.core.textsearch.index_text) and writes them with index_added_functions.
SELECT f.rowid, f.function_id, f.name,
       COALESCE((SELECT group_concat(label, ' ') FROM (
           SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
           UNION ALL
           SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id)), ''),
       f.description, f.code_snippet
FROM function f
WHERE f.rowid > COALESCE(:after, 0)
ORDER BY f.rowid
LIMIT :batch;

-- name: clear_function_name_trigrams()!
-- Drop the trigram index of names (reindex creates and fills it again in the same transaction;
-- a DELETE would read every name's trigrams to take them out).
DROP TABLE function_name_trigrams;

-- name: create_function_name_trigrams()!
-- Create the trigram index of names empty, word for word as migration 0025 made it.
CREATE VIRTUAL TABLE function_name_trigrams USING fts5(
    function_id UNINDEXED, name, tokenize = 'trigram'
);

-- name: fill_function_name_trigrams()!
-- Index every function's name by trigrams (migration 0025; PostgreSQL has no such index).
INSERT INTO function_name_trigrams (rowid, function_id, name) SELECT rowid, function_id, name FROM function;

-- name: optimize_function_search()!
-- Merge the index's segments into one: quicker searches after many writes.
INSERT INTO function_search (function_search) VALUES ('optimize');

-- name: count_stale_function_search()$
-- Functions the index does not hold as they are (none, unless a trigger was dropped or the
-- file was rebuilt outside codedb); reindex repairs them.
SELECT (SELECT COUNT(*) FROM function f
        WHERE NOT EXISTS (SELECT 1 FROM function_search s
                          WHERE s.rowid = f.rowid AND s.function_id = f.function_id))
     + (SELECT COUNT(*) FROM function_search s
        WHERE NOT EXISTS (SELECT 1 FROM function f
                          WHERE f.rowid = s.rowid AND f.function_id = s.function_id));

-- A bulk add (Functions.add_many) sets the triggers that index inserts aside in its own
-- transaction, indexes its functions itself with index_added_functions, and creates the
-- triggers again, word for word as migration 0016 made them, before its transaction ends; no
-- other connection sees them missing, and a failed add rolls their removal back. (A trigger that
-- writes the index, even one that does nothing for the row, makes SQLite journal every
-- inserted row's pages: it more than doubled the add.)

-- name: pause_function_search_trigger()!
-- Set aside the trigger that indexes rows inserted into function.
DROP TRIGGER function_search_insert;

-- name: pause_function_tags_search_trigger()!
-- Set aside the trigger that indexes rows inserted into function_tags.
DROP TRIGGER function_tags_search_insert;

-- name: pause_function_modules_search_trigger()!
-- Set aside the trigger that indexes rows inserted into function_modules.
DROP TRIGGER function_modules_search_insert;

-- name: resume_function_search_trigger()!
-- Create that trigger again, as migration 0016 made it.
CREATE TRIGGER function_search_insert AFTER INSERT ON function BEGIN
    INSERT INTO function_search (rowid, function_id, name, labels, description, code)
    SELECT search_rowid, function_id, name, labels, description, code
    FROM function_search_source WHERE function_id = NEW.function_id;
END;

-- name: resume_function_tags_search_trigger()!
-- Create that trigger again, as migration 0016 made it.
CREATE TRIGGER function_tags_search_insert AFTER INSERT ON function_tags BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;

-- name: resume_function_modules_search_trigger()!
-- Create that trigger again, as migration 0016 made it.
CREATE TRIGGER function_modules_search_insert AFTER INSERT ON function_modules BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;

-- name: pause_function_name_trigrams_trigger()!
-- Set aside the trigger that indexes the names of rows inserted into function (migration 0025).
DROP TRIGGER function_name_trigrams_insert;

-- name: resume_function_name_trigrams_trigger()!
-- Create that trigger again, as migration 0025 made it.
CREATE TRIGGER function_name_trigrams_insert AFTER INSERT ON function BEGIN
    INSERT INTO function_name_trigrams (rowid, function_id, name) VALUES (NEW.rowid, NEW.function_id, NEW.name);
END;

-- name: index_added_names*!
-- Index the names of functions added while that trigger was set aside.
INSERT INTO function_name_trigrams (rowid, function_id, name)
VALUES ((SELECT rowid FROM function WHERE function_id = :function_id), :function_id, :name);

-- name: index_added_functions*!
-- Index functions added while the triggers were set aside, their texts made by
-- codedb.core.textsearch.index_text as function_search_source makes them. (VALUES, not
-- INSERT ... SELECT, which goes through a temporary table for a virtual table: twice the time.)
-- :rowid is the function's rowid when the caller knows it (reindex), else NULL (looked up).
INSERT INTO function_search (rowid, function_id, name, labels, description, code)
VALUES (COALESCE(:rowid, (SELECT rowid FROM function WHERE function_id = :function_id)), :function_id,
        :name, :labels, :description, :code);

-- name: stop_function_search_merges()!
-- Let the index's segments pile up instead of merging them as they are written (reindex
-- merges them all once, with optimize_function_search, and then restarts the merges).
INSERT INTO function_search (function_search, rank) VALUES ('automerge', 0);

-- name: restart_function_search_merges()!
-- Merge the index's segments as they are written again (FTS5's default).
INSERT INTO function_search (function_search, rank) VALUES ('automerge', 4);
