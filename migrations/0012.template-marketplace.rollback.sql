DROP VIEW template_listing;
DROP TABLE template_downloads;
DROP TABLE template_ratings;
DROP TABLE template_tags;
DROP TABLE template_versions;
DROP TABLE templates;
