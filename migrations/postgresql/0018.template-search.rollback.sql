DROP TRIGGER template_versions_search ON template_versions;
DROP TRIGGER template_tags_search ON template_tags;
DROP TRIGGER templates_search ON templates;
DROP FUNCTION template_search_keep();
DROP TABLE template_search;
DROP FUNCTION template_search_document(TEXT);
