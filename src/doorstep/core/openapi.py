"""The OpenAPI document states the server's own input rules (issue 18, defect 11).

Pydantic writes each field's type, lengths, bounds and enums; what it cannot know is
said here, once for every operation, by rewriting the generated document:

- the one text-input policy (core.inputpolicy): every free string of a parameter or a
  request body gets a `pattern` that excludes the control characters the server refuses
  (NUL, C0 except tab/LF/CR, DEL);
- request bodies take only their documented fields (`additionalProperties: false`):
  the server ignores unknown fields, but it still screens every key and value of the
  body with the text-input policy, so the schema promises no more than that a client
  sending only documented fields is understood;
- a decimal sent as text is digits (pydantic allows any string beside the number);
  map keys (`dict[str, X]`) follow the text policy, and an object whose keys must match
  `patternProperties` takes no other key;
- an optional parameter is sent or left out, never sent as JSON `null`: its schema is
  the value's own (pydantic writes `anyOf: [X, null]` for `X | None`).

A schema-valid request can still be refused for what no schema can say: a record
outside the caller's area, a state that does not allow the step, a cursor the server
did not make. core/tests/test_api_fuzz.py counts those apart.
"""

from __future__ import annotations

from typing import Any

# The characters core.inputpolicy refuses, as an ECMA-262 pattern (JSON Schema's).
CLEAN_TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
# A decimal written as text (pydantic offers `number | string` for a Decimal): digits,
# not any text (`\d` would also allow other scripts' digits, which the server refuses).
DECIMAL_TEXT = "^-?[0-9]{1,12}(\\.[0-9]{1,6})?$"
# Formats whose values never hold a control character: no pattern needed.
_SAFE_FORMATS = {"date", "date-time", "time", "uuid", "email", "uri", "binary", "decimal"}


def _decimal_text(schema: dict) -> str:
    """DECIMAL_TEXT narrowed to the field's own digits (max_digits, decimal_places) and
    sign (minimum 0), so that a decimal sent as text states what the column holds."""
    digits, places = schema.get("max_digits"), schema.get("decimal_places")
    sign = "" if (schema.get("minimum") is not None and schema["minimum"] >= 0) else "-?"
    if isinstance(digits, int) and isinstance(places, int) and digits > places:
        fraction = f"(\\.[0-9]{{1,{places}}})?" if places else ""
        return f"^{sign}[0-9]{{1,{digits - places}}}{fraction}$"
    return f"^{sign}[0-9]{{1,12}}(\\.[0-9]{{1,6}})?$"


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _drop_null(schema: dict) -> dict:
    """`anyOf: [X, null]` becomes X (keeping the title, description and default)."""
    options = schema.get("anyOf")
    if not isinstance(options, list):
        return schema
    kept = [o for o in options if not _is_null(o)]
    if len(kept) == len(options) or not kept:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    if rest.get("default", "") is None:
        rest.pop("default")
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "anyOf": kept}


def _tighten(schema: Any, components: dict, seen: set[str], *, body: bool) -> Any:
    """Rewrite one schema (in place where it is a component) for request input."""
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen and name in components:
            seen.add(name)
            components[name] = _tighten(components[name], components, seen, body=body)
        return schema
    schema = _drop_null(schema)
    options = schema.get("anyOf")
    if isinstance(options, list) and any(o.get("type") == "number" for o in options):
        for option in options:
            if option.get("type") == "string" and "pattern" not in option:
                option["pattern"] = _decimal_text(schema)
    if schema.get("type") == "string" and not (
        "pattern" in schema
        or "enum" in schema
        or "const" in schema
        or schema.get("format") in _SAFE_FORMATS
    ):
        schema["pattern"] = CLEAN_TEXT
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            schema[key] = [_tighten(s, components, seen, body=body) for s in schema[key]]
    if isinstance(schema.get("items"), dict):
        schema["items"] = _tighten(schema["items"], components, seen, body=body)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in list(properties.items()):
            properties[name] = _tighten(sub, components, seen, body=body)
    patterns = schema.get("patternProperties")
    if isinstance(patterns, dict):
        for name, sub in list(patterns.items()):
            patterns[name] = _tighten(sub, components, seen, body=body)
    if body and (properties is not None or patterns is not None):
        schema.setdefault("additionalProperties", False)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        # A map (dict[str, X]): its keys are text too.
        schema["additionalProperties"] = _tighten(extra, components, seen, body=body)
        schema.setdefault("propertyNames", {"pattern": CLEAN_TEXT})
    return schema


def _referenced(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            out.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _referenced(value, out)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, out)
    return out


def _closure(names: set[str], components: dict) -> set[str]:
    todo, done = list(names), set()
    while todo:
        name = todo.pop()
        if name in done or name not in components:
            continue
        done.add(name)
        todo += list(_referenced(components[name], set()) - done)
    return done


def tighten_input_rules(document: dict) -> dict:
    """Rewrite the generated document in place (see the module docstring)."""
    components = document.get("components", {}).get("schemas", {})
    responses = _closure(
        {
            name
            for path in document.get("paths", {}).values()
            for operation in path.values()
            for name in _referenced(operation.get("responses", {}), set())
        },
        components,
    )
    seen: set[str] = set()
    for path in document.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _tighten(
                    parameter.get("schema", {}), components, seen, body=False
                )
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    media["schema"] = _tighten(media["schema"], components, seen, body=True)
    shared = {
        name
        for name in seen & responses
        if "properties" in components[name] or components[name].get("pattern") == CLEAN_TEXT
    }  # enums are shared, and left as they are
    # An input schema that an answer also uses would make the answer's validation
    # stricter too; none does today, and a new one fails this rather than passing.
    assert not shared, f"schemas used for input and output alike: {sorted(shared)}"
    return document
