"""Sample programs shipped with progman."""

from __future__ import annotations

from pathlib import Path

SAMPLE_PLAN = "digital_platform_launch.yaml"


def sample_plan_path() -> Path:
    """Path of the "Digital Platform Launch" sample plan inside the installed package."""
    # importlib.resources is imported here, not at the top: the CLI imports this module
    # at start and only `progman init --sample` needs it
    from importlib.resources import as_file, files  # noqa: PLC0415

    resource = files(__name__).joinpath(SAMPLE_PLAN)
    with as_file(resource) as path:  # a real file for a normal (unzipped) install
        return Path(path)
