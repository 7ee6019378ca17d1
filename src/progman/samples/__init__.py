"""Sample programs shipped with progman."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

SAMPLE_PLAN = "digital_platform_launch.yaml"


def sample_plan_path() -> Path:
    """Path of the "Digital Platform Launch" sample plan inside the installed package."""
    resource = files(__name__).joinpath(SAMPLE_PLAN)
    with as_file(resource) as path:  # a real file for a normal (unzipped) install
        return Path(path)
