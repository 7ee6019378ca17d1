"""progman.web."""
