-- Listing projects: filters (status, user, type, text, dates; NULL leaves one out), a sort
-- (created, updated, name, cost) in either direction, and keyset pages (--after): one named
-- query per sort and direction, so that each can walk its index; and by status and creation,
-- the commonest listing, queries of their own that walk projects_status_idx (a filter of the
-- form ":status IS NULL OR status = :status" keeps the planner off that index). Each returns
-- the page's project ids, in order; get_projects reads their rows.

-- name: count_matching_projects(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before)$
-- How many projects match the filters (a NULL filter is left out): the total of a listing.
SELECT COUNT(*) FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE);

-- name: list_projects_by_created_asc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by created_at ascending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.created_at ASC, p.project_id ASC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_created_asc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by created_at ascending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.created_at, p.project_id) > (:after_value, :after_id)
ORDER BY p.created_at ASC, p.project_id ASC
LIMIT :limit;

-- name: list_projects_by_created_desc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by created_at descending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.created_at DESC, p.project_id DESC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_created_desc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by created_at descending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.created_at, p.project_id) < (:after_value, :after_id)
ORDER BY p.created_at DESC, p.project_id DESC
LIMIT :limit;

-- name: list_projects_by_updated_asc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by updated_at ascending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.updated_at ASC, p.project_id ASC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_updated_asc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by updated_at ascending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.updated_at, p.project_id) > (:after_value, :after_id)
ORDER BY p.updated_at ASC, p.project_id ASC
LIMIT :limit;

-- name: list_projects_by_updated_desc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by updated_at descending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.updated_at DESC, p.project_id DESC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_updated_desc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by updated_at descending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.updated_at, p.project_id) < (:after_value, :after_id)
ORDER BY p.updated_at DESC, p.project_id DESC
LIMIT :limit;

-- name: list_projects_by_name_asc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by name ascending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.name ASC, p.project_id ASC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_name_asc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by name ascending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.name, p.project_id) > (:after_value, :after_id)
ORDER BY p.name ASC, p.project_id ASC
LIMIT :limit;

-- name: list_projects_by_name_desc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by name descending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.name DESC, p.project_id DESC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_name_desc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by name descending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.name, p.project_id) < (:after_value, :after_id)
ORDER BY p.name DESC, p.project_id DESC
LIMIT :limit;

-- name: list_projects_by_cost_asc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by actual_cost ascending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.actual_cost ASC, p.project_id ASC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_cost_asc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by actual_cost ascending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.actual_cost, p.project_id) > (:after_value, :after_id)
ORDER BY p.actual_cost ASC, p.project_id ASC
LIMIT :limit;

-- name: list_projects_by_cost_desc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by actual_cost descending, then id.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.actual_cost DESC, p.project_id DESC
LIMIT :limit OFFSET :offset;

-- name: list_projects_by_cost_desc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by actual_cost descending: a keyset page, as quick at any depth.
SELECT p.project_id
FROM projects p
WHERE (CAST(:status AS TEXT) IS NULL OR p.status = :status)
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.actual_cost, p.project_id) < (:after_value, :after_id)
ORDER BY p.actual_cost DESC, p.project_id DESC
LIMIT :limit;

-- name: count_projects_in_status(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before)$
-- How many projects of one status match the other filters: the total of a listing by status,
-- counted over projects_status_idx.
SELECT COUNT(*) FROM projects p
WHERE p.status = :status
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE);

-- name: list_projects_in_status_by_created_asc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by created_at ascending, then id, of one status:
-- it walks projects_status_idx (status, created_at, project_id).
SELECT p.project_id
FROM projects p
WHERE p.status = :status
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.created_at ASC, p.project_id ASC
LIMIT :limit OFFSET :offset;

-- name: list_projects_in_status_by_created_asc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by created_at ascending:
-- a keyset page of one status, walking projects_status_idx.
SELECT p.project_id
FROM projects p
WHERE p.status = :status
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.created_at, p.project_id) > (:after_value, :after_id)
ORDER BY p.created_at ASC, p.project_id ASC
LIMIT :limit;

-- name: list_projects_in_status_by_created_desc(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, limit, offset)
-- The first page of the matching projects, by created_at descending, then id, of one status:
-- it walks projects_status_idx (status, created_at, project_id).
SELECT p.project_id
FROM projects p
WHERE p.status = :status
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
ORDER BY p.created_at DESC, p.project_id DESC
LIMIT :limit OFFSET :offset;

-- name: list_projects_in_status_by_created_desc_after(status, user_id, project_type, pattern, created_after, created_before, updated_after, updated_before, after_value, after_id, limit)
-- The page after the project (after_value, after_id) of a listing by created_at descending:
-- a keyset page of one status, walking projects_status_idx.
SELECT p.project_id
FROM projects p
WHERE p.status = :status
  AND (CAST(:user_id AS TEXT) IS NULL OR p.user_id = :user_id)
  AND (CAST(:project_type AS TEXT) IS NULL OR p.project_type = :project_type)
  AND (CAST(:pattern AS TEXT) IS NULL OR lower(p.name) LIKE lower(:pattern) ESCAPE '\'
       OR lower(p.description) LIKE lower(:pattern) ESCAPE '\')
  AND COALESCE(p.created_at >= :created_after, TRUE) AND COALESCE(p.created_at < :created_before, TRUE)
  AND COALESCE(p.updated_at >= :updated_after, TRUE) AND COALESCE(p.updated_at < :updated_before, TRUE)
  AND (p.created_at, p.project_id) < (:after_value, :after_id)
ORDER BY p.created_at DESC, p.project_id DESC
LIMIT :limit;
