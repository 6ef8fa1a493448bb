"""The OpenAPI document is valid and complete: every operation, including ones added later, has
a unique operationId, documents the errors its shape implies in the one error shape, and says
what is inside every object it sends or takes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.web.openapi_walk import free_form, operations

ERROR_SCHEMA = {"$ref": "#/components/schemas/ApiError"}


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_operation_has_a_unique_operation_id(spec: dict[str, Any]) -> None:
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert len(ids) >= 40
    assert None not in ids
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


def test_operation_ids_are_named_after_the_endpoint(spec: dict[str, Any]) -> None:
    detail = spec["paths"]["/api/v1/boundaries/{boundary_id}"]
    assert detail["patch"]["operationId"] == "boundaries_BoundaryDetail_patch"
    assert spec["paths"]["/api/v1/tokens"]["post"]["operationId"] == "accounts_Tokens_post"


def _implied(path: str, method: str, op: dict[str, Any]) -> set[str]:
    implied = set()
    if "requestBody" in op:
        implied |= {"400", "413", "422"}
    if any(p.get("in") == "query" for p in op.get("parameters", [])):
        implied.add("422")
    if op.get("security"):
        implied.add("401")
    if "{" in path:
        implied.add("404")
    if method in ("post", "put", "patch", "delete"):
        implied.add("503")
    return implied


def test_every_operation_documents_the_errors_its_shape_implies(spec: dict[str, Any]) -> None:
    missing = {
        f"{method.upper()} {path}": sorted(_implied(path, method, op) - set(op["responses"]))
        for path, method, op in operations(spec)
    }
    assert {where: codes for where, codes in missing.items() if codes} == {}


def test_every_client_error_has_the_error_shape_and_says_when(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.isdigit() or int(status) < 400:
                continue
            where = f"{method.upper()} {path} {status}"
            schema = response["content"]["application/json"]["schema"]
            # A 5xx may answer in a shape of its own (GET /ready says what is wrong).
            assert schema == ERROR_SCHEMA or int(status) >= 500, where
            assert "$ref" in schema, where
            assert response["description"] not in ("", "error"), where


def test_rate_limited_operations_document_429_with_retry_after(spec: dict[str, Any]) -> None:
    for path in ("/api/v1/tokens", "/api/v1/register"):
        response = spec["paths"][path]["post"]["responses"]["429"]
        assert "Retry-After" in response["headers"]
    # Only the password checks are limited.
    assert "429" not in spec["paths"]["/api/v1/tokens"]["get"]["responses"]
    assert "429" not in spec["paths"]["/api/v1/questions"]["post"]["responses"]


def test_no_object_is_free_form_where_its_shape_is_known(spec: dict[str, Any]) -> None:
    assert list(free_form(spec)) == []


def test_nested_shapes_are_documented(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    event = schemas["BoundaryIn"]["properties"]["event"]
    assert event["allOf"] == [{"$ref": "#/components/schemas/EventShape"}]
    assert set(schemas["EventShape"]["properties"]) == {"kind", "date", "years", "value"}
    assert "yes" in schemas["EventShape"]["properties"]["kind"]["enum"]
    murphy = schemas["TrackRecordOut"]["properties"]["murphy"]
    assert {"$ref": "#/components/schemas/MurphyOut"} in murphy["anyOf"]


@pytest.mark.parametrize(
    "document",
    [
        {"openapi": "3.0.3", "info": {}, "paths": {}},
        {"type": "object"},
    ],
)
def test_the_checks_catch_what_they_look_for(document: dict[str, Any]) -> None:
    """The validator refuses a broken document and the walk finds a free-form object."""
    if "openapi" in document:
        with pytest.raises(OpenAPIValidationError, match='"title" is a required property'):
            validate(document)
    else:
        assert list(free_form({"components": {"schemas": {"Loose": document}}})) == [
            "#/components/schemas/Loose"
        ]
