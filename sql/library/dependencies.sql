-- Dependencies: "function_id depends on depends_on_id". Cycles are refused on insert and
-- found by recursive CTEs, which stop on cycles already present (UNION drops rows seen before).

-- name: delete_dependency(function_id, depends_on_id)!
-- Forget that a function depends on another.
DELETE FROM function_dependencies
WHERE function_id = :function_id AND depends_on_id = :depends_on_id;

-- name: list_direct_dependencies(function_id)
-- record_class: DependencyEntry
-- The functions a function depends on directly, at depth 1.
SELECT f.function_id, f.name, 1 AS depth
FROM function_dependencies d JOIN function f ON f.function_id = d.depends_on_id
WHERE d.function_id = :function_id
ORDER BY f.name, f.function_id;

-- name: list_transitive_dependencies(function_id)
-- record_class: DependencyEntry
-- Every function a function depends on, directly or not, with its shortest depth. A shortest
-- path has fewer steps than there are edges, which bounds the walk even on a cycle.
WITH RECURSIVE levels(function_id, depth) AS (
    SELECT depends_on_id, 1 FROM function_dependencies WHERE function_id = :function_id
    UNION
    SELECT d.depends_on_id, l.depth + 1
    FROM levels l JOIN function_dependencies d ON d.function_id = l.function_id
    WHERE l.depth < (SELECT COUNT(*) FROM function_dependencies)
)
SELECT f.function_id, f.name, MIN(l.depth) AS depth
FROM levels l JOIN function f ON f.function_id = l.function_id
GROUP BY f.function_id, f.name
ORDER BY MIN(l.depth), f.name, f.function_id;

-- name: list_dependents(function_id)
-- record_class: DependencyEntry
-- The functions that depend directly on a function.
SELECT f.function_id, f.name, 1 AS depth
FROM function_dependencies d JOIN function f ON f.function_id = d.function_id
WHERE d.depends_on_id = :function_id
ORDER BY f.name, f.function_id;

-- name: reachable_edges(start_id)
-- The dependency edges reachable from a function: what a new edge into it could close a cycle with.
WITH RECURSIVE reach(function_id) AS (
    SELECT CAST(:start_id AS TEXT)
    UNION
    SELECT d.depends_on_id FROM reach r JOIN function_dependencies d ON d.function_id = r.function_id
)
SELECT d.function_id, d.depends_on_id
FROM function_dependencies d JOIN reach r ON r.function_id = d.function_id
ORDER BY d.function_id, d.depends_on_id;

-- name: list_functions_on_cycles()
-- record_class: DependencyEntry
-- Every function that depends, through one or more edges, on itself.
WITH RECURSIVE reach(origin, function_id) AS (
    SELECT function_id, depends_on_id FROM function_dependencies
    UNION
    SELECT r.origin, d.depends_on_id FROM reach r JOIN function_dependencies d ON d.function_id = r.function_id
)
SELECT f.function_id, f.name, 0 AS depth
FROM reach r JOIN function f ON f.function_id = r.origin
WHERE r.origin = r.function_id
ORDER BY f.name, f.function_id;

-- name: list_all_dependencies()
-- Every dependency edge with both functions' names, for drawing the graph.
SELECT d.function_id, a.name, d.depends_on_id, b.name
FROM function_dependencies d
JOIN function a ON a.function_id = d.function_id
JOIN function b ON b.function_id = d.depends_on_id
ORDER BY a.name, d.function_id, b.name, d.depends_on_id;

-- name: list_dependency_nodes()
-- Every function that takes part in a dependency, for drawing the graph.
SELECT f.function_id, f.name FROM function f
WHERE EXISTS (SELECT 1 FROM function_dependencies d
              WHERE d.function_id = f.function_id OR d.depends_on_id = f.function_id)
ORDER BY f.name, f.function_id;
