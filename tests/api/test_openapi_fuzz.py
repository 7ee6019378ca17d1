"""Schemathesis over the whole OpenAPI document, as an administrator on a real database: no
request it generates gets a 5xx, and every answer matches the schema the API publishes
(a bounded number of examples per operation, so it fits in ``make test``).

Left out: schemathesis's check that every schema-valid request is accepted. The API checks
meaning too (a cursor that is not one of its own, a task id the plan does not have, an
edit that would make a cycle) and answers those 400/404/422 by design."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

# not re-exported by schemathesis yet; the check's own module
from schemathesis.specs.openapi.checks import positive_data_acceptance

from progman.api import create_app

EXAMPLES = 25


def test_no_request_breaks_the_api_or_its_schema(api):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(api.url))
    headers = api.token("alice")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        run()
