"""progman.io."""
