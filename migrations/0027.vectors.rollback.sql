DROP TABLE message_vectors;
DROP TABLE template_vectors;
DROP TABLE function_vectors;
