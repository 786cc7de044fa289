-- What a search's vectors in memory are checked against (codedb.core.vectors): a number per
-- vector table that every statement writing its rows raises, in the writer's transaction,
-- whoever writes (codedb, a restore, plain SQL). One row read replaces counting a model's
-- vectors at each search (80 ms at 100,000 before VACUUM, 10 ms after). Derived: never dumped
-- or loaded.
CREATE TABLE vector_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
-- Each starts at the microseconds of its making, so that a table made again (a rollback and a
-- migrate) never counts through the numbers its predecessor's readers remember.
INSERT INTO vector_versions (name, version)
SELECT name, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
FROM (VALUES ('function_vectors'), ('template_vectors'), ('message_vectors')) AS t (name);

CREATE FUNCTION codedb_raise_vector_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END
$$;

CREATE TRIGGER function_vectors_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON function_vectors
    FOR EACH STATEMENT EXECUTE FUNCTION codedb_raise_vector_version();
CREATE TRIGGER template_vectors_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON template_vectors
    FOR EACH STATEMENT EXECUTE FUNCTION codedb_raise_vector_version();
CREATE TRIGGER message_vectors_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON message_vectors
    FOR EACH STATEMENT EXECUTE FUNCTION codedb_raise_vector_version();
