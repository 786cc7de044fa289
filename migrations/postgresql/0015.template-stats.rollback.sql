DROP TRIGGER template_stats_downloaded ON template_downloads;
DROP TRIGGER template_stats_rated ON template_ratings;
DROP TRIGGER template_stats_new ON templates;
DROP FUNCTION template_stats_keep();
DROP TABLE template_stats;
