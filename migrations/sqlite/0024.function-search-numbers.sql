-- A number glued to letters is found by a search for the number: the function library's index
-- also holds, for each text where a letter and a digit touch (port8080, HTTP404, sha256sum),
-- the text with its letters as spaces, so that its runs of digits stand as words (8080, 404,
-- 256). A search for a number (codedb.core.textsearch: a term of digits only) looks for that
-- word, one list of the index, instead of the phrase of its digits one by one, each digit a word
-- of most functions (12345 took 33 ms at 200,000 functions). The letters go in two levels of
-- replace(), as the split of migration 0016 does. The index is built again from the new view.
DROP VIEW function_search_source;

CREATE VIEW function_search_source AS
SELECT search_rowid, function_id,
       CASE WHEN raw_name GLOB '*[A-Z0-9]*' THEN raw_name || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(n1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ')
       || CASE WHEN raw_name GLOB '*[A-Za-z][0-9]*' OR raw_name GLOB '*[0-9][A-Za-z]*' THEN ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(n1_digits, 'n', ' '), 'o', ' '), 'p', ' '), 'q', ' '), 'r', ' '), 's', ' '), 't', ' '), 'u', ' '), 'v', ' '), 'w', ' '), 'x', ' '), 'y', ' '), 'z', ' ') ELSE '' END AS name,
       CASE WHEN raw_labels GLOB '*[A-Z0-9]*' THEN raw_labels || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(l1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ')
       || CASE WHEN raw_labels GLOB '*[A-Za-z][0-9]*' OR raw_labels GLOB '*[0-9][A-Za-z]*' THEN ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(l1_digits, 'n', ' '), 'o', ' '), 'p', ' '), 'q', ' '), 'r', ' '), 's', ' '), 't', ' '), 'u', ' '), 'v', ' '), 'w', ' '), 'x', ' '), 'y', ' '), 'z', ' ') ELSE '' END AS labels,
       CASE WHEN raw_description GLOB '*[A-Z0-9]*' THEN raw_description || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(d1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ')
       || CASE WHEN raw_description GLOB '*[A-Za-z][0-9]*' OR raw_description GLOB '*[0-9][A-Za-z]*' THEN ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(d1_digits, 'n', ' '), 'o', ' '), 'p', ' '), 'q', ' '), 'r', ' '), 's', ' '), 't', ' '), 'u', ' '), 'v', ' '), 'w', ' '), 'x', ' '), 'y', ' '), 'z', ' ') ELSE '' END AS description,
       CASE WHEN raw_code GLOB '*[A-Z0-9]*' THEN raw_code || ' ' ELSE '' END || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c1, 'S', ' S'), 'T', ' T'), 'U', ' U'), 'V', ' V'), 'W', ' W'), 'X', ' X'), 'Y', ' Y'), 'Z', ' Z'), '0', ' 0 '), '1', ' 1 '), '2', ' 2 '), '3', ' 3 '), '4', ' 4 '), '5', ' 5 '), '6', ' 6 '), '7', ' 7 '), '8', ' 8 '), '9', ' 9 ')
       || CASE WHEN raw_code GLOB '*[A-Za-z][0-9]*' OR raw_code GLOB '*[0-9][A-Za-z]*' THEN ' ' || replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(c1_digits, 'n', ' '), 'o', ' '), 'p', ' '), 'q', ' '), 'r', ' '), 's', ' '), 't', ' '), 'u', ' '), 'v', ' '), 'w', ' '), 'x', ' '), 'y', ' '), 'z', ' ') ELSE '' END AS code
FROM (SELECT search_rowid, function_id, name AS raw_name, labels AS raw_labels, description AS raw_description,
             code_snippet AS raw_code,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS n1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(name), 'a', ' '), 'b', ' '), 'c', ' '), 'd', ' '), 'e', ' '), 'f', ' '), 'g', ' '), 'h', ' '), 'i', ' '), 'j', ' '), 'k', ' '), 'l', ' '), 'm', ' ') AS n1_digits,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(labels, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS l1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(labels), 'a', ' '), 'b', ' '), 'c', ' '), 'd', ' '), 'e', ' '), 'f', ' '), 'g', ' '), 'h', ' '), 'i', ' '), 'j', ' '), 'k', ' '), 'l', ' '), 'm', ' ') AS l1_digits,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(description, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS d1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(description), 'a', ' '), 'b', ' '), 'c', ' '), 'd', ' '), 'e', ' '), 'f', ' '), 'g', ' '), 'h', ' '), 'i', ' '), 'j', ' '), 'k', ' '), 'l', ' '), 'm', ' ') AS d1_digits,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(code_snippet, 'A', ' A'), 'B', ' B'), 'C', ' C'), 'D', ' D'), 'E', ' E'), 'F', ' F'), 'G', ' G'), 'H', ' H'), 'I', ' I'), 'J', ' J'), 'K', ' K'), 'L', ' L'), 'M', ' M'), 'N', ' N'), 'O', ' O'), 'P', ' P'), 'Q', ' Q'), 'R', ' R') AS c1,
             replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(code_snippet), 'a', ' '), 'b', ' '), 'c', ' '), 'd', ' '), 'e', ' '), 'f', ' '), 'g', ' '), 'h', ' '), 'i', ' '), 'j', ' '), 'k', ' '), 'l', ' '), 'm', ' ') AS c1_digits
      FROM (SELECT f.rowid AS search_rowid, f.function_id, f.name, f.description, f.code_snippet,
                   COALESCE((SELECT group_concat(label, ' ') FROM (
                       SELECT tag AS label FROM function_tags t WHERE t.function_id = f.function_id
                       UNION ALL
                       SELECT module_name FROM function_modules m WHERE m.function_id = f.function_id)), '')
                   AS labels
            FROM function f));

DELETE FROM function_search;

INSERT INTO function_search (rowid, function_id, name, labels, description, code)
SELECT search_rowid, function_id, name, labels, description, code FROM function_search_source;
