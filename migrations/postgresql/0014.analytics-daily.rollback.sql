DROP TRIGGER analytics_daily_keep ON analytics;
DROP FUNCTION analytics_daily_keep();
DROP TABLE analytics_daily;
