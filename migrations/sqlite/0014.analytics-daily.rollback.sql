DROP TRIGGER analytics_daily_change;
DROP TRIGGER analytics_daily_remove;
DROP TRIGGER analytics_daily_add;
DROP TABLE analytics_daily;
