-- Full-text search over conversation history, as over the function library (migration 0016,
-- whose words it shares): an FTS5 index of each message's content, kept by triggers in the
-- same transaction as every write, whoever makes it. Its rowid is the message's rowid.

CREATE VIEW message_search_source AS
SELECT search_rowid, message_id,
       CASE WHEN raw_content GLOB '*[A-Z0-9]*' THEN raw_content || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS content
FROM (SELECT rowid AS search_rowid, message_id, content AS raw_content,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(content, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS c1
      FROM conversation_history);

CREATE VIRTUAL TABLE message_search USING fts5(
    message_id UNINDEXED, content,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4'
);

INSERT INTO message_search (rowid, message_id, content)
SELECT search_rowid, message_id, content FROM message_search_source;

CREATE TRIGGER conversation_history_search_insert AFTER INSERT ON conversation_history BEGIN
    INSERT INTO message_search (rowid, message_id, content)
    SELECT search_rowid, message_id, content FROM message_search_source WHERE message_id = NEW.message_id;
END;

CREATE TRIGGER conversation_history_search_update AFTER UPDATE OF message_id, content
ON conversation_history BEGIN
    DELETE FROM message_search WHERE rowid = OLD.rowid;
    INSERT INTO message_search (rowid, message_id, content)
    SELECT search_rowid, message_id, content FROM message_search_source WHERE message_id = NEW.message_id;
END;

CREATE TRIGGER conversation_history_search_delete AFTER DELETE ON conversation_history BEGIN
    DELETE FROM message_search WHERE rowid = OLD.rowid;
END;
