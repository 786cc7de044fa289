DROP VIEW function_summary;
DROP AGGREGATE json_group_array(text);
