-- Templates' vectors for semantic search (migration 0027; codedb.core.vectors): the
-- templates to embed, storing vectors, and the vectors of one model.

-- name: template_vector_queue(model, after, batch)
-- The templates whose vector of `model` is missing or older than their last change, by id after
-- `after`: id, the stored vector's text hash (null when there is none), then the texts the
-- vector is made from.
SELECT t.template_id, v.text_hash, t.name, t.description,
       COALESCE((SELECT tv.content FROM template_versions tv WHERE tv.template_id = t.template_id
                 ORDER BY tv.version DESC LIMIT 1), '') AS content
FROM templates t
LEFT JOIN template_vectors v ON v.template_id = t.template_id AND v.model = :model
WHERE t.template_id > :after AND (v.template_id IS NULL OR v.embedded_at < t.updated_at)
ORDER BY t.template_id
LIMIT :batch;

-- name: count_template_vector_queue(model)$
-- How many templates template_vector_queue holds for `model`.
SELECT COUNT(*)
FROM templates t
LEFT JOIN template_vectors v ON v.template_id = t.template_id AND v.model = :model
WHERE (v.template_id IS NULL OR v.embedded_at < t.updated_at);

-- name: store_template_vectors*!
-- Insert or replace a template's vector of a model; nothing for a template deleted since its
-- text was read.
INSERT INTO template_vectors (template_id, model, dimensions, text_hash, vector, embedded_at)
SELECT :id, :model, :dimensions, :text_hash, :vector, :embedded_at
WHERE EXISTS (SELECT 1 FROM templates WHERE template_id = :id)
ON CONFLICT (template_id, model) DO UPDATE SET
    dimensions = excluded.dimensions, text_hash = excluded.text_hash,
    vector = excluded.vector, embedded_at = excluded.embedded_at;

-- name: touch_template_vectors*!
-- Mark a vector current when its template's text is what it was made from.
UPDATE template_vectors SET embedded_at = :embedded_at WHERE template_id = :id AND model = :model;

-- name: template_vectors_of_model(model)
-- Every vector of `model`, by id: id, title, the start of the text a snippet shows,
-- dimensions, vector.
SELECT v.template_id, t.name, substr(t.description, 1, 200), v.dimensions, v.vector
FROM template_vectors v
JOIN templates t ON t.template_id = v.template_id
WHERE v.model = :model
ORDER BY v.template_id;

-- name: template_vectors_version()$
-- A number every write of template_vectors raises (migration 0028).
SELECT version FROM vector_versions WHERE name = 'template_vectors';

-- name: count_template_vectors_of_model(model)$
-- How many vectors of `model` there are.
SELECT COUNT(*) FROM template_vectors WHERE model = :model;

-- name: has_template_vectors_of_model(model)$
-- Whether there is a vector of `model`.
SELECT EXISTS (SELECT 1 FROM template_vectors WHERE model = :model);

-- name: template_vectors_models()
-- Each model with vectors here: model, dimensions, number of vectors.
SELECT model, dimensions, COUNT(*) FROM template_vectors GROUP BY model, dimensions ORDER BY model, dimensions;

-- name: template_vector(id, model)^
-- One template's vector of `model`: dimensions, vector.
SELECT dimensions, vector FROM template_vectors WHERE template_id = :id AND model = :model;

-- name: forget_template_vectors(model)!
-- Delete every vector of `model`.
DELETE FROM template_vectors WHERE model = :model;
