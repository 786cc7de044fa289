"""The schema: migrations (yoyo), and what reports on or maintains a database (stats, check,
vacuum)."""
