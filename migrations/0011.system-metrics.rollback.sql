DROP TABLE system_metrics;
