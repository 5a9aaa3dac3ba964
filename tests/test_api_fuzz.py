"""Schema-driven fuzz of the REST API (schemathesis over FAB's /api/v1/_openapi, in process): no input is a 5xx.

Each operation of the spec gets a few generated requests — valid and invalid bodies, path ids and rison `q` strings —
as Office (unrestricted) and as a team member (scoped). Only "not a 5xx, and a JSON answer" is checked: FAB's spec is
imperfect (its answers do not always match the schemas), and conformance is not what this guards. Bounded and
derandomized, so a run is reproducible and fits the CI budget; it runs on an app of its own, since the generated
POST/PUT/DELETE requests really write.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import bearer, demo_app

FUZZ_USERS = ("office", "zuyuan")
EXAMPLES = 3  # per operation and generation mode
# The login endpoints hash a password per call and are covered by their own tests; _openapi is the spec itself.
SKIPPED_PATHS = r"^/api/(v1/security/|\{version\}/_openapi)"


@pytest.fixture(scope="module")
def fuzz_app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "fuzz")


@pytest.fixture(scope="module")
def fuzz_headers(fuzz_app):
    return {user: bearer(fuzz_app, user) for user in FUZZ_USERS}


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/_openapi", fuzz_app, headers=bearer(fuzz_app, "admin"))


def _operations(schema):
    for result in schema.get_all_operations():
        operation = result.ok()
        if not re.match(SKIPPED_PATHS, operation.path):
            yield operation


# schemathesis' own pytest integration (schema.parametrize over a fixture) does not run under pytest 9, so each
# operation's strategy is driven by hypothesis here; a failure names the operation, the user and the request.
@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_5xx(api_schema, fuzz_headers, mode):
    failures: list[str] = []
    examples = 0

    for operation in _operations(api_schema):
        if mode == GenerationMode.NEGATIVE and not _declares_input(operation):
            continue  # nothing of it can be made invalid: hypothesis would search ~0.25 s to say so (Unsatisfiable)
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal examples
            examples += 1
            for user, headers in fuzz_headers.items():
                response = case.call(headers=headers)
                if response.status_code >= 500 or not (_is_file(response) or _is_json(response.content)):
                    failures.append(f"{user} {case.method} {case.formatted_path} query={case.query} "
                                    f"body={case.body!r:.200} → {response.status_code} {response.text[:200]}")

        try:
            run()
        except Unsatisfiable:  # nothing of this operation can be made invalid (no parameters, no body)
            assert mode == GenerationMode.NEGATIVE, operation.label
    print(f"{mode}: {examples} examples")
    assert examples > 100
    assert not failures, "\n".join(failures[:30])


def _declares_input(operation) -> bool:
    """Whether the spec declares a parameter, a body or a security scheme (a malformed token is a negative case) of
    the operation. Our own @expose routes declare none: their path values (any non-empty text) have no invalid form,
    and their positive cases reach them."""
    return any(operation.definition.raw.get(key) for key in ("parameters", "requestBody", "security"))


def _is_file(response) -> bool:
    """A download (an Excel export, a document, a ledger): a success that is not JSON by its own content type."""
    value = {k.lower(): v for k, v in response.headers.items()}.get("content-type") or ""
    value = value[0] if isinstance(value, list) else value
    return response.status_code < 400 and "json" not in value and "attachment" in str(
        {k.lower(): v for k, v in response.headers.items()}.get("content-disposition", ""))


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError
        return False
    return True
