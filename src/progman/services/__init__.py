"""progman.services."""
