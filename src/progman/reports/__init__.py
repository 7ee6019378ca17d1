"""progman.reports."""
