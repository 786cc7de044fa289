-- PostgreSQL's own queries of the search index of functions (SQLite has no counterpart):
-- reindex writes the documents Python makes (codedb.core.textsearch.document_bytes) with COPY,
-- and has the server make the few Python leaves to it.

-- name: functions_by_id_to_index(function_ids)
-- The functions of :function_ids as functions_to_index gives them (a bulk add's, once its
-- links are written).
SELECT f.function_id AS key, f.function_id, f.name,
       COALESCE((SELECT string_agg(label, ' ' ORDER BY label) FROM (
           SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
           UNION ALL
           SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id) AS l), ''),
       f.description, f.code_snippet
FROM function f WHERE f.function_id = ANY(CAST(:function_ids AS TEXT[]));

-- name: copy_function_search()!
-- The search index's rows (function_id, document), in COPY's binary form (the document as
-- tsvectorsend writes it, which the server stores without parsing), written by
-- codedb.core.db.Database.copy_binary.
COPY function_search (function_id, document) FROM STDIN (FORMAT binary);

-- name: index_functions_by_id(function_ids)!
-- Index the functions of :function_ids in one statement (the body of
-- function_search_document, written out: a call to it is planned anew at every row).
INSERT INTO function_search (function_id, document)
SELECT f.function_id,
       setweight(to_tsvector('simple', codedb_search_words(f.name)), 'A')
       || setweight(to_tsvector('simple', codedb_search_words(COALESCE(
              (SELECT string_agg(label, ' ' ORDER BY label) FROM (
                   SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                   UNION ALL
                   SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id) AS l),
              ''))), 'B')
       || setweight(to_tsvector('simple', codedb_search_words(f.description)), 'C')
       || setweight(to_tsvector('simple', codedb_search_words(f.code_snippet)), 'D')
FROM function f WHERE f.function_id = ANY(CAST(:function_ids AS TEXT[]));
