"""Every error the API answers, as RFC 9457 problem+json, mapped in this one place.

``{"type", "title", "status", "detail", "code", "errors": [{"pointer", "message"}]}``:
``code`` is the stable code of progman's one error hierarchy (:mod:`progman.errors`), the
same the CLI reports. Request bodies that do not fit their schema, routes that do not
exist and anything unforeseen get the same shape; an unforeseen error is logged on the
server and answered without its details.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from progman.errors import Problem, ProgmanError, RateLimited, StaleVersion, Unauthenticated

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("progman.api")


def problem_response(
    status: int,
    code: str,
    detail: str,
    errors: Sequence[dict[str, str]] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"urn:progman:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": list(errors),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _pointer(problem: Problem) -> str:
    """The JSON pointer of a problem's field path (``projects[1].tasks[0]`` →
    ``/projects/1/tasks/0``); empty when it is not about a field."""
    path = problem.location.path
    if not path:
        return ""
    return "/" + "/".join(part for part in re.split(r"[.\[\]]+", path.lstrip("-")) if part)


def _error(problem: Problem) -> dict[str, str]:
    where = problem.location
    message = str(problem) if where.file or where.entity else problem.message
    return {"pointer": _pointer(problem), "message": message}


def _from_progman(error: ProgmanError) -> JSONResponse:
    errors = [_error(p) for p in error.problems]
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="progman"'
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, StaleVersion):
        extra["current_version"] = error.current
        headers["ETag"] = f'"{error.current}"'
    return problem_response(
        error.http_status, error.code, error.message, errors, headers or None, **extra
    )


def problem_body(error: ProgmanError) -> dict[str, Any]:
    """The problem+json body ``error`` is answered with, as a JSON value: what a failed
    job keeps (written by the same function as every error answer)."""
    return dict(json.loads(bytes(_from_progman(error).body)))


def _validation_errors(details: Iterable[Any]) -> list[dict[str, str]]:
    out = []
    for detail in details:
        location = [str(part) for part in detail.get("loc", ())]
        out.append({"pointer": "/" + "/".join(location), "message": str(detail.get("msg", ""))})
    return out


def install(app: FastAPI) -> None:
    """Register the handlers: progman errors, invalid requests, HTTP errors, the rest."""

    @app.exception_handler(ProgmanError)
    async def progman_error(request: Request, error: ProgmanError) -> JSONResponse:
        if error.http_status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, error)
        return _from_progman(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(error.errors())
        detail = "; ".join(f"{e['pointer']}: {e['message']}" for e in errors[:5])
        return problem_response(422, "request.invalid", detail or "invalid request", errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        phrase = HTTPStatus(error.status_code).phrase
        code = "http." + phrase.lower().replace(" ", "_").replace("-", "_")
        detail = error.detail if isinstance(error.detail, str) else phrase
        headers = dict(error.headers) if error.headers else None
        return problem_response(error.status_code, code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def unforeseen(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return problem_response(
            500, "internal", "progman failed to answer this request; the server log says why"
        )
