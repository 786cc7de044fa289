DROP TRIGGER template_stats_undownloaded;
DROP TRIGGER template_stats_downloaded;
DROP TRIGGER template_stats_rerated;
DROP TRIGGER template_stats_unrated;
DROP TRIGGER template_stats_rated;
DROP TRIGGER template_stats_new;
DROP TABLE template_stats;
