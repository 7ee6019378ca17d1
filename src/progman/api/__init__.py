"""progman.api."""
