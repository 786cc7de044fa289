DROP TRIGGER message_vectors_version ON message_vectors;
DROP TRIGGER template_vectors_version ON template_vectors;
DROP TRIGGER function_vectors_version ON function_vectors;
DROP FUNCTION codedb_raise_vector_version();
DROP TABLE vector_versions;
