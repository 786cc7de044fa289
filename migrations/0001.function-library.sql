-- The function library of code_db: functions, modules, tags, dependencies, unit tests,
-- test results and modification history. Table and column names are the old tool's, so its
-- users' SQL keeps working. Ids are uuid text; timestamps are naive UTC.

CREATE TABLE function (
    function_id        TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    code_snippet       TEXT NOT NULL DEFAULT '',
    creation_date      TIMESTAMP NOT NULL,
    last_modified_date TIMESTAMP NOT NULL,
    signature_json     TEXT
);
CREATE INDEX function_name_idx ON function (name, function_id);  -- listings sort by name, then id
CREATE INDEX function_creation_date_idx ON function (creation_date);
CREATE INDEX function_last_modified_date_idx ON function (last_modified_date);

CREATE TABLE module (
    name      TEXT PRIMARY KEY,
    module_id TEXT NOT NULL UNIQUE
);

CREATE TABLE tag (
    name TEXT PRIMARY KEY
);

CREATE TABLE function_modules (
    function_id TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    module_name TEXT NOT NULL REFERENCES module (name) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (function_id, module_name)
);
CREATE INDEX function_modules_module_name_idx ON function_modules (module_name);

CREATE TABLE function_tags (
    function_id TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    tag         TEXT NOT NULL REFERENCES tag (name) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (function_id, tag)
);
CREATE INDEX function_tags_tag_idx ON function_tags (tag);

CREATE TABLE function_dependencies (
    function_id   TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    depends_on_id TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    PRIMARY KEY (function_id, depends_on_id),
    CONSTRAINT function_dependencies_not_self CHECK (function_id <> depends_on_id)
);
CREATE INDEX function_dependencies_depends_on_id_idx ON function_dependencies (depends_on_id);

CREATE TABLE unittest (
    test_id     TEXT PRIMARY KEY,
    function_id TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    test_case   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX unittest_function_id_idx ON unittest (function_id);

CREATE TABLE testresult (
    result_id      TEXT PRIMARY KEY,
    test_id        TEXT NOT NULL REFERENCES unittest (test_id) ON DELETE CASCADE,
    function_id    TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    execution_date TIMESTAMP NOT NULL,
    actual_result  TEXT,
    status         TEXT NOT NULL,
    CONSTRAINT testresult_status_known CHECK (status IN ('passed', 'failed', 'pending', 'running'))
);
CREATE INDEX testresult_test_id_idx ON testresult (test_id, execution_date);
CREATE INDEX testresult_function_id_idx ON testresult (function_id, execution_date);

CREATE TABLE modification (
    modification_id   TEXT PRIMARY KEY,
    function_id       TEXT NOT NULL REFERENCES function (function_id) ON DELETE CASCADE,
    modifier          TEXT NOT NULL,
    modification_date TIMESTAMP NOT NULL,
    description       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX modification_function_id_idx ON modification (function_id, modification_date);
