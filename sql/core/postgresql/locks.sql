-- Locks of PostgreSQL's own (SQLite's write transaction holds the whole database already).

-- name: lock_record(kind, key)^
-- Hold the record `key` of `kind` until the transaction ends: writes that read a record and
-- write it back take this first, so a second one waits and reads the first one's change
-- (a lock on a hash of the two: two keys sharing one only wait for each other).
SELECT pg_advisory_xact_lock(hashtext(:kind), hashtext(:key));
