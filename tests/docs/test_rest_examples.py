"""The REST examples of docs/api.md run against the sample program and answer the status
their first line names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```http\n(.*?)```", re.DOTALL)
REQUEST = re.compile(r"(GET|POST|PUT|PATCH|DELETE) (\S+)\s+# (\d{3})")


def examples() -> list[str]:
    return BLOCK.findall(PAGE.read_text())


def test_the_page_has_rest_examples():
    assert len(examples()) >= 5


@pytest.mark.parametrize("block", examples(), ids=lambda b: b.splitlines()[0])
def test_a_documented_request_answers_as_documented(api, block):
    first, *rest = block.strip().splitlines()
    match = REQUEST.fullmatch(first.strip())
    assert match, f"first line of an example: METHOD PATH  # STATUS, not {first!r}"
    method, path, status = match.groups()
    headers: dict[str, str] = {}
    body = None
    for line in rest:
        if line.startswith("{"):
            body = json.loads(line)
        else:
            name, _, value = line.partition(": ")
            headers[name] = value
    if headers.get("Authorization") == "Bearer $TOKEN":
        headers.update(api.token("alice"))
    response = api.client.request(method, path, headers=headers, json=body)
    assert response.status_code == int(status), response.text
