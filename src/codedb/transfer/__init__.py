"""Whole databases in and out: backups, restores, dumps (JSON, JSON lines, CSV) and loads."""
