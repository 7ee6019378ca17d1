"""``python -m progman`` runs the command line."""

from progman.cli import run

if __name__ == "__main__":  # not when a worker process (spawn) imports this module again
    run()
