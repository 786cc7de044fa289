-- Full-text search over the function library: an FTS5 index of each function's name, its
-- tags and modules (one column, labels), its description and its code, as code-aware words:
-- a space goes before every capital and around every digit, so mergeSortedArrays is indexed
-- as merge Sorted Arrays and sha256sum as sha 2 5 6 sum (the unicode61 tokenizer then splits on '_', '.' and
-- every other character that is not a letter or digit, and folds case). codedb splits the
-- words of a search the same way (codedb.core.textsearch).
--
-- Triggers keep the index in the same transaction as every write, whoever makes it: codedb,
-- an import, a restore or plain SQL in the sqlite3 shell. The index keeps its own copy of the
-- words (tags and modules live in other tables, so an external-content index could not be
-- told the exact text it held when a tag goes). Its rowid is the function's rowid, and it
-- keeps the function's id to check the pair on every search. 'codedb reindex' rebuilds it.

-- The words of every function, as the index holds them: each text split, and whole as well
-- where a capital or digit splits it (so JavaScript is found by javascript, and MAX_SIZE,
-- split letter by letter, by max). The split is two levels of replace() because SQLite's
-- parser refuses deeper nesting.
CREATE VIEW function_search_source AS
SELECT search_rowid, function_id,
       CASE WHEN raw_name GLOB '*[A-Z0-9]*' THEN raw_name || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(n1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS name,
       CASE WHEN raw_labels GLOB '*[A-Z0-9]*' THEN raw_labels || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(l1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS labels,
       CASE WHEN raw_description GLOB '*[A-Z0-9]*' THEN raw_description || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(d1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS description,
       CASE WHEN raw_code GLOB '*[A-Z0-9]*' THEN raw_code || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS code
FROM (SELECT search_rowid, function_id, name AS raw_name, labels AS raw_labels, description AS raw_description,
             code_snippet AS raw_code,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS n1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(labels, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS l1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(description, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS d1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(code_snippet, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS c1
      FROM (SELECT f.rowid AS search_rowid, f.function_id, f.name, f.description, f.code_snippet,
                   COALESCE((SELECT group_concat(label, ' ') FROM (
                       SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                       UNION ALL
                       SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id)), '')
                   AS labels
            FROM function f));

CREATE VIRTUAL TABLE function_search USING fts5(
    function_id UNINDEXED, name, labels, description, code,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO function_search (rowid, function_id, name, labels, description, code)
SELECT search_rowid, function_id, name, labels, description, code FROM function_search_source;

CREATE TRIGGER function_search_insert AFTER INSERT ON function BEGIN
    INSERT INTO function_search (rowid, function_id, name, labels, description, code)
    SELECT search_rowid, function_id, name, labels, description, code
    FROM function_search_source WHERE function_id = NEW.function_id;
END;

CREATE TRIGGER function_search_update AFTER UPDATE OF function_id, name, description, code_snippet
ON function BEGIN
    DELETE FROM function_search WHERE rowid = OLD.rowid;
    INSERT INTO function_search (rowid, function_id, name, labels, description, code)
    SELECT search_rowid, function_id, name, labels, description, code
    FROM function_search_source WHERE function_id = NEW.function_id;
END;

CREATE TRIGGER function_search_delete AFTER DELETE ON function BEGIN
    DELETE FROM function_search WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER function_tags_search_insert AFTER INSERT ON function_tags BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;

CREATE TRIGGER function_tags_search_delete AFTER DELETE ON function_tags BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = OLD.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = OLD.function_id);
END;

CREATE TRIGGER function_tags_search_update AFTER UPDATE ON function_tags BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = OLD.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = OLD.function_id);
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;

CREATE TRIGGER function_modules_search_insert AFTER INSERT ON function_modules BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;

CREATE TRIGGER function_modules_search_delete AFTER DELETE ON function_modules BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = OLD.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = OLD.function_id);
END;

CREATE TRIGGER function_modules_search_update AFTER UPDATE ON function_modules BEGIN
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = OLD.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = OLD.function_id);
    UPDATE function_search
    SET labels = (SELECT labels FROM function_search_source WHERE function_id = NEW.function_id)
    WHERE rowid = (SELECT rowid FROM function WHERE function_id = NEW.function_id);
END;
