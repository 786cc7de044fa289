DROP FUNCTION json_valid(jsonb);
DROP DOMAIN json_text;
