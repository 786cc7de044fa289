-- Full-text search over the function library: per function a tsvector of its name (weight A),
-- its tags and modules (B), its description (C) and its code (D), as code-aware words: a space
-- goes before every capital and around every digit, and every other character that is not a
-- letter or digit becomes a space, so mergeSortedArrays is indexed as merge sorted arrays and
-- sha256sum as sha 2 5 6 sum ('simple' configuration: no stemming, no stop words). codedb splits the words of a search
-- the same way (codedb.core.textsearch). A GIN index finds the matches.
--
-- Triggers keep the vector in the same transaction as every write, whoever makes it: codedb,
-- an import, a restore or plain SQL in psql. 'codedb reindex' rebuilds it. A tsvector holds at
-- most 1 MB, so each text is indexed up to its first 100,000 characters.

CREATE FUNCTION codedb_words(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(regexp_replace(regexp_replace(left(t, 100000), '([A-Z])', ' \1', 'g'), '([0-9])', ' \1 ', 'g'),
                      '[^[:alnum:]]+', ' ', 'g');

-- Each text is indexed split, and whole as well where a capital or digit splits it (so
-- JavaScript is found by javascript, and MAX_SIZE, split letter by letter, by max).
CREATE FUNCTION codedb_words_and_whole(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN t ~ '[A-Z0-9]' THEN regexp_replace(left(t, 100000), '[^[:alnum:]]+', ' ', 'g') || ' ' ELSE '' END
       || codedb_words(t);

CREATE FUNCTION function_search_document(fid TEXT) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('simple', codedb_words_and_whole(f.name)), 'A')
        || setweight(to_tsvector('simple', codedb_words_and_whole(COALESCE(
               (SELECT string_agg(label, ' ') FROM (
                    SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                    UNION ALL
                    SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id) AS l),
               ''))), 'B')
        || setweight(to_tsvector('simple', codedb_words_and_whole(f.description)), 'C')
        || setweight(to_tsvector('simple', codedb_words_and_whole(f.code_snippet)), 'D')
    FROM function f WHERE f.function_id = fid
$$;

CREATE TABLE function_search (
    function_id TEXT PRIMARY KEY REFERENCES function (function_id) ON DELETE CASCADE ON UPDATE CASCADE,
    document    tsvector NOT NULL
);

INSERT INTO function_search (function_id, document)
SELECT function_id, function_search_document(function_id) FROM function;

CREATE INDEX function_search_document_idx ON function_search USING GIN (document);

-- A link to a function that is not there yet (a bulk add writes links first) changes nothing.
CREATE FUNCTION function_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'function' THEN
        INSERT INTO function_search (function_id, document)
        VALUES (NEW.function_id, function_search_document(NEW.function_id))
        ON CONFLICT (function_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE function_search SET document = function_search_document(OLD.function_id)
        WHERE function_id = OLD.function_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE function_search SET document = function_search_document(NEW.function_id)
        WHERE function_id = NEW.function_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER function_search_written AFTER INSERT OR UPDATE OF name, description, code_snippet
    ON function FOR EACH ROW EXECUTE FUNCTION function_search_keep();
CREATE TRIGGER function_tags_search AFTER INSERT OR UPDATE OR DELETE ON function_tags
    FOR EACH ROW EXECUTE FUNCTION function_search_keep();
CREATE TRIGGER function_modules_search AFTER INSERT OR UPDATE OR DELETE ON function_modules
    FOR EACH ROW EXECUTE FUNCTION function_search_keep();

-- A bulk add writes a function's links before the function, so that the function's vector is
-- computed once, not once per link: its links' references to it are checked at commit.
ALTER TABLE function_tags ALTER CONSTRAINT function_tags_function_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE function_modules ALTER CONSTRAINT function_modules_function_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
