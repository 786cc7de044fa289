-- Spend per day, provider and model, kept by triggers as usage rows come and go, so that the
-- cost reports over whole days read a few rows per day instead of every request.
CREATE TABLE ai_provider_usage_daily (
    day          TEXT NOT NULL,          -- YYYY-MM-DD (UTC)
    provider     TEXT NOT NULL,
    model        TEXT NOT NULL,
    requests     INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    tokens_in    INTEGER NOT NULL,
    tokens_out   INTEGER NOT NULL,
    tokens_total INTEGER NOT NULL,
    cost         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (day, provider, model)
);

INSERT INTO ai_provider_usage_daily
SELECT substr(timestamp, 1, 10), provider, model, COUNT(*), SUM(CASE WHEN success THEN 0 ELSE 1 END),
       SUM(tokens_in), SUM(tokens_out), SUM(tokens_total), SUM(cost)
FROM ai_provider_usage GROUP BY substr(timestamp, 1, 10), provider, model;

CREATE TRIGGER ai_provider_usage_daily_add AFTER INSERT ON ai_provider_usage
BEGIN
    INSERT INTO ai_provider_usage_daily
    VALUES (substr(NEW.timestamp, 1, 10), NEW.provider, NEW.model, 1,
            CASE WHEN NEW.success THEN 0 ELSE 1 END, NEW.tokens_in, NEW.tokens_out,
            NEW.tokens_total, NEW.cost)
    ON CONFLICT (day, provider, model) DO UPDATE
    SET requests = requests + 1, errors = errors + excluded.errors,
        tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out,
        tokens_total = tokens_total + excluded.tokens_total, cost = cost + excluded.cost;
END;

CREATE TRIGGER ai_provider_usage_daily_remove AFTER DELETE ON ai_provider_usage
BEGIN
    UPDATE ai_provider_usage_daily
    SET requests = requests - 1, errors = errors - CASE WHEN OLD.success THEN 0 ELSE 1 END,
        tokens_in = tokens_in - OLD.tokens_in, tokens_out = tokens_out - OLD.tokens_out,
        tokens_total = tokens_total - OLD.tokens_total, cost = cost - OLD.cost
    WHERE day = substr(OLD.timestamp, 1, 10) AND provider = OLD.provider AND model = OLD.model;
    DELETE FROM ai_provider_usage_daily
    WHERE day = substr(OLD.timestamp, 1, 10) AND provider = OLD.provider AND model = OLD.model
      AND requests = 0;
END;

-- An edit is a removal of the old row and an addition of the new one.
CREATE TRIGGER ai_provider_usage_daily_change AFTER UPDATE ON ai_provider_usage
BEGIN
    UPDATE ai_provider_usage_daily
    SET requests = requests - 1, errors = errors - CASE WHEN OLD.success THEN 0 ELSE 1 END,
        tokens_in = tokens_in - OLD.tokens_in, tokens_out = tokens_out - OLD.tokens_out,
        tokens_total = tokens_total - OLD.tokens_total, cost = cost - OLD.cost
    WHERE day = substr(OLD.timestamp, 1, 10) AND provider = OLD.provider AND model = OLD.model;
    DELETE FROM ai_provider_usage_daily
    WHERE day = substr(OLD.timestamp, 1, 10) AND provider = OLD.provider AND model = OLD.model
      AND requests = 0;
    INSERT INTO ai_provider_usage_daily
    VALUES (substr(NEW.timestamp, 1, 10), NEW.provider, NEW.model, 1,
            CASE WHEN NEW.success THEN 0 ELSE 1 END, NEW.tokens_in, NEW.tokens_out,
            NEW.tokens_total, NEW.cost)
    ON CONFLICT (day, provider, model) DO UPDATE
    SET requests = requests + 1, errors = errors + excluded.errors,
        tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out,
        tokens_total = tokens_total + excluded.tokens_total, cost = cost + excluded.cost;
END;
