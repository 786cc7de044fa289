-- Spend per day, provider and model, kept by a trigger as usage rows come and go, so that the
-- cost reports over whole days read a few rows per day instead of every request.
CREATE TABLE ai_provider_usage_daily (
    day          TEXT NOT NULL,          -- YYYY-MM-DD (UTC)
    provider     TEXT NOT NULL,
    model        TEXT NOT NULL,
    requests     BIGINT NOT NULL,
    errors       BIGINT NOT NULL,
    tokens_in    BIGINT NOT NULL,
    tokens_out   BIGINT NOT NULL,
    tokens_total BIGINT NOT NULL,
    cost         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (day, provider, model)
);

INSERT INTO ai_provider_usage_daily
SELECT substr(CAST(timestamp AS TEXT), 1, 10), provider, model, COUNT(*),
       SUM(CASE WHEN success THEN 0 ELSE 1 END), SUM(tokens_in), SUM(tokens_out), SUM(tokens_total), SUM(cost)
FROM ai_provider_usage GROUP BY substr(CAST(timestamp AS TEXT), 1, 10), provider, model;

CREATE FUNCTION ai_provider_usage_daily_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE ai_provider_usage_daily
        SET requests = requests - 1, errors = errors - CASE WHEN OLD.success THEN 0 ELSE 1 END,
            tokens_in = tokens_in - OLD.tokens_in, tokens_out = tokens_out - OLD.tokens_out,
            tokens_total = tokens_total - OLD.tokens_total, cost = cost - OLD.cost
        WHERE day = substr(CAST(OLD.timestamp AS TEXT), 1, 10) AND provider = OLD.provider
          AND model = OLD.model;
        DELETE FROM ai_provider_usage_daily
        WHERE day = substr(CAST(OLD.timestamp AS TEXT), 1, 10) AND provider = OLD.provider
          AND model = OLD.model AND requests = 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO ai_provider_usage_daily AS d
        VALUES (substr(CAST(NEW.timestamp AS TEXT), 1, 10), NEW.provider, NEW.model, 1,
                CASE WHEN NEW.success THEN 0 ELSE 1 END, NEW.tokens_in, NEW.tokens_out,
                NEW.tokens_total, NEW.cost)
        ON CONFLICT (day, provider, model) DO UPDATE
        SET requests = d.requests + 1, errors = d.errors + excluded.errors,
            tokens_in = d.tokens_in + excluded.tokens_in, tokens_out = d.tokens_out + excluded.tokens_out,
            tokens_total = d.tokens_total + excluded.tokens_total, cost = d.cost + excluded.cost;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ai_provider_usage_daily_keep AFTER INSERT OR UPDATE OR DELETE ON ai_provider_usage
    FOR EACH ROW EXECUTE FUNCTION ai_provider_usage_daily_keep();
