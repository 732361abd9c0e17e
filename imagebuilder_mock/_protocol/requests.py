"""rest-json request parsing: URI, querystring and body members back into parameters."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.model import OperationModel

from .._errors import ImageBuilderError, InvalidRequest, invalid_value
from .._json_text import JsonTextError, load_json

__all__ = ["parse_request"]


def _malformed(reason: str) -> ImageBuilderError:
    # A body that cannot be deserialized is refused before any of the operation's
    # own checks run. AWS's front end answers its protocol-level
    # SerializationException, which no operation of the model lists; the mock
    # answers a modeled code instead (the service picks the one the operation
    # declares, see ``Service``).
    return InvalidRequest(reason)


class _Layout:
    """Where each input member of an operation travels on the wire."""

    def __init__(self, operation: OperationModel) -> None:
        shape = operation.input_shape
        self.uri: dict[str, str] = {}
        self.query: dict[str, tuple[str, str]] = {}
        if shape is not None:
            for name, member in shape.members.items():
                location = member.serialization.get("location")
                wire = member.serialization.get("name", name)
                if location == "uri":
                    self.uri[wire] = name
                elif location == "querystring":
                    self.query[wire] = (name, member.type_name)
        template = operation.http["requestUri"].split("?", 1)[0]
        # Templates look like ``/tags/{resourceArn}``: a fixed prefix, then one label.
        self.prefix, _, label = template.partition("{")
        self.label = label.rstrip("}+") if label else ""


@functools.cache
def _layout(operation: OperationModel) -> _Layout:
    return _Layout(operation)


def parse_request(operation: OperationModel, url: str, body: bytes | str | None) -> dict[str, Any]:
    """The operation's parameters as the client sent them (before validation)."""
    layout = _layout(operation)
    params: dict[str, Any] = {}
    if body:
        try:
            decoded = load_json(body)
        except JsonTextError as error:
            raise _malformed(f"The request body cannot be read: {error}") from None
        if not isinstance(decoded, dict):
            raise _malformed("The request body must be a JSON object.")
        params.update(decoded)
    if layout.label or layout.query:
        parts = urlsplit(url)
        if layout.label:
            raw = parts.path[len(layout.prefix) :] if parts.path.startswith(layout.prefix) else ""
            params[layout.uri[layout.label]] = unquote(raw)
        if parts.query:
            for wire, values in _query(parts.query).items():
                target = layout.query.get(wire)
                if target is None:
                    continue
                name, kind = target
                params[name] = values if kind == "list" else _scalar(name, kind, values[-1])
    return params


def _query(query: str) -> dict[str, list[str]]:
    """The querystring's values by name. botocore percent-encodes everything but
    ``-_.~``, so a plain split is exact (and much cheaper than ``parse_qs``)."""
    values: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if "%" in key:
            key = unquote(key)
        if "%" in value:
            value = unquote(value)
        values.setdefault(key, []).append(value)
    return values


def _scalar(name: str, kind: str, text: str) -> Any:
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise invalid_value(name, f"'{name}' must be an integer.") from None
    if kind == "boolean":
        return text.lower() == "true"
    return text
