-- The search index gains prefix indexes of 3 and 4 letters: a search for fib* or merg* reads
-- one list instead of merging the list of every word that starts so (a hundred times quicker
-- at a million functions). Its words are those of migration 0016; it is built again here.
--
-- Bulk adds (Functions.add_many) and reindex write the index themselves, with the words split
-- in Python exactly as function_search_source splits them: a bulk add sets the three insert
-- triggers of migration 0016 aside inside its own transaction and creates them again, word for
-- word, before it ends (the pause_*_trigger and resume_*_trigger queries of
-- sql/library/search.sql), and reindex drops and creates this table as it is made here; no
-- other connection ever sees either missing.
DROP TABLE function_search;

CREATE VIRTUAL TABLE function_search USING fts5(
    function_id UNINDEXED, name, labels, description, code,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4'
);

INSERT INTO function_search (rowid, function_id, name, labels, description, code)
SELECT search_rowid, function_id, name, labels, description, code FROM function_search_source;
