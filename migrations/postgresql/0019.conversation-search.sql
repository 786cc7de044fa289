-- Full-text search over conversation history, as over the function library (migration 0016,
-- whose words it shares): per message a tsvector of its content with a GIN index, kept by a
-- trigger in the same transaction as every write, whoever makes it.

CREATE TABLE message_search (
    message_id TEXT PRIMARY KEY
               REFERENCES conversation_history (message_id) ON DELETE CASCADE ON UPDATE CASCADE,
    document   tsvector NOT NULL
);

INSERT INTO message_search (message_id, document)
SELECT message_id, to_tsvector('simple', codedb_words_and_whole(content)) FROM conversation_history;

CREATE INDEX message_search_document_idx ON message_search USING GIN (document);

CREATE FUNCTION message_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_search (message_id, document)
    VALUES (NEW.message_id, to_tsvector('simple', codedb_words_and_whole(NEW.content)))
    ON CONFLICT (message_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversation_history_search AFTER INSERT OR UPDATE OF content
    ON conversation_history FOR EACH ROW EXECUTE FUNCTION message_search_keep();
