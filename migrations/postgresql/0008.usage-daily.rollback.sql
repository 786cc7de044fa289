DROP TRIGGER ai_provider_usage_daily_keep ON ai_provider_usage;
DROP FUNCTION ai_provider_usage_daily_keep();
DROP TABLE ai_provider_usage_daily;
