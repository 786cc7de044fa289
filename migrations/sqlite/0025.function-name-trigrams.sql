-- A word of a search is also found inside a function's name, as the old tool's substring search
-- found it (onacci finds fibonacci_memo), ranked below every word match: an FTS5 index of the
-- names alone with the trigram tokenizer (a search of three letters or more is the phrase of
-- its trigrams, that is, the text anywhere in the name, in any case). It keeps the function's id
-- beside its rowid, as function_search does, so that a search checks the pair. Triggers keep it
-- in the same transaction as every write; `codedb reindex` rebuilds it.
CREATE VIRTUAL TABLE function_name_trigrams USING fts5(
    function_id UNINDEXED, name, tokenize = 'trigram'
);

INSERT INTO function_name_trigrams (rowid, function_id, name) SELECT rowid, function_id, name FROM function;

CREATE TRIGGER function_name_trigrams_insert AFTER INSERT ON function BEGIN
    INSERT INTO function_name_trigrams (rowid, function_id, name) VALUES (NEW.rowid, NEW.function_id, NEW.name);
END;

CREATE TRIGGER function_name_trigrams_update AFTER UPDATE OF function_id, name ON function BEGIN
    DELETE FROM function_name_trigrams WHERE rowid = OLD.rowid;
    INSERT INTO function_name_trigrams (rowid, function_id, name) VALUES (NEW.rowid, NEW.function_id, NEW.name);
END;

CREATE TRIGGER function_name_trigrams_delete AFTER DELETE ON function BEGIN
    DELETE FROM function_name_trigrams WHERE rowid = OLD.rowid;
END;
