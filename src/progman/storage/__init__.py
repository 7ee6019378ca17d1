"""progman.storage."""
