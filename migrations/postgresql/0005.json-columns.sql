-- JSON columns, written once for both backends: json_text is JSONB on PostgreSQL (a domain,
-- so psql shows what the column holds) and, by its name, a TEXT column on SQLite; the tables
-- check json_valid(column), which SQLite has built in and PostgreSQL gets here (jsonb is
-- valid JSON by construction).
CREATE DOMAIN json_text AS jsonb;

CREATE FUNCTION json_valid(jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT true';
