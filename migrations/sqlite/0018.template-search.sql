-- Full-text search over the template marketplace, as over the function library (migration
-- 0016, whose words and ranking it shares): an FTS5 index of each template's name, its tags
-- (labels), its description and the content of its latest version (code), kept by triggers in
-- the same transaction as every write, whoever makes it. Its rowid is the template's rowid.

CREATE VIEW template_search_source AS
SELECT search_rowid, template_id,
       CASE WHEN raw_name GLOB '*[A-Z0-9]*' THEN raw_name || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(n1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS name,
       CASE WHEN raw_labels GLOB '*[A-Z0-9]*' THEN raw_labels || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(l1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS labels,
       CASE WHEN raw_description GLOB '*[A-Z0-9]*' THEN raw_description || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(d1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS description,
       CASE WHEN raw_code GLOB '*[A-Z0-9]*' THEN raw_code || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ') AS code
FROM (SELECT search_rowid, template_id, name AS raw_name, labels AS raw_labels,
             description AS raw_description, content AS raw_code,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS n1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(labels, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS l1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(description, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS d1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(content, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS c1
      FROM (SELECT t.rowid AS search_rowid, t.template_id, t.name, t.description,
                   COALESCE((SELECT group_concat(g.tag, ' ') FROM template_tags g
                             WHERE g.template_id = t.template_id), '') AS labels,
                   COALESCE((SELECT v.content FROM template_versions v WHERE v.template_id = t.template_id
                             ORDER BY v.version DESC LIMIT 1), '') AS content
            FROM templates t));

CREATE VIRTUAL TABLE template_search USING fts5(
    template_id UNINDEXED, name, labels, description, code,
    tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4'
);

INSERT INTO template_search (rowid, template_id, name, labels, description, code)
SELECT search_rowid, template_id, name, labels, description, code FROM template_search_source;

CREATE TRIGGER templates_search_insert AFTER INSERT ON templates BEGIN
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;

CREATE TRIGGER templates_search_update AFTER UPDATE OF template_id, name, description ON templates BEGIN
    DELETE FROM template_search WHERE rowid = OLD.rowid;
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;

CREATE TRIGGER templates_search_delete AFTER DELETE ON templates BEGIN
    DELETE FROM template_search WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER template_tags_search_insert AFTER INSERT ON template_tags BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = NEW.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;

CREATE TRIGGER template_tags_search_delete AFTER DELETE ON template_tags BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = OLD.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = OLD.template_id;
END;

CREATE TRIGGER template_tags_search_update AFTER UPDATE ON template_tags BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = OLD.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = OLD.template_id;
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = NEW.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;

CREATE TRIGGER template_versions_search_insert AFTER INSERT ON template_versions BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = NEW.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;

CREATE TRIGGER template_versions_search_delete AFTER DELETE ON template_versions BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = OLD.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = OLD.template_id;
END;

CREATE TRIGGER template_versions_search_update AFTER UPDATE ON template_versions BEGIN
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = OLD.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = OLD.template_id;
    DELETE FROM template_search WHERE rowid = (SELECT rowid FROM templates WHERE template_id = NEW.template_id);
    INSERT INTO template_search (rowid, template_id, name, labels, description, code)
    SELECT search_rowid, template_id, name, labels, description, code
    FROM template_search_source WHERE template_id = NEW.template_id;
END;
