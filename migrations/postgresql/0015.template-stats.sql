-- Per template its number of ratings, their total and average, and its downloads, kept by
-- triggers in the same transaction as the rows they count (so they never drift from them),
-- so that the listing by rating walks an index in rating order instead of averaging every
-- match's ratings.
CREATE TABLE template_stats (
    template_id  TEXT PRIMARY KEY REFERENCES templates (template_id) ON DELETE CASCADE,
    ratings      BIGINT NOT NULL DEFAULT 0,
    rating_total BIGINT NOT NULL DEFAULT 0,
    rating       DOUBLE PRECISION,          -- rating_total / ratings; NULL when not rated
    downloads    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX template_stats_rating_idx ON template_stats (COALESCE(rating, 0) DESC, ratings DESC, template_id);

INSERT INTO template_stats (template_id, ratings, rating_total, rating, downloads)
SELECT t.template_id,
       (SELECT COUNT(*) FROM template_ratings r WHERE r.template_id = t.template_id),
       (SELECT COALESCE(SUM(r.rating), 0) FROM template_ratings r WHERE r.template_id = t.template_id),
       (SELECT AVG(CAST(r.rating AS DOUBLE PRECISION)) FROM template_ratings r WHERE r.template_id = t.template_id),
       (SELECT COUNT(*) FROM template_downloads d WHERE d.template_id = t.template_id)
FROM templates t;

CREATE FUNCTION template_stats_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'templates' THEN
        INSERT INTO template_stats (template_id) VALUES (NEW.template_id);
    ELSIF TG_TABLE_NAME = 'template_ratings' THEN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE template_stats
            SET ratings = ratings - 1, rating_total = rating_total - OLD.rating,
                rating = CASE WHEN ratings = 1 THEN NULL
                              ELSE CAST(rating_total - OLD.rating AS DOUBLE PRECISION) / (ratings - 1) END
            WHERE template_id = OLD.template_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE template_stats
            SET ratings = ratings + 1, rating_total = rating_total + NEW.rating,
                rating = CAST(rating_total + NEW.rating AS DOUBLE PRECISION) / (ratings + 1)
            WHERE template_id = NEW.template_id;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN  -- template_downloads
        UPDATE template_stats SET downloads = downloads + 1 WHERE template_id = NEW.template_id;
    ELSE
        UPDATE template_stats SET downloads = downloads - 1 WHERE template_id = OLD.template_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER template_stats_new AFTER INSERT ON templates
    FOR EACH ROW EXECUTE FUNCTION template_stats_keep();
CREATE TRIGGER template_stats_rated AFTER INSERT OR UPDATE OR DELETE ON template_ratings
    FOR EACH ROW EXECUTE FUNCTION template_stats_keep();
CREATE TRIGGER template_stats_downloaded AFTER INSERT OR DELETE ON template_downloads
    FOR EACH ROW EXECUTE FUNCTION template_stats_keep();
