"""progman.cli."""
