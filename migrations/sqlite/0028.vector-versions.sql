-- What a search's vectors in memory are checked against (codedb.core.vectors): a number per
-- vector table that every insert, update and delete of its rows raises, in the writer's
-- transaction, whoever writes (codedb, a restore, plain SQL). One row read replaces counting
-- a model's vectors at each search (8 ms at 100,000 on SQLite, 80 ms on PostgreSQL before
-- VACUUM). Derived: never dumped or loaded.
CREATE TABLE vector_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
);
-- Each starts at the microseconds of its making, so that a table made again (a rollback and a
-- migrate) never counts through the numbers its predecessor's readers remember.
INSERT INTO vector_versions (name, version)
SELECT name, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
FROM (SELECT 'function_vectors' AS name UNION ALL SELECT 'template_vectors' UNION ALL SELECT 'message_vectors');

CREATE TRIGGER function_vectors_version_insert AFTER INSERT ON function_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'function_vectors';
END;
CREATE TRIGGER function_vectors_version_update AFTER UPDATE ON function_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'function_vectors';
END;
CREATE TRIGGER function_vectors_version_delete AFTER DELETE ON function_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'function_vectors';
END;
CREATE TRIGGER template_vectors_version_insert AFTER INSERT ON template_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'template_vectors';
END;
CREATE TRIGGER template_vectors_version_update AFTER UPDATE ON template_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'template_vectors';
END;
CREATE TRIGGER template_vectors_version_delete AFTER DELETE ON template_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'template_vectors';
END;
CREATE TRIGGER message_vectors_version_insert AFTER INSERT ON message_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'message_vectors';
END;
CREATE TRIGGER message_vectors_version_update AFTER UPDATE ON message_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'message_vectors';
END;
CREATE TRIGGER message_vectors_version_delete AFTER DELETE ON message_vectors BEGIN
    UPDATE vector_versions SET version = version + 1 WHERE name = 'message_vectors';
END;
