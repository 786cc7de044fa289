DROP TABLE function_search;

CREATE VIRTUAL TABLE function_search USING fts5(
    function_id UNINDEXED, name, labels, description, code,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO function_search (rowid, function_id, name, labels, description, code)
SELECT search_rowid, function_id, name, labels, description, code FROM function_search_source;
