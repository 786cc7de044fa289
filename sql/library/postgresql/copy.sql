-- PostgreSQL's COPY of each table of this domain: `codedb copy` loads them with it
-- (Database.copy_rows), each column list in its record's field order.

-- name: copy_function()!
-- Write rows of function with COPY, in the order of its record's fields.
COPY function (function_id, name, description, code_snippet, creation_date, last_modified_date, signature_json) FROM STDIN;

-- name: copy_module()!
-- Write rows of module with COPY, in the order of its record's fields.
COPY module (name, module_id) FROM STDIN;

-- name: copy_tag()!
-- Write rows of tag with COPY, in the order of its record's fields.
COPY tag (name) FROM STDIN;

-- name: copy_function_modules()!
-- Write rows of function_modules with COPY, in the order of its record's fields.
COPY function_modules (function_id, module_name) FROM STDIN;

-- name: copy_function_tags()!
-- Write rows of function_tags with COPY, in the order of its record's fields.
COPY function_tags (function_id, tag) FROM STDIN;

-- name: copy_function_dependencies()!
-- Write rows of function_dependencies with COPY, in the order of its record's fields.
COPY function_dependencies (function_id, depends_on_id) FROM STDIN;

-- name: copy_unittest()!
-- Write rows of unittest with COPY, in the order of its record's fields.
COPY unittest (test_id, function_id, name, description, test_case) FROM STDIN;

-- name: copy_testresult()!
-- Write rows of testresult with COPY, in the order of its record's fields.
COPY testresult (result_id, test_id, function_id, execution_date, actual_result, status) FROM STDIN;

-- name: copy_modification()!
-- Write rows of modification with COPY, in the order of its record's fields.
COPY modification (modification_id, function_id, modifier, modification_date, description) FROM STDIN;

-- name: copy_function_vectors()!
-- Write rows of function_vectors with COPY, in the order of its record's fields.
COPY function_vectors (function_id, model, dimensions, text_hash, vector, embedded_at) FROM STDIN;
