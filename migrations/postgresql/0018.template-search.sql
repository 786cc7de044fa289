-- Full-text search over the template marketplace, as over the function library (migration
-- 0016, whose words and weights it shares): per template a tsvector of its name (A), its tags
-- (B), its description (C) and the content of its latest version (D), with a GIN index, kept
-- by triggers in the same transaction as every write, whoever makes it.

CREATE FUNCTION template_search_document(tid TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('simple', codedb_words_and_whole(t.name)), 'A')
        || setweight(to_tsvector('simple', codedb_words_and_whole(COALESCE(
               (SELECT string_agg(g.tag, ' ') FROM template_tags g WHERE g.template_id = t.template_id),
               ''))), 'B')
        || setweight(to_tsvector('simple', codedb_words_and_whole(t.description)), 'C')
        || setweight(to_tsvector('simple', codedb_words_and_whole(COALESCE(
               (SELECT v.content FROM template_versions v WHERE v.template_id = t.template_id
                ORDER BY v.version DESC LIMIT 1),
               ''))), 'D')
    FROM templates t WHERE t.template_id = tid
$$;

CREATE TABLE template_search (
    template_id TEXT PRIMARY KEY REFERENCES templates (template_id) ON DELETE CASCADE ON UPDATE CASCADE,
    document    tsvector NOT NULL
);

INSERT INTO template_search (template_id, document)
SELECT template_id, template_search_document(template_id) FROM templates;

CREATE INDEX template_search_document_idx ON template_search USING GIN (document);

CREATE FUNCTION template_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'templates' THEN
        INSERT INTO template_search (template_id, document)
        VALUES (NEW.template_id, template_search_document(NEW.template_id))
        ON CONFLICT (template_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE template_search SET document = template_search_document(OLD.template_id)
        WHERE template_id = OLD.template_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE template_search SET document = template_search_document(NEW.template_id)
        WHERE template_id = NEW.template_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER templates_search AFTER INSERT OR UPDATE OF name, description
    ON templates FOR EACH ROW EXECUTE FUNCTION template_search_keep();
CREATE TRIGGER template_tags_search AFTER INSERT OR UPDATE OR DELETE ON template_tags
    FOR EACH ROW EXECUTE FUNCTION template_search_keep();
CREATE TRIGGER template_versions_search AFTER INSERT OR UPDATE OR DELETE ON template_versions
    FOR EACH ROW EXECUTE FUNCTION template_search_keep();
