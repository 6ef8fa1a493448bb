"""Walking an OpenAPI document: its operations and its free-form object schemas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
# How apispec writes "or null" beside a reference in OpenAPI 3.0: anyOf [{$ref}, NULL_MARKER].
NULL_MARKER = {"type": "object", "nullable": True}


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (path, method, operation) for every operation of the document."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _is_typed(schema: Any) -> bool:
    """Tell whether a schema says what its values are (a type, a reference or a union)."""
    return isinstance(schema, dict) and any(
        key in schema for key in ("type", "$ref", "oneOf", "anyOf", "allOf", "enum", "const")
    )


def free_form(node: Any, where: str = "#") -> Iterator[str]:
    """Yield where a schema is a free-form object or an untyped value.

    Free-form: `type: object` with no `properties` and no typed `additionalProperties` (a map
    whose values have a declared type is a genuine free map and is fine), or a property or an
    array's items with no type at all.
    """
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from free_form(item, f"{where}/{index}")
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "object" and "properties" not in node and node != NULL_MARKER:
        extra = node.get("additionalProperties")
        closed = extra is False or _is_typed(extra)
        if not closed and not any(k in node for k in ("oneOf", "anyOf", "allOf", "$ref")):
            yield where
    for name, child in node.get("properties", {}).items():
        if not _is_typed(child):
            yield f"{where}/properties/{name}"
        yield from free_form(child, f"{where}/properties/{name}")
    if node.get("type") == "array" and not _is_typed(node.get("items")):
        yield f"{where}/items"
    for key, child in node.items():
        # A schema's properties are walked above (their names may be "type" or "items").
        if key not in ("properties", "example", "examples", "default"):
            yield from free_form(child, f"{where}/{key}")
