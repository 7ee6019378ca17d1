"""The ``browser`` fixture for every browser test of the web UI."""

from tests.web.browsing import browser  # noqa: F401 - a fixture
