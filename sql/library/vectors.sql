-- Functions' vectors for semantic search (migration 0027; codedb.core.vectors): the
-- functions to embed, storing vectors, and the vectors of one model.

-- name: function_vector_queue(model, after, batch)
-- The functions whose vector of `model` is missing or older than their last change, by id after
-- `after`: id, the stored vector's text hash (null when there is none), then the texts the
-- vector is made from.
SELECT f.function_id, v.text_hash, f.name, f.description, f.code_snippet, f.signature_json
FROM function f
LEFT JOIN function_vectors v ON v.function_id = f.function_id AND v.model = :model
WHERE f.function_id > :after AND (v.function_id IS NULL OR v.embedded_at < f.last_modified_date)
ORDER BY f.function_id
LIMIT :batch;

-- name: count_function_vector_queue(model)$
-- How many functions function_vector_queue holds for `model`.
SELECT COUNT(*)
FROM function f
LEFT JOIN function_vectors v ON v.function_id = f.function_id AND v.model = :model
WHERE (v.function_id IS NULL OR v.embedded_at < f.last_modified_date);

-- name: store_function_vectors*!
-- Insert or replace a function's vector of a model; nothing for a function deleted since its
-- text was read.
INSERT INTO function_vectors (function_id, model, dimensions, text_hash, vector, embedded_at)
SELECT :id, :model, :dimensions, :text_hash, :vector, :embedded_at
WHERE EXISTS (SELECT 1 FROM function WHERE function_id = :id)
ON CONFLICT (function_id, model) DO UPDATE SET
    dimensions = excluded.dimensions, text_hash = excluded.text_hash,
    vector = excluded.vector, embedded_at = excluded.embedded_at;

-- name: touch_function_vectors*!
-- Mark a vector current when its function's text is what it was made from.
UPDATE function_vectors SET embedded_at = :embedded_at WHERE function_id = :id AND model = :model;

-- name: function_vectors_of_model(model)
-- Every vector of `model`, by id: id, title, the start of the text a snippet shows,
-- dimensions, vector.
SELECT v.function_id, f.name, substr(f.description, 1, 200), v.dimensions, v.vector
FROM function_vectors v
JOIN function f ON f.function_id = v.function_id
WHERE v.model = :model
ORDER BY v.function_id;

-- name: function_vectors_version()$
-- A number every write of function_vectors raises (migration 0028).
SELECT version FROM vector_versions WHERE name = 'function_vectors';

-- name: count_function_vectors_of_model(model)$
-- How many vectors of `model` there are.
SELECT COUNT(*) FROM function_vectors WHERE model = :model;

-- name: has_function_vectors_of_model(model)$
-- Whether there is a vector of `model`.
SELECT EXISTS (SELECT 1 FROM function_vectors WHERE model = :model);

-- name: function_vectors_models()
-- Each model with vectors here: model, dimensions, number of vectors.
SELECT model, dimensions, COUNT(*) FROM function_vectors GROUP BY model, dimensions ORDER BY model, dimensions;

-- name: function_vector(id, model)^
-- One function's vector of `model`: dimensions, vector.
SELECT dimensions, vector FROM function_vectors WHERE function_id = :id AND model = :model;

-- name: forget_function_vectors(model)!
-- Delete every vector of `model`.
DELETE FROM function_vectors WHERE model = :model;
