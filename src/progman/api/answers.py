"""JSON answers that are the CLI's ``--json`` objects, written once for every route."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response

JSON = "application/json"


def json_answer(value: Any) -> Response:
    """``value`` (an engine result's ``to_json()``) as the body, serialized by orjson."""
    return Response(orjson.dumps(value), media_type=JSON)


def documented(schema: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry of a route answering JSON of ``schema``."""
    return {200: {"content": {JSON: {"schema": schema}}}}
