"""Alembic migrations of the progman schema (see progman.storage.migrate)."""
