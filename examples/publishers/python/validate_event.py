#!/usr/bin/env python3
"""Checks events against the payload schemas of Baton's AsyncAPI document before you send them,
standard library only: a small validator of the JSON Schema keywords those schemas use (the
document is generated from the same zod schemas the gateway validates with).

Usage:  python3 validate_event.py asyncapi.json < events.jsonl
        (one JSON value a line; prints one line each: {"valid": true} or {"valid": false, "reason": ...})
A keyword this validator does not know stops it with an error, rather than passing anything by.
Strings are measured as the gateway measures them (UTF-16 code units, JavaScript's length), and
regular expressions match ASCII classes (\\d is 0-9), as JavaScript's do.
"""
import json
import math
import re
import sys

ANNOTATIONS = {"$id", "$schema", "title", "description", "default", "deprecated", "format", "examples", "readOnly", "writeOnly"}
_patterns = {}


def _utf16_length(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _is_type(value, kind) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if kind == "number":
        return math.isfinite(value)
    if kind == "integer":
        return isinstance(value, int) or (math.isfinite(value) and value.is_integer())
    raise ValueError(f"unknown type {kind!r}")


def errors(schema, value, path="$"):
    """Every problem of `value` against `schema`, as strings naming the path."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    unknown = set(schema) - ANNOTATIONS - {
        "type", "properties", "required", "additionalProperties", "const", "enum", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "oneOf", "allOf", "items", "minItems", "maxItems",
        "propertyNames"}
    if unknown:
        raise ValueError(f"{path}: this validator does not know {sorted(unknown)}")
    found = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, k) for k in kinds):
            return [f"{path}: expected {' or '.join(kinds)}"]
    if "const" in schema and not _equal(value, schema["const"]):
        found.append(f"{path}: must be {json.dumps(schema['const'])}")
    if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
        found.append(f"{path}: must be one of {schema['enum']}")
    if isinstance(value, str):
        n = _utf16_length(value)
        if n < schema.get("minLength", 0):
            found.append(f"{path}: shorter than {schema['minLength']}")
        if "maxLength" in schema and n > schema["maxLength"]:
            found.append(f"{path}: longer than {schema['maxLength']}")
        if "pattern" in schema:
            pattern = _patterns.setdefault(schema["pattern"], re.compile(schema["pattern"], re.ASCII))
            if not pattern.search(value):
                found.append(f"{path}: does not match {schema['pattern']}")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: above {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append(f"{path}: must be above {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            found.append(f"{path}: must be below {schema['exclusiveMaximum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}.{name}: required")
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                found += errors(properties[name], item, f"{path}.{name}")
            elif "additionalProperties" in schema:
                found += errors(schema["additionalProperties"], item, f"{path}.{name}")
            if "propertyNames" in schema:
                found += errors(schema["propertyNames"], name, f"{path}.{name} (name)")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            found.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                found += errors(schema["items"], item, f"{path}[{i}]")
    if "anyOf" in schema and all(errors(s, value, path) for s in schema["anyOf"]):
        found.append(f"{path}: matches none of the alternatives")
    if "oneOf" in schema and sum(1 for s in schema["oneOf"] if not errors(s, value, path)) != 1:
        found.append(f"{path}: must match exactly one alternative")
    for s in schema.get("allOf", []):
        found += errors(s, value, path)
    return found


def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def event_schemas(asyncapi: dict) -> dict:
    """Each event type's payload schema, from the document's messages on baton.events.<type>."""
    messages = asyncapi["components"]["messages"]
    schemas = {}
    for channel in asyncapi["channels"].values():
        if not channel["address"].startswith("baton.events."):
            continue
        for ref in channel["messages"].values():
            schemas[channel["address"][len("baton.events."):]] = messages[ref["$ref"].split("/")[-1]]["payload"]
    return schemas


def validate(schemas: dict, event) -> list:
    event_type = event.get("type") if isinstance(event, dict) else None
    if not isinstance(event_type, str) or event_type not in schemas:
        return [f"$.type: not a registered event type ({', '.join(sorted(schemas))})"]
    return errors(schemas[event_type], event)


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    with open(argv[1], encoding="utf-8") as f:
        schemas = event_schemas(json.load(f))
    for line in sys.stdin:
        if not line.strip():
            continue
        problems = validate(schemas, json.loads(line))
        print(json.dumps({"valid": True} if not problems else {"valid": False, "reason": "; ".join(problems)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
