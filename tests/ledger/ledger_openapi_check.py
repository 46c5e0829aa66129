"""Checks JSON values against the schemas of bot/ledger/openapi.yaml.

A small validator for the part of JSON Schema the contract uses ($ref, type, required,
properties, additionalProperties: false, enum, pattern, minimum, maximum, oneOf, items,
format: date); written here because the project does not depend on a JSON-Schema library.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

OPENAPI_PATH = PROJECT_ROOT / "bot" / "ledger" / "openapi.yaml"
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    return yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


def resolve(ref: str) -> dict[str, Any]:
    node: Any = openapi()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def response_schema(path: str, status: str) -> dict[str, Any]:
    """The JSON schema of ``GET path`` answering ``status`` (following response $refs)."""
    response = openapi()["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        response = resolve(response["$ref"])
    return response["content"]["application/json"]["schema"]


def errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty when it conforms)."""
    if "$ref" in schema:
        return errors(value, resolve(schema["$ref"]), where)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, where)]
        return [] if len(matching) == 1 else [f"{where}: matches {len(matching)} of oneOf, not exactly one"]
    found: list[str] = []
    kind = schema.get("type")
    if kind is not None and not _TYPES[kind](value):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                found.append(f"{where}: {value!r} is not a date")
    if isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: missing {name!r}")
        for name, item in value.items():
            if name in properties:
                found += errors(item, properties[name], f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: unexpected {name!r}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(item, schema["items"], f"{where}[{i}]")
    return found
