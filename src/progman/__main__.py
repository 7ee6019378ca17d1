"""``python -m progman`` runs the command line."""

from progman.cli.main import run

run()
