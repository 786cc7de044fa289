-- Messages' vectors for semantic search (migration 0027; codedb.core.vectors): the
-- messages to embed, storing vectors, and the vectors of one model.

-- name: message_vector_queue(model, after, batch)
-- The messages whose vector of `model` is missing or older than their last change, by id after
-- `after`: id, the stored vector's text hash (null when there is none), then the texts the
-- vector is made from.
SELECT h.message_id, v.text_hash, h.content
FROM conversation_history h
LEFT JOIN message_vectors v ON v.message_id = h.message_id AND v.model = :model
WHERE h.message_id > :after AND (v.message_id IS NULL OR v.embedded_at < h.created_at)
ORDER BY h.message_id
LIMIT :batch;

-- name: count_message_vector_queue(model)$
-- How many messages message_vector_queue holds for `model`.
SELECT COUNT(*)
FROM conversation_history h
LEFT JOIN message_vectors v ON v.message_id = h.message_id AND v.model = :model
WHERE (v.message_id IS NULL OR v.embedded_at < h.created_at);

-- name: store_message_vectors*!
-- Insert or replace a message's vector of a model; nothing for a message deleted since its
-- text was read.
INSERT INTO message_vectors (message_id, model, dimensions, text_hash, vector, embedded_at)
SELECT :id, :model, :dimensions, :text_hash, :vector, :embedded_at
WHERE EXISTS (SELECT 1 FROM conversation_history WHERE message_id = :id)
ON CONFLICT (message_id, model) DO UPDATE SET
    dimensions = excluded.dimensions, text_hash = excluded.text_hash,
    vector = excluded.vector, embedded_at = excluded.embedded_at;

-- name: touch_message_vectors*!
-- Mark a vector current when its message's text is what it was made from.
UPDATE message_vectors SET embedded_at = :embedded_at WHERE message_id = :id AND model = :model;

-- name: message_vectors_of_model(model)
-- Every vector of `model`, by id: id, title, the start of the text a snippet shows,
-- dimensions, vector.
SELECT v.message_id, h.session_id || ' (' || h.role || ')', substr(h.content, 1, 200), v.dimensions, v.vector
FROM message_vectors v
JOIN conversation_history h ON h.message_id = v.message_id
WHERE v.model = :model
ORDER BY v.message_id;

-- name: message_vectors_version()$
-- A number every write of message_vectors raises (migration 0028).
SELECT version FROM vector_versions WHERE name = 'message_vectors';

-- name: count_message_vectors_of_model(model)$
-- How many vectors of `model` there are.
SELECT COUNT(*) FROM message_vectors WHERE model = :model;

-- name: has_message_vectors_of_model(model)$
-- Whether there is a vector of `model`.
SELECT EXISTS (SELECT 1 FROM message_vectors WHERE model = :model);

-- name: message_vectors_models()
-- Each model with vectors here: model, dimensions, number of vectors.
SELECT model, dimensions, COUNT(*) FROM message_vectors GROUP BY model, dimensions ORDER BY model, dimensions;

-- name: message_vector(id, model)^
-- One message's vector of `model`: dimensions, vector.
SELECT dimensions, vector FROM message_vectors WHERE message_id = :id AND model = :model;

-- name: forget_message_vectors(model)!
-- Delete every vector of `model`.
DELETE FROM message_vectors WHERE model = :model;
